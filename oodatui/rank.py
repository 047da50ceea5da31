"""Ranking policies: pure functions from candidates to an order.

Every policy puts the best candidate first. Candidates a policy has nothing to
say about (no tests, no token figure, no confidence) go last, and ties go to
the candidate that first appeared later. `recent` orders by the time of a
candidate's first line, then by reading order (files are read one by one).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

from oodatui.fold import RunState
from oodatui.names import DEFAULT_POLICY, POLICY_NAMES
from oodatui.records import Candidate

__all__ = ["POLICIES", "DEFAULT_POLICY", "rank", "top", "TopK", "next_policy"]

Key = Callable[[Candidate], tuple[object, ...]]


def _recent(c: Candidate) -> tuple[object, ...]:
    return (c.first_ts, c.seq)


def _approval(c: Candidate) -> tuple[object, ...]:
    return (c.approvals - c.vetoes, c.seq)


def _tests(c: Candidate) -> tuple[object, ...]:
    rate = c.pass_rate
    return (rate is not None, rate or 0.0, c.seq)


def _tokens(c: Candidate) -> tuple[object, ...]:
    spent = c.tokens_delta
    return (spent is not None, -(spent or 0), c.seq)


def _confidence(c: Candidate) -> tuple[object, ...]:
    conf = c.confidence
    return (conf is not None, conf or 0.0, c.seq)


POLICIES: dict[str, Key] = dict(
    zip(POLICY_NAMES, (_recent, _approval, _tests, _tokens, _confidence), strict=True)
)
"""Each policy's sort key, larger is better."""


def rank(candidates: Iterable[Candidate], policy: str) -> list[Candidate]:
    """All candidates, best first under `policy`."""
    return sorted(candidates, key=POLICIES[policy], reverse=True)


def top(candidates: Iterable[Candidate], policy: str, k: int) -> list[Candidate]:
    """The first `k` of `rank`, without sorting the rest."""
    return heapq.nlargest(k, candidates, key=POLICIES[policy])


class TopK:
    """`top` over one state's candidates, kept current between calls.

    It registers a set on the state (`RunState.watchers`) that collects the ids
    of candidates as they change; a call then looks only at the previous top k
    and at those. A candidate left alone keeps its key, so one that was below
    the top k stays below it. When a member of the previous top k lost ground,
    or the policy, `k` or the state changed, all candidates are ranked again.
    Keys never tie (they end in `seq`), so the result is exactly `top`'s. Call
    it with the reader's lock held, like anything that looks at the state.
    """

    def __init__(self) -> None:
        self._state: RunState | None = None
        self._touched: set[str] = set()
        self._of: tuple[str, int] | None = None
        self._best: list[tuple[tuple[object, ...], Candidate]] = []

    def __call__(self, state: RunState, policy: str, k: int) -> list[Candidate]:
        key = POLICIES[policy]
        if state is not self._state or self._of != (policy, k):
            pool: Iterable[Candidate] = state.candidates.values()
            self._follow(state)
        else:
            pool = self._pool(state, key)
        self._touched.clear()
        best = heapq.nlargest(k, pool, key=key)
        self._of = (policy, k)
        self._best = [(key(c), c) for c in best]
        return best

    def _follow(self, state: RunState) -> None:
        if self._state is not None:
            watchers = self._state.watchers
            watchers[:] = [w for w in watchers if w is not self._touched]
        self._state = state
        state.watchers.append(self._touched)

    def _pool(self, state: RunState, key: Key) -> Iterable[Candidate]:
        """The previous best and the touched, or every candidate when that
        might miss one."""
        kept = {c.id: c for _, c in self._best}
        if len(kept) < len(state.candidates):
            for old, cand in self._best:
                if cand.id in self._touched and key(cand) < old:
                    return state.candidates.values()
        changed = (state.candidates.get(cid) for cid in self._touched)
        kept.update((c.id, c) for c in changed if c is not None)
        return list(kept.values())


def next_policy(policy: str) -> str:
    names = list(POLICIES)
    return names[(names.index(policy) + 1) % len(names)]
