"""The one routine that appends to a shared log, and the writers built on it.

A line is written whole or not at all: one `os.write` of the complete line on
a descriptor opened with O_APPEND, under an exclusive `flock` shared by every
oodatui writer, length checked, then `fsync`. Success is reported only after
the data is on disk. Other processes appending without the lock still never
tear a line, because O_APPEND writes of one buffer land contiguously on a
local file system (not across NFS hosts).
"""

from __future__ import annotations

import fcntl
import getpass
import os
import stat
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from oodatui.format import VERDICTS, check_event

__all__ = ["WriteError", "append_event", "cast_vote", "default_voter"]


class WriteError(OSError):
    """A line could not be appended; nothing partial was left in the log."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"could not write to {os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


def encode(event: dict[str, Any]) -> bytes:
    """One line of JSON, newline included; refuses what readers would reject."""
    reason = check_event(event)
    if reason:
        raise ValueError(f"not a valid event: {reason}")
    try:
        return orjson.dumps(event) + b"\n"
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise ValueError(f"not a valid event: {exc}") from exc


def append_event(
    path: str | os.PathLike[str], event: dict[str, Any], *, create: bool = True
) -> None:
    """Append one event to `path` atomically and durably; `create` the file if
    it is not there, or else fail."""
    append_line(path, encode(event), create=create)


def append_line(
    path: str | os.PathLike[str], line: bytes, *, create: bool = True
) -> None:
    """Append an encoded line; raise `WriteError` when it is not on disk."""
    flags = os.O_APPEND | os.O_CLOEXEC | os.O_NONBLOCK | (os.O_CREAT if create else 0)
    try:
        fd = _open(path, flags)
    except OSError as exc:
        raise WriteError(path, _why(exc)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise WriteError(path, "not a regular file")
        fcntl.flock(fd, fcntl.LOCK_EX)
        _write_whole(fd, path, line)
        _check_still_there(fd, path)
    except WriteError:
        raise
    except OSError as exc:  # e.g. no locks on this file system
        raise WriteError(path, _why(exc)) from exc
    finally:
        os.close(fd)


def _open(path: str | os.PathLike[str], flags: int) -> int:
    """Read and write if allowed (to look at the last byte), else write only."""
    try:
        return os.open(path, flags | os.O_RDWR, 0o644)
    except PermissionError:
        return os.open(path, flags | os.O_WRONLY, 0o644)


def _write_whole(fd: int, path: str | os.PathLike[str], line: bytes) -> None:
    size = os.fstat(fd).st_size
    if size and _last_byte(fd, size) not in (b"\n", None):
        # A writer died mid-line: end its stub first, or this line joins it.
        line = b"\n" + line
    try:
        written = os.write(fd, line)
    except OSError as exc:
        _undo(fd, size)
        raise WriteError(path, _why(exc)) from exc
    if written != len(line):
        _undo(fd, size)
        raise WriteError(path, f"short write ({written} of {len(line)} bytes)")
    try:
        os.fsync(fd)
    except OSError as exc:
        # The kernel reports a failed flush once and may drop the data, so
        # the line is not known to be on disk: never retry and claim success.
        _undo(fd, size)
        raise WriteError(path, f"not flushed to disk: {_why(exc)}") from exc


def _last_byte(fd: int, size: int) -> bytes | None:
    try:
        return os.pread(fd, 1, size - 1)
    except OSError:
        return None


def _check_still_there(fd: int, path: str | os.PathLike[str]) -> None:
    """A line written to a file deleted meanwhile reaches no reader. (A file
    renamed meanwhile is fine: readers go on reading it under its new name.)"""
    if os.fstat(fd).st_nlink == 0:
        raise WriteError(path, "the file was deleted while writing")


def _undo(fd: int, size: int) -> None:
    """Cut a partial line back off; safe because every writer holds the lock."""
    try:
        if os.fstat(fd).st_size > size:
            os.ftruncate(fd, size)
    except OSError:
        pass


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def default_voter() -> str:
    """`$OODATUI_VOTER`, else the login name."""
    voter = os.environ.get("OODATUI_VOTER")
    if voter:
        return voter
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def cast_vote(
    path: str | os.PathLike[str],
    candidate: str,
    verdict: str,
    *,
    voter: str | None = None,
    reason: str | None = None,
    policy: str | None = None,
    rank: int | None = None,
    run: str | None = None,
    create: bool = True,
) -> dict[str, Any]:
    """Append one vote line and return it; raises `WriteError` if not cast.

    With `create` false the file must already exist: a vote meant for a run
    log is not cast into a new file when that log has gone.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
    vote: dict[str, Any] = {
        "type": "vote",
        "v": 1,
        "ts": time.time(),
        "candidate": candidate,
        "verdict": verdict,
        "voter": voter or default_voter(),
        "vote_id": str(uuid.uuid4()),
    }
    extras = {"reason": reason, "policy": policy, "rank": rank, "run": run}
    vote.update({key: value for key, value in extras.items() if value is not None})
    append_event(Path(path), vote, create=create)
    return vote
