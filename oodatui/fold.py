"""Folding events into the state of a run: agents, checkpoints, candidates, votes.

`RunState.apply` does constant work per event. The state keeps counters, the
latest value of each field, and bounded recent histories (the records of
`oodatui.records`); the full text of an event stays in its
file, found again through the `Where` kept beside it.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from oodatui.format import (
    MAX_COUNT,
    PHASES,
    VERDICTS,
    Event,
    opt_bool,
    opt_confidence,
    opt_count,
    opt_int,
    opt_str,
    opt_tests,
    timestamp,
)
from oodatui.records import (
    AgentState,
    BadLine,
    Candidate,
    Checkpoint,
    Recent,
    Vote,
    Where,
)

__all__ = ["RunState", "candidate_fields", "vote_fields", "PREVIEW", "MAX_TOTAL"]

PREVIEW = 240
"""How much of an agent's free text is kept in memory for display."""

KIND_LIMIT = 64
"""How much of an unknown line type is kept (a type is a short word)."""

MAX_TOTAL = 2**63 - 1
"""Where a sum of counts stops: it stays a 64-bit integer, which JSON tools read."""

BAD_KEPT = 2000
"""Bad lines remembered in full; beyond that only counted."""


@dataclass(slots=True)
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
    watchers: list[set[str]] = field(default_factory=list)
    """Sets that collect the ids of candidates as they change, one for each
    `rank.TopK` following this state, so it need not rank all candidates again."""
    deferred: list[Deferred] | None = None
    """When set, candidate and vote lines are queued here instead of applied:
    a slice of a log folded apart is joined later in order (`oodatui.slices`)."""

    def apply(self, event: Event, where: Where, now: float) -> bool:
        """Fold one event; `now` stands in for a missing `ts`."""
        self.version += 1
        return self.apply_at(event, where.path, where.lineno, where.offset, now)

    def apply_at(
        self, event: Event, path: str, lineno: int, offset: int, now: float
    ) -> bool:
        """`apply` with the line's place given apart: the reader's hot path.

        Returns whether `event` is an event at all, and changes nothing when it
        is not. The fields that make an event are checked here as they are
        read, by the rules of `format.check_event` (a property test holds the
        two to the same answer), so a decoded line needs no second pass.

        Written out in one piece on purpose: a phase line (most lines) is
        folded with one further call only, calls being a good part of its
        cost. The caller bumps `version` once for a batch of lines.
        """
        kind = event.get("type")
        if kind == "vote":
            fields = vote_fields(event)
            if fields is None:
                return False
            ts = self._stamp(event, now)
            self._take(VOTE, fields, ts, path, lineno, offset)
            return True
        name = event.get("agent")
        if type(name) is not str or type(kind) is not str:
            return False
        phase = None
        if kind == "phase":
            phase = event.get("phase")
            if phase not in PHASES:
                return False
        elif kind == "candidate" and type(event.get("id")) is not str:
            return False
        ts = self._stamp(event, now)

        run = event.get("run")
        key = (run if type(run) is str else "", name)
        agent = self.agents.get(key)
        if agent is None:
            agent = self.agents[key] = AgentState(*key, first_ts=ts)
        if agent.last_ts is None or ts > agent.last_ts:
            agent.last_ts = ts
            if self.last_agent_ts is None or ts > self.last_agent_ts:
                self.last_agent_ts = ts
        agent.line_times.append(ts)
        agent.events += 1
        agent.source = path
        tokens = event.get("tokens")
        if type(tokens) is int and 0 <= tokens <= MAX_COUNT:
            agent.tokens += tokens
            if agent.tokens > MAX_TOTAL:
                agent.tokens = MAX_TOTAL

        if phase is None:
            handler = _HANDLERS.get(kind, _note_text)
            text = handler(self, agent, event, ts, path, lineno, offset)
            if len(kind) > KIND_LIMIT:
                kind = kind[: KIND_LIMIT - 1] + "…"
        else:
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
            kind, text = phase, event.get("note")
        if type(text) is not str:
            text = ""
        elif len(text) > PREVIEW:
            text = text[: PREVIEW - 1] + "…"
        agent.recent.append(new_tuple(Recent, (ts, kind, text)))
        return True

    def _stamp(self, event: Event, now: float) -> float:
        """Count a line in; return its time."""
        ts = event.get("ts")
        if type(ts) is not float:
            ts = timestamp(event)
            if ts is None:
                ts = now
        self.events += 1
        if self.last_ts is None or ts > self.last_ts:
            self.last_ts = ts
        return ts

    def add_bad(self, where: Where, reason: str) -> None:
        self.bad_lines += 1
        self.version += 1
        self.bad.append(BadLine(where, reason))

    # The handlers of line types other than phases and votes; each returns the
    # text its line shows in the agent's recent history.

    def _checkpoint(self, agent: AgentState, event: Event, ts: float, *_: Any) -> Any:
        tests = opt_tests(event)
        ok = opt_bool(event, "ok")
        if ok is None and tests is not None:
            ok = tests[1] == 0
        agent.checkpoints += 1
        if ok is True:
            agent.checkpoints_ok += 1
        elif ok is False:
            agent.checkpoints_failed += 1
        agent.since_checkpoint = 0
        note = _text(event, "note")
        fields = (ts, ok, tests, opt_count(event, "tokens"), _text(event, "commit"))
        point = new_tuple(Checkpoint, (*fields, note, _text(event, "id")))
        agent.checkpoint_history.append(point)
        return note

    def _status(self, agent: AgentState, event: Event, *_: Any) -> Any:
        status = opt_str(event, "status")
        agent.status = "running" if event["type"] == "start" else (status or "ended")
        return status

    def _message(self, agent: AgentState, event: Event, *_: Any) -> Any:
        return event.get("text")

    def _note_text(self, agent: AgentState, event: Event, *_: Any) -> Any:
        return event.get("note")

    # Candidates and votes -------------------------------------------------

    def _candidate(
        self,
        agent: AgentState,
        event: Event,
        ts: float,
        path: str,
        lineno: int,
        offset: int,
    ) -> str:
        fields = candidate_fields(event)
        self._take(CANDIDATE, fields, ts, path, lineno, offset)
        cid, summary = fields[0], fields[3]
        return f"{cid}: {summary}" if summary else cid

    def _take(
        self,
        kind: str,
        fields: tuple[Any, ...],
        ts: float,
        path: str,
        lineno: int,
        offset: int,
    ) -> None:
        """Apply a candidate or vote line now, or queue it for a later join."""
        if self.deferred is not None:
            self.deferred.append((kind, fields, ts, path, lineno, offset))
            return
        where = new_tuple(Where, (path, lineno, offset))
        if kind == VOTE:
            self.vote(fields, ts, where)  # type: ignore[arg-type]
        else:
            self.update_candidate(fields, ts, where)  # type: ignore[arg-type]

    def update_candidate(
        self, fields: CandidateFields, ts: float, where: Where
    ) -> None:
        """The candidates-table half of a candidate line: fields present replace."""
        cid, agent, run, summary, confidence, spent, tests, commit, answer = fields
        for touched in self.watchers:
            touched.add(cid)
        cand = self.candidates.get(cid)
        if cand is None:
            seq = len(self.candidates)
            cand = Candidate(cid, run or "", agent, seq, ts, ts)
            self.candidates[cid] = cand
            if cid in self.ballots:
                self._tally(cand)
        cand.agent, cand.ts, cand.where = agent, ts, where
        # A field of the wrong type is absent, and an absent field keeps its value.
        if run is not None:
            cand.run = run
        if summary is not None:
            cand.summary = summary
        if confidence is not None:
            cand.confidence = confidence
        if spent is not None:
            cand.tokens_delta = spent
        if tests is not None:
            cand.tests = tests
        if commit is not None:
            cand.commit = commit
        if answer:
            cand.answer_at = where

    def vote(self, fields: VoteFields, ts: float, where: Where) -> None:
        """The ballot half of a vote line (the line itself is counted by `apply`)."""
        cid, voter, verdict, reason, vote_id = fields
        if vote_id is not None:
            if vote_id in self.vote_ids:
                return
            self.vote_ids.add(vote_id)
        self.votes += 1

        ballot = self.ballots.get(cid)
        if ballot is None:
            ballot = self.ballots[cid] = {}
        previous = ballot.get(voter)
        vote = Vote(voter, verdict, ts, reason, vote_id, where)
        ballot[voter] = vote
        cand = self.candidates.get(cid)
        if cand is not None:
            for touched in self.watchers:
                touched.add(cid)
            _count(cand, previous, -1)
            _count(cand, vote, +1)

    def _tally(self, cand: Candidate) -> None:
        """Count votes that arrived before their candidate did."""
        for vote in self.ballots[cand.id].values():
            _count(cand, vote, +1)


VOTE, CANDIDATE = "vote", "candidate"

CandidateFields = tuple[
    str,
    str,
    str | None,
    str | None,
    float | None,
    int | None,
    tuple[int, int] | None,
    str | None,
    bool,
]
"""What one candidate line says: id, agent, run, summary, confidence,
tokens_delta, tests, commit, and whether it carries an answer. None is absent."""

VoteFields = tuple[str, str, str, str | None, str | None]
"""What one vote line says: candidate, voter, verdict, reason, vote_id."""

Deferred = tuple[str, tuple[Any, ...], float, str, int, int]
"""A queued candidate or vote line: kind, its fields, ts, path, lineno, offset.
Plain tuples of plain values, so a slice's queue crosses processes cheaply."""


def candidate_fields(event: Event) -> CandidateFields:
    """Names that repeat across many candidates (agent, run) are interned: a
    long run keeps one copy of each, not one per candidate."""
    run = event.get("run")
    return (
        event["id"],
        intern(event["agent"]),
        intern(run) if type(run) is str else None,
        _text(event, "summary"),
        opt_confidence(event),
        opt_int(event, "tokens_delta"),
        opt_tests(event),
        _text(event, "commit"),
        type(event.get("answer")) is str,
    )


def vote_fields(event: Event) -> VoteFields | None:
    """None when the line is not a vote by the rules of `format.check_event`."""
    cid, verdict, voter = (
        event.get("candidate"),
        event.get("verdict"),
        event.get("voter"),
    )
    if type(cid) is not str or verdict not in VERDICTS or type(voter) is not str:
        return None
    reason, vote_id = _text(event, "reason"), opt_str(event, "vote_id")
    return (cid, intern(voter), intern(verdict), reason, vote_id)


def _count(cand: Candidate, vote: Vote | None, sign: int) -> None:
    if vote is None:
        return
    if vote.verdict == "approve":
        cand.approvals += sign
    elif vote.verdict == "veto":
        cand.vetoes += sign


intern = sys.intern
new_tuple = tuple.__new__
"""Builds a named tuple without its Python-level constructor: on the hot path
that costs more than decoding the line."""


def _text(event: Event, key: str) -> str | None:
    """A string field, cut to `PREVIEW` characters; None when absent."""
    text = event.get(key)
    if type(text) is not str:
        return None
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


_HANDLERS = {
    "checkpoint": RunState._checkpoint,
    "candidate": RunState._candidate,
    "message": RunState._message,
    "start": RunState._status,
    "end": RunState._status,
}
_note_text = RunState._note_text
