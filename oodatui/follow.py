"""Following files like `tail -F`: offsets, partial lines, truncation, rotation.

A `FileTail` reads what was appended to one path since its last read and
returns complete lines only; a `Follower` keeps one tail per file found under
the paths it was given, picking up new files as they appear. Neither blocks on
anything but the read itself, and neither knows what a line means.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "Line",
    "Partial",
    "TooLong",
    "FileTail",
    "Follower",
    "NotFollowable",
    "MAX_LINE",
    "CHUNK",
]

CHUNK = 1 << 22
"""Bytes read at a time; a long file is read in slices of this size."""

MAX_LINE = 1 << 24
"""A line longer than this is skipped (and reported) instead of held in memory."""


class Line(NamedTuple):
    lineno: int
    offset: int
    data: bytes
    """The line's bytes without its `\\n`; a `\\r` or BOM is left for the parser."""


class Partial(NamedTuple):
    """A last line without its `\n`, handed over only by a final read."""

    lineno: int
    offset: int
    data: bytes


class TooLong(NamedTuple):
    """Stands in a batch for a line that was skipped for its length."""

    lineno: int
    offset: int
    size: int


class NotFollowable(Exception):
    """A path that cannot be read as a log: a FIFO, a device, a socket."""


def check_followable(path: str) -> None:
    """Refuse what would block or never end; a missing path is fine (awaited)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NotFollowable(f"{path}: {exc.strerror}") from exc
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return
    kinds = {
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    kind = next((name for test, name in kinds.items() if test(mode)), "not a file")
    raise NotFollowable(f"{path}: is {kind}, not a log file; refusing to read it")


@dataclass
class FileTail:
    """One followed file; `read` returns the complete lines added since last time."""

    path: str
    offset: int = 0
    lineno: int = 0
    status: str = "waiting"
    """`waiting` (not there yet), `live`, `gone`, or `refused`."""
    notices: list[str] = field(default_factory=list)
    """What happened to the file (truncated, replaced, gone), oldest first."""
    truncations: int = 0
    rotations: int = 0
    _fd: int | None = None
    _ident: tuple[int, int] | None = None
    _pending: bytes = b""
    _skipping: int = 0

    def read(self, final: bool = False) -> list[Line | Partial | TooLong]:
        """Read to the end of the file; `final` also takes an unfinished last line."""
        lines: list[Line | Partial | TooLong] = []
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._gone(lines)
            return lines
        except OSError as exc:
            self._refuse(f"cannot read: {exc.strerror}")
            return lines
        if not stat.S_ISREG(st.st_mode):
            self._refuse("not a regular file")
            return lines

        if self._fd is not None and self._ident != (st.st_dev, st.st_ino):
            self._drain(lines)
            self._close()
            self.rotations += 1
            self._say("replaced by a new file; reading it from the start")
            self._restart()
        if self._fd is None and not self._open():
            return lines
        self._pull(lines, final)
        return lines

    def close(self) -> None:
        self._close()

    # Steps ----------------------------------------------------------------

    def _open(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            return False
        except OSError as exc:
            self._refuse(f"cannot open: {exc.strerror}")
            return False
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            self._refuse("not a regular file")
            return False
        self._fd, self._ident, self.status = fd, (st.st_dev, st.st_ino), "live"
        return True

    def _pull(self, lines: list[Line | Partial | TooLong], final: bool) -> None:
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if size < self.offset:
            self.truncations += 1
            self._say("truncated; reading it again from the start")
            self._restart()
        while self.offset < size:
            chunk = os.pread(self._fd, min(CHUNK, size - self.offset), self.offset)
            if not chunk:
                break
            self._split(chunk, lines)
        if final:
            self._flush(lines)

    def _split(self, chunk: bytes, lines: list[Line | Partial | TooLong]) -> None:
        """Cut `chunk` at `\\n` bytes only, holding back an unfinished last line."""
        start = self.offset - len(self._pending) - self._skipping
        self.offset += len(chunk)
        data = self._pending + chunk if self._pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._hold(data, start)
            return
        parts = data[:cut].split(b"\n")
        if self._skipping:
            lines.append(
                TooLong(self.lineno + 1, start, self._skipping + len(parts[0]))
            )
            self.lineno += 1
            start += self._skipping + len(parts[0]) + 1
            parts = parts[1:]
            self._skipping = 0
        lineno = self.lineno
        for part in parts:
            lineno += 1
            lines.append(Line(lineno, start, part))
            start += len(part) + 1
        self.lineno = lineno
        self._pending = b""
        self._hold(data[cut + 1 :], start)

    def _hold(self, rest: bytes, start: int) -> None:
        if self._skipping or len(rest) > MAX_LINE:
            self._skipping += len(rest)
            self._pending = b""
        else:
            self._pending = rest

    def _flush(self, lines: list[Line | Partial | TooLong]) -> None:
        """Hand over an unfinished last line, as a one-shot read or a drain does."""
        start = self.offset - len(self._pending) - self._skipping
        if self._skipping:
            lines.append(TooLong(self.lineno + 1, start, self._skipping))
        elif self._pending:
            lines.append(Partial(self.lineno + 1, start, self._pending))
        else:
            return
        self.lineno += 1
        self._pending, self._skipping = b"", 0

    def _drain(self, lines: list[Line | Partial | TooLong]) -> None:
        """Read what the old file still holds before leaving it."""
        if self._fd is not None:
            self._pull(lines, final=True)

    def _gone(self, lines: list[Line | Partial | TooLong]) -> None:
        if self._fd is not None:
            self._drain(lines)
            self._close()
        if self.status == "live":
            self._say("deleted; keeping what was read")
        if self.status != "refused":
            self.status = "gone" if self._ident else "waiting"

    def _restart(self) -> None:
        self.offset = self.lineno = self._skipping = 0
        self._pending = b""

    def _refuse(self, why: str) -> None:
        if self.status != "refused":
            self._say(why)
        self._close()
        self.status = "refused"

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _say(self, what: str) -> None:
        self.notices.append(what)


class Follower:
    """Tails for every file named, and every `*.jsonl` under every folder named."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.roots = [os.path.abspath(os.fspath(p)) for p in paths]
        for root in self.roots:
            check_followable(root)
        self.tails: dict[str, FileTail] = {}
        self.discover()

    def discover(self) -> list[FileTail]:
        """Add tails for files that appeared since last time; return the new ones."""
        found = []
        for path in self._candidates():
            if path not in self.tails:
                tail = self.tails[path] = FileTail(path)
                found.append(tail)
        return found

    def _candidates(self) -> Iterator[str]:
        for root in self.roots:
            if os.path.isdir(root):
                yield from sorted(_jsonl_under(root))
            else:
                yield root

    def watch_dirs(self) -> list[str]:
        """Folders to watch: a single file is watched through its folder, so a
        replacement by rename is still seen."""
        dirs = {r if os.path.isdir(r) else os.path.dirname(r) for r in self.roots}
        return sorted(d for d in dirs if os.path.isdir(d))

    def close(self) -> None:
        for tail in self.tails.values():
            tail.close()


def _jsonl_under(root: str) -> Iterator[str]:
    for folder, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".jsonl"):
                yield str(Path(folder, name))
