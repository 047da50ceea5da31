"""Which foreign format a file is in, from the first JSON object it holds.

Format v1 is ruled out first, so that no oodatui line is ever taken for a
foreign one: v1 lines name an `agent` (or, for votes, a `candidate`) and
use their own record types, none of which the foreign formats use.
"""

from __future__ import annotations

from typing import Any

V1_TYPES = ("phase", "checkpoint", "candidate", "vote", "message", "start", "end")

CLAUDE_TYPES = (
    "user",
    "assistant",
    "system",
    "summary",
    "file-history-snapshot",
    "queue-operation",
    "attachment",
    "progress",
)
CLAUDE_KEYS = ("sessionId", "uuid", "parentUuid", "leafUuid", "messageId")
CODEX_TYPES = (
    "session_meta",
    "response_item",
    "event_msg",
    "turn_context",
    "compacted",
)
CODEX_HEADER_KEYS = ("instructions", "git", "originator", "cli_version", "cwd")


def detect(first: dict[str, Any]) -> str | None:
    """ "claude-code", "codex", "gemini", or None when `first` is none of
    them (then the caller reads the file as format v1 if the object has a
    string "type", and as unrecognised otherwise)."""
    if type(first) is not dict or _looks_v1(first):
        return None
    kind = first.get("type")
    if kind in CODEX_TYPES and type(first.get("payload")) is dict:
        return "codex"
    if kind in CLAUDE_TYPES and any(key in first for key in CLAUDE_KEYS):
        return "claude-code"
    if kind is None and _is_codex_legacy_header(first):
        return "codex"
    if kind is None and type(first.get("sessionId")) is str:
        if "projectHash" in first or "startTime" in first:
            return "gemini"
    return None


def _looks_v1(obj: dict[str, Any]) -> bool:
    return (
        obj.get("type") in V1_TYPES
        or type(obj.get("agent")) is str
        or type(obj.get("candidate")) is str
    )


def _is_codex_legacy_header(obj: dict[str, Any]) -> bool:
    """The bare `{id, timestamp, instructions, git}` first line of a rollout
    written before the `{timestamp, type, payload}` envelope, or one of its
    `{"record_type": "state"}` markers."""
    if obj.get("record_type") == "state":
        return True
    return (
        type(obj.get("id")) is str
        and "timestamp" in obj
        and any(key in obj for key in CODEX_HEADER_KEYS)
    )
