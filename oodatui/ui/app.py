"""The dashboard app: wiring, keys, the reader and vote threads, the refresh.

Two threads do the slow work: the reader follows the logs and folds them into
the state, and the vote writer appends one line per vote keystroke. The event
loop only copies what it shows, and only when the state changed: as soon as
the reader says it folded new lines, at most `MAX_HZ` times a second, and at
once after a key, so keys stay responsive whatever the logs do.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from oodatui.rank import DEFAULT_POLICY, POLICIES, TopK, next_policy
from oodatui.read import Reader
from oodatui.safe import one_line
from oodatui.ui.keys import APP_BINDINGS, help_sections, palette_entries, screen_legend
from oodatui.ui.messages import (
    AgentHighlighted,
    CandidateHighlighted,
    FirstReadDone,
    LinesRead,
    VoteFailed,
    VoteWritten,
)
from oodatui.ui.pace import MAX_HZ, Pacer, Rate, live
from oodatui.ui.screens.bad_lines import BadLinesScreen
from oodatui.ui.screens.candidate import CandidateScreen
from oodatui.ui.screens.help import HelpScreen, Section
from oodatui.ui.screens.main import MainScreen
from oodatui.ui.themes import DEFAULT_THEME, THEME_VARIABLES, load_themes
from oodatui.ui.view import (
    CandidateRow,
    Request,
    View,
    file_rows,
    progress,
    take_view,
)
from oodatui.ui.votes import (
    DEFAULT_VOTES_FILE,
    PendingVotes,
    VoteRequest,
    VoteWriter,
    vote_path,
)
from oodatui.ui.widgets.status import Status
from oodatui.write import default_voter

__all__ = ["OodaApp"]

LOADING_REDRAW = 0.5
"""Seconds between redraws of the state while the logs are first read."""
PROGRESS_EVERY = 0.2
"""Seconds between updates of the progress shown while the logs are first read."""
SWITCH_INTERVAL = 0.001
"""How long the reader thread may hold the interpreter before the screen gets
a turn. Python's default (5 ms) leaves keys waiting behind a busy reader."""
LOCK_RETRY = 0.005
"""Seconds before a redraw tries again when the reader held the state."""
_MAIN_ONLY = {"pick", "open_candidate", "policy", "filter"}
_VOTING_SCREENS = (MainScreen, CandidateScreen)


class OodaApp(App[None]):
    """Follow run logs live, rank candidates, and vote with one key."""

    TITLE = "oodatui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    """Every key of the dashboard but those that move within a table."""

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        policy: str = DEFAULT_POLICY,
        top: int = 5,
        chain_limit: int = 12,
        theme_name: str | None = None,
        voter: str | None = None,
        poll: bool = False,
        format: str | None = None,
        votes_file: str | None = None,
        clock: Callable[[], float] = time.time,
        follow: bool = True,
    ) -> None:
        super().__init__()
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}")
        self.policy, self.top, self.chain_limit = policy, top, chain_limit
        self.voter = voter or default_voter()
        self.clock, self.follow, self.poll_files = clock, follow, poll
        self.votes_file = os.path.abspath(votes_file) if votes_file else None
        self.default_votes = os.path.abspath(DEFAULT_VOTES_FILE)
        self.reader = Reader(
            paths, format=format, votes=[self.votes_file or self.default_votes]
        )
        self.pending = PendingVotes()
        self.writer = VoteWriter()
        self.stop = threading.Event()
        self.pacer, self.rate = Pacer(), Rate()
        self.loaded = False
        self._progress_at = 0.0
        self.view: View | None = None
        self._timer: Timer | None = None
        """The one pending timer for a redraw the pace put off."""
        self.ranking = TopK()
        """The top candidates, kept current between redraws."""
        self.main = MainScreen(chain_limit, self.pending.verdict)
        self._problems = self._use_themes(theme_name)

    # Set-up ---------------------------------------------------------------

    def _use_themes(self, wanted: str | None) -> list[str]:
        found = load_themes()
        for theme in found.themes.values():
            self.register_theme(theme)
        problems = [f"theme file {p}" for p in found.problems]
        name = wanted or DEFAULT_THEME
        if name not in self.available_themes:
            fallback = (
                DEFAULT_THEME if DEFAULT_THEME in found.themes else "textual-dark"
            )
            problems.append(f"no theme named {name!r}; using {fallback!r}")
            name = fallback
        self.theme = name
        return problems

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLES)

    def get_default_screen(self) -> Screen[Any]:
        return self.main

    def on_mount(self) -> None:
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.run_worker(self._read, name="reader", thread=True, exit_on_error=False)
        serve = partial(self.writer.serve, self.stop, self._vote_done)
        self.run_worker(serve, name="vote writer", thread=True, exit_on_error=False)
        self.set_interval(1 / MAX_HZ, self._tick)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for problem in self._problems:
            self.notify(problem, title="Themes", severity="warning", markup=False)

    def _theme_changed(self, theme: object) -> None:
        self._redraw()  # the status line's colours are baked into its text

    def on_unmount(self) -> None:
        self.stop.set()
        sys.setswitchinterval(self._switch_interval)
        gc.unfreeze()

    # The reader thread ----------------------------------------------------

    def _read(self) -> None:
        """Read the logs to their end, then follow them until the app quits."""
        try:
            if self.follow:
                self.reader.follow(
                    self.stop, poll=self.poll_files, on_batch=self._batch_read
                )
            else:
                self.reader.poll(final=True)
                self.post_message(FirstReadDone())
        finally:
            self.reader.close()

    def _batch_read(self, count: int) -> None:
        """Called in the reader thread after each read: wakes the screen, so
        new lines are drawn as soon as the pace allows, not at the next tick."""
        if not self.loaded:
            self.post_message(FirstReadDone())
        elif count:
            self.post_message(LinesRead())

    @on(FirstReadDone)
    def _first_read_done(self) -> None:
        self.loaded = True
        # What exists once the logs are read (the state, the widgets) lives as
        # long as the app: frozen, it is left out of the collector's full
        # passes, which otherwise stop the screen for tens of ms now and then.
        gc.freeze()
        self._redraw()

    @on(LinesRead)
    def _lines_read(self) -> None:
        self._schedule()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is reported."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                one_line(
                    f"{event.worker.name} stopped: {type(error).__name__}: {error}", 400
                ),
                title="Error",
                severity="error",
                timeout=30,
                markup=False,
            )

    # Refreshing -----------------------------------------------------------

    async def action_quit(self) -> None:
        """Stop the reader and the vote writer first, so quitting never waits."""
        self.stop.set()
        self.exit()

    def _redraw(self) -> None:
        """Draw at once what a key or a message changed."""
        self.pacer.force()
        self._schedule()

    def _schedule(self) -> None:
        """Draw now if the pace allows, or set a timer for when it will."""
        wait = self.pacer.wait(self.reader.state.version, time.monotonic())
        if wait is None:
            return
        if wait > 0:
            self._later(wait)
        else:
            self._tick()

    def _later(self, delay: float) -> None:
        if self._timer is None:
            self._timer = self.set_timer(delay, self._timer_done)

    def _timer_done(self) -> None:
        self._timer = None
        self._schedule()

    def _tick(self) -> None:
        """Copy and draw the state if it changed; never wait for the reader.
        Also runs `MAX_HZ` times a second, for the clocks and the progress."""
        if self.stop.is_set():
            return  # closing: the screens may already be gone
        try:
            self._draw_if_due()
        except (NoMatches, ScreenStackError):
            pass  # a screen between compose and mount, or the app closing

    def _draw_if_due(self) -> None:
        if not self.screen.is_mounted:
            return  # pushed, not composed yet: drawn on a later tick
        at = time.monotonic()
        if not self.loaded and at - self.pacer.drawn_at < LOADING_REDRAW:
            if at - self._progress_at >= PROGRESS_EVERY:
                self._progress_at = at  # the reading gets the interpreter between
                self._show_status(None)
            return
        if not self.pacer.due(self.reader.state.version, at):
            return
        if not self.reader.lock.acquire(blocking=False):
            self._show_status(None)
            self._later(LOCK_RETRY)
            return
        started = time.perf_counter()
        try:
            view = take_view(self.reader, self._request(), self.ranking)
        finally:
            self.reader.lock.release()
        self._draw(view)
        self.pacer.drawn(view.version, at, time.perf_counter() - started)

    def _request(self) -> Request:
        screen = self.screen
        candidate = screen.candidate if isinstance(screen, CandidateScreen) else None
        if candidate is None and self.main.highlighted is not None:
            candidate = self.main.highlighted.id
        return Request(
            policy=self.policy,
            top=self.top,
            voter=self.voter,
            agent=self.main.highlighted_agent,
            candidate=candidate,
            waiting=self.pending.waiting(),
            bad=self._on(BadLinesScreen),
        )

    def _draw(self, view: View) -> None:
        self.view = view
        self.pending.settle(view.counted)
        now, is_live = self._now(view)
        self.main.show(view, now, self.top, is_live)
        self._show_status(view)
        screen = self.screen
        if isinstance(screen, CandidateScreen):
            pending = self.pending.verdict(screen.candidate)
            screen.show(view.focus, view.ballot, now, pending, view.policy)
        elif isinstance(screen, BadLinesScreen):
            screen.show(view)

    def _now(self, view: View) -> tuple[float, bool]:
        """The time the screen shows, and whether the run is live: the clock
        while it is, the run's last line once it ended."""
        clock = self.clock()
        if view.last_ts is None or live(view.last_ts, clock):
            return clock, True
        return view.last_ts, False

    def _show_status(self, view: View | None) -> None:
        clock = self.clock()
        state = self.reader.state
        last = state.last_agent_ts
        status = Status(
            mode=self._mode(clock),
            files=view.files if view else file_rows(self.reader),
            rate=self._rate(clock, state.events),
            events=state.events,
            bad_lines=state.bad_lines,
            ended_ago=None if last is None else clock - last,
            read=progress(self.reader) if not self.loaded else (0, 0),
            voter=self.voter,
        )
        self.main.show_status(status)

    def _mode(self, clock: float) -> str:
        last = self.reader.state.last_agent_ts  # votes alone do not make it live
        if not self.loaded:
            return "loading"
        if last is None:
            return "waiting"
        return "live" if live(last, clock) else "ended"

    def _rate(self, clock: float, events: int) -> float | None:
        self.rate.add(clock, events)
        return self.rate.per_second()

    @on(AgentHighlighted)
    @on(CandidateHighlighted)
    def _highlight_moved(self) -> None:
        self._redraw()

    # Voting ---------------------------------------------------------------

    def action_vote(self, verdict: str) -> None:
        """Append one vote line for the candidate in view; shown as pending."""
        row, reason, policy = self._vote_target()
        if row is None:
            self.notify("No candidate highlighted.", severity="warning")
            return
        foreign = row.path in self.reader.foreign_paths
        path = vote_path(row.path, foreign, self.votes_file, self.default_votes)
        request = VoteRequest(
            path=path,
            create=path != row.path,
            candidate=row.id,
            verdict=verdict,
            voter=self.voter,
            pending=self.pending.start(row.id, verdict),
            reason=reason,
            policy=policy,
            rank=row.rank,
            run=row.run,
        )
        self.writer.put(request)
        self.notify(
            one_line(f"{verdict} {_ranked(row.rank)}{row.id} by {row.agent}", 120),
            title="Vote",
            timeout=3,
            markup=False,
        )
        self.main.candidates.refresh()
        self._redraw()

    def _vote_target(self) -> tuple[CandidateRow | None, str | None, str]:
        """The candidate on screen, the typed reason, and the policy its
        rank was shown under."""
        screen, view = self.screen, self.view
        if isinstance(screen, CandidateScreen) and view is not None:
            focus = view.focus
            if focus is None or focus.id != screen.candidate:
                return None, None, view.policy
            return focus, screen.take_reason(), view.policy
        return self.main.highlighted, None, self.main.candidates.policy

    def _vote_done(
        self, request: VoteRequest, line: dict[str, Any] | None, reason: str | None
    ) -> None:
        """Called in the writer thread."""
        if line is not None:
            self.post_message(VoteWritten(request, line))
        else:
            self.post_message(VoteFailed(request, reason or "unknown error"))

    @on(VoteWritten)
    def _vote_written(self, event: VoteWritten) -> None:
        self.pending.written(event.request.pending, event.line["vote_id"])
        self._redraw()

    @on(VoteFailed)
    def _vote_failed(self, event: VoteFailed) -> None:
        request = event.request
        self.pending.failed(request.pending)
        self.main.candidates.refresh()
        self._redraw()
        self.notify(
            one_line(
                f"{request.verdict} on {request.candidate} was not written to "
                f"{request.path}: {event.reason}",
                400,
            ),
            title="Vote not cast",
            severity="error",
            timeout=10,
            markup=False,
        )

    # Other actions --------------------------------------------------------

    def action_pick(self, number: int) -> None:
        if number <= len(self.main.candidates.rows):
            self.main.candidates.move_to(number - 1)

    async def action_open_candidate(self) -> None:
        row = self.main.highlighted
        if row is None:
            self.notify("No candidate to open yet.", severity="warning")
            return
        await self.push_screen(CandidateScreen(row.id, self.reader))
        self._redraw()

    def action_policy(self) -> None:
        self.policy = next_policy(self.policy)
        self._redraw()

    def action_filter(self) -> None:
        self.main.open_filter()

    async def action_bad_lines(self) -> None:
        await self.push_screen(BadLinesScreen())
        self._redraw()

    def action_help(self) -> None:
        legend = screen_legend(self.chain_limit)
        self.push_screen(HelpScreen(self.help_sections(), legend))

    async def action_close(self) -> None:
        if len(self.screen_stack) > 1:
            await self.pop_screen()
            self._redraw()
        else:
            self.main.close_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Votes act on the main and candidate screens; moving on the main one."""
        if action == "vote":
            return self._on(*_VOTING_SCREENS)
        if action in _MAIN_ONLY:
            return self._on(MainScreen)
        if action in ("bad_lines", "help"):
            return self._on(*_VOTING_SCREENS)
        if action == "close":
            return len(self.screen_stack) > 1 or self.main.filtering
        return True

    def _on(self, *kinds: type[Screen[Any]]) -> bool:
        return isinstance(self.screen, kinds)

    # Help and palette -----------------------------------------------------

    def help_sections(self) -> list[Section]:
        return help_sections(self.BINDINGS)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, _VOTING_SCREENS):
            return
        for title, shown, action in palette_entries(self.BINDINGS):
            yield SystemCommand(title, shown, partial(self.run_action, action))


def _ranked(rank: int | None) -> str:
    return "" if rank is None else f"#{rank} "
