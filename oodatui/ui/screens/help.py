"""Every key, listed from the bindings themselves so the list cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["HelpScreen", "Section"]

Section = tuple[str, Sequence[BindingType]]
Legend = Sequence[tuple[str, str]]
"""What a column or symbol on the main screen means."""


class HelpScreen(Screen[None]):
    """Opened with `?`; `escape` closes it."""

    def __init__(self, sections: Sequence[Section], legend: Legend = ()) -> None:
        super().__init__()
        self.sections = sections
        self.legend = legend

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._table())

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.border_subtitle = "escape: close"
        box.focus()

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, justify="right", style="bold")
        table.add_column()
        for n, (title, bindings) in enumerate(self.sections):
            if n:
                table.add_row(Text(""), Text(""))
            table.add_row(Text(""), Text(title, "bold underline"))
            for keys, description in _entries(bindings, self.app.get_key_display):
                table.add_row(Text(keys), Text(description))
        if self.legend:
            table.add_row(Text(""), Text(""))
            table.add_row(Text(""), Text("Reading the screen", "bold underline"))
            for term, meaning in self.legend:
                table.add_row(Text(term), Text(meaning))
        return table


def _entries(
    bindings: Iterable[BindingType], display: object
) -> Iterable[tuple[str, str]]:
    """(keys, what they do) once per binding, several keys joined by commas;
    consecutive bindings with the same description share a line."""
    rows: list[tuple[list[str], str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            binding = Binding(*binding)
        names = [_show(display, binding, key) for key in binding.key.split(",")]
        text = binding.tooltip or binding.description
        if rows and rows[-1][1] == text:
            rows[-1][0].extend(names)
        else:
            rows.append((names, text))
    for names, text in rows:
        yield (_join(names), text)


def _show(display: object, binding: Binding, key: str) -> str:
    assert callable(display)
    shown: str = display(Binding(key.strip(), binding.action, key_display=None))
    return binding.key_display or shown


def _join(names: list[str]) -> str:
    if len(names) > 3:
        return f"{names[0]} … {names[-1]}"
    return ", ".join(names)
