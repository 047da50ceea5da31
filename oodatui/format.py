"""Run-log format v1: one JSON object per line.

This module is the single place that decides whether a line is an event and
what its fields mean. Everything else reads fields through the accessors here,
so "an optional field of the wrong type is absent" holds everywhere at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = [
    "PHASES",
    "VERDICTS",
    "KNOWN_TYPES",
    "Event",
    "Invalid",
    "parse_line",
    "strip_line",
    "decode",
    "looks_binary",
    "check_event",
    "opt_str",
    "opt_int",
    "opt_count",
    "MAX_COUNT",
    "opt_num",
    "opt_bool",
    "opt_confidence",
    "opt_tests",
    "timestamp",
]

PHASES = ("observe", "orient", "decide", "act")
VERDICTS = ("approve", "veto", "clear")
KNOWN_TYPES = ("phase", "checkpoint", "candidate", "vote", "message", "start", "end")

MAX_COUNT = 2**53
"""The largest integer taken from a log; sums of such stay exact and encodable."""

Event = dict[str, Any]
"""A good line: the decoded JSON object, checked by `check_event`."""

_BOM = b"\xef\xbb\xbf"


class Invalid:
    """Why a line is not an event. Returned, not raised: bad lines are normal."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Invalid({self.reason!r})"


def parse_line(raw: bytes, first: bool = False) -> Event | Invalid | None:
    """Decode one line (without its newline) into an event.

    Returns None for a blank line, which is skipped rather than counted.
    `first` marks the first line of a file, the only place a BOM is allowed.
    """
    raw = strip_line(raw, first)
    if not raw.strip():
        return None
    obj = decode(raw)
    if isinstance(obj, Invalid):
        return obj
    reason = check_event(obj)
    return Invalid(reason) if reason else obj


def strip_line(raw: bytes, first: bool = False) -> bytes:
    """Drop a trailing `\r`, and a BOM at the start of a file's first line."""
    if raw[-1:] == b"\r":
        raw = raw[:-1]
    if first and raw.startswith(_BOM):
        raw = raw[3:]
    return raw


def looks_binary(data: bytes) -> bool:
    """Bytes no text log holds: a NUL past the start (torn writes leave NUL
    runs at a line's start), or what is not UTF-8."""
    data = data.lstrip(b"\x00")
    if b"\x00" in data:
        return True
    try:
        data.decode()
    except UnicodeDecodeError:
        return True
    return False


def decode(raw: bytes) -> Any:
    """Strict RFC 8259 decoding; an `Invalid` carries the decoder's reason."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Invalid(_decode_reason(raw, exc))
    except RecursionError:
        return Invalid("nesting too deep")


def _decode_reason(raw: bytes, exc: orjson.JSONDecodeError) -> str:
    message = str(exc.args[0]) if exc.args else "invalid JSON"
    if "byte order mark" in message:
        return "not JSON: a byte order mark inside the file"
    if "not valid UTF-8" in message:
        return "not valid UTF-8"
    return f"not JSON: {message}"


def check_event(obj: Any) -> str | None:
    """Return why `obj` is not a format-v1 event, or None when it is one."""
    if type(obj) is not dict:
        return f"not a JSON object (a {_json_kind(obj)})"
    kind = obj.get("type")
    if type(kind) is not str:
        return 'no string "type"'
    if kind == "vote":
        return _check_vote(obj)
    if type(obj.get("agent")) is not str:
        if kind in KNOWN_TYPES:
            return f'{kind}: "agent" must be a string'
        shown = kind if len(kind) <= 60 else kind[:59] + "…"
        return f'unknown type {shown!r} without a string "agent"'
    if kind == "phase" and obj.get("phase") not in PHASES:
        return 'phase: "phase" must be one of ' + ", ".join(PHASES)
    if kind == "candidate" and type(obj.get("id")) is not str:
        return 'candidate: "id" must be a string'
    return None


def _check_vote(obj: dict[str, Any]) -> str | None:
    if type(obj.get("candidate")) is not str:
        return 'vote: "candidate" must be a string'
    if obj.get("verdict") not in VERDICTS:
        return 'vote: "verdict" must be one of ' + ", ".join(VERDICTS)
    if type(obj.get("voter")) is not str:
        return 'vote: "voter" must be a string'
    return None


def _json_kind(obj: Any) -> str:
    names = {list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(obj), "number")


# Accessors: an optional field of the wrong type reads as absent.


def opt_str(event: Event, key: str) -> str | None:
    value = event.get(key)
    return value if type(value) is str else None


def opt_int(event: Event, key: str) -> int | None:
    """An integer field; booleans, floats and integers no double holds exactly
    (beyond ±2**53) are not integers here."""
    value = event.get(key)
    return value if type(value) is int and -MAX_COUNT <= value <= MAX_COUNT else None


def opt_count(event: Event, key: str) -> int | None:
    """A count such as `tokens`: an integer that is not negative."""
    value = opt_int(event, key)
    return value if value is not None and value >= 0 else None


def opt_num(event: Event, key: str) -> float | None:
    value = event.get(key)
    return value if type(value) in (int, float) else None


def opt_bool(event: Event, key: str) -> bool | None:
    value = event.get(key)
    return value if type(value) is bool else None


def opt_confidence(event: Event) -> float | None:
    """`confidence` in 0..1; a value outside that range is treated as absent."""
    value = opt_num(event, "confidence")
    return float(value) if value is not None and 0 <= value <= 1 else None


def opt_tests(event: Event) -> tuple[int, int] | None:
    """(passed, failed) from `tests`; both counts are needed, not negative."""
    tests = event.get("tests")
    if type(tests) is not dict:
        return None
    passed, failed = tests.get("passed"), tests.get("failed")
    if type(passed) is not int or not 0 <= passed <= MAX_COUNT:
        return None
    if type(failed) is not int or not 0 <= failed <= MAX_COUNT:
        return None
    return (passed, failed)


def timestamp(event: Event) -> float | None:
    """`ts` as Unix seconds: a number, or an RFC 3339 string."""
    value = event.get("ts")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return parse_rfc3339(value)
    return None


def parse_rfc3339(text: str) -> float | None:
    """Unix seconds from an RFC 3339 string; naive times are taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC).timestamp()
    return moment.timestamp()
