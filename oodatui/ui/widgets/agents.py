"""The agents table: one line per agent, its phase, pace, oversight and silence."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text

from oodatui.safe import one_line
from oodatui.ui import cells
from oodatui.ui.messages import AgentHighlighted
from oodatui.ui.view import AgentRow
from oodatui.ui.widgets.rows import Column, RowTable

__all__ = ["AgentsTable", "silence_flagged"]

SILENCE_FACTOR = 6.0
"""Silence is flagged past this many times the agent's usual gap between lines."""

SILENCE_FLOOR = 30.0
"""…and never under this many seconds, so a chatty agent's pause is not news."""

_COLUMNS = [
    Column("run", "run", 10, priority=1),
    Column("agent", "agent", 0, priority=0, min_width=10, max_width=20),
    Column("badge", "ph", 3, priority=1, justify="center"),
    Column("phase", "phase", 7, priority=7),
    Column("in_phase", "in phase", 8, priority=3, justify="right"),
    Column("loops", "loops", 5, priority=3, justify="right"),
    Column("tempo", "/min", 5, priority=4, justify="right"),
    Column("chain", "chain", 6, priority=2, justify="right"),
    Column("check", "ck", 2, priority=2, justify="center"),
    Column("spark", "checks", 12, priority=5),
    Column("silence", "silent", 7, priority=2, justify="right"),
    Column("tokens", "tokens", 6, priority=8, justify="right"),
    Column("latest", "latest", 0, priority=9, min_width=16),
]


def silence_flagged(row: AgentRow, now: float, live: bool = True) -> bool:
    """Whether an agent still running has been quiet far longer than usual;
    never in a run that has ended, where every agent is quiet."""
    if not live or row.last_ts is None or row.status not in (None, "running"):
        return False
    usual = row.usual_gap or 0.0
    return now - row.last_ts > max(SILENCE_FLOOR, SILENCE_FACTOR * usual)


class AgentsTable(RowTable[AgentRow]):
    """Every agent followed; `/` narrows the list to names holding a substring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        "agents--phase-observe",
        "agents--phase-orient",
        "agents--phase-decide",
        "agents--phase-act",
        "agents--phase-none",
        "agents--ok",
        "agents--fail",
        "agents--unknown",
        "agents--warn",
        "agents--ended",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.now = 0.0
        self.live = True
        self.chain_limit = 12
        self.show_run = False
        self.filter = ""
        self.all_rows: Sequence[AgentRow] = ()
        self.empty_text = "no agents yet: waiting for lines"

    def show(self, rows: Sequence[AgentRow], runs: int, now: float, live: bool) -> None:
        """Show the agents as of `now` (the clock, or the end of a finished run)."""
        self.now, self.live = now, live
        self.all_rows = rows
        if (runs > 1) != self.show_run:
            self.show_run = runs > 1
            self.forget_layout()
        self._apply_filter()

    def set_filter(self, text: str) -> None:
        self.filter = text.strip().lower()
        self._apply_filter()

    def _apply_filter(self) -> None:
        needle = self.filter
        rows = self.all_rows
        if needle:
            rows = [
                r for r in rows if needle in r.agent.lower() or needle in r.run.lower()
            ]
            self.empty_text = f"no agent name holds {one_line(needle, 40)!r}"
        else:
            self.empty_text = "no agents yet: waiting for lines"
        self.set_rows(rows)

    # RowTable -------------------------------------------------------------

    def columns(self) -> Sequence[Column]:
        return [c for c in _COLUMNS if c.key != "run" or self.show_run]

    def row_key(self, row: AgentRow) -> Hashable:
        return row.key

    def row_style(self, row: AgentRow) -> Style | None:
        if row.status not in (None, "running"):
            return self.cell_styles("agents--ended")
        return None

    def drawn_with(self) -> Hashable:
        return self.now, self.live

    def cursor_moved(self, row: AgentRow | None) -> None:
        self.post_message(AgentHighlighted(row.key if row else None).set_sender(self))

    def cells(self, row: AgentRow) -> dict[str, Text]:
        style = self._style
        since = None if row.phase_since is None else self.now - row.phase_since
        return {
            "run": Text(one_line(row.run, 60)),
            "agent": Text(one_line(row.agent, 120)),
            "badge": Text(f" {cells.phase_letter(row.phase)} ", style(_phase(row))),
            "phase": Text(row.phase or "–"),
            "in_phase": Text(cells.duration(since)),
            "loops": Text(str(row.loops)),
            "tempo": Text(cells.tempo(row.tempo)),
            "chain": self._chain(row),
            "check": self._last_check(row),
            "spark": self._spark(row),
            "silence": self._silence(row),
            "tokens": Text(cells.compact(row.tokens)),
            "latest": Text(one_line(row.latest, 200)),
        }

    # Cells ----------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.cell_styles(name)

    def _chain(self, row: AgentRow) -> Text:
        if row.since_checkpoint > self.chain_limit:
            return Text(f"⚠{row.since_checkpoint}", self._style("agents--warn"))
        return Text(str(row.since_checkpoint))

    def _last_check(self, row: AgentRow) -> Text:
        if not row.outcomes:
            return Text("–")
        ok = row.outcomes[-1]
        return Text(cells.outcome(ok), self._style(_outcome(ok)))

    def _spark(self, row: AgentRow) -> Text:
        text = Text()
        for ok, run in itertools.groupby(row.outcomes):
            text.append(cells.spark(run), self._style(_outcome(ok)))
        return text

    def _silence(self, row: AgentRow) -> Text:
        if row.status not in (None, "running"):
            return Text(f"■{one_line(row.status or '', 6)}")
        quiet = None if row.last_ts is None else self.now - row.last_ts
        if silence_flagged(row, self.now, self.live):
            return Text(f"⚠{cells.duration(quiet)}", self._style("agents--warn"))
        return Text(cells.duration(quiet))


def _phase(row: AgentRow) -> str:
    known = row.phase in cells.PHASE_LETTERS
    return f"agents--phase-{row.phase if known else 'none'}"


def _outcome(ok: bool | None) -> str:
    return f"agents--{cells.outcome_name(ok)}"
