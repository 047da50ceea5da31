"""What the hardening tests share: running oodatui, timing out, figures.

Every test here feeds oodatui something hostile or breaks something under it,
and adds what it tried to `FIGURES`: inputs, faults, lines written, read and
lost. `conftest.py` prints the totals at the end of the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]

FIGURES: Counter[str] = Counter()
"""Totals for the report: `inputs`, `faults`, `written`, `read`, `lost`
(and `rotations`). `read` counts each reader's lines: two dashboards
reading one line count it twice."""

T = TypeVar("T")


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python that imports this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), env.get("PYTHONPATH")])
    )
    env.pop("OODATUI_VOTER", None)
    env.update(extra)
    return env


def oodatui(
    *args: str | os.PathLike[str],
    timeout: float = 60,
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m oodatui ARGS` to completion, never longer than `timeout`."""
    return subprocess.run(
        [sys.executable, "-m", "oodatui", *map(os.fspath, args)],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        cwd=cwd,
        env=env or child_env(),
        check=False,
    )


def python(
    code: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run `code` in a fresh interpreter that imports this checkout."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env=child_env(),
        check=False,
    )


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, failing the test instead of hanging if it takes too long."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: B036 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds}s: it stalled")
    if "error" in box:
        raise box["error"]
    return box["value"]


def parsed_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of `path` as JSON; fails on a torn or unterminated line."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "the file ends in a partial line"
    return [orjson.loads(line) for line in data.split(b"\n")[:-1]]


def one_stderr_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """The single line a failing command printed on stderr, checked as such."""
    text = result.stderr.decode("utf-8", "replace")
    assert text.endswith("\n") and text.count("\n") == 1, repr(text)
    assert "Traceback" not in text
    return text
