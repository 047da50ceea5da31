"""The headless summary of a run: a JSON object, or rich tables for people."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from oodatui.fold import AgentState, Candidate, RunState
from oodatui.rank import rank
from oodatui.safe import inert

__all__ = ["summary", "print_summary"]


def summary(state: RunState, policy: str = "recent", top: int | None = None) -> dict:
    """The summary object of `oodatui summary --json`."""
    agents = sorted(state.agents.values(), key=lambda a: a.key)
    candidates = rank(state.candidates.values(), policy)[:top]
    return {
        "events": state.events,
        "bad_lines": state.bad_lines,
        "votes": state.votes,
        "agents": [_agent(a) for a in agents],
        "candidates": [_candidate(c) for c in candidates],
    }


def _agent(a: AgentState) -> dict[str, Any]:
    return {
        "run": a.run,
        "agent": a.agent,
        "phase": a.phase,
        "loops": a.loops,
        "checkpoints": a.checkpoints,
        "checkpoints_ok": a.checkpoints_ok,
        "since_checkpoint": a.since_checkpoint,
        "tokens": a.tokens,
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    passed, failed = c.tests if c.tests is not None else (None, None)
    return {
        "run": c.run,
        "id": c.id,
        "agent": c.agent,
        "approvals": c.approvals,
        "vetoes": c.vetoes,
        "confidence": c.confidence,
        "tokens_delta": c.tokens_delta,
        "tests_passed": passed,
        "tests_failed": failed,
    }


def print_summary(data: dict[str, Any], policy: str, console: Console) -> None:
    """Print `summary` output as tables; agent text is shown inert."""
    console.print(
        f"{data['events']:,} events, {data['votes']:,} votes, "
        f"{data['bad_lines']:,} bad lines",
        markup=False,
    )
    console.print(_agents_table(data["agents"]))
    console.print(_candidates_table(data["candidates"], policy))


def _agents_table(agents: list[dict[str, Any]]) -> Table:
    table = Table(title="Agents", title_justify="left")
    for name in ("run", "agent", "phase", "loops", "checks", "ok", "chain"):
        table.add_column(name, justify="right" if name in _NUMBERS else "left")
    table.add_column("tokens", justify="right")
    for a in agents:
        table.add_row(
            inert(a["run"]),
            inert(a["agent"]),
            a["phase"] or "-",
            str(a["loops"]),
            str(a["checkpoints"]),
            str(a["checkpoints_ok"]),
            str(a["since_checkpoint"]),
            f"{a['tokens']:,}",
        )
    return table


def _candidates_table(candidates: list[dict[str, Any]], policy: str) -> Table:
    table = Table(title=f"Candidates by {policy}", title_justify="left")
    for name in ("#", "id", "agent", "conf", "tokens", "tests", "+", "-"):
        table.add_column(name, justify="right" if name in _NUMBERS else "left")
    for n, c in enumerate(candidates, 1):
        tests = (
            "-"
            if c["tests_passed"] is None
            else f"{c['tests_passed']}/{c['tests_passed'] + c['tests_failed']}"
        )
        table.add_row(
            str(n),
            inert(c["id"]),
            inert(c["agent"]),
            _num(c["confidence"], "{:.2f}"),
            _num(c["tokens_delta"], "{:,}"),
            tests,
            str(c["approvals"]),
            str(c["vetoes"]),
        )
    return table


_NUMBERS = {"loops", "checks", "ok", "chain", "#", "conf", "tokens", "+", "-"}


def _num(value: float | int | None, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)
