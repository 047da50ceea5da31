"""When to redraw, and how fast lines arrive.

A burst of thousands of lines a second must not become thousands of redraws:
the dashboard redraws at most `MAX_HZ` times a second, only when the state
changed (or once a second, for the clocks on screen), and backs off when
copying the state gets expensive, so the reader keeps most of the time. A key
is the exception: its effect is drawn at once, whatever the pace.
"""

from __future__ import annotations

from collections import deque

__all__ = ["MAX_HZ", "LIVE_WINDOW", "Pacer", "Rate", "live"]

MAX_HZ = 30
"""Redraws a second at most. Lines arrive in batches about 40 ms apart (the
file watcher's debounce), so at thirty a second most batches are drawn as
soon as they are read rather than waiting for the next turn."""

LIVE_WINDOW = 600.0
"""A run whose newest line is younger than this (seconds) is shown as live."""

CLOCK_TICK = 1.0
"""Redraw at least this often while live, so durations keep counting."""

SHARE = 0.25
"""Most of each second the refresh may spend copying state."""


def live(last_ts: float | None, now: float) -> bool:
    return last_ts is not None and now - last_ts <= LIVE_WINDOW


class Pacer:
    """Decides whether a tick should copy the state and redraw."""

    def __init__(self) -> None:
        self.version = -1
        self.drawn_at = float("-inf")
        self.not_before = float("-inf")
        self.forced = True

    def due(self, version: int, at: float) -> bool:
        """`at` is a monotonic time; `version` the state's current version.
        A forced redraw (a key's effect) is due at once, whatever the pace."""
        if self.forced:
            return True
        if at < self.not_before:
            return False
        if version != self.version:
            return True
        return at - self.drawn_at >= CLOCK_TICK

    def wait(self, version: int, at: float) -> float | None:
        """Seconds until a redraw of `version` is due; None when it is drawn."""
        if not self.forced and version == self.version:
            return None
        return 0.0 if self.forced else max(0.0, self.not_before - at)

    def drawn(self, version: int, at: float, cost: float) -> None:
        """Record a redraw that took `cost` seconds to copy."""
        self.version, self.drawn_at, self.forced = version, at, False
        self.not_before = at + max(1.0 / MAX_HZ, cost / SHARE) - 0.005

    def force(self) -> None:
        """Redraw at the next tick even if the state did not change."""
        self.forced = True


class Rate:
    """Events per second over the last few seconds of the given clock."""

    def __init__(self, window: float = 5.0) -> None:
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, at: float, count: int) -> None:
        self.samples.append((at, count))
        while len(self.samples) > 2 and at - self.samples[1][0] >= self.window:
            self.samples.popleft()

    def per_second(self) -> float | None:
        """None until the samples span at least a second."""
        if len(self.samples) < 2:
            return None
        (t0, n0), (t1, n1) = self.samples[0], self.samples[-1]
        if t1 - t0 < 1.0:
            return None
        return (n1 - n0) / (t1 - t0)
