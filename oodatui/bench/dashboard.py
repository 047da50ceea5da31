"""Dashboard on a big finished log: time to the first frame and to the full state.

Every opening runs headless in a fresh child at 120×40, watched by
`FrameWatch`. Times count from the app's construction (Textual and oodatui
already imported: the interpreter's own start-up is figure 7); the time from
the child's spawn is kept too.

First frame: the first frame that shows reading progress (`reading` in the
status line) or the full state, timed over several openings, each closed as
soon as it is seen; the median counts, the worst is noted. Full state: three
openings, each until the log's last line, the candidate `FINAL_ID` (first
under the `recent` policy), appears in a frame; the best counts, as the raw
loop's best run does.

Baselines from the same run: a bare Textual app showing one `Static`, timed
the same way, for the first frame; the raw `orjson.loads` loop for the full
state.
"""

from __future__ import annotations

import asyncio
import math
import time
from asyncio import FIRST_COMPLETED
from typing import Any

from oodatui.bench.context import Bench
from oodatui.bench.core import raw_limit
from oodatui.bench.drive import open_dashboard, running
from oodatui.bench.report import Figure, app_trouble
from oodatui.bench.screen import FrameWatch
from oodatui.bench.stats import median, unnull
from oodatui.bench.synth import FINAL_ID

__all__ = ["probe_opening", "probe_bare_app", "probe_toolong", "dashboard"]

PROGRESS = "reading"
"""What the status line says while a log is being read."""


async def probe_opening(
    path: str, spawned: float, wait: float, full: bool
) -> dict[str, Any]:
    """Open the dashboard on `path`; with `full`, stay until the whole log
    is on screen, else close at the first frame that shows progress."""
    import oodatui.ui.app  # noqa: F401 - imported before the clock starts

    start = time.monotonic()
    app = open_dashboard([path])
    watch = FrameWatch(app)
    progress, final = watch.expect(PROGRESS), watch.expect(FINAL_ID)
    errors: list[str] = []
    async with running(app, errors):
        awaited = {final} if full else {progress, final}
        await asyncio.wait(awaited, timeout=wait, return_when=FIRST_COMPLETED)
    done = _when(final)
    return {
        "first_frame": (watch.first_at or math.inf) - start,
        "progress": min(_when(progress), done) - start,
        "full_state": done - start,
        "full_state_from_spawn": done - spawned,
        "frames": watch.frames,
        "app_errors": errors,
    }


def _when(future: asyncio.Future[float]) -> float:
    return future.result() if future.done() else math.inf


async def probe_bare_app(spawned: float) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("bare-app-ready")

    start = time.monotonic()
    app = Bare()
    watch = FrameWatch(app)
    ready = watch.expect("bare-app-ready")
    errors: list[str] = []
    async with running(app, errors):
        shown = await watch.wait(ready, 30.0)
    return {"first_frame": shown - start, "from_spawn": shown - spawned}


async def probe_toolong(path: str, wait: float = 300.0) -> dict[str, Any]:
    """Toolong opening the same log, until its screen shows the last line."""
    from toolong.ui import UI

    start = time.monotonic()
    app = UI([path], merge=False)
    watch = FrameWatch(app)
    final = watch.expect(FINAL_ID)
    errors: list[str] = []
    async with running(app, errors):
        shown = await watch.wait(final, wait)
    return {"seconds": shown - start, "first_frame": (watch.first_at or 0) - start}


def _open(bench: Bench, again: int, full: bool) -> dict[str, Any]:
    wait = 120.0 if bench.quick else 600.0
    return bench.measured(
        "opening",
        timeout=wait + 60,
        again=again,
        path=str(bench.log()),
        spawned=time.monotonic(),
        wait=wait,
        full=full,
    )


def dashboard(bench: Bench) -> list[Figure]:
    repeats = 1 if bench.quick else 5
    openings = [_open(bench, n, full=False) for n in range(repeats)]
    wholes = [_open(bench, n, full=True) for n in range(1 if bench.quick else 3)]
    bares = [
        bench.measured("bare_app", again=n, spawned=time.monotonic())
        for n in range(repeats)
    ]
    raw = raw_limit(bench)["seconds"]
    return [_first_frame(openings, bares), _full_state(bench, wholes, raw)]


def _first_frame(openings: list[dict[str, Any]], bares: list[dict[str, Any]]) -> Figure:
    shown = unnull([o["progress"] for o in openings])
    value, worst = median(shown), max(shown)
    base = median(unnull([b["first_frame"] for b in bares]))
    any_frame = median(unnull([o["first_frame"] for o in openings]))
    note = f"median of {len(shown)} openings, worst {worst:.2f} s; "
    note += f"first frame of any kind after {any_frame:.2f} s"
    return Figure(
        "first_frame",
        "2 dashboard: first frame showing progress",
        value,
        "s",
        baseline=base,
        baseline_label="bare Textual app",
        ratio=value / base,
        target="≤ 0.5 s",
        passed=value <= 0.5,
        note=note + app_trouble(*openings, *bares),
        detail={"openings": openings, "bare": bares},
    )


def _full_state(bench: Bench, wholes: list[dict[str, Any]], raw: float) -> Figure:
    """The best of the full openings, as the raw loop's best run is its figure."""
    whole = min(wholes, key=lambda w: w["full_state"])
    value = unnull([whole["full_state"]])[0]
    spawn = unnull([whole["full_state_from_spawn"]])[0]
    return Figure(
        "full_state",
        f"2 dashboard: full state, {bench.lines:,} lines",
        value,
        "s",
        baseline=raw,
        baseline_label="orjson.loads loop",
        ratio=value / raw,
        target="≤ 2×",
        passed=value / raw <= 2,
        note=f"best of {len(wholes)} openings, {spawn:.2f} s from process spawn; "
        f"{whole['frames']} frames" + app_trouble(*wholes),
        detail={"best": whole, "openings": wholes},
    )
