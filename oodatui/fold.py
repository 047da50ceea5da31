"""Folding events into the state of a run: agents, checkpoints, candidates, votes.

`RunState.apply` does constant work per event. The state keeps counters, the
latest value of each field, and bounded recent histories; the full text of an
event stays in its file, found again through the `Where` kept beside it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

from oodatui.format import (
    MAX_COUNT,
    Event,
    opt_bool,
    opt_confidence,
    opt_count,
    opt_int,
    opt_str,
    opt_tests,
    timestamp,
)

__all__ = [
    "Where",
    "BadLine",
    "Checkpoint",
    "Recent",
    "AgentState",
    "Candidate",
    "Vote",
    "RunState",
    "HISTORY",
]

HISTORY = 64
"""How many phases, checkpoints and recent events each agent remembers."""

PREVIEW = 240
"""How much of an agent's free text is kept in memory for display."""

BAD_KEPT = 2000
"""Bad lines remembered in full; beyond that only counted."""


class Where(NamedTuple):
    """Where a line came from, so its details can be read again on demand."""

    path: str
    lineno: int
    offset: int


class BadLine(NamedTuple):
    where: Where
    reason: str


class Checkpoint(NamedTuple):
    ts: float
    ok: bool | None
    """True passed, False failed, None unknown."""
    tests: tuple[int, int] | None
    tokens: int | None
    commit: str | None
    note: str | None
    id: str | None


class Recent(NamedTuple):
    """One line of an agent's recent history, as the detail pane lists it."""

    ts: float
    kind: str
    text: str
    where: Where


@dataclass(slots=True)
class AgentState:
    run: str
    agent: str
    phase: str | None = None
    phase_since: float | None = None
    first_phase: str | None = None
    """The first phase this agent entered (joining slices needs it)."""
    phases_entered: int = 0
    loops: int = 0
    since_checkpoint: int = 0
    checkpoints: int = 0
    checkpoints_ok: int = 0
    checkpoints_failed: int = 0
    tokens: int = 0
    events: int = 0
    status: str | None = None
    """`running` after a start line, the end line's status (or `ended`) after it."""
    first_ts: float | None = None
    last_ts: float | None = None
    source: str = ""
    phase_history: deque[tuple[str, float]] = field(
        default_factory=lambda: deque(maxlen=HISTORY)
    )
    act_times: deque[float] = field(default_factory=lambda: deque(maxlen=16))
    line_times: deque[float] = field(default_factory=lambda: deque(maxlen=17))
    """When its latest lines were written, for telling unusual silence."""
    checkpoint_history: deque[Checkpoint] = field(
        default_factory=lambda: deque(maxlen=HISTORY)
    )
    recent: deque[Recent] = field(default_factory=lambda: deque(maxlen=HISTORY))

    @property
    def key(self) -> tuple[str, str]:
        return (self.run, self.agent)

    @property
    def last_checkpoint(self) -> Checkpoint | None:
        return self.checkpoint_history[-1] if self.checkpoint_history else None

    @property
    def usual_gap(self) -> float | None:
        """The median gap between this agent's recent lines."""
        times = sorted(self.line_times)
        gaps = sorted(b - a for a, b in zip(times, times[1:], strict=False))
        return gaps[len(gaps) // 2] if gaps else None

    def tempo(self, window: float = 600.0) -> float | None:
        """Loops per minute over the recent acts within `window` seconds."""
        if len(self.act_times) < 2:
            return None
        newest = self.act_times[-1]
        times = [t for t in self.act_times if newest - t <= window]
        span = times[-1] - times[0]
        return (len(times) - 1) * 60.0 / span if span > 0 else None


@dataclass(slots=True)
class Vote:
    voter: str
    verdict: str
    ts: float | None
    reason: str | None
    vote_id: str | None
    where: Where


@dataclass(slots=True)
class Candidate:
    id: str
    run: str
    agent: str
    seq: int
    """Order of first appearance; later is newer and wins ties."""
    first_ts: float
    ts: float
    summary: str | None = None
    confidence: float | None = None
    tokens_delta: int | None = None
    tests: tuple[int, int] | None = None
    commit: str | None = None
    approvals: int = 0
    vetoes: int = 0
    where: Where = Where("", 0, 0)
    """The candidate's latest line, to read its details again from."""
    answer_at: Where | None = None
    """The latest of its lines that carried an answer, which may be older."""

    @property
    def pass_rate(self) -> float | None:
        if self.tests is None or sum(self.tests) == 0:
            return None
        return self.tests[0] / sum(self.tests)


@dataclass
class RunState:
    """Everything the dashboard and the summary show, folded one event at a time."""

    agents: dict[tuple[str, str], AgentState] = field(default_factory=dict)
    candidates: dict[str, Candidate] = field(default_factory=dict)
    ballots: dict[str, dict[str, Vote]] = field(default_factory=dict)
    """Each candidate's latest vote per voter, including candidates not seen yet."""
    vote_ids: set[str] = field(default_factory=set)
    bad: deque[BadLine] = field(default_factory=lambda: deque(maxlen=BAD_KEPT))
    events: int = 0
    votes: int = 0
    bad_lines: int = 0
    last_ts: float | None = None
    last_agent_ts: float | None = None
    """The newest agent line's time: whether a run is still going (a vote cast
    today on last month's run does not make it live)."""
    version: int = 0
    """Bumped by every change, so views redraw only when something happened."""
    deferred: list[tuple[Event, float, Where]] | None = None
    """When set, candidate and vote lines are queued here instead of applied:
    a slice of a log folded apart is joined later in order (`oodatui.slices`)."""

    def apply(self, event: Event, where: Where, now: float) -> None:
        """Fold one checked event; `now` stands in for a missing `ts`."""
        ts = event.get("ts")
        if type(ts) is not float:
            ts = timestamp(event)
            if ts is None:
                ts = now
        self.events += 1
        self.version += 1
        if self.last_ts is None or ts > self.last_ts:
            self.last_ts = ts

        kind = event["type"]
        if kind == "vote":
            if self.deferred is not None:
                self.deferred.append((event, ts, where))
            else:
                self.vote(event, ts, where)
            return
        agent = self._agent(event, ts, where)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, agent, event, ts, where)
        else:
            _note(agent, ts, kind, opt_str(event, "note") or "", where)

    def add_bad(self, where: Where, reason: str) -> None:
        self.bad_lines += 1
        self.version += 1
        self.bad.append(BadLine(where, reason))

    # Agents ---------------------------------------------------------------

    def _agent(self, event: Event, ts: float, where: Where) -> AgentState:
        run = event.get("run")
        key = (run if type(run) is str else "", event["agent"])
        agent = self.agents.get(key)
        if agent is None:
            agent = self.agents[key] = AgentState(*key, first_ts=ts)
        if agent.last_ts is None or ts > agent.last_ts:
            agent.last_ts = ts
            if self.last_agent_ts is None or ts > self.last_agent_ts:
                self.last_agent_ts = ts
        agent.line_times.append(ts)
        agent.events += 1
        agent.source = where.path
        tokens = event.get("tokens")
        if type(tokens) is int and 0 <= tokens <= MAX_COUNT:
            agent.tokens += tokens
        return agent

    def _phase(self, agent: AgentState, event: Event, ts: float, where: Where) -> None:
        phase = event["phase"]
        if phase != agent.phase:
            agent.phase = phase
            agent.phase_since = ts
            agent.phases_entered += 1
            if agent.first_phase is None:
                agent.first_phase = phase
            agent.since_checkpoint += 1
            agent.phase_history.append((phase, ts))
            if phase == "act":
                agent.loops += 1
                agent.act_times.append(ts)
        _note(agent, ts, phase, opt_str(event, "note") or "", where)

    def _checkpoint(
        self, agent: AgentState, event: Event, ts: float, where: Where
    ) -> None:
        tests = opt_tests(event)
        ok = opt_bool(event, "ok")
        if ok is None and tests is not None:
            ok = tests[1] == 0
        agent.checkpoints += 1
        agent.checkpoints_ok += ok is True
        agent.checkpoints_failed += ok is False
        agent.since_checkpoint = 0
        point = Checkpoint(
            ts,
            ok,
            tests,
            opt_count(event, "tokens"),
            _clip(opt_str(event, "commit")),
            _clip(opt_str(event, "note")),
            _clip(opt_str(event, "id")),
        )
        agent.checkpoint_history.append(point)
        _note(agent, ts, "checkpoint", point.note or "", where)

    def _status(self, agent: AgentState, event: Event, ts: float, where: Where) -> None:
        kind = event["type"]
        status = opt_str(event, "status")
        agent.status = "running" if kind == "start" else (status or "ended")
        _note(agent, ts, kind, status or "", where)

    def _message(
        self, agent: AgentState, event: Event, ts: float, where: Where
    ) -> None:
        _note(agent, ts, "message", opt_str(event, "text") or "", where)

    # Candidates and votes -------------------------------------------------

    def _candidate(
        self, agent: AgentState, event: Event, ts: float, where: Where
    ) -> None:
        summary = opt_str(event, "summary")
        _note(agent, ts, "candidate", f"{event['id']}: {summary or ''}", where)
        if self.deferred is not None:
            self.deferred.append((event, ts, where))
        else:
            self.update_candidate(event, ts, where)

    def update_candidate(self, event: Event, ts: float, where: Where) -> None:
        """The candidates-table half of a candidate line: fields present replace."""
        cid, run = event["id"], opt_str(event, "run")
        cand = self.candidates.get(cid)
        if cand is None:
            seq = len(self.candidates)
            cand = Candidate(cid, run or "", event["agent"], seq, ts, ts)
            self.candidates[cid] = cand
            self._tally(cand)
        cand.agent, cand.ts, cand.where = event["agent"], ts, where
        if run is not None:
            cand.run = run
        # A field of the wrong type is absent, and an absent field keeps its value.
        summary, confidence = opt_str(event, "summary"), opt_confidence(event)
        spent, tests = opt_int(event, "tokens_delta"), opt_tests(event)
        commit = opt_str(event, "commit")
        if summary is not None:
            cand.summary = _clip(summary)
        if confidence is not None:
            cand.confidence = confidence
        if spent is not None:
            cand.tokens_delta = spent
        if tests is not None:
            cand.tests = tests
        if commit is not None:
            cand.commit = _clip(commit)
        if type(event.get("answer")) is str:
            cand.answer_at = where

    def vote(self, event: Event, ts: float, where: Where) -> None:
        """The ballot half of a vote line (the line itself is counted by `apply`)."""
        vote_id = opt_str(event, "vote_id")
        if vote_id is not None:
            if vote_id in self.vote_ids:
                return
            self.vote_ids.add(vote_id)
        self.votes += 1

        cid, voter = event["candidate"], event["voter"]
        ballot = self.ballots.setdefault(cid, {})
        previous = ballot.get(voter)
        vote = Vote(
            voter,
            event["verdict"],
            ts,
            _clip(opt_str(event, "reason")),
            vote_id,
            where,
        )
        ballot[voter] = vote
        cand = self.candidates.get(cid)
        if cand is not None:
            _count(cand, previous, -1)
            _count(cand, vote, +1)

    def _tally(self, cand: Candidate) -> None:
        """Count votes that arrived before their candidate did."""
        for vote in self.ballots.get(cand.id, {}).values():
            _count(cand, vote, +1)


def _count(cand: Candidate, vote: Vote | None, sign: int) -> None:
    if vote is None:
        return
    if vote.verdict == "approve":
        cand.approvals += sign
    elif vote.verdict == "veto":
        cand.vetoes += sign


new_tuple = tuple.__new__
"""Builds a named tuple without its Python-level constructor: on the hot path
that costs more than decoding the line."""


def _note(agent: AgentState, ts: float, kind: str, text: str, where: Where) -> None:
    if len(text) > PREVIEW:
        text = text[: PREVIEW - 1] + "…"
    agent.recent.append(new_tuple(Recent, (ts, kind, text, where)))


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= PREVIEW:
        return text
    return text[: PREVIEW - 1] + "…"


_HANDLERS = {
    "phase": RunState._phase,
    "checkpoint": RunState._checkpoint,
    "candidate": RunState._candidate,
    "message": RunState._message,
    "start": RunState._status,
    "end": RunState._status,
}
