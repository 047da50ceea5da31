"""Ranking policies: pure functions from candidates to an order.

Every policy puts the best candidate first. Candidates a policy has nothing to
say about (no tests, no token figure, no confidence) go last, and ties go to
the candidate that first appeared later. `recent` orders by the time of a
candidate's first line, then by reading order (files are read one by one).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

from oodatui.fold import Candidate
from oodatui.names import DEFAULT_POLICY, POLICY_NAMES

__all__ = ["POLICIES", "DEFAULT_POLICY", "rank", "top", "next_policy"]

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


def next_policy(policy: str) -> str:
    names = list(POLICIES)
    return names[(names.index(policy) + 1) % len(names)]
