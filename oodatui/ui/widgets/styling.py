"""Component styles as cell styles: theme colours resolved against the widget."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget

__all__ = ["cell_style"]


def cell_style(widget: Widget, name: str) -> Style:
    """The style of component class `name`, for part of a line in `widget`.

    Resolved against the widget's background, so colours given as `auto` or
    with transparency come out right; the background is kept only when the
    component sets its own, so a cell stays readable on a highlighted row.
    """
    full = widget.get_component_rich_style(name)
    if full.bgcolor is not None and full.bgcolor == widget.rich_style.bgcolor:
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
