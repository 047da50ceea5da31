"""Component styles as cell styles: theme colours resolved against the widget."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget

__all__ = ["CellStyles", "cell_style"]


class CellStyles:
    """One widget's cell styles, looked up once and kept until its styles change.

    Resolving a style walks the widget's ancestors, which a table drawing
    hundreds of cells a frame cannot afford. The widget calls `clear` from its
    `notify_style_update`, which Textual calls whenever the CSS of the widget
    or of an ancestor is applied again (a theme, a class, focus): the only
    times these styles can change, and when Textual drops its own cache too.
    """

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self._cells: dict[str, Style] = {}
        self._base: Style | None = None

    def __call__(self, name: str) -> Style:
        """The style of component class `name`, as `cell_style` gives it."""
        style = self._cells.get(name)
        if style is None:
            style = self._cells[name] = _resolve(self.widget, name, self.base)
        return style

    @property
    def base(self) -> Style:
        """The widget's own style: its colours over its ancestors'."""
        if self._base is None:
            self._base = self.widget.rich_style
        return self._base

    def clear(self) -> None:
        self._cells.clear()
        self._base = None


def cell_style(widget: Widget, name: str) -> Style:
    """The style of component class `name`, for part of a line in `widget`.

    Resolved against the widget's background, so colours given as `auto` or
    with transparency come out right; the background is kept only when the
    component sets its own, so a cell stays readable on a highlighted row.
    """
    return _resolve(widget, name, widget.rich_style)


def _resolve(widget: Widget, name: str, base: Style) -> Style:
    full = widget.get_component_rich_style(name)
    if full.bgcolor is not None and full.bgcolor == base.bgcolor:
        return _no_bg(full)
    return full


def _no_bg(style: Style) -> Style:
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )
