"""What a frame costs: keys drawn at once, no layout for new lines, cached styles."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text
from ui_sample import FIXED
from ui_support import MakeApp, screen_text, settle, until

from oodatui.rank import POLICIES, TopK, next_policy
from oodatui.read import Reader
from oodatui.ui.pace import MAX_HZ, Pacer
from oodatui.ui.view import Request, take_view
from oodatui.ui.widgets.agent_detail import AgentDetailPane
from oodatui.ui.widgets.detail_lines import detail_lines, table_lines
from oodatui.ui.widgets.styling import cell_style


def lines_text(lines: list[Text], width: int) -> list[str]:
    console = Console(width=width, file=None, color_system=None)
    return ["".join(s.text for s in line.render(console)) for line in lines]


def test_a_detail_table_gives_the_last_column_the_room_left() -> None:
    rows = [
        [Text("4m25s"), Text("✗"), Text("a note too long for the room left")],
        [Text("12m25s"), Text("✓"), Text("short")],
    ]
    lines = lines_text(table_lines(Text("checks"), ("ago", "", "note"), rows, 24), 24)
    assert lines == [
        "checks                  ",
        "ago        note         ",
        "4m25s   ✗  a note too l…",
        "12m25s  ✓  short        ",
    ]


def test_a_forced_redraw_is_due_at_once_whatever_the_pace() -> None:
    pacer = Pacer()
    pacer.drawn(1, 10.0, cost=0.1)  # backs off for 0.4 s
    assert pacer.wait(1, 10.1) is None  # nothing new to draw
    assert pacer.wait(2, 10.1) == pytest.approx(0.295)
    pacer.force()
    assert pacer.due(1, 10.1) and pacer.wait(1, 10.1) == 0.0
    pacer.drawn(1, 10.1, cost=0.0)
    assert pacer.wait(2, 10.1) == pytest.approx(1 / MAX_HZ - 0.005)


async def test_a_key_is_on_screen_without_waiting_for_a_tick(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(3):
            wanted = next_policy(app.policy)
            await pilot.press("p")
            assert not app.pacer.forced
            assert f"by {wanted}" in screen_text(app)


def append(path: Path, *events: dict[str, Any]) -> None:
    with path.open("ab") as log:
        for event in events:
            line = {"v": 1, "ts": FIXED, "run": "r1", **event}
            log.write(orjson.dumps(line) + b"\n")


async def test_new_lines_in_the_agent_pane_ask_for_no_layout(
    make_app: MakeApp, run_log: Path
) -> None:
    """The highlighted agent's history grows without a layout of the screen,
    and its pane still scrolls to the last line."""
    app = make_app(follow=True, poll=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        detail = app.main.query_one(AgentDetailPane)
        assert app.main.highlighted_agent == ("r1", "flaky")
        height = detail.virtual_size.height
        layouts: list[object] = []
        relayout = app.main._refresh_layout

        def counting(*args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            relayout(*args, **kwargs)

        app.main._refresh_layout = counting  # type: ignore[method-assign]
        event = {"type": "checkpoint", "agent": "flaky", "ok": True, "note": "green"}
        append(run_log, event, {"type": "message", "agent": "flaky", "text": "hi"})
        await until(pilot, lambda: detail.virtual_size.height == height + 3)
        await pilot.pause(0.1)
        assert layouts == []
        await pilot.press("tab", "end")
        assert detail.scroll_y == detail.max_scroll_y > 0
        assert "14m30s" in screen_text(app)  # the oldest recent event


async def test_cell_styles_follow_a_change_of_theme(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        agents = app.main.agents
        dark = agents.cell_styles("agents--warn")
        app.theme = "light"
        await settle(pilot)
        light = agents.cell_styles("agents--warn")
        assert light != dark and light == cell_style(agents, "agents--warn")
        assert agents.cell_styles.base == agents.rich_style


async def test_the_app_leaves_no_frozen_objects_behind(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_detail_lines_survive_a_pane_without_width(run_log: Path) -> None:
    reader = Reader([run_log])
    reader.poll(final=True)
    with reader.lock:
        view = take_view(reader, Request("recent", 5, "me", ("r1", "flaky")))
    assert view.detail is not None
    console = Console(width=80, file=None)
    for width in (0, 1, 5):
        lines = detail_lines(view.detail, FIXED, width, lambda name: Style(), console)
        assert lines[0].plain.startswith("flaky"[: max(1, width)])


def test_a_kept_ranking_shows_what_ranking_every_candidate_shows(
    run_log: Path,
) -> None:
    reader = Reader([run_log])
    reader.poll(final=True)
    ranking = TopK()
    vote = {"type": "vote", "candidate": "c4", "verdict": "approve", "voter": "z"}
    for step, policy in enumerate([*POLICIES, "approval", "recent"]):
        if step == len(POLICIES):
            append(run_log, vote, {"type": "candidate", "agent": "a", "id": "c9"})
            reader.poll()
        with reader.lock:
            kept = take_view(reader, Request(policy, 3, "me"), ranking)
            fresh = take_view(reader, Request(policy, 3, "me"))
        assert kept.candidates == fresh.candidates


async def test_a_withdrawal_read_back_leaves_the_row_as_it_was(
    make_app: MakeApp, held_votes: threading.Event
) -> None:
    """The row itself does not change (no verdict before, none after), yet
    the pending mark must go once the line is read back."""
    release = held_votes
    app = make_app(follow=True, poll=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = app.main.highlighted
        assert row is not None and row.mine is None
        await pilot.press("c")
        assert "clear…" in screen_text(app)
        release.set()
        await until(pilot, lambda: app.pending.verdict(row.id) is None)
        await settle(pilot)
        assert app.main.highlighted == row
        assert "clear…" not in screen_text(app)
