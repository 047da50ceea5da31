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
