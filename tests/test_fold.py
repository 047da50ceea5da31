"""The fold rules of section 3, one test each."""

from __future__ import annotations

from typing import Any

from oodatui.fold import KIND_LIMIT, MAX_TOTAL, RunState
from oodatui.format import MAX_COUNT
from oodatui.records import HISTORY, Where

HERE = Where("log.jsonl", 1, 0)


def fold(*events: dict[str, Any]) -> RunState:
    state = RunState()
    for n, event in enumerate(events):
        state.apply(event, Where("log.jsonl", n + 1, n * 100), now=1000.0 + n)
    return state


def phase(name: str, agent: str = "a", **fields: Any) -> dict[str, Any]:
    return {"type": "phase", "agent": agent, "phase": name, **fields}


def vote(cand: str, verdict: str, voter: str = "ann", **fields: Any) -> dict[str, Any]:
    return {
        "type": "vote",
        "candidate": cand,
        "verdict": verdict,
        "voter": voter,
        **fields,
    }


def candidate(cid: str, agent: str = "a", **fields: Any) -> dict[str, Any]:
    return {"type": "candidate", "agent": agent, "id": cid, **fields}


def test_agents_are_keyed_by_run_and_name() -> None:
    state = fold(phase("act"), phase("act", run="r1"), phase("act", run="r1"))
    assert set(state.agents) == {("", "a"), ("r1", "a")}


def test_repeating_a_phase_is_not_an_entry() -> None:
    state = fold(phase("observe"), phase("observe"), phase("orient"), phase("orient"))
    agent = state.agents[("", "a")]
    assert agent.phases_entered == 2
    assert [p for p, _ in agent.phase_history] == ["observe", "orient"]


def test_loops_count_entries_into_act() -> None:
    state = fold(
        *(phase(p) for p in ["observe", "act", "act", "orient", "act", "decide"])
    )
    assert state.agents[("", "a")].loops == 2


def test_since_checkpoint_counts_phases_entered_since_the_last_checkpoint() -> None:
    state = fold(
        phase("observe"),
        phase("act"),
        {"type": "checkpoint", "agent": "a"},
        phase("act"),
        phase("observe"),
        phase("observe"),
    )
    agent = state.agents[("", "a")]
    assert agent.since_checkpoint == 1
    assert agent.phases_entered == 3  # the act after the checkpoint is a repeat


def test_checkpoint_outcomes() -> None:
    state = fold(
        {"type": "checkpoint", "agent": "a", "ok": True},
        {"type": "checkpoint", "agent": "a", "ok": False},
        {"type": "checkpoint", "agent": "a", "tests": {"passed": 4, "failed": 0}},
        {"type": "checkpoint", "agent": "a", "tests": {"passed": 4, "failed": 1}},
        {"type": "checkpoint", "agent": "a", "ok": True, "tests": {"failed": 2}},
        {"type": "checkpoint", "agent": "a", "commit": "abc123"},
        {"type": "checkpoint", "agent": "a", "ok": "yes"},
    )
    agent = state.agents[("", "a")]
    outcomes = [c.ok for c in agent.checkpoint_history]
    assert outcomes == [True, False, True, False, True, None, None]
    assert (agent.checkpoints, agent.checkpoints_ok, agent.checkpoints_failed) == (
        7,
        3,
        2,
    )


def test_tokens_sum_over_every_agent_line() -> None:
    state = fold(
        phase("act", tokens=100),
        {"type": "checkpoint", "agent": "a", "tokens": 20},
        candidate("c1", tokens=3),
        {"type": "message", "agent": "a", "tokens": "many"},
        {"type": "message", "agent": "a", "tokens": -5},
        {"type": "message", "agent": "a", "tokens": 2**64 - 1},
    )
    assert state.agents[("", "a")].tokens == 123


def test_a_candidate_seen_again_is_updated_in_place() -> None:
    state = fold(
        candidate("c1", summary="first", confidence=0.5, tokens_delta=10),
        candidate("c2"),
        vote("c1", "approve"),
        candidate("c1", confidence=0.9, tests={"passed": 3, "failed": 1}),
    )
    cand = state.candidates["c1"]
    assert (cand.summary, cand.confidence, cand.tokens_delta) == ("first", 0.9, 10)
    assert cand.tests == (3, 1)
    assert cand.approvals == 1
    assert cand.seq == 0
    assert cand.where.lineno == 4


def test_an_update_with_a_wrong_typed_field_keeps_the_old_value() -> None:
    state = fold(candidate("c1", confidence=0.5), candidate("c1", confidence="high"))
    assert state.candidates["c1"].confidence == 0.5


def test_only_the_latest_verdict_of_each_voter_counts() -> None:
    state = fold(
        candidate("c1"),
        vote("c1", "approve"),
        vote("c1", "veto"),
        vote("c1", "approve", voter="bob"),
    )
    cand = state.candidates["c1"]
    assert (cand.approvals, cand.vetoes) == (1, 1)


def test_clear_withdraws_a_vote() -> None:
    state = fold(candidate("c1"), vote("c1", "veto"), vote("c1", "clear"))
    cand = state.candidates["c1"]
    assert (cand.approvals, cand.vetoes) == (0, 0)
    assert state.ballots["c1"]["ann"].verdict == "clear"


def test_a_repeated_vote_id_counts_once() -> None:
    state = fold(
        candidate("c1"),
        vote("c1", "approve", vote_id="v1"),
        vote("c1", "veto", vote_id="v2"),
        vote("c1", "approve", vote_id="v1"),
    )
    assert state.candidates["c1"].vetoes == 1
    assert state.candidates["c1"].approvals == 0
    assert (state.events, state.votes) == (4, 2)


def test_a_vote_before_its_candidate_counts_when_it_appears() -> None:
    state = fold(vote("c9", "approve"), vote("c9", "approve", voter="bob"))
    assert "c9" not in state.candidates
    state.apply(candidate("c9"), HERE, now=2000.0)
    assert state.candidates["c9"].approvals == 2


def test_the_latest_vote_is_the_last_one_read_whatever_its_ts() -> None:
    # A voter's lines are appended in the order cast; a clock that is off (or
    # a line without `ts`) must not bring an earlier verdict back.
    state = fold(
        candidate("c1"), vote("c1", "veto", ts=200), vote("c1", "approve", ts=100)
    )
    assert state.ballots["c1"]["ann"].verdict == "approve"
    state = fold(candidate("c1"), vote("c1", "veto", ts=9e12), vote("c1", "approve"))
    assert state.ballots["c1"]["ann"].verdict == "approve"


def test_an_update_without_a_run_keeps_the_run() -> None:
    state = fold(candidate("c1", run="r1"), candidate("c1", summary="x"))
    assert state.candidates["c1"].run == "r1"


def test_generic_agent_events_are_kept() -> None:
    state = fold({"type": "tool_call", "agent": "a", "note": "grep"})
    agent = state.agents[("", "a")]
    assert agent.phase is None
    assert agent.recent[-1].kind == "tool_call"
    assert state.events == 1


def test_start_and_end_set_the_status() -> None:
    state = fold({"type": "start", "agent": "a"})
    assert state.agents[("", "a")].status == "running"
    state.apply({"type": "end", "agent": "a", "status": "done"}, HERE, 1.0)
    assert state.agents[("", "a")].status == "done"


def test_histories_are_bounded_and_text_is_clipped() -> None:
    events = [phase("act" if n % 2 else "observe", note="x" * 5000) for n in range(500)]
    agent = fold(*events).agents[("", "a")]
    assert len(agent.phase_history) == HISTORY
    assert len(agent.recent) == HISTORY
    assert max(len(r.text) for r in agent.recent) < 300


def test_tempo_is_loops_per_minute() -> None:
    events = [phase(p, ts=t) for t, p in enumerate(["act", "observe"] * 5)]
    agent = fold(*[{**e, "ts": n * 30.0} for n, e in enumerate(events)]).agents[
        ("", "a")
    ]
    # acts at 0, 60, 120, 180, 240 seconds: one loop a minute
    assert agent.tempo() == 1.0


def test_missing_ts_falls_back_to_the_read_time() -> None:
    state = RunState()
    state.apply(phase("act"), HERE, now=42.0)
    assert state.agents[("", "a")].phase_since == 42.0


def test_the_answer_is_found_on_an_older_line(tmp_path) -> None:
    from oodatui.read import read_once

    log = tmp_path / "r.jsonl"
    log.write_text(
        '{"type":"candidate","agent":"a","id":"c","answer":"the fix","summary":"s"}\n'
        '{"type":"candidate","agent":"a","id":"c","confidence":0.5}\n'
    )
    detail = read_once([log]).detail("c")
    assert detail is not None
    assert (detail["answer"], detail["confidence"]) == ("the fix", 0.5)


def test_a_detail_is_not_read_from_whatever_took_the_line_s_place(tmp_path) -> None:
    """After a rotation the path holds other lines at the same offsets: the
    detail says it is gone rather than show another candidate's answer."""
    from oodatui.read import Reader

    log = tmp_path / "r.jsonl"
    log.write_text('{"type":"candidate","agent":"a","id":"c1","answer":"one"}\n')
    reader = Reader([log])
    reader.poll()
    assert reader.detail("c1")["answer"] == "one"  # type: ignore[index]

    log.rename(tmp_path / "r.jsonl.1")
    log.write_text('{"type":"candidate","agent":"a","id":"c2","answer":"two"}\n')
    assert reader.detail("c1") is None


def test_token_totals_stop_at_the_64_bit_limit() -> None:
    state = RunState()
    for _ in range(2050):
        state.apply(phase("act", tokens=MAX_COUNT), HERE, now=1.0)
    assert state.agents[("", "a")].tokens == MAX_TOTAL


def test_an_unknown_type_is_kept_short() -> None:
    state = RunState()
    state.apply({"type": "x" * 10_000, "agent": "a"}, HERE, now=1.0)
    assert len(state.agents[("", "a")].recent[-1].kind) == KIND_LIMIT


def test_a_phase_line_is_listed_under_its_phase() -> None:
    state = RunState()
    state.apply(phase("orient", note="reading"), HERE, now=1.0)
    assert state.agents[("", "a")].recent[-1][:3] == (1.0, "orient", "reading")


def test_a_candidate_line_is_listed_by_its_id_and_summary() -> None:
    state = RunState()
    state.apply({"type": "candidate", "agent": "a", "id": "c1"}, HERE, now=1.0)
    state.apply(
        {**phase("act"), "type": "candidate", "id": "c2", "summary": "s"}, HERE, 2.0
    )
    assert [r.text for r in state.agents[("", "a")].recent] == ["c1", "c2: s"]
