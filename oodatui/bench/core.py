"""Headless figures: cold read, memory, start-up and peers.

Cold read: a child process times `read_once` on the run's log (every line
folded into a `RunState`); another times the raw limit, a bare loop that reads
the same file, splits it on `\\n` and calls `orjson.loads` on every line. Both
include reading the file (warm in the page cache for both). Each is run three
times, the read in a fresh process each time, and the best time kept.

Memory: the same read, in a fresh child per size, reports the resident
high-water mark before reading (VmHWM, with the interpreter and `oodatui`
imported) and the peak during the read of the whole process tree: the reader
and any worker processes it starts, summed (sampled every 10 ms, never below
the reader's own VmHWM). Growth is the difference.

Start-up: wall time of whole processes, `python -c pass` against the console
script's code path (`oodatui.cli.main`) for `--help` and for `summary` on a
small log, interleaved and repeated; medians are compared. Each command runs
once beforehand, so that its bytecode is compiled (into the run's own cache,
as `pip install` leaves it compiled). A further figure times
`python -c "import orjson"`: the floor any command that decodes a line stands on.

Peers: `jq -c . LOG >/dev/null` timed as a process over the same log.
"""

from __future__ import annotations

import gc
import importlib.util
import shutil
import subprocess
import sys
import time
from typing import Any

import orjson

from oodatui.bench.child import child_env
from oodatui.bench.context import Bench
from oodatui.bench.report import Figure, skipped
from oodatui.bench.stats import TreePeak, current_rss_kb, median, peak_rss_kb

__all__ = ["probe_read", "probe_raw", "cold_read", "memory", "startup", "peers"]

MB = 1024.0
RAW_REPEAT = 3
"""Runs of the raw loop, and of the cold read, whose best time counts."""
ENTRY = "import sys; from oodatui.cli import main; sys.exit(main())"
"""What the `oodatui` console script runs."""


# Probes (run in a child) ----------------------------------------------------


def probe_read(path: str, sample: bool = True) -> dict[str, Any]:
    """Fold the whole log once; time it and note the memory it took. The
    memory is sampled by a thread of this process that walks `/proc`: a read
    that is only timed goes without it (`sample=False`), as it slows the read."""
    from oodatui.read import read_once

    gc.collect()
    base = peak_rss_kb()
    with TreePeak(every=0.01 if sample else None) as tree:
        start = time.perf_counter()
        reader = read_once([path])
        seconds = time.perf_counter() - start
    state = reader.state
    return {
        "seconds": seconds,
        "events": state.events,
        "bad_lines": state.bad_lines,
        "agents": len(state.agents),
        "candidates": len(state.candidates),
        "base_kb": base,
        "peak_kb": tree.peak_kb,
        "own_peak_kb": peak_rss_kb(),
        "bound_kb": tree.bound_kb,
        "children": len(tree.child_hwm),
        "end_kb": current_rss_kb(),
    }


def _raw_once(path: str) -> tuple[float, int]:
    start = time.perf_counter()
    with open(path, "rb") as file:
        data = file.read()
    loads, decoded = orjson.loads, 0
    for line in data.split(b"\n"):
        if line:
            loads(line)
            decoded += 1
    return time.perf_counter() - start, decoded


def probe_raw(path: str, repeat: int) -> dict[str, Any]:
    """The raw limit: best of `repeat` bare `orjson.loads` loops."""
    runs = [_raw_once(path) for _ in range(repeat)]
    seconds, decoded = min(runs)
    return {"seconds": seconds, "decoded": decoded, "all": [r[0] for r in runs]}


# Figures ---------------------------------------------------------------------


def raw_limit(bench: Bench) -> dict[str, Any]:
    """The raw loop over the run's log; shared by several figures."""
    return bench.measured("raw", path=str(bench.log()), repeat=RAW_REPEAT)


def full_read(bench: Bench, lines: int | None = None) -> dict[str, Any]:
    return bench.measured("read", path=str(bench.log(lines)))


def best_read(bench: Bench) -> dict[str, Any]:
    """The fastest of as many cold reads as the raw loop gets runs, each in a
    fresh process: the same treatment as the baseline."""
    runs = [
        bench.measured("read", again=n, path=str(bench.log()), sample=False)
        for n in range(RAW_REPEAT)
    ]
    return min(runs, key=lambda run: run["seconds"])


def cold_read(bench: Bench) -> list[Figure]:
    read, raw = best_read(bench), raw_limit(bench)
    rate = read["events"] / read["seconds"]
    limit = raw["decoded"] / raw["seconds"]
    note = f"{read['events']:,} events in {read['seconds']:.2f} s (best of "
    note += (
        f"{RAW_REPEAT}); raw loop {raw['seconds']:.2f} s (best of {len(raw['all'])})"
    )
    ratio = rate / limit
    figure = Figure(
        "cold_read",
        f"1 cold read, {bench.lines:,} lines",
        rate,
        "events/s",
        baseline=limit,
        baseline_label="orjson.loads loop",
        baseline_unit="lines/s",
        ratio=ratio,
        target="≥ 0.5×",
        passed=ratio >= 0.5,
        note=note,
        detail={"read": read, "raw": raw},
    )
    return [figure]


def _memory_figure(bench: Bench, lines: int, name: str) -> Figure:
    read = full_read(bench, lines)
    size = bench.log_sizes[lines]
    peak, base = read["peak_kb"] / MB, read["base_kb"] / MB
    growth_share = (peak - base) / (size / 2**20)
    workers = f"; {read['children']} worker processes" if read["children"] else ""
    return Figure(
        name,
        f"6 peak RSS, {lines:,} lines",
        peak,
        "MB",
        baseline=base,
        baseline_label="interpreter + imports",
        ratio=growth_share,
        target="≤ 250 MB; growth ≤ 0.5× log",
        passed=peak <= 250 and growth_share <= 0.5,
        note=f"log {size / 2**20:.1f} MB; growth {peak - base:.1f} MB (ratio ÷ log)"
        + workers,
        detail={"log_bytes": size, **read},
    )


def memory(bench: Bench) -> list[Figure]:
    small = max(bench.lines // 10, 100)
    return [
        _memory_figure(bench, small, "memory_small"),
        _memory_figure(bench, bench.lines, "memory_full"),
    ]


def _wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env or child_env(),
        check=True,
    )
    return time.perf_counter() - start


def startup(bench: Bench) -> list[Figure]:
    small = str(bench.log(200))
    commands = {
        "bare": [sys.executable, "-c", "pass"],
        "help": [sys.executable, "-c", ENTRY, "--help"],
        "summary": [sys.executable, "-c", ENTRY, "summary", small],
        "orjson": [sys.executable, "-c", "import orjson"],
    }
    env = child_env()
    for command in commands.values():
        _wall(command, env)  # once first, so that the bytecode is compiled
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(bench.repeats):
        for name, command in commands.items():
            times[name].append(_wall(command, env))
    bare = median(times["bare"])
    return [
        _startup_figure("startup_help", "oodatui --help", times["help"], bare),
        _startup_figure("startup_summary", "oodatui summary", times["summary"], bare),
        _floor_figure(times["orjson"], bare),
    ]


def _floor_figure(times: list[float], bare: float) -> Figure:
    value = median(times)
    return Figure(
        "startup_orjson",
        "7 floor: python -c 'import orjson'",
        value * 1000,
        "ms",
        baseline=bare * 1000,
        baseline_label="python -c pass",
        ratio=value / bare,
        note="what decoding JSON at all costs to start; orjson imports "
        "dataclasses, uuid, json, datetime and more",
        detail={"seconds": times},
    )


def _startup_figure(name: str, what: str, times: list[float], bare: float) -> Figure:
    value = median(times)
    return Figure(
        name,
        f"7 start-up: {what}",
        value * 1000,
        "ms",
        baseline=bare * 1000,
        baseline_label="python -c pass",
        ratio=value / bare,
        target="≤ 3×",
        passed=value / bare <= 3,
        note=f"median of {len(times)}",
        detail={"seconds": times},
    )


def peers(bench: Bench) -> list[Figure]:
    read = best_read(bench)
    ours = read["events"] / read["seconds"]
    return [_jq(bench, ours), _toolong(bench)]


def _jq(bench: Bench, ours: float) -> Figure:
    label = "8 peer: jq -c . >/dev/null"
    jq = shutil.which("jq")
    if jq is None:
        return skipped("peer_jq", label, "lines/s", "jq not installed")
    seconds = _wall([jq, "-c", ".", str(bench.log())])
    rate = bench.lines / seconds
    return Figure(
        "peer_jq",
        label,
        rate,
        "lines/s",
        baseline=ours,
        baseline_label="oodatui cold read",
        baseline_unit="events/s",
        ratio=ours / rate,
        note=f"{seconds:.2f} s; ratio: oodatui ÷ jq",
        detail={"seconds": seconds},
    )


def _toolong(bench: Bench) -> Figure:
    label = "8 peer: Toolong open"
    if importlib.util.find_spec("toolong") is None:
        return skipped("peer_toolong", label, "s", "Toolong not installed (optional)")
    opened = bench.measured("toolong", path=str(bench.log()))
    return Figure(
        "peer_toolong",
        label,
        opened["seconds"],
        "s",
        note="until its screen shows the log's last line",
        detail=opened,
    )
