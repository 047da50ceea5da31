"""Who is in the demo swarm: each agent's name and the role it plays.

Most agents are steady; the second runs long without a checkpoint and the
third keeps failing its checkpoints, so the dashboard always has both to show.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Role", "STEADY", "DRIFTER", "FLAKY", "role_of", "agent_name"]


@dataclass(frozen=True)
class Role:
    """How an agent behaves, beyond what its random draws decide."""

    name: str
    checkpoint_every: tuple[int, int]
    """Loops between two checkpoints, as (fewest, most)."""
    gain: tuple[float, float]
    """Progress per loop towards a fix that passes every test."""
    fail_rate: float
    """Chance that a test run fails however far the fix has come."""
    baseline: bool = False
    """Checkpoint the untouched test suite before the first loop."""
    hasty: bool = False
    """Propose candidates while tests still fail."""


STEADY = Role("steady", (1, 2), (0.25, 0.5), 0.05)
DRIFTER = Role("drifter", (30, 45), (0.08, 0.15), 0.1, baseline=True)
FLAKY = Role("flaky", (1, 2), (0.2, 0.4), 0.85, hasty=True)


def role_of(index: int) -> Role:
    """The second agent runs long without a checkpoint; the third keeps failing."""
    return {1: DRIFTER, 2: FLAKY}.get(index, STEADY)


def agent_name(index: int) -> str:
    return f"solver-{index + 1}"
