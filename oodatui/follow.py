"""Following files like `tail -F`: offsets, partial lines, truncation, rotation.

A `FileTail` reads what was appended to one path since its last read and
returns complete lines only; a `Follower` keeps one tail per file found under
the paths it was given, picking up new files as they appear. Neither blocks on
anything but the read itself, and neither knows what a line means.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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

DETACHED_QUIET = 10.0
"""Seconds a renamed or deleted file is still read after its last growth."""

MAX_LINE = 1 << 24
"""A line longer than this is skipped (and reported) instead of held in memory."""


Ident = tuple[int, int]
"""(device, inode): which file a path or a descriptor is."""


def ident_of(path: str) -> Ident | None:
    """The identity of the file at `path` now, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class Line(NamedTuple):
    lineno: int
    offset: int
    data: bytes
    """The line's bytes without its `\\n`; a `\\r` or BOM is left for the parser."""


class Run(NamedTuple):
    """Consecutive complete lines, the first numbered `lineno` at `offset`."""

    lineno: int
    offset: int
    parts: list[bytes]

    def lines(self) -> Iterator[Line]:
        lineno, offset = self.lineno, self.offset
        for data in self.parts:
            yield Line(lineno, offset, data)
            lineno += 1
            offset += len(data) + 1


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
    """`waiting` (not there yet), `live`, `gone`, `refused`; for a detached
    tail `detached`, then `closed`."""
    notices: list[str] = field(default_factory=list)
    """What happened to the file (truncated, replaced, gone), oldest first."""
    truncations: int = 0
    rotations: int = 0
    end: int | None = None
    """Read no further than this offset: one slice of a file (`oodatui.slices`)."""
    detached: bool = False
    """Reading a file that left this path (renamed or deleted) through the
    descriptor still open on it, for writers that still have it open too."""
    retired: list[FileTail] = field(default_factory=list)
    """Tails detached since the caller last looked; the caller takes them."""
    _fd: int | None = None
    _ident: tuple[int, int] | None = None
    _pending: bytes = b""
    _skipping: int = 0
    _quiet_since: float = 0.0
    _size: int = 0

    def read(self, final: bool = False) -> list[Line | Partial | TooLong]:
        """Read to the end of the file; `final` also takes an unfinished last line."""
        lines: list[Line | Partial | TooLong] = []
        for entry in self.read_runs(final):
            if isinstance(entry, Run):
                lines.extend(entry.lines())
            else:
                lines.append(entry)
        return lines

    def read_runs(
        self, final: bool = False, budget: int | None = None
    ) -> list[Run | Partial | TooLong]:
        """`read`, with complete lines kept together in runs (the fast path).

        With a `budget`, at most that many bytes are read; `behind` then says
        whether there is more.
        """
        lines: list[Run | Partial | TooLong] = []
        if self.detached:
            self._read_detached(lines, final, budget)
            return lines
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
            self.rotations += 1
            self._retire()
            self._say("replaced by a new file; reading it from the start")
        if self._fd is None and not self._open():
            return lines
        self._pull(lines, final, budget)
        return lines

    @property
    def behind(self) -> bool:
        """Whether the last read stopped short of the size it saw."""
        return self.offset < self._size

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def hold_back(self, line: Partial) -> None:
        """Take back an unfinished last line the caller could not use: it may
        still be completed, by a writer that has not finished it yet."""
        if line.lineno == self.lineno and not self._pending:
            self.lineno -= 1
            self._pending = line.data
            note = f"line {line.lineno} unfinished (no newline, not whole JSON); "
            note += "it is read once it is finished"
            if not self.notices or self.notices[-1] != note:
                self._say(note)

    @property
    def ident(self) -> tuple[int, int] | None:
        """(device, inode) of the file being read, once opened."""
        return self._ident

    def close(self) -> None:
        self._close()

    # Steps ----------------------------------------------------------------

    def open(self) -> None:
        """Open the file now if it is there, without reading it yet."""
        if self._fd is None and not self.detached and self.status != "refused":
            try:
                mode = os.stat(self.path).st_mode
            except OSError:
                return
            if stat.S_ISREG(mode):
                self._open()

    def size_now(self) -> int:
        """The size of the file being read (or at the path, before it is open)."""
        try:
            if self._fd is not None:
                return os.fstat(self._fd).st_size
            return os.stat(self.path).st_size
        except OSError:
            return 0

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

    def _pull(
        self,
        lines: list[Run | Partial | TooLong],
        final: bool,
        budget: int | None = None,
    ) -> None:
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if self.end is not None:
            size = min(size, self.end)
        if size < self.offset:
            self.truncations += 1
            self._say("truncated; reading it again from the start")
            self._restart()
        self._size = size
        limit = size if budget is None else min(size, self.offset + budget)
        while self.offset < limit:
            chunk = os.pread(self._fd, min(CHUNK, limit - self.offset), self.offset)
            if not chunk:
                self._size = self.offset
                break
            self._split(chunk, lines)
        if final and self.offset >= self._size:
            self._flush(lines)

    def _split(self, chunk: bytes, lines: list[Run | Partial | TooLong]) -> None:
        """Cut `chunk` at `\\n` bytes only, holding back an unfinished last line."""
        start = self.offset - len(self._pending) - self._skipping
        self.offset += len(chunk)
        data = self._pending + chunk if self._pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._hold(data, start)
            return
        parts = data.split(b"\n")
        rest = parts.pop()  # the unfinished last line, split off without a copy
        end = start + self._skipping + cut + 1
        if self._skipping:
            size = self._skipping + len(parts[0])
            lines.append(TooLong(self.lineno + 1, start, size))
            self.lineno += 1
            start += size + 1
            parts = parts[1:]
            self._skipping = 0
        if len(data) > MAX_LINE:
            self._emit_checked(parts, start, lines)
        elif parts:
            lines.append(Run(self.lineno + 1, start, parts))
            self.lineno += len(parts)
        self._pending = b""
        self._hold(rest, end)

    def _emit_checked(
        self, parts: list[bytes], start: int, lines: list[Run | Partial | TooLong]
    ) -> None:
        """Hand over `parts`, with any line over `MAX_LINE` replaced by a `TooLong`."""
        run: list[bytes] = []
        for part in parts:
            if len(part) > MAX_LINE:
                if run:
                    lines.append(Run(self.lineno + 1, start, run))
                    self.lineno += len(run)
                    start += sum(len(p) + 1 for p in run)
                    run = []
                self.lineno += 1
                lines.append(TooLong(self.lineno, start, len(part)))
                start += len(part) + 1
            else:
                run.append(part)
        if run:
            lines.append(Run(self.lineno + 1, start, run))
            self.lineno += len(run)

    def _hold(self, rest: bytes, start: int) -> None:
        if self._skipping or len(rest) > MAX_LINE:
            self._skipping += len(rest)
            self._pending = b""
        else:
            self._pending = rest

    def _flush(self, lines: list[Run | Partial | TooLong]) -> None:
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

    def _retire(self) -> None:
        """Leave the file that was at this path, and what is still unread in
        it, to a detached tail; this tail starts over on the path."""
        old = FileTail(self.path, self.offset, self.lineno, "detached", detached=True)
        old._fd, old._ident = self._fd, self._ident
        old._pending, old._skipping = self._pending, self._skipping
        old._quiet_since = time.monotonic()
        self.retired.append(old)
        self._fd = None
        self._restart()

    def _read_detached(
        self, lines: list[Run | Partial | TooLong], final: bool, budget: int | None
    ) -> None:
        """Read late writes; close after `DETACHED_QUIET` seconds without any."""
        if self._fd is None:
            return
        before = self.offset
        self._pull(lines, final, budget)
        now = time.monotonic()
        if self.offset != before:
            self._quiet_since = now
        elif now - self._quiet_since > DETACHED_QUIET:
            self._pull(lines, final=True)
            self._close()
            self.status = "closed"

    def attach(self, path: str) -> None:
        """The file was found again at `path`: follow it there."""
        self.path, self.detached = path, False
        self.status = "live" if self._fd is not None else "waiting"

    def _gone(self, lines: list[Run | Partial | TooLong]) -> None:
        if self._fd is not None:
            self._retire()
        if self.status == "live":
            self._say("deleted; keeping what was read")
        if self.status != "refused":
            self.status = "gone" if self._ident else "waiting"

    def _restart(self) -> None:
        self.offset = self.lineno = self._skipping = self._size = 0
        self._pending = b""

    def _refuse(self, why: str) -> None:
        if self.status != "refused":
            self._say(why)
        self._close()
        self._size = self.offset
        self.status = "refused"

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _say(self, what: str) -> None:
        self.notices.append(what)


def raise_open_file_limit() -> None:
    """Each followed file keeps a descriptor open (to read a renamed file to
    its end), so lift the soft limit on open files to the hard one: many
    systems start at 1,024, or 256, far below their hard limit."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ImportError, ValueError, OSError):
        pass  # keep the limit there is; files beyond it are reported as refused


class Follower:
    """Tails for every file named, and every `*.jsonl` under every folder named."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        raise_open_file_limit()
        self.roots = [os.path.abspath(os.fspath(p)) for p in paths]
        for root in self.roots:
            check_followable(root)
        self.tails: dict[str, FileTail] = {}
        self._real: set[str] = set()
        self.discover()

    def discover(self) -> list[FileTail]:
        """Add tails for files that appeared since last time; return the new ones."""
        found = []
        for path in self._candidates():
            if path in self.tails:
                continue
            real = os.path.realpath(path)
            if real in self._real:
                continue  # the same file by another name (a link): read once
            self._real.add(real)
            tail = self.tails[path] = FileTail(path)
            found.append(tail)
        return found

    def _candidates(self) -> Iterator[str]:
        for root in self.roots:
            if os.path.isdir(root):
                yield from sorted(_jsonl_under(root))
            else:
                yield root

    def close(self) -> None:
        for tail in self.tails.values():
            tail.close()


def _jsonl_under(root: str) -> Iterator[str]:
    for folder, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".jsonl"):
                yield os.path.join(folder, name)
