"""The main screen: agents, the highlighted agent, candidates, status."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from oodatui.safe import one_line
from oodatui.ui.view import CandidateRow, View
from oodatui.ui.widgets.agent_detail import AgentDetailPane
from oodatui.ui.widgets.agents import AgentsTable
from oodatui.ui.widgets.candidates import CandidatesTable
from oodatui.ui.widgets.status import Status, StatusLine

__all__ = ["MainScreen"]


class MainScreen(Screen[None]):
    """Panes side by side on a wide terminal, stacked on a narrow one."""

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (120, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [
        (0, "-short"),
        (34, "-tall"),
    ]

    def __init__(self, chain_limit: int, pending: Callable[[str], str | None]) -> None:
        super().__init__()
        self.chain_limit = chain_limit
        self.pending = pending
        """My vote in flight on a candidate, if any."""
        self._shown_titles: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        agents = AgentsTable(id="agents")
        agents.chain_limit = self.chain_limit
        candidates = CandidatesTable(id="candidates")
        candidates.pending = self.pending
        with Vertical(id="agents-pane"):
            yield agents
            yield Input(placeholder="filter agents by name", id="filter")
        yield AgentDetailPane(id="agent-detail")
        yield candidates
        yield StatusLine(id="status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#agents-pane").border_title = "Agents"
        self.query_one("#agent-detail").border_title = "Agent"
        self.query_one("#candidates").border_title = "Candidates"
        self.candidates.border_subtitle = "p: next policy"
        self.agents.focus()

    # Parts ----------------------------------------------------------------

    @property
    def agents(self) -> AgentsTable:
        return self.query_one("#agents", AgentsTable)

    @property
    def candidates(self) -> CandidatesTable:
        return self.query_one("#candidates", CandidatesTable)

    @property
    def highlighted(self) -> CandidateRow | None:
        """The candidate the vote keys act on."""
        return self.candidates.current

    @property
    def highlighted_agent(self) -> tuple[str, str] | None:
        row = self.agents.current
        return None if row is None else row.key

    # Showing --------------------------------------------------------------

    def show(self, view: View, now: float, top: int, live: bool) -> None:
        """Draw `view` as of `now`; `live` when lines still arrive."""
        self.agents.show(view.agents, view.runs, now, live)
        self.query_one(AgentDetailPane).show(view.detail, now)
        self.candidates.show(view.candidates, view.policy)
        self._titles(view, top)

    def show_status(self, status: Status) -> None:
        self.query_one(StatusLine).show(status)

    def _titles(self, view: View, top: int) -> None:
        agents = self.agents
        title = f"Agents · {len(view.agents):,}"
        if agents.filter:
            title = f"Agents · {len(agents.rows):,} of {len(view.agents):,}"
            title += f" · filter {one_line(agents.filter, 30)!r}"
        self._title("#agents-pane", title)
        count = view.candidate_count
        shown = f"top {top} of {count:,}" if count > top else f"{count:,}"
        self._title("#candidates", f"Candidates · {shown} by {view.policy}")
        detail = view.detail
        name = "Agent" if detail is None else f"Agent {one_line(detail.row.agent, 40)}"
        self._title("#agent-detail", name)

    def _title(self, pane: str, title: str) -> None:
        """Set a pane's border title; an unchanged one is left alone, since
        setting it repaints the whole pane."""
        if self._shown_titles.get(pane) != title:
            self._shown_titles[pane] = title
            self.query_one(pane).border_title = Text(title)

    # Filtering ------------------------------------------------------------

    @property
    def filtering(self) -> bool:
        return self.query_one("#filter", Input).has_class("-open")

    def open_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-open")
        field.focus()
        self.refresh_bindings()

    def close_filter(self) -> bool:
        """Clear and hide the filter; False if it was not open."""
        if not self.filtering:
            return False
        field = self.query_one("#filter", Input)
        field.value = ""
        field.remove_class("-open")
        self.agents.set_filter("")
        self.agents.focus()
        self.refresh_bindings()
        return True

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.agents.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.agents.focus()
