"""`python -m oodatui.bench`: every figure, its baseline, a table and JSON.

Writes synthetic logs into a temporary folder (removed at the end), measures
each group of figures (mostly in fresh child processes), prints a table and,
with `--json PATH`, writes one JSON object. Missing a target is a result, not
an error: the exit status is 1 only when a measurement could not be made.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import orjson
from rich.console import Console

from oodatui.bench import core, dashboard, keys, live
from oodatui.bench.context import Bench
from oodatui.bench.report import Figure, print_table, skipped, to_json
from oodatui.bench.stats import machine

__all__ = ["main", "GROUPS", "FIGURES"]

Group = tuple[Callable[[Bench], list[Figure]], tuple[str, ...]]

GROUPS: dict[str, Group] = {
    "cold": (core.cold_read, ("cold_read",)),
    "dashboard": (dashboard.dashboard, ("first_frame", "full_state")),
    "live": (
        live.live,
        ("live_watch_median", "live_watch_p99", "live_poll_median", "live_poll_p99"),
    ),
    "keys": (keys.keys, ("keys_p99",)),
    "vote": (keys.vote, ("vote_median",)),
    "memory": (core.memory, ("memory_small", "memory_full")),
    "startup": (
        core.startup,
        ("startup_help", "startup_summary", "startup_orjson"),
    ),
    "peers": (core.peers, ("peer_jq", "peer_toolong")),
}
"""Groups of figures in the order they are measured and shown."""

FIGURES = tuple(name for _, names in GROUPS.values() for name in names)

QUICK_LINES = 20_000
FULL_LINES = 1_000_000
"""The size the targets are set for; a smaller or quick run is not judged."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m oodatui.bench",
        description="Measure oodatui against this machine's limits.",
    )
    parser.add_argument(
        "--lines",
        type=int,
        help="lines in the big synthetic log (default 1,000,000; "
        f"{QUICK_LINES:,} with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and short runs"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures here")
    parser.add_argument(
        "--only",
        metavar="NAME,...",
        help="measure only these groups: " + ", ".join(GROUPS),
    )
    return parser


def _chosen(only: str | None) -> list[str]:
    if not only:
        return list(GROUPS)
    names = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in names if name not in GROUPS]
    if unknown:
        raise SystemExit(f"unknown group(s): {', '.join(unknown)}")
    return [name for name in GROUPS if name in names]


def _measure(bench: Bench, group: str, err: Console) -> tuple[list[Figure], bool]:
    """A group's figures; a failed group stands as skipped figures."""
    measure, names = GROUPS[group]
    err.print(f"[dim]measuring {group}…[/]")
    started = time.monotonic()
    try:
        figures = measure(bench)
    except Exception as exc:  # noqa: BLE001 - one broken group must not stop the rest
        traceback.print_exc(file=sys.stderr)
        why = f"failed: {type(exc).__name__}: {exc}"[:200]
        figures = [skipped(n, n.replace("_", " "), "", why) for n in names]
        return figures, False
    err.print(f"[dim]  {group} took {time.monotonic() - started:.1f} s[/]")
    return figures, True


def _keep_bytecode(folder: Path) -> None:
    """Every process measured (and the workers they start) keeps compiled
    bytecode, in a cache of the run's own, as an installed package has it: an
    environment may forbid writing bytecode, and then every start compiles."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    lines = args.lines or (QUICK_LINES if args.quick else FULL_LINES)
    groups = _chosen(args.only)
    err = Console(stderr=True)
    figures: list[Figure] = []
    ok = True
    started, load_at_start = time.monotonic(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="oodatui-bench-") as folder:
        _keep_bytecode(Path(folder))
        bench = Bench(lines, args.quick, Path(folder))
        for group in groups:
            measured, fine = _measure(bench, group, err)
            figures += measured
            ok = ok and fine
    context = {
        "machine": machine(),
        "load_average_at_start": load_at_start,
        "lines": lines,
        "quick": args.quick,
        "seconds": round(time.monotonic() - started, 1),
    }
    if args.quick or lines < FULL_LINES:
        figures = [replace(f, passed=None) for f in figures]
        err.print(f"[dim]targets are judged on a full run ({FULL_LINES:,} lines)[/]")
    title = f"oodatui benchmark · {lines:,} lines · {context['seconds']} s · "
    title += f"load {load_at_start[0]:.1f} → {os.getloadavg()[0]:.1f}"
    title += f" on {os.cpu_count()} cores"
    print_table(figures, Console(width=None if sys.stdout.isatty() else 150), title)
    if args.json:
        data = orjson.dumps(to_json(figures, context), option=orjson.OPT_INDENT_2)
        Path(args.json).write_bytes(data + b"\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
