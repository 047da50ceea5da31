"""The highlighted agent up close: phase strip, checkpoints, recent events.

Drawn line by line: `show` lays the agent's lines out once for the pane's
width, and a frame renders only the lines in view, each kept as a `Strip`
until the agent's copy, the second shown, the width or the styles change.
A new line in the highlighted agent's log costs a few rows' rendering, not a
layout of the whole screen (only the scrollbar coming or going needs one).
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from oodatui.ui.view import AgentDetail
from oodatui.ui.widgets.detail_lines import detail_lines
from oodatui.ui.widgets.styling import CellStyles

__all__ = ["AgentDetailPane", "DETAIL_PERIOD"]

DETAIL_PERIOD = 0.25
"""Seconds between redraws of one agent's detail while its lines pour in."""

_WAITING = "highlight an agent to see its history"


class AgentDetailPane(ScrollView, can_focus=True):
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

    DEFAULT_CSS = """
    AgentDetailPane {
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cell_styles = CellStyles(self)
        self._shown: tuple[AgentDetail | None, int] | None = None
        self._now = 0.0
        self._agent: tuple[str, str] | None = None
        self._drawn_at = float("-inf")
        self._lines: list[Text] = [Text(_WAITING)]
        self._strips: dict[int, Strip] = {}
        self._stale = False
        self._width = 0
        self._scrolls = False
        """Whether the lines overflow the pane, so a scrollbar takes a column."""

    def show(self, detail: AgentDetail | None, now: float) -> None:
        """Draw `detail` as of `now`; skipped when nothing visible changed, and
        kept to a few times a second while the same agent stays highlighted."""
        if self._shown == (detail, int(now)):
            return
        agent = None if detail is None else (detail.row.run, detail.row.agent)
        at = time.monotonic()
        if agent == self._agent and at - self._drawn_at < DETAIL_PERIOD:
            return
        self._shown, self._agent, self._drawn_at = (detail, int(now)), agent, at
        self._now = now
        self._lay_out()

    # Lines ----------------------------------------------------------------

    def _lay_out(self) -> None:
        """Make the lines for the width they will have (less the scrollbar's
        when they overflow the pane); drop the rendered ones."""
        room, full = self.container_size.height, self.size.width
        narrow = max(0, full - self.styles.scrollbar_size_vertical)
        lines = self._make_lines(narrow if self._scrolls else full)
        if (len(lines) > room) != self._scrolls:
            self._scrolls = not self._scrolls
            lines = self._make_lines(narrow if self._scrolls else full)
        self._lines, self._width = lines, narrow if self._scrolls else full
        self._strips.clear()
        self._stale = False
        self._set_height(len(lines))
        self.refresh()

    def _set_height(self, count: int) -> None:
        """Make the pane `count` lines high. Textual lays the whole screen out
        again for a new virtual size, which only the scrollbar coming or going
        needs: otherwise the height and the scrollbar's thumb are set here."""
        size = Size(self._width, count)
        old, room = self.virtual_size, self.container_size.height
        if size == old:
            return
        if size.width != old.width or (count > room) != (old.height > room):
            self.virtual_size = size
            return
        self.set_reactive(Widget.virtual_size, size)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = count
        self.scroll_y = min(self.scroll_y, self.max_scroll_y)

    def _make_lines(self, width: int) -> list[Text]:
        if self._shown is None:
            return [Text(_WAITING)]
        detail = self._shown[0]
        if detail is None:
            return [Text("no agent highlighted")]
        console = self.app.console
        return detail_lines(detail, self._now, width, self.cell_styles, console)

    def render_line(self, y: int) -> Strip:
        if self._stale:
            self._lines, self._stale = self._make_lines(self._width), False
            self._strips.clear()
        index = round(self.scroll_y) + y
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = self._strip_at(index)
        return strip

    def _strip_at(self, index: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.cell_styles.base
        if index >= len(self._lines):
            return Strip.blank(width, base)
        strip = Strip(self._lines[index].render(self.app.console))
        return strip.apply_style(base).crop_extend(0, width, base)

    # Changes --------------------------------------------------------------

    def on_resize(self) -> None:
        if self.is_mounted:
            self._lay_out()  # tables and the phase strip fit the width

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.cell_styles.clear()
        self._stale = True  # the colours baked into the lines are stale
