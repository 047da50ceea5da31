"""What the dashboard shows, copied out of the run state in one short look.

The reader thread folds lines into `RunState` while holding `Reader.lock`. The
refresh timer takes that lock only long enough for `take_view` to copy what
the screen needs into frozen rows; widgets then draw from the copy, so drawing
never races the reader and never holds it up.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

from oodatui.fold import RunState
from oodatui.rank import TopK, top
from oodatui.read import Reader, Source
from oodatui.records import AgentState, BadLine, Candidate, Checkpoint, Recent, Vote

__all__ = [
    "AgentRow",
    "AgentDetail",
    "CandidateRow",
    "FileRow",
    "Request",
    "View",
    "take_view",
    "file_rows",
    "progress",
]

SPARK = 12
"""Checkpoints shown in an agent's sparkline."""


@dataclass(frozen=True, slots=True)
class AgentRow:
    key: tuple[str, str]
    run: str
    agent: str
    phase: str | None
    phase_since: float | None
    loops: int
    tempo: float | None
    since_checkpoint: int
    outcomes: tuple[bool | None, ...]
    """The latest checkpoints' outcomes, oldest first."""
    last_ts: float | None
    usual_gap: float | None
    status: str | None
    tokens: int
    latest: str
    """The agent's newest event: its kind and note."""


@dataclass(frozen=True, slots=True)
class AgentDetail:
    row: AgentRow
    phases: tuple[tuple[str, float], ...]
    checkpoints: tuple[Checkpoint, ...]
    recent: tuple[Recent, ...]
    checkpoint_count: int
    passed: int
    failed: int
    source: str


@dataclass(frozen=True, slots=True)
class CandidateRow:
    rank: int | None
    """Place under the current policy, from 1; None when outside the top k."""
    id: str
    run: str
    agent: str
    summary: str | None
    confidence: float | None
    tokens_delta: int | None
    tests: tuple[int, int] | None
    commit: str | None
    approvals: int
    vetoes: int
    mine: str | None
    """My counted verdict, None when I have none standing."""
    path: str
    lineno: int
    ts: float


@dataclass(frozen=True, slots=True)
class FileRow:
    path: str
    status: str
    format: str | None
    foreign: bool
    truncations: int
    rotations: int
    notices: tuple[str, ...]
    good: int
    bad: int


@dataclass(frozen=True)
class Request:
    """What the screen is looking at, so only that is copied."""

    policy: str
    top: int
    voter: str
    agent: tuple[str, str] | None = None
    candidate: str | None = None
    waiting: frozenset[str] = frozenset()
    """Vote ids written by this dashboard and not yet read back."""
    bad: bool = False
    """Copy the remembered bad lines too."""


@dataclass(frozen=True)
class View:
    version: int
    policy: str
    """The policy the candidates were ranked by."""
    agents: tuple[AgentRow, ...]
    runs: int
    detail: AgentDetail | None
    candidates: tuple[CandidateRow, ...]
    candidate_count: int
    focus: CandidateRow | None
    """The requested candidate, ranked or not."""
    ballot: tuple[Vote, ...]
    """Every voter's standing vote on the requested candidate."""
    events: int
    votes: int
    bad_lines: int
    last_ts: float | None
    files: tuple[FileRow, ...]
    counted: frozenset[str] = field(default_factory=frozenset)
    """Those of the waiting vote ids that have been read back."""
    bad: tuple[BadLine, ...] = ()
    """The remembered bad lines, oldest first, when requested."""


def take_view(reader: Reader, request: Request, ranking: TopK | None = None) -> View:
    """Copy what `request` needs; call with `reader.lock` held. `ranking`
    keeps the top candidates current from one call to the next; without it
    every candidate is ranked again, which costs tens of milliseconds on a
    run of tens of thousands of candidates."""
    state = reader.state
    if ranking is None:
        ranked = top(state.candidates.values(), request.policy, request.top)
    else:
        ranked = ranking(state, request.policy, request.top)
    rows = tuple(
        _candidate_row(state, c, n, request.voter) for n, c in enumerate(ranked, 1)
    )
    focus = _focus(state, rows, request)
    ballot = state.ballots.get(request.candidate or "", {})
    return View(
        version=state.version,
        policy=request.policy,
        agents=tuple(_agent_row(state.agents[k]) for k in sorted(state.agents)),
        runs=len({run for run, _ in state.agents}),
        detail=_detail(state.agents.get(request.agent)) if request.agent else None,
        candidates=rows,
        candidate_count=len(state.candidates),
        focus=focus,
        ballot=tuple(ballot.values()),
        events=state.events,
        votes=state.votes,
        bad_lines=state.bad_lines,
        last_ts=state.last_agent_ts,
        files=file_rows(reader),
        counted=frozenset(v for v in request.waiting if v in state.vote_ids),
        bad=tuple(state.bad) if request.bad else (),
    )


def _agent_row(agent: AgentState) -> AgentRow:
    history = agent.checkpoint_history
    latest = itertools.islice(history, max(0, len(history) - SPARK), None)
    return AgentRow(
        key=agent.key,
        run=agent.run,
        agent=agent.agent,
        phase=agent.phase,
        phase_since=agent.phase_since,
        loops=agent.loops,
        tempo=agent.tempo(),
        since_checkpoint=agent.since_checkpoint,
        outcomes=tuple(c.ok for c in latest),
        last_ts=agent.last_ts,
        usual_gap=agent.usual_gap,
        status=agent.status,
        tokens=agent.tokens,
        latest=_latest(agent),
    )


def _latest(agent: AgentState) -> str:
    if not agent.recent:
        return ""
    event = agent.recent[-1]
    return f"{event.kind}: {event.text}" if event.text else event.kind


def _detail(agent: AgentState | None) -> AgentDetail | None:
    if agent is None:
        return None
    return AgentDetail(
        row=_agent_row(agent),
        phases=tuple(agent.phase_history),
        checkpoints=tuple(agent.checkpoint_history),
        recent=tuple(agent.recent),
        checkpoint_count=agent.checkpoints,
        passed=agent.checkpoints_ok,
        failed=agent.checkpoints_failed,
        source=agent.source,
    )


def _candidate_row(
    state: RunState, cand: Candidate, rank: int | None, voter: str
) -> CandidateRow:
    mine = state.ballots.get(cand.id, {}).get(voter)
    return CandidateRow(
        rank=rank,
        id=cand.id,
        run=cand.run,
        agent=cand.agent,
        summary=cand.summary,
        confidence=cand.confidence,
        tokens_delta=cand.tokens_delta,
        tests=cand.tests,
        commit=cand.commit,
        approvals=cand.approvals,
        vetoes=cand.vetoes,
        mine=mine.verdict if mine and mine.verdict != "clear" else None,
        path=cand.where.path,
        lineno=cand.where.lineno,
        ts=cand.ts,
    )


def _focus(
    state: RunState, rows: tuple[CandidateRow, ...], request: Request
) -> CandidateRow | None:
    if request.candidate is None:
        return None
    for row in rows:
        if row.id == request.candidate:
            return row
    cand = state.candidates.get(request.candidate)
    return _candidate_row(state, cand, None, request.voter) if cand else None


def file_rows(reader: Reader) -> tuple[FileRow, ...]:
    """Each file's status; safe without the lock (each field is read once)."""
    return tuple(
        _file_row(path, source) for path, source in list(reader.sources.items())
    )


def _file_row(path: str, source: Source) -> FileRow:
    tail = source.tail
    return FileRow(
        path=path,
        status=tail.status,
        format=source.format,
        foreign=source.foreign,
        truncations=tail.truncations,
        rotations=tail.rotations,
        notices=tuple(tail.notices),
        good=source.good,
        bad=source.bad,
    )


def progress(reader: Reader) -> tuple[int, int]:
    """Bytes read so far and bytes in all files, without taking the lock."""
    done = total = 0
    for source in list(reader.sources.values()):
        tail = source.tail
        try:
            size = os.stat(tail.path).st_size
        except OSError:
            continue
        done += min(tail.offset, size)
        total += size
    return done, total
