"""Live latency: from a line's write to its effect on the rendered screen.

A writer process (`oodatui.bench.writer`) appends 1,000 lines a second in
total to 16 agent logs in a folder the dashboard follows. Every `MARK_EVERY`
seconds one of those lines is a new candidate with a unique id, and the writer
notes the `time.monotonic()` at which its `os.write` returned. The dashboard
ranks by `recent`, so a new candidate goes to the top of the candidates pane;
`FrameWatch` notes the first frame whose text holds each id. Latency is the
difference (one monotonic clock serves every process on Linux). A marker
never seen (pushed out of the top 5 before a frame showed it, or too late) is
counted as lost and as an infinite latency in the percentiles.

Measured twice, with watchfiles and with `poll=True`. Each mode has its own
baseline from the same run: a bare follower in one thread (watchfiles at
`debounce=5, step=1`, or a `stat` loop at the reader's polling interval)
that reads the new bytes and looks for the same markers; the floor of that
mechanism on this machine.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oodatui.bench.context import Bench
from oodatui.bench.drive import (
    Swarm,
    make_swarm_folder,
    open_dashboard,
    running,
    wait_for_history,
)
from oodatui.bench.report import Figure, app_trouble
from oodatui.bench.stats import median, percentile, unnull

__all__ = ["probe_live", "probe_bare_watch", "live"]

RATE = 1000.0
MARK_EVERY = 0.08
"""Seconds between markers: sparse enough that no marker is pushed out of the
top 5 by the next ones within a quarter-second poll."""

MARK = r"live\d{5}"
GRACE = 1.0
"""Seconds to keep watching after the writer stops (half that with --quick)."""


def poll_interval() -> float:
    """The reader's default polling interval, which the bare poller mirrors."""
    from oodatui.read import Reader

    return float(inspect.signature(Reader.follow).parameters["interval"].default)


def _latencies(markers: list[list[Any]], seen: dict[str, float]) -> list[float | None]:
    """Milliseconds per marker; None for one never seen."""
    return [(seen[m] - at) * 1000 if m in seen else None for m, at in markers]


async def probe_live(
    folder: str, poll: bool, seconds: float, grace: float
) -> dict[str, Any]:
    from oodatui.bench.screen import FrameWatch

    app = open_dashboard([folder], poll=poll)
    watch = FrameWatch(app, pattern=MARK)
    errors: list[str] = []
    async with running(app, errors):
        await wait_for_history(watch)
        swarm = Swarm(folder, RATE, seconds)
        await swarm.start(MARK_EVERY)
        written = await swarm.result()
        await asyncio.sleep(grace)
    return {
        "latencies_ms": _latencies(written["markers"], watch.seen),
        "rate": written["rate"],
        "frames": watch.frames,
        "app_errors": errors,
    }


class BareFollower:
    """Reads what is appended to a folder's logs and notes markers' times."""

    def __init__(self, folder: str) -> None:
        self.files = sorted(Path(folder).glob("*.jsonl"))
        self.offsets = {str(p): p.stat().st_size for p in self.files}
        self.seen: dict[str, float] = {}
        self.mark = re.compile(MARK.encode())

    def scan(self, paths: Iterable[str] | None) -> None:
        """Read what is new in `paths` (None: every log)."""
        for path in list(self.offsets) if paths is None else paths:
            with open(path, "rb") as file:
                file.seek(self.offsets.get(path, 0))
                data = file.read()
                self.offsets[path] = file.tell()
            now = time.monotonic()
            for found in self.mark.findall(data):
                self.seen.setdefault(found.decode(), now)

    def watch(self, folder: str, stop: threading.Event) -> None:
        from watchfiles import watch

        for changes in watch(
            folder, debounce=5, step=1, stop_event=stop, yield_on_timeout=True
        ):
            self.scan({path for _, path in changes} or None)

    def poll(self, interval: float, stop: threading.Event) -> None:
        while not stop.wait(interval):
            self.scan(None)


async def probe_bare_watch(
    folder: str, poll: bool, seconds: float, grace: float
) -> dict[str, Any]:
    follower, stop = BareFollower(folder), threading.Event()
    if poll:
        loop = threading.Thread(target=follower.poll, args=(poll_interval(), stop))
    else:
        loop = threading.Thread(target=follower.watch, args=(folder, stop))
    loop.start()
    await asyncio.sleep(0.2)
    swarm = Swarm(folder, RATE, seconds)
    await swarm.start(MARK_EVERY)
    written = await swarm.result()
    await asyncio.sleep(grace)
    stop.set()
    loop.join()
    return {"latencies_ms": _latencies(written["markers"], follower.seen)}


def live(bench: Bench) -> list[Figure]:
    seconds = 0.6 if bench.quick else 12.0
    grace = GRACE / 2 if bench.quick else GRACE
    figures = []
    for poll in (False, True):
        runs = {}
        for kind in ("live", "bare_watch"):
            folder = make_swarm_folder(bench.folder / f"{kind}-{poll}")
            runs[kind] = bench.measured(
                kind, folder=str(folder), poll=poll, seconds=seconds, grace=grace
            )
        figures += _figures(poll, runs["live"], runs["bare_watch"])
    return figures


def _figures(poll: bool, app: dict[str, Any], bare: dict[str, Any]) -> list[Figure]:
    mode = "poll" if poll else "watch"
    ours, floor = unnull(app["latencies_ms"]), unnull(bare["latencies_ms"])
    lost = sum(math.isinf(v) for v in ours)
    note = f"{len(ours)} markers, {lost} lost; writer {app['rate']:,.0f} lines/s"
    note += app_trouble(app)
    stats = {
        "median": (median(ours), median(floor), 100),
        "p99": (percentile(ours, 99), percentile(floor, 99), 250),
    }
    return [
        Figure(
            f"live_{mode}_{stat}",
            f"3 live latency {stat}, {'poll=True' if poll else 'watchfiles'}",
            value,
            "ms",
            baseline=base,
            baseline_label=f"bare {'stat poll' if poll else 'watchfiles'}",
            ratio=value / base if base else None,
            target="" if poll else f"≤ {limit} ms",
            passed=None if poll else value <= limit,
            note=note,
            detail={"app": app, "bare": bare},
        )
        for stat, (value, base, limit) in stats.items()
    ]
