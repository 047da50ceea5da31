"""The notes a simulated agent writes in each phase, and its candidate answers.

Every function draws from the agent's random generator and returns plain text;
none writes anything.
"""

from __future__ import annotations

import random

from oodatui.demo.tasks import Approach, Task

__all__ = [
    "observe",
    "orient",
    "decide",
    "edit",
    "test_run",
    "chatter",
    "answer",
    "sha",
]


def sha(rng: random.Random) -> str:
    """A short commit hash."""
    return f"{rng.getrandbits(28):07x}"


def _test_file(task: Task) -> str:
    return f"tests/test_{task.files[0].rsplit('/', 1)[-1]}"


def observe(task: Task, approach: Approach, rng: random.Random) -> str:
    file, symbol = rng.choice(task.files), rng.choice(task.symbols)
    choices = [
        f"read {file} ({rng.randint(80, 900)} lines)",
        f"grep -rn '{symbol.split('.')[-1]}' src/: "
        f"{rng.randint(7, 30)} hits in {rng.randint(2, 6)} files",
        f"traceback ends in {file}:{rng.randint(20, 600)} in {symbol}",
        f"git log -5 -- {file}: last change {rng.randint(2, 90)} days ago ({sha(rng)})",
        rng.choice(task.symptoms),
        f"re-read the report: {task.goal}",
    ]
    return rng.choice(choices)


def orient(task: Task, approach: Approach, rng: random.Random) -> str:
    others = [h for h in task.hypotheses if h != approach.hypothesis]
    symbol = rng.choice(task.symbols)
    choices = [
        f"hypothesis: {approach.hypothesis}",
        f"{approach.file}:{rng.randint(20, 600)}: {symbol} looks like the culprit",
        f"ruled out: {rng.choice(others)}",
        f"consistent with the symptom: {rng.choice(task.symptoms)}",
    ]
    return rng.choice(choices)


def decide(task: Task, approach: Approach, rng: random.Random) -> str:
    others = [f for f in task.fixes if f != approach.fix]
    choices = [
        f"plan: {approach.fix}",
        f"choose '{approach.fix}' over '{rng.choice(others)}': smaller diff",
        f"write {rng.choice(task.tests)} first, then {approach.fix}",
    ]
    return rng.choice(choices)


def edit(task: Task, approach: Approach, rng: random.Random) -> str:
    added, removed = rng.randint(2, 60), rng.randint(0, 25)
    choices = [
        f"edit {approach.file}: {approach.fix} (+{added} -{removed})",
        f"add regression test {rng.choice(task.tests)} to {_test_file(task)}",
        f"refactor {rng.choice(task.symbols)} to make the change smaller "
        f"(+{added} -{removed})",
    ]
    return rng.choice(choices)


def test_run(passed: int, failed: int, first: str, rng: random.Random) -> str:
    """The result line of a test run; `first` names the first failing test."""
    if failed == 0:
        return f"pytest -q: {passed} passed in {rng.uniform(1, 40):.1f}s"
    return f"pytest -q: {failed} failed, {passed} passed (first failure: {first})"


def chatter(task: Task, rng: random.Random) -> str:
    """An occasional message that is not part of the loop itself."""
    choices = [
        f"waiting for a CI runner (queue: {rng.randint(1, 6)})",
        f"context window at {rng.randint(40, 85)}%: summarising my notes",
        f"question for reviewers: may {rng.choice(task.symbols)} change its signature?",
        f"{rng.choice(task.tests)} is flaky on main too; not caused by my change",
    ]
    return rng.choice(choices)


def answer(task: Task, approach: Approach, tests: tuple[int, int], commit: str) -> str:
    """A candidate's full answer: several lines, as a reviewer would read it."""
    passed, failed = tests
    return "\n".join(
        [
            f"{approach.fix[0].upper()}{approach.fix[1:]}.",
            "",
            f"Root cause: {approach.hypothesis}.",
            "Changes:",
            f"  {approach.file}",
            f"  {_test_file(task)} (regression test {task.tests[0]})",
            f"Tests: {passed} passed, {failed} failed",
            f"Commit: {commit}",
        ]
    )
