"""Adapters from other agent tools' logs to format v1.

`detect` names a file's format from its first JSON object; `make_adapter`
returns a fresh adapter for one file, whose `feed` turns each parsed line
into format-v1 events. Stdlib and orjson only: this is headless core.
"""

from __future__ import annotations

from oodatui.adapters.base import Adapter
from oodatui.adapters.claude_code import ClaudeCodeAdapter
from oodatui.adapters.codex import CodexAdapter
from oodatui.adapters.detect import detect
from oodatui.adapters.gemini import GeminiAdapter

__all__ = ["FORMATS", "Adapter", "detect", "make_adapter"]

_ADAPTERS: dict[str, type[Adapter]] = {
    cls.name: cls for cls in (ClaudeCodeAdapter, CodexAdapter, GeminiAdapter)
}

FORMATS: tuple[str, ...] = tuple(_ADAPTERS)
"""The names `detect` returns and `--format` accepts: claude-code, codex, gemini."""


def make_adapter(name: str, path: str) -> Adapter:
    """A new adapter for the file at `path` (used to name its session when
    records come before their header). Raises ValueError for an unknown name."""
    try:
        return _ADAPTERS[name](path)
    except KeyError:
        raise ValueError(
            f"unknown format {name!r}; known: {', '.join(FORMATS)}"
        ) from None
