"""The headless summary of a run: a JSON object, or plain text tables for people.

The tables are laid out here rather than by a terminal library, so that
`oodatui summary` starts quickly. Every cell passes through `one_line`, so no
text an agent or a voter wrote can drive the terminal.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from oodatui.rank import rank
from oodatui.safe import one_line

if TYPE_CHECKING:
    from oodatui.fold import RunState
    from oodatui.records import AgentState, Candidate

__all__ = ["summary", "print_summary"]

CELL_LIMIT = 60
"""Characters of agent text shown in one cell; longer text ends in `…`."""

GAP = "  "

Column = tuple[str, bool]
"""A header, and whether the column is right-aligned (numbers are)."""


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


# Tables ----------------------------------------------------------------------

AGENT_COLUMNS: tuple[Column, ...] = (
    ("run", False),
    ("agent", False),
    ("phase", False),
    ("loops", True),
    ("checks", True),
    ("ok", True),
    ("chain", True),
    ("tokens", True),
)

CANDIDATE_COLUMNS: tuple[Column, ...] = (
    ("#", True),
    ("id", False),
    ("agent", False),
    ("conf", True),
    ("tokens", True),
    ("tests", False),
    ("+", True),
    ("-", True),
)


def print_summary(data: dict[str, Any], policy: str, out: TextIO | None = None) -> None:
    """Print `summary` output as text tables (on stdout unless `out` is given)."""
    counts = (
        f"{data['events']:,} events, {data['votes']:,} votes, "
        f"{data['bad_lines']:,} bad lines"
    )
    agents = _table("Agents", AGENT_COLUMNS, map(_agent_row, data["agents"]))
    ranked = enumerate(data["candidates"], 1)
    candidates = _table(
        f"Candidates by {one_line(policy)}",
        CANDIDATE_COLUMNS,
        (_candidate_row(n, c) for n, c in ranked),
    )
    (out or sys.stdout).write(f"{counts}\n\n{agents}\n\n{candidates}\n")


def _agent_row(a: dict[str, Any]) -> list[str]:
    return [
        _cell(a["run"]),
        _cell(a["agent"]),
        _cell(a["phase"]) or "-",
        str(a["loops"]),
        str(a["checkpoints"]),
        str(a["checkpoints_ok"]),
        str(a["since_checkpoint"]),
        f"{a['tokens']:,}",
    ]


def _candidate_row(n: int, c: dict[str, Any]) -> list[str]:
    passed = c["tests_passed"]
    tests = "-" if passed is None else f"{passed}/{passed + c['tests_failed']}"
    return [
        str(n),
        _cell(c["id"]),
        _cell(c["agent"]),
        _num(c["confidence"], "{:.2f}"),
        _num(c["tokens_delta"], "{:,}"),
        tests,
        str(c["approvals"]),
        str(c["vetoes"]),
    ]


def _cell(text: str | None) -> str:
    return one_line(text or "", CELL_LIMIT)


def _num(value: float | int | None, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


# Layout ----------------------------------------------------------------------


def _table(title: str, columns: tuple[Column, ...], rows: Iterable[list[str]]) -> str:
    """`title` over a header, a rule and `rows`, each column as wide as its
    widest cell; the cells must already be clean."""
    headers = [name for name, _ in columns]
    body = list(rows)
    widths = [max(map(_width, cells)) for cells in zip(headers, *body, strict=True)]
    right = [aligned for _, aligned in columns]
    rule = ["-" * w for w in widths]
    lines = [_line(cells, widths, right) for cells in (headers, rule, *body)]
    return "\n".join([title, *lines])


def _line(cells: list[str], widths: list[int], right: list[bool]) -> str:
    padded = []
    for cell, wide, to_right in zip(cells, widths, right, strict=True):
        space = " " * (wide - _width(cell))
        padded.append(space + cell if to_right else cell + space)
    return GAP.join(padded).rstrip()


def _width(text: str) -> int:
    """Terminal columns `text` takes: two per wide East Asian character, none
    per combining mark."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
