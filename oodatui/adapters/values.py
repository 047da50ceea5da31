"""Reading untrusted values from foreign records, and small text helpers."""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from typing import Any

NOTE_MAX = 200
ANSWER_MAX = 4000

Event = dict[str, Any]


# Small helpers over untrusted values ---------------------------------------


def as_str(value: object) -> str | None:
    return value if type(value) is str else None


def as_int(value: object) -> int | None:
    """An integer, never a bool (JSON `true` must not count as one token)."""
    return value if type(value) is int else None


def as_dict(value: object) -> dict[str, Any]:
    return value if type(value) is dict else {}


def as_list(value: object) -> list[Any]:
    return value if type(value) is list else []


def clip(text: str, limit: int = NOTE_MAX) -> str:
    """At most `limit` characters, marking a cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_line(text: str, limit: int = NOTE_MAX) -> str:
    """The first non-blank line, clipped: what a summary or note shows."""
    for line in text.splitlines():
        if line.strip():
            return clip(line.strip(), limit)
    return ""


def status_word(is_error: bool | None) -> str:
    return "error" if is_error else "ok"


def result_note(tool: str, is_error: bool | None, output: str) -> str:
    """The note of a tool result: "Bash ok: first line of output"."""
    line = first_line(output)
    return f"{tool} {status_word(is_error)}" + (f": {line}" if line else "")


def ts_of(value: object) -> str | int | float | None:
    """A record's timestamp as format v1 accepts it, or None."""
    if type(value) in (str, int, float):
        return value  # type: ignore[return-value]
    return None


def session_from_path(path: str) -> str:
    """A session id for records seen before their header: the UUID in the
    file name (every tool puts one there), else the file name itself."""
    name = os.path.basename(path)
    found = _UUID.search(name)
    return found.group(0) if found else name.rsplit(".", 1)[0]


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Recent(OrderedDict[Any, Any]):
    """A dict that forgets its oldest keys past `limit`: for duplicates that
    arrive close together (split API responses, re-written messages)."""

    def __init__(self, limit: int = 256) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)
