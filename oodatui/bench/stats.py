"""Small statistics and machine facts the figures are built from."""

from __future__ import annotations

import math
import os
import platform
import resource
import sys
import threading
from collections.abc import Sequence
from importlib import metadata

__all__ = [
    "median",
    "percentile",
    "unnull",
    "peak_rss_kb",
    "current_rss_kb",
    "TreePeak",
    "machine",
]


def unnull(values: Sequence[float | None]) -> list[float]:
    """Infinity back from JSON, which carries it (a time never seen) as null."""
    return [math.inf if v is None else v for v in values]


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..100); inf counts as a miss."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(share / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for row in status:
                if row.startswith(field + ":"):
                    return int(row.split()[1])
    except OSError:
        return None
    return None


def peak_rss_kb() -> int:
    """The process's resident high-water mark (VmHWM, else ru_maxrss)."""
    found = _status_kb("VmHWM")
    if found is not None:
        return found
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def current_rss_kb() -> int | None:
    return _status_kb("VmRSS")


def _proc_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for row in status:
                if row.startswith(field + ":"):
                    return int(row.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


class TreePeak:
    """The peak resident memory of this process and its children together.

    A thread adds up VmRSS over the process tree every `every` seconds and
    keeps the largest sum; each process's own high-water mark (VmHWM) is
    folded in as it goes, so a child's peak between samples is not lost.
    """

    def __init__(self, every: float | None = 0.01) -> None:
        """`every` None samples only once, at the end (a child's high-water
        marks still count, but not the sum of the tree at its peak)."""
        self.every = every
        self.peak_kb = 0
        self.child_hwm: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreePeak:
        if self.every is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.every is not None:
            self._thread.join()
        self._sample()

    def _run(self) -> None:
        assert self.every is not None
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        kids = _descendants(os.getpid())
        for kid in kids:
            hwm = _proc_kb(kid, "VmHWM")
            self.child_hwm[kid] = max(self.child_hwm.get(kid, 0), hwm)
        now = _proc_kb(os.getpid(), "VmRSS")
        now += sum(_proc_kb(kid, "VmRSS") for kid in kids)
        self.peak_kb = max(self.peak_kb, now, peak_rss_kb())

    @property
    def bound_kb(self) -> int:
        """An upper bound: this process's peak plus every child's peak."""
        return peak_rss_kb() + sum(self.child_hwm.values())


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for row in info:
                if row.startswith("model name"):
                    return row.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None
    return round(pages / 2**30, 1)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "packages": {
            name: _version(name) for name in ("textual", "rich", "orjson", "watchfiles")
        },
    }
