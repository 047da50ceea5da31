"""The status line: what is followed, live or ended, pace, and bad lines."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from oodatui.safe import one_line
from oodatui.ui import cells
from oodatui.ui.view import FileRow
from oodatui.ui.widgets.styling import CellStyles

__all__ = ["Status", "StatusLine", "file_marks"]


@dataclass(frozen=True)
class Status:
    """Everything the status line says, gathered by the app."""

    mode: str
    """`loading`, `waiting`, `live` or `ended`."""
    files: Sequence[FileRow] = ()
    rate: float | None = None
    events: int = 0
    bad_lines: int = 0
    ended_ago: float | None = None
    read: tuple[int, int] = (0, 0)
    """Bytes read and bytes in all files, while loading."""
    voter: str = ""


def file_marks(files: Sequence[FileRow]) -> list[str]:
    """A word for each file that is not simply being followed."""
    marks = []
    for row in files:
        name = os.path.basename(row.path)
        if row.status in ("gone", "refused"):
            marks.append(f"{name} {row.status}")
        elif row.format == "unrecognised":
            marks.append(f"{name} unrecognised")
        if row.truncations:
            marks.append(f"{name} truncated×{row.truncations}")
        if row.rotations:
            marks.append(f"{name} replaced×{row.rotations}")
    return marks


class StatusLine(Static):
    """One line at the bottom; `b` opens the bad lines it counts."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status--mode", "status--problem"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cell_styles = CellStyles(self)
        self._shown: Text | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.cell_styles.clear()

    def show(self, status: Status) -> None:
        """Say `status`; a line that reads the same is not drawn again, and
        never costs a layout (the line is always one row high)."""
        self.set_class(status.mode == "live", "-live")
        self.set_class(status.mode == "ended", "-ended")
        self.set_class(status.mode == "loading", "-loading")
        text = self._text(status)
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)

    def _text(self, status: Status) -> Text:
        mode = self.cell_styles("status--mode")
        problem = self.cell_styles("status--problem")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f" {_mode(status)} ", mode)
        text.append(" ")
        text.append(_followed(status.files))
        for mark in file_marks(status.files):
            text.append(" · ")
            text.append(one_line(mark, 60), problem)
        text.append(f" · {_pace(status)}")
        if status.bad_lines:
            text.append(" · ")
            text.append(f"{status.bad_lines:,} bad lines (b)", problem)
        if status.voter:
            text.append(f" · voting as {one_line(status.voter, 30)}")
        return text


def _mode(status: Status) -> str:
    if status.mode == "loading":
        done, total = status.read
        share = f" {done / total:.0%}" if total else ""
        return f"⟳ reading{share}"
    if status.mode == "ended":
        return f"■ ended {cells.duration(status.ended_ago)} ago"
    if status.mode == "waiting":
        return "… waiting for lines"
    return "● live"


def _followed(files: Sequence[FileRow]) -> str:
    present = [f for f in files if f.status != "waiting"]
    if not present:
        return "no log files yet"
    if len(present) == 1:
        return one_line(os.path.basename(present[0].path), 40)
    return f"{len(present)} files"


def _pace(status: Status) -> str:
    if status.mode == "loading":
        done, total = status.read
        return f"{_size(done)} of {_size(total)} · {status.events:,} lines"
    if status.mode == "live" and status.rate is not None:
        return f"{status.rate:,.1f} ev/s · {status.events:,} events"
    return f"{status.events:,} events"


def _size(count: int) -> str:
    for limit, unit in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB")):
        if count >= limit:
            return f"{count / limit:.1f} {unit}"
    return f"{count} B"
