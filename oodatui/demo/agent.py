"""One simulated agent of the demo swarm, run as its own process.

    python -m oodatui.demo.agent --dir DIR --index 2 --rate 1.5 --seed 1

It works on one task through the OODA loop, writing its run log through
`RunLog`, and reads back what reviewers decided about its candidates: a vetoed
candidate is dropped for a new approach, an approved one is acknowledged.
What it writes depends only on the seed, its index and the votes it reads.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

from oodatui.demo import notes
from oodatui.demo.pacing import PacedLog, Pacer, StopFlag, Stopped
from oodatui.demo.reviewer import Reviewer
from oodatui.demo.roles import Role, agent_name, role_of
from oodatui.demo.tasks import Approach, Task, new_approach, pick_task
from oodatui.runlog import RunLog
from oodatui.write import WriteError

__all__ = ["Agent", "main"]

TOKENS = {
    "observe": (600, 4000),
    "orient": (300, 1500),
    "decide": (150, 600),
    "act": (400, 2500),
}
"""Tokens a line of each phase spends, as (least, most)."""

NoteMaker = Callable[[Task, Approach, random.Random], str]

OPEN_KEPT = 4
"""Candidates whose verdicts an agent keeps watching."""


class Agent:
    """The behaviour of one agent; every line goes through its `RunLog`."""

    def __init__(
        self, log: RunLog, task: Task, number: int, role: Role, rng: random.Random
    ) -> None:
        self.log, self.task, self.number = log, task, number
        self.role, self.rng = role, rng
        self.approach = new_approach(task, rng, None)
        self.progress = rng.uniform(0.3, 0.6)
        """How close the approach is to passing every test (1 and above: done)."""
        self.loops = 0
        self.next_checkpoint = self._interval()
        self.checkpoints = 0
        self.spent = 0
        """Tokens spent on the current approach."""
        self.tests = (task.suite - 3, 3)
        self.failing = task.tests[0]
        """The first failing test of the last run."""
        self.last_note = ""
        self.current: str | None = None
        """The candidate being refined, if any."""
        self.polish_left = 0
        self.proposed = 0
        self.open: list[str] = []
        """Candidates still standing, whose verdicts are watched."""
        self.acknowledged: set[tuple[str, str]] = set()

    def run(self) -> None:
        """Work until stopped, then write the end line."""
        try:
            self.log.start(note=f"task: {self.task.goal}")
            if self.role.baseline:
                self._baseline()
            while True:
                self.loop()
        except Stopped as stop:
            self.log.end(stop.status)

    def loop(self) -> None:
        """One pass through observe, orient, decide and act."""
        self.react()
        for _ in range(self.rng.randint(1, 2)):
            self.think("observe", notes.observe)
        self.react()
        for _ in range(self.rng.randint(1, 2)):
            self.think("orient", notes.orient)
        self.think("decide", notes.decide)
        self.progress += self.rng.uniform(*self.role.gain)
        self.act()

        self.loops += 1
        if self.loops >= self.next_checkpoint:
            self.checkpoint()
        self.after_loop()
        if self.rng.random() < 0.1:
            self.log.message(notes.chatter(self.task, self.rng))

    def think(self, name: str, make: NoteMaker) -> None:
        """A phase line with a note drawn by `make`, not the same as the last."""
        note = make(self.task, self.approach, self.rng)
        for _ in range(3):
            if note != self.last_note:
                break
            note = make(self.task, self.approach, self.rng)
        self.phase(name, note)

    def phase(self, name: str, note: str) -> None:
        self.last_note = note
        tokens = self.rng.randint(*TOKENS[name])
        self.spent += tokens
        self.log.phase(name, note=note, step=self.loops + 1, tokens=tokens)

    def act(self) -> None:
        for _ in range(self.rng.randint(1, 2)):
            self.think("act", notes.edit)
        self.tests = self._run_tests()
        self.failing = self.rng.choice(self.task.tests)
        self.phase("act", notes.test_run(*self.tests, self.failing, self.rng))

    def _run_tests(self) -> tuple[int, int]:
        failed = 0
        if self.progress < 1:
            failed = max(1, round((1 - self.progress) * self.rng.randint(2, 8)))
        if failed == 0 and self.rng.random() < self.role.fail_rate:
            failed = self.rng.randint(1, 3)
        return (self.task.suite - failed, failed)

    def _baseline(self) -> None:
        self.phase("observe", "run the test suite before touching anything")
        self.checkpoint("baseline before any change")

    def checkpoint(self, note: str | None = None) -> None:
        passed, failed = self.tests
        self.checkpoints += 1
        if note is None and failed:
            note = f"{self.failing} still fails"
        self.log.checkpoint(
            id=f"{self.log.agent}-k{self.checkpoints}",
            ok=failed == 0,
            tests={"passed": passed, "failed": failed},
            commit=notes.sha(self.rng),
            note=note or f"green after: {self.approach.fix}",
            tokens=self.rng.randint(80, 400),
        )
        self.next_checkpoint = self.loops + self._interval()

    def _interval(self) -> int:
        return self.rng.randint(*self.role.checkpoint_every)

    # Candidates -----------------------------------------------------------

    def after_loop(self) -> None:
        """Propose when the fix is ready; refine a proposal, then move on."""
        if self.current is not None:
            self.refine(self.current)
        elif self.tests[1] == 0 or (self.role.hasty and self.rng.random() < 0.3):
            self.propose()

    def propose(self) -> None:
        self.proposed += 1
        cid = f"{self.task.code}-{self.number}.{self.proposed}"
        passed, failed = self.tests
        commit = notes.sha(self.rng)
        self.log.candidate(
            id=cid,
            summary=self.approach.fix,
            confidence=self._confidence(),
            tokens_delta=self.spent,
            tests={"passed": passed, "failed": failed},
            commit=commit,
            answer=notes.answer(self.task, self.approach, self.tests, commit),
        )
        self.current = cid
        self.polish_left = self.rng.randint(1, 3)
        self.open = [*self.open, cid][-OPEN_KEPT:]

    def _confidence(self) -> float:
        low, high = (0.55, 0.97) if self.tests[1] == 0 else (0.25, 0.6)
        return round(self.rng.uniform(low, high), 2)

    def refine(self, cid: str) -> None:
        """Update the candidate now and then; after a few loops, move on."""
        self.polish_left -= 1
        if self.rng.random() < 0.4:
            passed, failed = self.tests
            self.log.candidate(
                id=cid,
                confidence=self._confidence(),
                tokens_delta=self.spent,
                tests={"passed": passed, "failed": failed},
            )
        if self.polish_left <= 0:
            self.current = None
            self.switch(f"{cid} is ready for review; next angle")

    def switch(self, why: str) -> None:
        """Start on a new approach, saying so."""
        self.approach = new_approach(self.task, self.rng, self.approach)
        self.progress = self.rng.uniform(0.0, 0.3)
        self.spent = 0
        self.log.message(f"{why}: {self.approach.hypothesis}")

    # Verdicts -------------------------------------------------------------

    def react(self) -> None:
        """Read reviewers' verdicts: drop what was vetoed, thank for approvals."""
        for cid in list(self.open):
            verdicts = self.log.verdicts(cid)
            vetoers = sorted(v for v, verdict in verdicts.items() if verdict == "veto")
            if vetoers:
                self.drop(cid, vetoers)
                continue
            approvers = sorted(
                v for v, verdict in verdicts.items() if verdict == "approve"
            )
            for voter in approvers:
                if (cid, voter) not in self.acknowledged:
                    self.acknowledged.add((cid, voter))
                    self.log.message(f"{cid} approved by {voter}; acknowledged")

    def drop(self, cid: str, vetoers: list[str]) -> None:
        self.open.remove(cid)
        self.log.message(f"{cid} vetoed by {', '.join(vetoers)}: dropping it")
        if cid == self.current:
            self.current = None
            self.switch(f"{cid} dropped; new approach")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stop = StopFlag(args.parent)
    stop.install()

    task, run = pick_task(args.seed, args.index)
    name = agent_name(args.index)
    clock = random.Random(f"clock-{args.seed}-{args.index}")
    start = None if args.clock is None else args.clock + clock.uniform(0, 3)
    pacer = Pacer(args.rate, clock, stop, fake_start=start, steps=args.steps)
    reviewer = Reviewer(random.Random(f"review-{args.seed}-{args.index}"))
    log = PacedLog(
        Path(args.dir) / f"{name}.jsonl",
        agent=name,
        run=run,
        pacer=pacer,
        reviewer=reviewer if args.review else None,
    )
    rng = random.Random(args.seed + args.index)
    try:
        Agent(log, task, args.index + 1, role_of(args.index), rng).run()
    except WriteError as exc:
        print(f"oodatui demo: {name}: {exc}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m oodatui.demo.agent")
    parser.add_argument("--dir", required=True, help="folder of the run logs")
    parser.add_argument("--index", type=int, required=True, help="0-based")
    parser.add_argument("--rate", type=float, default=1.0, help="lines per second")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parent", type=int, help="stop when this process is gone")
    parser.add_argument("--clock", type=float, help="fake clock start (no sleeping)")
    parser.add_argument("--steps", type=int, help="lines to write before ending")
    parser.add_argument("--review", action="store_true", help="scripted reviewer")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
