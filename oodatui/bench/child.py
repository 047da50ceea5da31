"""Measurements in a fresh interpreter, one per run.

Every heavy measurement runs in its own child process, so each starts from a
clean heap and a clean event loop, and its peak memory is its own. The parent
calls `run(kind, **args)`; the child, `python -m oodatui.bench.child KIND
JSON`, looks the probe up in `PROBES`, runs it and prints its result as the
last line of stdout.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import orjson

__all__ = ["run", "ChildFailed", "PROBES", "package_root"]

PROBES = {
    "read": "oodatui.bench.core:probe_read",
    "raw": "oodatui.bench.core:probe_raw",
    "opening": "oodatui.bench.dashboard:probe_opening",
    "bare_app": "oodatui.bench.dashboard:probe_bare_app",
    "toolong": "oodatui.bench.dashboard:probe_toolong",
    "live": "oodatui.bench.live:probe_live",
    "bare_watch": "oodatui.bench.live:probe_bare_watch",
    "keys": "oodatui.bench.keys:probe_keys",
    "vote": "oodatui.bench.keys:probe_vote",
}
"""Probe names and where they live; async probes are run with asyncio."""


class ChildFailed(RuntimeError):
    """A probe crashed, timed out or printed no result."""


def package_root() -> str:
    """The folder holding the `oodatui` package this benchmark imported."""
    return str(Path(__file__).resolve().parents[2])


def child_env() -> dict[str, str]:
    """The environment for children: they import the same `oodatui`."""
    env = dict(os.environ)
    paths = [package_root(), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def run(
    kind: str, cwd: str | None = None, timeout: float = 600.0, **args: Any
) -> dict[str, Any]:
    """Run probe `kind` with `args` in a child; return what it printed."""
    payload = orjson.dumps(args).decode()
    command = [sys.executable, "-m", "oodatui.bench.child", kind, payload]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=timeout,
            env=child_env(),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise ChildFailed(f"{kind}: no result after {timeout:.0f} s") from exc
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        errors = done.stderr.decode(errors="replace").strip()
        sys.stderr.write(errors + "\n")
        last = errors.splitlines()[-1] if errors else "no output"
        raise ChildFailed(f"{kind} exited {done.returncode}: {last}")
    return dict(orjson.loads(lines[-1]))


def _probe(kind: str) -> Any:
    module, _, name = PROBES[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def main(argv: list[str]) -> None:
    """Run one probe and print its result, then leave at once.

    The loop is not closed and threads are not joined: a probed app that
    left a thread running must not keep its figures from being reported. The
    result goes straight to file descriptor 1, since an app that failed to
    close may still hold `sys.stdout`.
    """
    kind, args = argv[0], orjson.loads(argv[1])
    probe = _probe(kind)
    result = probe(**args)
    if inspect.iscoroutine(result):
        result = asyncio.new_event_loop().run_until_complete(result)
    if isinstance(result, dict):
        result["threads_left"] = threading.active_count() - 1
    data = b"\n" + orjson.dumps(result) + b"\n"
    while data:
        data = data[os.write(1, data) :]
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
