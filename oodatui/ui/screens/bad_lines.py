"""The files followed and the lines that could not be read, with the reason."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from oodatui.records import BadLine
from oodatui.safe import one_line
from oodatui.ui.paths import keep_end, short_path
from oodatui.ui.view import FileRow, View
from oodatui.ui.widgets.rows import Column, RowTable

__all__ = ["BadLinesScreen", "BadLinesTable"]


WHERE_WIDTH = 44


class BadLinesTable(RowTable[BadLine]):
    """Bad lines, newest first: `file:line` and why the line was not read."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.empty_text = "no bad lines: every line read so far was good"

    def columns(self) -> Sequence[Column]:
        return [
            Column("where", "file:line", WHERE_WIDTH, priority=0),
            Column("reason", "reason", 0, priority=0, min_width=10),
        ]

    def row_key(self, row: BadLine) -> Hashable:
        return row.where

    def cells(self, row: BadLine) -> dict[str, Text]:
        where = f"{short_path(row.where.path)}:{row.where.lineno}"
        return {
            "where": Text(keep_end(one_line(where, 300), WHERE_WIDTH)),
            "reason": Text(one_line(row.reason, 500)),
        }


class BadLinesScreen(Screen[None]):
    """Opened with `b`; `escape` goes back."""

    def compose(self) -> ComposeResult:
        yield Static(id="files")
        yield BadLinesTable(id="bad-lines")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#files").border_title = "Files followed"
        self.query_one(BadLinesTable).focus()

    def show(self, view: View) -> None:
        self.query_one("#files", Static).update(_files(view.files))
        table = self.query_one(BadLinesTable)
        table.border_title = Text(_title(view.bad_lines, len(view.bad)))
        table.set_rows(tuple(reversed(view.bad)))


def _title(total: int, kept: int) -> str:
    if total == kept:
        return f"Bad lines · {total:,}" if total else "Bad lines · none"
    return f"Bad lines · {total:,}, the latest {kept:,} shown"


_STATUS = {"waiting": "not there yet", "gone": "deleted"}


def _files(files: Sequence[FileRow]) -> Table:
    table = Table(box=None, pad_edge=False, expand=True)
    for header in ("file", "status", "format", "good", "bad"):
        table.add_column(Text(header), no_wrap=True)
    table.add_column(Text("what happened"), ratio=1, no_wrap=True)
    for row in files:
        table.add_row(
            Text(keep_end(one_line(short_path(row.path), 300), 100)),
            Text(_STATUS.get(row.status, row.status)),
            Text(one_line(row.format or "–", 20)),
            Text(f"{row.good:,}"),
            Text(f"{row.bad:,}"),
            Text(one_line(row.notices[-1] if row.notices else "", 200)),
        )
    return table
