"""The candidates table: the top k under the current policy, and my verdicts."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import ClassVar

from rich.text import Text

from oodatui.safe import one_line
from oodatui.ui import cells
from oodatui.ui.messages import CandidateHighlighted
from oodatui.ui.view import CandidateRow
from oodatui.ui.widgets.rows import Column, RowTable

__all__ = ["CandidatesTable"]

_COLUMNS = [
    Column("rank", "#", 2, priority=0, justify="right"),
    Column("id", "id", 0, priority=0, min_width=10, max_width=24),
    Column("agent", "agent", 12, priority=2),
    Column("confidence", "conf", 4, priority=3, justify="right"),
    Column("tokens", "Δtok", 6, priority=4, justify="right"),
    Column("tests", "tests", 7, priority=3, justify="right"),
    Column("approvals", "✓", 3, priority=1, justify="right"),
    Column("vetoes", "✗", 3, priority=1, justify="right"),
    Column("mine", "mine", 8, priority=1),
    Column("summary", "summary", 0, priority=5, min_width=10),
]

_VERDICT_STYLES = {"approve": "cands--approve", "veto": "cands--veto"}


class CandidatesTable(RowTable[CandidateRow]):
    """Ranked candidates; my pending votes show at once, marked with `…`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        "cands--approve",
        "cands--veto",
        "cands--pending",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.pending: Callable[[str], str | None] = lambda candidate: None
        """My vote in flight on a candidate, if any."""
        self.empty_text = "no candidates yet"
        self.policy = ""
        """The policy the rows shown were ranked by."""

    def show(self, rows: Sequence[CandidateRow], policy: str) -> None:
        self.policy = policy
        self.set_rows(rows)

    def columns(self) -> Sequence[Column]:
        return _COLUMNS

    def row_key(self, row: CandidateRow) -> Hashable:
        return row.id

    def drawn_with(self) -> Hashable:
        return tuple(self.pending(row.id) for row in self.rows)

    def cursor_moved(self, row: CandidateRow | None) -> None:
        self.post_message(
            CandidateHighlighted(row.id if row else None).set_sender(self)
        )

    def cells(self, row: CandidateRow) -> dict[str, Text]:
        return {
            "rank": Text(str(row.rank or "")),
            "id": Text(one_line(row.id, 80)),
            "agent": Text(one_line(row.agent, 80)),
            "confidence": Text(cells.percent(row.confidence)),
            "tokens": Text(cells.signed(row.tokens_delta)),
            "tests": Text(cells.tests(row.tests)),
            "approvals": Text(str(row.approvals)),
            "vetoes": Text(str(row.vetoes)),
            "mine": self._mine(row),
            "summary": Text(one_line(row.summary or "", 300)),
        }

    def _mine(self, row: CandidateRow) -> Text:
        pending = self.pending(row.id)
        if pending is not None:
            style = self.cell_styles("cands--pending")
            return Text(f"{pending}…", style)
        if row.mine is None:
            return Text("")
        name = _VERDICT_STYLES.get(row.mine)
        return Text(row.mine, self.cell_styles(name) if name else "")
