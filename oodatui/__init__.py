"""oodatui: supervise a swarm of AI agents through their run logs.

The headless core is importable without Textual:

    from oodatui import RunLog, cast_vote, read_once

Names are imported on first use, so the command line starts quickly.
"""

from __future__ import annotations

# `typing` costs milliseconds at start-up; type checkers still see the import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["RunLog", "WriteError", "cast_vote", "read_once", "summary", "__version__"]

__version__ = "0.1.0"

_HOMES = {
    "RunLog": "oodatui.runlog",
    "WriteError": "oodatui.write",
    "cast_vote": "oodatui.write",
    "read_once": "oodatui.read",
    "summary": "oodatui.summary",
}


def __getattr__(name: str) -> Any:
    from importlib import import_module

    if name not in _HOMES:
        raise AttributeError(f"module 'oodatui' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
