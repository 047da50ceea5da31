"""Pacing a simulated agent: its share of the demo's rate, on a real or fake clock.

Live, an agent sleeps between lines and stops when it is signalled or its
parent is gone. Making sample runs, it never sleeps: a fake clock advances
instead, so every line gets a reproducible timestamp.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path
from typing import Any

from oodatui.demo.reviewer import Reviewer
from oodatui.runlog import RunLog

__all__ = ["Stopped", "StopFlag", "Pacer", "PacedLog"]

WEIGHTS = {"observe": 1.0, "orient": 0.8, "decide": 0.6, "act": 1.5}
"""Relative time spent on a line of each phase; other lines weigh 1."""

SLICE = 0.05
"""Longest sleep between two looks at the stop flag, in seconds."""


class Stopped(Exception):
    """Raised between lines when the agent must write its end line and exit."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class StopFlag:
    """Set by SIGTERM, SIGINT or SIGHUP; also true once the parent is gone."""

    def __init__(self, parent: int | None) -> None:
        self.parent = parent
        self.signalled = False

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: object) -> None:
        # Only a flag: raising here could cut a write in half.
        self.signalled = True

    def check(self) -> None:
        orphaned = self.parent is not None and os.getppid() != self.parent
        if self.signalled or orphaned:
            raise Stopped("stopped")


class Pacer:
    """Spaces lines at `rate` per second on average, with a believable jitter."""

    def __init__(
        self,
        rate: float,
        rng: random.Random,
        stop: StopFlag,
        *,
        fake_start: float | None = None,
        steps: int | None = None,
    ) -> None:
        self.rate = rate
        self.rng = rng
        self.stop = stop
        self.fake = fake_start
        self.steps = steps
        self.lines = 0

    def now(self) -> float | None:
        """The fake time, rounded like a real log's; None on the real clock."""
        return None if self.fake is None else round(self.fake, 3)

    def wait(self, weight: float = 1.0) -> None:
        """Pause after a line; raise `Stopped` when it is time to finish."""
        self.lines += 1
        self.stop.check()
        if self.steps is not None and self.lines >= self.steps:
            raise Stopped("done")
        gap = weight / self.rate * self.rng.uniform(0.4, 1.6)
        if self.rng.random() < 0.03:
            gap *= self.rng.uniform(5, 10)  # a long think now and then
        if self.fake is not None:
            self.fake += gap
            return
        self._sleep(gap)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            self.stop.check()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, SLICE))


class PacedLog(RunLog):
    """A `RunLog` that stamps lines with the pacer's clock and waits after each."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        agent: str,
        run: str,
        pacer: Pacer,
        reviewer: Reviewer | None = None,
    ) -> None:
        super().__init__(path, agent=agent, run=run)
        self.pacer = pacer
        self.reviewer = reviewer

    def write(self, type: str, **fields: Any) -> dict[str, Any]:
        fields.setdefault("ts", self.pacer.now())
        line = super().write(type, **fields)
        if type == "end":
            return line
        if self.reviewer is not None:
            self.reviewer.read(line)
        self.pacer.wait(WEIGHTS.get(fields.get("phase", ""), 1.0))
        if self.reviewer is not None:
            self.reviewer.vote_due(Path(self.path), self.pacer.now())
        return line
