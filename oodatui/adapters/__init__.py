"""Adapters from other agent tools' logs to format v1.

`detect` names a file's format from its first JSON object; `make_adapter`
returns a fresh adapter for one file, whose `feed` turns each parsed line
into format-v1 events. Stdlib and orjson only: this is headless core.

An adapter's module is imported when the first file in its format is met, so
reading oodatui's own logs never loads them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from oodatui.adapters.detect import detect

if TYPE_CHECKING:
    from oodatui.adapters.base import Adapter

__all__ = ["FORMATS", "Adapter", "detect", "make_adapter"]

_ADAPTERS = {
    "claude-code": ("oodatui.adapters.claude_code", "ClaudeCodeAdapter"),
    "codex": ("oodatui.adapters.codex", "CodexAdapter"),
    "gemini": ("oodatui.adapters.gemini", "GeminiAdapter"),
}
"""Each format's adapter class: its module and its name there."""

FORMATS: tuple[str, ...] = tuple(_ADAPTERS)
"""The names `detect` returns and `--format` accepts: claude-code, codex, gemini."""


def make_adapter(name: str, path: str) -> Adapter:
    """A new adapter for the file at `path` (used to name its session when
    records come before their header). Raises ValueError for an unknown name."""
    try:
        module, cls = _ADAPTERS[name]
    except KeyError:
        raise ValueError(
            f"unknown format {name!r}; known: {', '.join(FORMATS)}"
        ) from None
    adapter: Adapter = getattr(import_module(module), cls)(path)
    return adapter


def __getattr__(name: str) -> Any:
    if name != "Adapter":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from oodatui.adapters.base import Adapter

    return Adapter
