"""A table drawn line by line: only the rows in view are ever rendered.

`RowTable` keeps a plain sequence of rows and renders a row into a `Strip`
when Textual asks for that line, so a table of 100,000 rows costs what its 30
visible rows cost. Subclasses say which columns exist and what each cell
holds, as `Text` built from inert agent text. The cursor follows a row's key
when the rows change, so a highlighted row stays highlighted while new rows
arrive around it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, Literal, TypeVar

from rich.cells import set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from oodatui.ui.widgets.styling import CellStyles

__all__ = ["Column", "RowTable"]

Justify = Literal["left", "right", "center"]
RowT = TypeVar("RowT")

_SPACE = Segment(" ")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    """Cells wide; 0 for the one column that takes the room left over."""
    priority: int = 0
    """Columns with the lowest priority numbers are kept when room is short."""
    justify: Justify = "left"
    min_width: int = 8
    """For a flexible column: less than this and it is dropped."""
    max_width: int = 0
    """For a flexible column: at most this wide (0: no limit); the room left
    goes to the next flexible column."""


class RowTable(ScrollView, Generic[RowT], can_focus=True):
    """Rows of cells under a fixed header line, with a keyboard cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False, id="row-up"),
        Binding("down,j", "move(1)", "Down", show=False, id="row-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="page-down"),
        Binding("home", "jump(0)", "First row", show=False, id="first-row"),
        Binding("end", "jump(-1)", "Last row", show=False, id="last-row"),
    ]
    """Moving the cursor; `j`/`k` as in vi."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rows--header",
        "rows--cursor",
        "rows--cursor-blurred",
        "rows--empty",
    }

    DEFAULT_CSS = """
    RowTable {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: Sequence[RowT] = ()
        self.cursor = 0
        self.empty_text = "nothing yet"
        self._placed: tuple[int, list[tuple[Column, int]]] | None = None
        self.cell_styles = CellStyles(self)
        """Component styles by name, resolved once per change of styles."""
        self._look: Hashable = None

    # What subclasses say ----------------------------------------------------

    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def cells(self, row: RowT) -> dict[str, Text]:
        raise NotImplementedError

    def row_key(self, row: RowT) -> Hashable:
        return row

    def row_style(self, row: RowT) -> Style | None:
        """A style under the whole row, for states such as a stale agent."""
        return None

    def cursor_moved(self, row: RowT | None) -> None:
        """Called when the highlighted row becomes another one."""

    def drawn_with(self) -> Hashable:
        """What the cells show besides the rows (the time, votes in flight):
        rows set again with the same are not drawn again."""
        return None

    # Rows and cursor ------------------------------------------------------

    @property
    def current(self) -> RowT | None:
        return self.rows[self.cursor] if self.rows else None

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Show `rows`, keeping the cursor on the same row where it still is;
        drawn again only if something shown changed."""
        before, cursor = self.current, self.cursor
        key = None if before is None else self.row_key(before)
        resized = len(rows) != len(self.rows)
        same = not resized and all(a == b for a, b in zip(rows, self.rows, strict=True))
        self.rows = rows
        if key is not None:
            index = next(
                (i for i, r in enumerate(rows) if self.row_key(r) == key), None
            )
            if index is not None:
                self.cursor = index
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self._follow_cursor()
        look, self._look = self._look, (self.empty_text, self.drawn_with())
        if not (same and cursor == self.cursor and look == self._look):
            self.refresh(layout=resized)
        after = self.current
        if (None if after is None else self.row_key(after)) != key:
            self.cursor_moved(after)

    def move_to(self, index: int) -> None:
        """Highlight row `index` (negative counts from the end)."""
        if not self.rows:
            return
        if index < 0:
            index += len(self.rows)
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.cursor:
            return
        self.cursor = index
        self._follow_cursor()
        self.refresh()
        self.cursor_moved(self.current)

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self._body_height() - 1))

    def action_jump(self, index: int) -> None:
        self.move_to(index)

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _follow_cursor(self) -> None:
        top, height = round(self.scroll_y), self._body_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._follow_cursor()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y > 0:
            self.move_to(round(self.scroll_y) + offset.y - 1)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.cell_styles.clear()

    # Drawing --------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.cell_styles.base
        if y == 0:
            return self._header(width, base)
        index = round(self.scroll_y) + y - 1
        if index >= len(self.rows):
            if index == 0:
                return self._empty(width, base)
            return Strip.blank(width, base)
        return self._row(index, width, base)

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self.cell_styles("rows--header")
        labels = {col.key: Text(col.label) for col, _ in self._layout(width)}
        return self._line(labels, width, style)

    def _empty(self, width: int, base: Style) -> Strip:
        style = base + self.cell_styles("rows--empty")
        strip = Strip(Text(f" {self.empty_text}").render(self.app.console))
        return strip.apply_style(style).crop_extend(0, width, style)

    def _row(self, index: int, width: int, base: Style) -> Strip:
        row = self.rows[index]
        style = base
        extra = self.row_style(row)
        if extra is not None:
            style = style + extra
        if index == self.cursor:
            name = "rows--cursor" if self.has_focus else "rows--cursor-blurred"
            style = style + self.cell_styles(name)
        return self._line(self.cells(row), width, style)

    def _line(self, cells: dict[str, Text], width: int, style: Style) -> Strip:
        console = self.app.console
        segments = [_SPACE]
        for column, size in self._layout(width):
            cell = cells.get(column.key)
            segments += _cell_segments(cell, size, column.justify, console)
            segments.append(_SPACE)
        strip = Strip(_merged(segments)).apply_style(style)
        return strip.crop_extend(0, width, style)

    def _layout(self, width: int) -> list[tuple[Column, int]]:
        """The columns that fit in `width`, each with its size, in table order."""
        if self._placed is not None and self._placed[0] == width:
            return self._placed[1]
        columns = list(self.columns())
        kept = _fit_columns(columns, width - 1)
        placed = [(c, kept[c.key]) for c in columns if c.key in kept]
        self._placed = (width, placed)
        return placed

    def forget_layout(self) -> None:
        """Recompute the columns next time (after `columns()` changed)."""
        self._placed = None
        self.refresh()


def _fit_columns(columns: list[Column], room: int) -> dict[str, int]:
    """Sizes of the columns kept: by priority while they fit, then the
    flexible columns share what is left, in table order."""
    kept: dict[str, int] = {}
    used = 0
    flexible = [c for c in columns if c.width == 0]
    for column in sorted(columns, key=lambda c: c.priority):
        need = (column.width or column.min_width) + 1
        if used + need > room:
            continue
        kept[column.key] = column.width
        used += need
    leftover = room - used
    for column in flexible:
        if column.key in kept:
            limit = column.max_width or column.min_width + leftover
            size = min(limit, column.min_width + leftover)
            kept[column.key] = size
            leftover -= size - column.min_width
    return kept


def _cell_segments(
    cell: Text | None, size: int, justify: Justify, console: Console
) -> list[Segment]:
    """A cell cut or padded to `size`. A cell of one style (most of them)
    becomes one segment directly, without rendering a `Text`."""
    if cell is None:
        return [Segment(" " * size)]
    length = cell.cell_len
    if cell.spans and length > size:
        return list(_fit(cell, size, justify).render(console))
    left, right = _margins(max(0, size - length), justify)
    if cell.spans:
        return [Segment(left), *cell.render(console), Segment(right)]
    text = cell.plain  # a Text's plain text holds no control codes
    if length > size:
        text = set_cell_size(text, size - 1) + "…" if size > 0 else ""
    style = console.get_style(cell.style) if cell.style else None
    return [Segment(left + text + right, style)]


def _margins(excess: int, justify: Justify) -> tuple[str, str]:
    """Spaces before and after a cell `excess` cells narrower than its column."""
    if justify == "left":
        return "", " " * excess
    if justify == "right":
        return " " * excess, ""
    left = excess // 2
    return " " * left, " " * (excess - left)


def _merged(segments: list[Segment]) -> list[Segment]:
    """Runs of unstyled segments joined into one (empty ones dropped): most
    cells have no style of their own, and every segment costs again at each
    later step of a frame."""
    merged: list[Segment] = []
    plain: list[str] = []
    for segment in segments:
        if segment.style is None and not segment.control:
            plain.append(segment.text)
            continue
        if plain:
            merged.append(Segment("".join(plain)))
            plain = []
        merged.append(segment)
    if plain:
        merged.append(Segment("".join(plain)))
    return [segment for segment in merged if segment.text or segment.control]


def _fit(cell: Text, size: int, justify: Justify) -> Text:
    text = cell.copy()
    text.no_wrap = True
    text.truncate(size, overflow="ellipsis")
    text.align(justify, size)
    return text
