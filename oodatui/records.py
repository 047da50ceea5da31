"""What the state of a run is made of: agents, candidates, votes, and the
small records kept per line (where it came from, a checkpoint, a recent event).

Built and changed only by the fold (`oodatui.fold`); views copy from them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "HISTORY",
    "Where",
    "BadLine",
    "Checkpoint",
    "Recent",
    "AgentState",
    "Candidate",
    "Vote",
]

HISTORY = 64
"""How many phases, checkpoints and recent events each agent remembers."""


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
