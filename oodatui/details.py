"""Details on demand: a line read again from its file, where the fold left
only a record of where it was."""

from __future__ import annotations

from typing import Any

from oodatui.follow import MAX_LINE
from oodatui.format import parse_line
from oodatui.records import Where

__all__ = ["read_line_at", "candidate_at"]


def candidate_at(where: Where, candidate_id: str) -> dict[str, Any] | None:
    """The candidate's line at `where`, if it is still there: after a rotation
    or a truncation the path may hold another line at that offset."""
    line = read_line_at(where)
    if line is None or line.get("type") != "candidate":
        return None
    return line if line.get("id") == candidate_id else None


def read_line_at(where: Where) -> dict[str, Any] | None:
    """Decode the line at `where` again; None when the file changed under it."""
    try:
        with open(where.path, "rb") as file:
            file.seek(where.offset)
            data = file.readline(MAX_LINE).rstrip(b"\n")
    except OSError:
        return None
    event = parse_line(data, first=where.offset == 0)
    return event if isinstance(event, dict) else None
