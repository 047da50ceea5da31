"""The finished runs in `sample_runs/`, made by the demo on a fake clock.

    python -m oodatui.demo --make-samples sample_runs

Each sample is a folder of agent logs. Agents write a fixed number of lines,
timestamped by a fake clock, and a scripted reviewer votes on their candidates,
so running this again gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from oodatui.demo.roles import agent_name
from oodatui.demo.swarm import Swarm

__all__ = ["Sample", "SAMPLES", "make_samples"]

CLOCK = 1_767_261_600.0
"""2026-01-01 10:00 UTC: when every sample run starts."""

RATE = 0.5
"""Lines per second per agent, on the fake clock."""

TIMEOUT = 60.0


class Sample(NamedTuple):
    name: str
    agents: int
    seed: int
    lines: int
    """Lines each agent writes before its end line (votes not counted)."""


SAMPLES = (
    Sample("swarm", agents=6, seed=12, lines=90),
    Sample("trio", agents=3, seed=11, lines=50),
)


def sample_files(root: Path, sample: Sample) -> list[Path]:
    return [root / sample.name / f"{agent_name(i)}.jsonl" for i in range(sample.agents)]


def make_samples(root: Path) -> list[Path]:
    """Write every sample under `root`, replacing earlier copies of its files."""
    swarms = []
    for sample in SAMPLES:
        (root / sample.name).mkdir(parents=True, exist_ok=True)
        for path in sample_files(root, sample):
            path.unlink(missing_ok=True)
        extra = ["--clock", repr(CLOCK), "--steps", str(sample.lines), "--review"]
        rate = RATE * sample.agents
        swarms.append(
            Swarm(root / sample.name, sample.agents, rate, sample.seed, extra=extra)
        )

    for swarm in swarms:
        swarm.start()
    problems = []
    for swarm in swarms:
        swarm.wait(TIMEOUT)
        problems += swarm.failures()
    if problems:
        raise RuntimeError("; ".join(problems))
    return [path for sample in SAMPLES for path in sample_files(root, sample)]
