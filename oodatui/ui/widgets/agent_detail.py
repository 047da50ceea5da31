"""The highlighted agent up close: phase strip, checkpoints, recent events."""

from __future__ import annotations

import time
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from oodatui.safe import one_line
from oodatui.ui import cells
from oodatui.ui.view import AgentDetail
from oodatui.ui.widgets.styling import cell_style

__all__ = ["AgentDetailPane"]

RECENT_SHOWN = 40


DETAIL_PERIOD = 0.25
"""Seconds between redraws of one agent's detail while its lines pour in."""


class AgentDetailPane(VerticalScroll, can_focus=True):
    """Everything remembered about one agent, newest first (the strip reads
    left to right, newest on the right)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail--phase-observe",
        "detail--phase-orient",
        "detail--phase-decide",
        "detail--phase-act",
        "detail--phase-none",
        "detail--ok",
        "detail--fail",
        "detail--unknown",
        "detail--label",
        "detail--dim",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[AgentDetail | None, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("highlight an agent to see its history"), id="agent-head")
        yield Static(id="agent-strip")
        yield Static(id="agent-checks")
        yield Static(id="agent-recent")

    def on_resize(self) -> None:
        self._shown = None  # the phase strip fits the width: draw it again

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._shown = None  # another theme: the colours baked in are stale

    def show(self, detail: AgentDetail | None, now: float) -> None:
        """Draw `detail` as of `now`; skipped when nothing visible changed, and
        kept to a few times a second while the same agent stays highlighted
        (its tables are the costliest part of a frame)."""
        if self._shown == (detail, int(now)):
            return
        agent = None if detail is None else (detail.row.run, detail.row.agent)
        at = time.monotonic()
        if agent == self._agent and at - self._drawn_at < DETAIL_PERIOD:
            return
        self._shown, self._agent, self._drawn_at = (detail, int(now)), agent, at
        if detail is None:
            self._update("#agent-head", Text("no agent highlighted"))
            for part in ("#agent-strip", "#agent-checks", "#agent-recent"):
                self._update(part, Text())
            return
        self._update("#agent-head", self._head(detail))
        self._update("#agent-strip", self._strip(detail))
        self._update("#agent-checks", self._checks(detail, now))
        self._update("#agent-recent", self._recent(detail, now))

    _agent: tuple[str, str] | None = None
    _drawn_at: float = 0.0

    def _update(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, Static).update(content)

    def _style(self, name: str) -> Style:
        return cell_style(self, name)

    # Parts ----------------------------------------------------------------

    def _head(self, detail: AgentDetail) -> Text:
        row = detail.row
        dim = self._style("detail--dim")
        head = Text()
        head.append(one_line(row.agent, 80), "bold")
        if row.run:
            head.append(f" · run {one_line(row.run, 40)}", dim)
        if row.status:
            head.append(f" · {one_line(row.status, 20)}", dim)
        head.append("\n")
        figures = [
            row.phase or "no phase yet",
            f"{row.loops} loops",
            f"{detail.passed}✓ {detail.failed}✗ of {detail.checkpoint_count} checks",
            f"{cells.compact(row.tokens)} tokens",
        ]
        head.append(" · ".join(figures), dim)
        return head

    def _strip(self, detail: AgentDetail) -> Text:
        room = max(8, self.scrollable_content_region.width - len("phases  ◂now") - 1)
        phases = detail.phases[-room:]
        strip = Text("phases ", self._style("detail--label"))
        for phase, _ts in phases:
            known = phase if phase in cells.PHASE_LETTERS else "none"
            strip.append(
                cells.phase_letter(phase), self._style(f"detail--phase-{known}")
            )
        if not phases:
            strip.append("none yet", self._style("detail--dim"))
        else:
            strip.append(" ◂now", self._style("detail--dim"))
        return strip

    def _checks(self, detail: AgentDetail, now: float) -> RenderableType:
        if not detail.checkpoints:
            return Text("checkpoints: none yet", self._style("detail--dim"))
        table = _table("ago", "", "tests", "tokens", "commit", "note")
        for point in reversed(detail.checkpoints):
            outcome = Text(cells.outcome(point.ok), self._outcome(point.ok))
            table.add_row(
                Text(cells.duration(now - point.ts)),
                outcome,
                Text(cells.tests(point.tests)),
                Text(cells.compact(point.tokens)),
                Text(one_line(point.commit or "", 10)),
                Text(one_line(point.note or "", 200)),
            )
        table.title = Text("checkpoints", self._style("detail--label"))
        return table

    def _recent(self, detail: AgentDetail, now: float) -> RenderableType:
        if not detail.recent:
            return Text()
        table = _table("ago", "event", "note")
        for event in list(reversed(detail.recent))[:RECENT_SHOWN]:
            table.add_row(
                Text(cells.duration(now - event.ts)),
                Text(one_line(event.kind, 12)),
                Text(one_line(event.text, 300)),
            )
        table.title = Text("recent events", self._style("detail--label"))
        return table

    def _outcome(self, ok: bool | None) -> Style:
        return self._style(f"detail--{cells.outcome_name(ok)}")


def _table(*headers: str) -> Table:
    table = Table(
        box=None,
        expand=True,
        pad_edge=False,
        show_edge=False,
        title_justify="left",
        header_style="bold",
    )
    for header in headers[:-1]:
        table.add_column(Text(header), no_wrap=True)
    table.add_column(Text(headers[-1]), ratio=1, no_wrap=True, overflow="ellipsis")
    return table
