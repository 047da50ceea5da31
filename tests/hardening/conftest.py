"""Prints the hardening figures at the end of a run (and writes them as JSON
to `$OODATUI_FIGURES` when that is set)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))

from hardening_support import FIGURES  # noqa: E402


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.write_sep("-", "hardening figures")
    known = ["inputs", "faults", "written", "read", "lost"]
    for key in known + sorted(set(FIGURES) - set(known)):
        terminalreporter.write_line(f"{key:>9}: {FIGURES[key]:,}")
    target = os.environ.get("OODATUI_FIGURES")
    if target:
        Path(target).write_bytes(orjson.dumps(dict(FIGURES)))
