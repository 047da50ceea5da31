"""The dashboard's parts: refresh pacing, the virtual table, loading, cells."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
from ui_sample import FIXED
from ui_support import MakeApp, screen_text, settle, until

from oodatui.read import Reader
from oodatui.ui import cells
from oodatui.ui.pace import MAX_HZ, Pacer, Rate, live
from oodatui.ui.view import Request, take_view
from oodatui.ui.widgets.agents import AgentsTable, silence_flagged


def many_agents(path: Path, count: int) -> Path:
    lines = []
    for n in range(count):
        for step, phase in enumerate(("observe", "orient", "decide", "act")):
            event = {"type": "phase", "ts": FIXED - 100 + step, "agent": f"a{n:04d}"}
            lines.append(orjson.dumps({**event, "phase": phase}))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


async def test_a_thousand_agents_render_only_the_rows_in_view(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app(many_agents(tmp_path / "many.jsonl", 1000))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.main.query_one(AgentsTable)
        assert len(table.rows) == 1000
        asked: list[int] = []
        original = table.render_line

        def counting(y: int):  # type: ignore[no-untyped-def]
            asked.append(y)
            return original(y)

        table.render_line = counting  # type: ignore[method-assign]
        started = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        assert time.perf_counter() - started < 1.0
        assert table.cursor == 999
        assert "a0999" in screen_text(app)
        assert 0 < len(set(asked)) <= table.size.height


async def test_the_screen_never_waits_for_the_reader(make_app: MakeApp) -> None:
    """While the reader holds the state (folding a huge batch), keys work and
    the status line shows reading progress; the state appears once free."""
    app = make_app()
    app.reader.lock.acquire()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            assert "reading" in screen_text(app)
            await pilot.press("question_mark")
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            app.reader.lock.release()
            await settle(pilot)
            assert "live" in screen_text(app)
            assert len(app.main.agents.rows) == 7
    finally:
        if app.reader.lock.locked():
            app.reader.lock.release()


async def test_a_finished_run_is_shown_as_it_ended(make_app: MakeApp) -> None:
    app = make_app(clock=lambda: FIXED + 3 * 86400)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "ended 3d00h ago" in text
        # The quiet agent, as of the last agent line (a later vote is no
        # agent at work).
        assert "10m25s" in text


async def test_new_lines_appear_while_following(
    make_app: MakeApp, run_log: Path
) -> None:
    app = make_app(follow=True, poll=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = {"type": "phase", "ts": FIXED, "agent": "newcomer", "phase": "act"}
        with run_log.open("ab") as log:
            log.write(orjson.dumps(line) + b"\n")
        await until(pilot, lambda: "newcomer" in screen_text(app))


def test_pacer_redraws_on_change_at_most_max_hz() -> None:
    pacer = Pacer()
    assert pacer.due(1, 0.0)
    pacer.drawn(1, 0.0, cost=0.001)
    assert not pacer.due(2, 0.01)
    assert pacer.due(2, 1 / MAX_HZ)
    assert not pacer.due(1, 0.5)  # unchanged
    assert pacer.due(1, 1.0)  # but the clocks on screen move
    pacer.drawn(1, 1.0, cost=0.1)  # an expensive copy backs off
    assert not pacer.due(2, 1.2) and pacer.due(2, 1.4)


def test_rate_needs_a_second_of_samples() -> None:
    rate = Rate()
    rate.add(0.0, 0)
    rate.add(0.5, 50)
    assert rate.per_second() is None
    rate.add(2.0, 400)
    assert rate.per_second() == 200


def test_live_means_a_line_in_the_last_ten_minutes() -> None:
    assert live(FIXED - 599, FIXED) and not live(FIXED - 601, FIXED)
    assert not live(None, FIXED)


def test_take_view_copies_rows_and_the_requested_parts(run_log: Path) -> None:
    reader = Reader([run_log])
    reader.poll(final=True)
    with reader.lock:
        view = take_view(
            reader,
            Request("confidence", 3, "alice", ("r1", "flaky"), "c2", bad=True),
        )
    assert [c.id for c in view.candidates] == ["c3", "c2", "c6"]
    assert view.focus is not None and view.focus.mine == "approve"
    assert {v.voter for v in view.ballot} == {"alice", "bob"}
    assert view.detail is not None and view.detail.row.agent == "flaky"
    assert view.detail.row.outcomes == (False,) * 6
    assert len(view.bad) == 2 and view.runs == 1


def test_silence_is_flagged_far_beyond_the_usual_gap(run_log: Path) -> None:
    reader = Reader([run_log])
    reader.poll(final=True)
    with reader.lock:
        rows = {r.agent: r for r in take_view(reader, Request("recent", 5, "")).agents}
    assert silence_flagged(rows["quiet"], FIXED)
    assert not silence_flagged(rows["long-chain"], FIXED)
    assert not silence_flagged(rows["planner-old"], FIXED + 86400)  # it ended


def test_cells_read_without_colour() -> None:
    assert [cells.phase_letter(p) for p in ("observe", "orient", "decide", "act")] == [
        "O",
        "R",
        "D",
        "A",
    ]
    assert cells.spark([True, False, None]) == "▇▁▄"
    assert cells.duration(42) == "42s" and cells.duration(185) == "3m05s"
    assert cells.duration(7800) == "2h10m" and cells.duration(None) == "–"
    assert cells.compact(12400) == "12.4k" and cells.signed(-300) == "-300"
    assert cells.tests((12, 1)) == "12/13" and cells.percent(0.815) == "82%"


async def test_a_vote_on_a_finished_run_does_not_make_it_live(
    make_app: MakeApp,
) -> None:
    app = make_app(clock=lambda: FIXED + 3 * 86400, follow=True, poll=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        votes = app.reader.state.votes
        await pilot.press("1", "a")
        await until(pilot, lambda: app.reader.state.votes > votes)
        await settle(pilot)
        text = screen_text(app)
        assert "ended 3d00h ago" in text and "● live" not in text
        assert "10m25s" in text
