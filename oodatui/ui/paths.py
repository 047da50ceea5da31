"""Paths as the dashboard shows them."""

from __future__ import annotations

import os

__all__ = ["short_path"]


def short_path(path: str) -> str:
    """`path` relative to the working folder when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def keep_end(text: str, width: int) -> str:
    """`text` cut from the left to `width` characters: a path's end (its file
    name and line number) says more than its start."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]
