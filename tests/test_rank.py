"""Ranking policies: order, ties, and candidates without the figure."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oodatui.fold import RunState
from oodatui.rank import POLICIES, TopK, next_policy, rank, top
from oodatui.records import Where


def state_of(*candidates: dict[str, Any], votes: tuple = ()) -> RunState:
    state = RunState()
    for n, fields in enumerate(candidates):
        event = {"type": "candidate", "agent": "a", **fields}
        state.apply(event, Where("f", n, 0), now=float(n))
    for cid, verdict, voter in votes:
        event = {"type": "vote", "candidate": cid, "verdict": verdict, "voter": voter}
        state.apply(event, Where("f", 99, 0), now=99.0)
    return state


def order(state: RunState, policy: str) -> list[str]:
    return [c.id for c in rank(state.candidates.values(), policy)]


def test_recent_puts_the_newest_first() -> None:
    state = state_of({"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "a"})
    assert order(state, "recent") == ["c", "b", "a"]


def test_approval_is_approvals_minus_vetoes() -> None:
    state = state_of(
        {"id": "a"},
        {"id": "b"},
        {"id": "c"},
        votes=(
            ("a", "approve", "x"),
            ("a", "approve", "y"),
            ("a", "veto", "z"),
            ("b", "veto", "x"),
            ("c", "approve", "x"),
        ),
    )
    # a and c tie at +1: c appeared later and wins
    assert order(state, "approval") == ["c", "a", "b"]


def test_tests_rank_by_pass_rate_with_no_tests_last() -> None:
    state = state_of(
        {"id": "none"},
        {"id": "half", "tests": {"passed": 1, "failed": 1}},
        {"id": "all", "tests": {"passed": 2, "failed": 0}},
        {"id": "zero", "tests": {"passed": 0, "failed": 0}},
        {"id": "half2", "tests": {"passed": 5, "failed": 5}},
    )
    assert order(state, "tests") == ["all", "half2", "half", "zero", "none"]


def test_tokens_rank_cheapest_first_with_none_last() -> None:
    state = state_of(
        {"id": "none"},
        {"id": "big", "tokens_delta": 900},
        {"id": "small", "tokens_delta": 10},
        {"id": "small2", "tokens_delta": 10},
    )
    assert order(state, "tokens") == ["small2", "small", "big", "none"]


def test_confidence_ranks_highest_first_with_none_last() -> None:
    state = state_of(
        {"id": "none"},
        {"id": "low", "confidence": 0.1},
        {"id": "high", "confidence": 0.9},
        {"id": "bogus", "confidence": 7},
    )
    assert order(state, "confidence") == ["high", "low", "bogus", "none"]


@pytest.mark.parametrize("policy", list(POLICIES))
@pytest.mark.parametrize("k", [0, 1, 3, 10])
def test_top_k_is_the_first_k(policy: str, k: int) -> None:
    state = state_of(
        *(
            {"id": f"c{n}", "confidence": (n % 3) / 3, "tokens_delta": n % 4}
            for n in range(8)
        )
    )
    ranked = rank(state.candidates.values(), policy)
    assert top(state.candidates.values(), policy, k) == ranked[:k]


def test_next_policy_cycles_through_all() -> None:
    seen, policy = [], "recent"
    for _ in POLICIES:
        seen.append(policy)
        policy = next_policy(policy)
    assert sorted(seen) == sorted(POLICIES) and policy == "recent"


# The top k kept current ---------------------------------------------------------

ids = st.sampled_from(["c0", "c1", "c2", "c3"])
lines = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("candidate"), "agent": st.just("a"), "id": ids},
        optional={
            "ts": st.floats(0, 100),
            "confidence": st.floats(0, 1),
            "tokens_delta": st.integers(0, 9),
            "tests": st.fixed_dictionaries(
                {"passed": st.integers(0, 3), "failed": st.integers(0, 3)}
            ),
        },
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("vote"),
            "candidate": ids,
            "verdict": st.sampled_from(["approve", "veto", "clear"]),
            "voter": st.sampled_from(["x", "y", "z"]),
        }
    ),
)
calls = st.tuples(st.sampled_from(list(POLICIES)), st.integers(0, 3))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.lists(lines, max_size=4), calls), max_size=10))
def test_the_kept_top_k_is_always_top(steps: list) -> None:
    """Between calls lines arrive, and the policy or k may change: the kept
    top k is still exactly what ranking every candidate gives."""
    state, kept, other = RunState(), TopK(), TopK()
    for n, (batch, (policy, k)) in enumerate(steps):
        for m, event in enumerate(batch):
            state.apply(event, Where("f", n * 10 + m, 0), now=float(n))
        assert kept(state, policy, k) == top(state.candidates.values(), policy, k)
        if n % 2:  # a second view of the same state takes nothing from the first
            other(state, "tests", 2)


def test_a_leader_that_loses_ground_makes_room() -> None:
    state = state_of({"id": "a"}, {"id": "b"}, votes=(("a", "approve", "x"),))
    kept = TopK()
    assert [c.id for c in kept(state, "approval", 1)] == ["a"]
    state.apply(
        {"type": "vote", "candidate": "a", "verdict": "veto", "voter": "x"},
        Where("f", 9, 0),
        now=9.0,
    )
    assert [c.id for c in kept(state, "approval", 1)] == ["b"]


def test_a_kept_top_k_moves_to_a_new_state_and_lets_go_of_the_old() -> None:
    first, second, kept = state_of({"id": "a"}), state_of({"id": "b"}), TopK()
    assert [c.id for c in kept(first, "recent", 3)] == ["a"]
    assert [c.id for c in kept(second, "recent", 3)] == ["b"]
    assert first.watchers == [] and len(second.watchers) == 1
