"""Voting: one keystroke, one line; pending until read back; failures said."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import orjson
from ui_support import MakeApp, screen_text, settle, until

from oodatui.format import parse_line
from oodatui.rank import POLICIES, top
from oodatui.ui.screens.candidate import CandidateScreen
from oodatui.ui.votes import PendingVotes, vote_path


def vote_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    votes = []
    for raw in path.read_bytes().splitlines():
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue  # the sample's bad lines
        if line.get("type") == "vote":
            votes.append(line)
    return votes


async def test_one_keystroke_appends_exactly_one_valid_vote_line(
    make_app: MakeApp, run_log: Path
) -> None:
    before = vote_lines(run_log)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        chosen = app.main.highlighted
        assert chosen is not None
        await pilot.press("a")
        await until(pilot, lambda: len(vote_lines(run_log)) > len(before))
        await pilot.pause(0.2)

    added = vote_lines(run_log)[len(before) :]
    assert len(added) == 1
    vote = added[0]
    raw = run_log.read_bytes().splitlines()[-1]
    assert isinstance(parse_line(raw), dict), "the line must be a valid event"
    assert vote["candidate"] == chosen.id
    assert vote["verdict"] == "approve"
    assert vote["voter"] == "me"
    assert vote["policy"] == "recent"
    assert vote["rank"] == 2
    assert vote["run"] == "r1"
    assert vote["vote_id"]


async def test_veto_and_clear_each_write_their_verdict(
    make_app: MakeApp, run_log: Path
) -> None:
    before = len(vote_lines(run_log))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("1", "x")
        await until(pilot, lambda: len(vote_lines(run_log)) == before + 1)
        await pilot.press("c")
        await until(pilot, lambda: len(vote_lines(run_log)) == before + 2)
    veto, clear = vote_lines(run_log)[before:]
    assert (veto["verdict"], veto["policy"], veto["rank"]) == ("veto", "approval", 1)
    assert veto["candidate"] == "c2"  # two approvals: first by approval
    assert clear["verdict"] == "clear" and clear["candidate"] == veto["candidate"]


async def test_a_vote_shows_pending_at_once_then_counted_when_read_back(
    make_app: MakeApp, run_log: Path, held_votes: threading.Event
) -> None:
    release = held_votes
    app = make_app(follow=True, poll=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = app.main.highlighted
        assert row is not None and row.approvals == 0
        await pilot.press("a")
        await pilot.pause()
        assert app.pending.verdict(row.id) == "approve"
        assert "approve…" in screen_text(app)
        release.set()

        def counted() -> bool:
            current = app.main.highlighted
            return current is not None and current.approvals == 1

        await until(pilot, counted)
        await settle(pilot)
        assert app.pending.verdict(row.id) is None
        assert app.main.highlighted is not None
        assert app.main.highlighted.mine == "approve"
        text = screen_text(app)
        assert "approve…" not in text and "approve" in text


async def test_a_failed_write_is_reported_and_nothing_is_written(
    make_app: MakeApp, run_log: Path, tmp_path: Path
) -> None:
    votes = tmp_path / "missing-folder" / "votes.jsonl"
    size = run_log.stat().st_size
    app = make_app(votes_file=str(votes))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = app.main.highlighted
        assert row is not None
        await pilot.press("a")
        errors = lambda: [n for n in app._notifications if n.severity == "error"]  # noqa: E731
        await until(pilot, lambda: bool(errors()))
        await pilot.pause()
        notes = list(app._notifications)
        # What was voted on is said at once; then that it was not cast.
        assert [n.severity for n in notes] == ["information", "error"]
        assert notes[0].message.startswith(f"approve #1 {row.id}")
        assert "not written" in notes[1].message
        assert "No such file or directory" in notes[1].message
        assert app.pending.verdict(row.id) is None
        assert "approve…" not in screen_text(app)
    assert not votes.exists()
    assert run_log.stat().st_size == size


async def test_votes_go_to_the_votes_file_when_one_is_given(
    make_app: MakeApp, run_log: Path, tmp_path: Path
) -> None:
    votes = tmp_path / "votes.jsonl"
    size = run_log.stat().st_size
    app = make_app(votes_file=str(votes), follow=True, poll=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await until(pilot, lambda: len(vote_lines(votes)) == 1)
        row = app.main.highlighted
        assert row is not None
        await until(pilot, lambda: app.pending.verdict(row.id) is None)
    assert run_log.stat().st_size == size


async def test_a_vote_from_the_detail_carries_the_typed_reason(
    make_app: MakeApp, run_log: Path
) -> None:
    before = len(vote_lines(run_log))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CandidateScreen)
        await pilot.press("r", *"needs tests", "enter", "x")
        await until(pilot, lambda: len(vote_lines(run_log)) == before + 1)
        assert app.screen.query_one("#reason").value == ""  # type: ignore[attr-defined]
    vote = vote_lines(run_log)[-1]
    assert vote["verdict"] == "veto"
    assert vote["reason"] == "needs tests"
    assert vote["rank"] == 3


def test_votes_on_other_tools_logs_go_to_the_votes_file() -> None:
    assert vote_path("/logs/a.jsonl", False, None, "/cwd/v.jsonl") == "/logs/a.jsonl"
    assert vote_path("/logs/a.jsonl", True, None, "/cwd/v.jsonl") == "/cwd/v.jsonl"
    assert vote_path("/logs/a.jsonl", False, "/x.jsonl", "/cwd/v.jsonl") == "/x.jsonl"
    assert vote_path("/logs/a.jsonl", True, "/x.jsonl", "/cwd/v.jsonl") == "/x.jsonl"


async def test_a_candidate_from_a_foreign_log_is_voted_on_in_the_votes_file(
    make_app: MakeApp, run_log: Path, tmp_path: Path
) -> None:
    size = run_log.stat().st_size
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.reader.foreign_paths.add(str(run_log))  # as if a Claude Code log
        await pilot.press("a")
        default = tmp_path / "oodatui-votes.jsonl"
        await until(pilot, lambda: len(vote_lines(default)) == 1)
    assert run_log.stat().st_size == size


def test_pending_votes_keep_the_latest_per_candidate() -> None:
    pending = PendingVotes()
    first = pending.start("c1", "approve")
    second = pending.start("c1", "veto")
    pending.failed(first)  # an older failure does not hide the newer vote
    assert pending.verdict("c1") == "veto"
    pending.written(second, "id-2")
    assert pending.waiting() == frozenset({"id-2"})
    assert pending.settle(frozenset({"id-2"})) is True
    assert pending.verdict("c1") is None and len(pending) == 0


async def test_the_policy_and_rank_written_are_those_shown(
    make_app: MakeApp, run_log: Path
) -> None:
    """Even when the policy changes just before the key, the vote names the
    ranking the voter actually saw."""
    before = len(vote_lines(run_log))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "p", "a")
        await until(pilot, lambda: len(vote_lines(run_log)) == before + 1)
        shown = {
            policy: [c.id for c in top(app.reader.state.candidates.values(), policy, 5)]
            for policy in POLICIES
        }
    vote = vote_lines(run_log)[-1]
    assert shown[vote["policy"]].index(vote["candidate"]) + 1 == vote["rank"]
