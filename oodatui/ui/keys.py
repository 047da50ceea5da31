"""The dashboard's keys, what the help screen says, and the palette's entries.

Every key is declared once, here, with an id for keymaps; the help screen and
the command palette are built from these declarations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.binding import Binding, BindingType

from oodatui.ui.screens.candidate import CandidateScreen
from oodatui.ui.screens.help import Section
from oodatui.ui.widgets.rows import RowTable

__all__ = ["APP_BINDINGS", "help_sections", "palette_entries", "screen_legend"]

_PICK = "Highlight candidate 1–9 by rank"

APP_BINDINGS: list[BindingType] = [
    Binding(
        "a",
        "vote('approve')",
        "Approve",
        tooltip="Approve the highlighted candidate",
        id="approve",
    ),
    Binding(
        "x",
        "vote('veto')",
        "Veto",
        tooltip="Veto the highlighted candidate",
        id="veto",
    ),
    Binding(
        "c",
        "vote('clear')",
        "Clear",
        tooltip="Withdraw my vote on the highlighted candidate",
        id="clear",
    ),
    *(
        Binding(
            str(n),
            f"pick({n})",
            f"Candidate {n}",
            show=False,
            tooltip=_PICK,
            id=f"pick-{n}",
        )
        for n in range(1, 10)
    ),
    Binding(
        "enter",
        "open_candidate",
        "Detail",
        tooltip="Open the highlighted candidate: answer, verdicts, reasons",
        id="candidate",
    ),
    Binding(
        "p",
        "policy",
        "Policy",
        tooltip="Rank candidates by the next policy",
        id="policy",
    ),
    Binding(
        "slash",
        "filter",
        "Filter",
        key_display="/",
        tooltip="Filter agents by name",
        id="filter",
    ),
    Binding(
        "b",
        "bad_lines",
        "Bad lines",
        tooltip="Files followed, and the lines that could not be read",
        id="bad-lines",
    ),
    Binding(
        "tab",
        "focus_next",
        "Next pane",
        show=False,
        tooltip="Move to the next pane",
        id="next-pane",
    ),
    Binding(
        "shift+tab",
        "focus_previous",
        "Previous pane",
        show=False,
        tooltip="Move to the previous pane",
        id="previous-pane",
    ),
    Binding(
        "question_mark",
        "help",
        "Keys",
        key_display="?",
        tooltip="Show every key",
        id="help",
    ),
    Binding(
        "escape",
        "close",
        "Back",
        tooltip="Close this screen, or clear the agent filter",
        id="close",
    ),
    Binding("q", "quit", "Quit", tooltip="Quit", id="quit"),
]
"""The app's keys: voting and moving between screens work from any pane."""

_NOT_IN_PALETTE = {f"pick-{n}" for n in range(2, 10)} | {"quit"}
_PALETTE_TITLES = {"pick-1": "Highlight the top candidate"}

_BUILT_IN = [
    Binding("ctrl+p", "command_palette", "Command palette: every action, themes"),
    Binding("ctrl+q", "quit", "Quit at once"),
]


def help_sections(app_bindings: Sequence[BindingType]) -> list[Section]:
    """Every key, by where it works."""
    return [
        ("Everywhere", app_bindings),
        ("In a table", RowTable.BINDINGS),
        ("In a candidate's detail", CandidateScreen.BINDINGS),
        ("Built in", _BUILT_IN),
    ]


def screen_legend(chain_limit: int) -> list[tuple[str, str]]:
    """What the columns and symbols of the main screen mean."""
    return [
        ("ph", "phase: O observe · R orient · D decide · A act"),
        ("in phase", "time since the agent entered its phase"),
        ("loops, /min", "times it entered act, and loops a minute lately"),
        ("chain", f"phases since its last checkpoint; ⚠ past {chain_limit}"),
        (
            "ck, checks",
            "last checkpoint and recent ones: ✓▇ ok · ✗▁ failed · ?▄ unknown",
        ),
        ("silent", "time since its last line; ⚠ far beyond its usual pace"),
        ("■", "the agent has ended, with its status"),
        ("mine", "my verdict; approve… while its line is not read back yet"),
        (
            "live, ended",
            "live: an agent wrote in the last 10 minutes; else ended, times as of then",
        ),
    ]


def palette_entries(
    bindings: Iterable[BindingType],
) -> Iterable[tuple[str, str, str]]:
    """(title, help, action) for each key worth a palette entry."""
    for binding in bindings:
        if not isinstance(binding, Binding) or binding.id in _NOT_IN_PALETTE:
            continue
        title = _PALETTE_TITLES.get(binding.id or "", binding.tooltip)
        shown = binding.key_display or binding.key
        yield title, f"key: {shown}", binding.action
