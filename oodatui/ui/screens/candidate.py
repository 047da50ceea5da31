"""One candidate in full, every voter's verdict, and a vote with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from oodatui.read import Reader
from oodatui.records import Vote
from oodatui.safe import clean, inert, one_line
from oodatui.ui import cells
from oodatui.ui.paths import short_path
from oodatui.ui.view import CandidateRow

__all__ = ["CandidateScreen"]

ANSWER_SHOWN = 20_000
"""Characters of an answer shown; the rest stays in the log."""


class CandidateScreen(Screen[None]):
    """Opened with `enter` on a candidate. `a`, `x` and `c` vote here too, with
    whatever reason is typed in the reason box."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "reason",
            "Reason",
            tooltip="Type a reason for the next vote; enter returns to the keys",
            id="candidate-reason",
        ),
    ]
    """`r` moves to the reason box; `enter` there comes back to the keys."""

    def __init__(self, candidate: str, reader: Reader) -> None:
        super().__init__()
        self.candidate = candidate
        self.reader = reader
        self._line: tuple[str, int] | None = None
        self._detail: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="cand-title")
        with VerticalScroll(id="cand-body"):
            yield Static(id="cand-facts")
            yield Static(id="cand-summary")
            yield Static(id="cand-answer")
            yield Static(id="cand-ballot")
        yield Input(
            placeholder="reason for your vote (optional); enter, then a / x / c",
            id="reason",
        )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#cand-body").focus()

    # Voting with a reason -------------------------------------------------

    def action_reason(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _reason_done(self) -> None:
        self.query_one("#cand-body").focus()

    def take_reason(self) -> str | None:
        """The typed reason, cleared for the next vote."""
        field = self.query_one("#reason", Input)
        reason, field.value = field.value.strip(), ""
        return reason or None

    # Showing --------------------------------------------------------------

    def show(
        self,
        row: CandidateRow | None,
        ballot: Sequence[Vote],
        now: float,
        pending: str | None,
        policy: str,
    ) -> None:
        """Draw the candidate as last read; re-read its line when it changed."""
        title = Text(f"Candidate {one_line(self.candidate, 60)}", "bold")
        if row is None:
            title.append(" · not in the logs")
            self.query_one("#cand-title", Static).update(title)
            return
        place = f"rank {row.rank} by {policy}" if row.rank else "not in the top list"
        title.append(f" · {place} · by {one_line(row.agent, 40)}")
        self.query_one("#cand-title", Static).update(title)
        self._update("#cand-facts", _facts(row, pending))
        self._update("#cand-ballot", _ballot(ballot, now))
        if self._line != (row.path, row.lineno):
            self._line = (row.path, row.lineno)
            self._load(row)

    def _update(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, Static).update(content)

    @work(thread=True, exclusive=True, group="candidate-detail")
    def _load(self, row: CandidateRow) -> None:
        detail = self.reader.detail(row.id)
        self.app.call_from_thread(self._show_text, row, detail)

    def _show_text(self, row: CandidateRow, detail: dict[str, Any] | None) -> None:
        detail = detail or {}
        summary = detail.get("summary")
        if not isinstance(summary, str):
            summary = row.summary or ""
        answer = detail.get("answer")
        body = Text()
        body.append("summary\n", "bold")
        body.append_text(inert(summary or "–", keep_newlines=True))
        self._update("#cand-summary", body)
        text = Text()
        text.append("answer\n", "bold")
        if isinstance(answer, str):
            text.append(clean(answer[:ANSWER_SHOWN], keep_newlines=True))
            if len(answer) > ANSWER_SHOWN:
                text.append(f"\n… {len(answer) - ANSWER_SHOWN:,} more characters")
        else:
            text.append("–")
        self._update("#cand-answer", text)


def _facts(row: CandidateRow, pending: str | None) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    mine = f"{pending}… (being written)" if pending else (row.mine or "–")
    facts = [
        ("id", one_line(row.id, 200)),
        ("agent", one_line(row.agent, 200)),
        ("run", one_line(row.run, 200) or "–"),
        ("confidence", cells.percent(row.confidence)),
        ("tokens Δ", cells.signed(row.tokens_delta)),
        ("tests", _tests(row.tests)),
        ("commit", one_line(row.commit or "–", 80)),
        ("votes", f"{row.approvals} approve · {row.vetoes} veto"),
        ("my verdict", mine),
        ("line", f"{clean(short_path(row.path))}:{row.lineno}"),
    ]
    for name, value in facts:
        table.add_row(Text(name), Text(value))
    return table


def _tests(figures: tuple[int, int] | None) -> str:
    if figures is None:
        return "–"
    passed, failed = figures
    return f"{passed} passed · {failed} failed"


def _ballot(ballot: Sequence[Vote], now: float) -> RenderableType:
    heading = Text("verdicts\n", "bold")
    if not ballot:
        return heading + Text("no votes yet")
    table = Table(box=None, pad_edge=False, expand=True, title=heading)
    table.title_justify = "left"
    for header in ("voter", "verdict", "ago"):
        table.add_column(Text(header), no_wrap=True)
    table.add_column(Text("reason"), ratio=1)
    for vote in sorted(ballot, key=lambda v: v.ts or 0.0, reverse=True):
        ago = None if vote.ts is None else now - vote.ts
        table.add_row(
            Text(one_line(vote.voter, 40)),
            Text(vote.verdict),
            Text(cells.duration(ago)),
            inert(vote.reason or ""),
        )
    return table
