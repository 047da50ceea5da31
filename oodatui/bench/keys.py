"""Keys under load, and the vote keystroke.

Keys: the dashboard follows a seeded folder of 16 agent logs. `p` is pressed
(see `drive.press`) and the time runs until the first frame whose text holds
the candidates pane's new title, `by <next policy>`. A series is pressed idle
(the baseline), then again while a writer process appends 10,000 lines a
second; presses are `GAP` seconds apart, each after the previous one showed.

Vote: `1` highlights the top candidate, then `a` and `c` alternate. The time
runs from the keypress to the moment the vote line is complete in a log
(a thread watches the logs' sizes every `TICK` seconds), and to the moment
the app hears from its vote writer that the line was written and `fsync`ed
(the `VoteWritten` message reaching the app). The figure is the later of the
two. Baseline from the same run: `cast_vote` called directly on the same file.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from oodatui.bench.context import Bench
from oodatui.bench.drive import (
    HISTORY_TOP,
    Swarm,
    make_swarm_folder,
    open_dashboard,
    press,
    running,
    wait_for_history,
)
from oodatui.bench.report import Figure, app_trouble
from oodatui.bench.screen import FrameWatch
from oodatui.bench.stats import median, percentile, unnull

__all__ = ["probe_keys", "probe_vote", "keys", "vote"]

BURST = 10_000.0
GAP = 0.2
WAIT = 10.0
"""Seconds to wait for a key's effect before the series gives up."""
TICK = 0.0002


async def _policy_presses(app: Any, watch: FrameWatch, count: int) -> list[float]:
    from oodatui.rank import next_policy

    times = []
    for _ in range(count):
        shown = watch.expect(f"by {next_policy(app.policy)}")
        sent = await press(app, "p")
        seen = await watch.wait(shown, WAIT)
        times.append((seen - sent) * 1000)
        if seen == float("inf"):
            break
        await asyncio.sleep(GAP)
    return times


async def probe_keys(folder: str, presses: int, warm_up: float) -> dict[str, Any]:
    app = open_dashboard([folder])
    watch = FrameWatch(app)
    errors: list[str] = []
    async with running(app, errors):
        await wait_for_history(watch)
        idle = await _policy_presses(app, watch, presses)
        swarm = Swarm(folder, BURST, 600.0)
        await swarm.start()
        await asyncio.sleep(warm_up)
        loaded = await _policy_presses(app, watch, presses)
        swarm.stop()
        written = await swarm.result()
    return {
        "idle_ms": idle,
        "loaded_ms": loaded,
        "rate": written["rate"],
        "app_errors": errors,
    }


def _sizes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_size for path in folder.glob("*.jsonl")}


def _wait_for_line(folder: Path, sizes: dict[Path, int]) -> tuple[float, bytes]:
    """Poll until a complete new line follows one of the logs' old ends."""
    end = time.monotonic() + WAIT
    while time.monotonic() < end:
        for path, size in sizes.items():
            if os.stat(path).st_size > size:
                with open(path, "rb") as file:
                    file.seek(size)
                    data = file.read()
                if data.endswith(b"\n"):
                    return time.monotonic(), data
        time.sleep(TICK)
    return float("inf"), b""


async def _vote_presses(
    app: Any, folder: Path, count: int, heard: list[float]
) -> dict[str, list[Any]]:
    on_disk, confirmed, lines = [], [], []
    for n in range(count):
        sizes = _sizes(folder)
        found = asyncio.create_task(asyncio.to_thread(_wait_for_line, folder, sizes))
        sent = await press(app, "a" if n % 2 == 0 else "c")
        seen, line = await found
        on_disk.append((seen - sent) * 1000)
        lines.append(line.decode(errors="replace"))
        while len(heard) <= n and time.monotonic() - sent < WAIT:
            await asyncio.sleep(0.001)
        confirmed.append((heard[n] - sent) * 1000 if len(heard) > n else float("inf"))
        await asyncio.sleep(GAP)
    return {"on_disk_ms": on_disk, "confirmed_ms": confirmed, "lines": lines}


def _bare_votes(log: Path, count: int) -> list[float]:
    from oodatui.write import cast_vote

    times = []
    for n in range(count):
        start = time.perf_counter()
        cast_vote(log, HISTORY_TOP, "approve" if n % 2 else "clear", voter="bare")
        times.append((time.perf_counter() - start) * 1000)
    return times


async def probe_vote(folder: str, presses: int) -> dict[str, Any]:
    heard: list[float] = []

    def hook(message: object) -> None:
        if type(message).__name__ == "VoteWritten":
            heard.append(time.monotonic())

    app = open_dashboard([folder])
    watch = FrameWatch(app)
    errors: list[str] = []
    async with running(app, errors, message_hook=hook):
        await wait_for_history(watch)
        await press(app, "1")
        await asyncio.sleep(GAP)
        result = await _vote_presses(app, Path(folder), presses, heard)
    log = Path(folder, "agent-00.jsonl")
    result["bare_ms"] = await asyncio.to_thread(_bare_votes, log, presses)
    result["app_errors"] = errors
    return result


def keys(bench: Bench) -> list[Figure]:
    presses = 3 if bench.quick else 25
    folder = make_swarm_folder(bench.folder / "keys")
    warm_up = 0.3 if bench.quick else 1.0
    run = bench.measured("keys", folder=str(folder), presses=presses, warm_up=warm_up)
    idle, loaded = unnull(run["idle_ms"]), unnull(run["loaded_ms"])
    value, base = percentile(loaded, 99), percentile(idle, 99)
    note = f"{len(loaded)} presses; median {median(loaded):.0f} ms under load; "
    note += f"writer {run['rate']:,.0f} lines/s" + app_trouble(run)
    return [
        Figure(
            "keys_p99",
            "4 keys under a 10,000 lines/s burst, p99",
            value,
            "ms",
            baseline=base,
            baseline_label="same keys, idle",
            ratio=value / base if base else None,
            target="≤ 100 ms",
            passed=value <= 100,
            note=note,
            detail=run,
        )
    ]


def _valid_votes(lines: list[str]) -> int:
    import orjson

    valid = 0
    for n, text in enumerate(lines):
        rows = text.splitlines()
        vote = orjson.loads(rows[0]) if len(rows) == 1 else {}
        verdict = "approve" if n % 2 == 0 else "clear"
        wanted = {"type": "vote", "candidate": HISTORY_TOP, "verdict": verdict}
        valid += all(vote.get(k) == v for k, v in wanted.items())
    return valid


def vote(bench: Bench) -> list[Figure]:
    presses = 3 if bench.quick else 20
    folder = make_swarm_folder(bench.folder / "vote")
    run = bench.measured("vote", folder=str(folder), presses=presses)
    on_disk, confirmed = unnull(run["on_disk_ms"]), unnull(run["confirmed_ms"])
    both = [max(d, c) for d, c in zip(on_disk, confirmed, strict=True)]
    value, base = median(both), median(run["bare_ms"])
    valid = _valid_votes(run["lines"])
    note = f"{valid}/{presses} keystrokes gave one valid vote line; "
    note += f"line in file after {median(on_disk):.1f} ms (median)"
    note += app_trouble(run)
    return [
        Figure(
            "vote_median",
            "5 vote: keystroke → line on disk, fsync included, median",
            value,
            "ms",
            baseline=base,
            baseline_label="cast_vote alone",
            ratio=value / base if base else None,
            target="≤ 20 ms",
            passed=value <= 20 and valid == presses,
            note=note,
            detail=run,
        )
    ]
