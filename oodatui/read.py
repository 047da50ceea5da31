"""From followed files to folded state: detect each file's format, decode, fold.

`Reader` owns a `Follower` and a `RunState`. `poll` reads whatever is new in
every file and folds it under `lock`, so a view in another thread can take a
consistent look at the state between batches. `follow` runs that loop live,
woken by file-system events or by a timer in polling mode.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from oodatui import collector, slices
from oodatui.adapters import detect, make_adapter
from oodatui.details import candidate_at, read_line_at
from oodatui.fold import RunState
from oodatui.follow import (
    FileTail,
    Follower,
    Ident,
    Line,
    Partial,
    Run,
    TooLong,
    ident_of,
)
from oodatui.format import (
    Invalid,
    check_event,
    decode,
    looks_binary,
    parse_line,
    strip_line,
)
from oodatui.records import Where

if TYPE_CHECKING:
    from oodatui.adapters import Adapter

__all__ = ["Reader", "Source", "read_once", "read_line_at"]

V1 = "oodatui"
UNDECIDED_LINES = 64
UNDECIDED_BYTES = 1 << 20
"""Lines (or bytes) looked at to recognise a file before it is declared
unrecognised: enough that a few torn lines at the start do not hide a log."""

BATCH_BYTES = 1 << 18
"""Bytes folded per hold of the lock: about 1,600 lines, a few milliseconds.
Larger batches gain nothing measurable and hold more bytes in memory at once."""

TURN_BYTES = 8 << 20
"""Bytes one file may read before the others get their turn."""

ANSWERS_KEPT = 4096
"""Answers of foreign-format candidates kept in memory (their lines cannot be
re-read on their own, since an adapter needs the lines before them)."""


@dataclass
class Source:
    """One file and how its lines are decoded."""

    tail: FileTail
    format: str | None = None
    """None until recognised; then `oodatui`, an adapter's name, or `unrecognised`."""
    adapter: Adapter | None = None
    held: list[Line] = field(default_factory=list)
    good: int = 0
    bad: int = 0

    @property
    def foreign(self) -> bool:
        return self.format not in (None, V1)


class Reader:
    """Reads paths into a `RunState`, once or live."""

    def __init__(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        format: str | None = None,
        state: RunState | None = None,
        parallel: bool = True,
        votes: Iterable[str | os.PathLike[str]] = (),
    ) -> None:
        votes = [os.path.abspath(v) for v in votes]
        self.follower = Follower([*paths, *votes])
        self.state = state or RunState()
        self.forced_format = format
        self.own_format = set(votes)
        """Votes files: always this project's format, whatever `format` says."""
        self.foreign_paths: set[str] = set()
        """Every path once found to hold another tool's log: never voted into."""
        self._parallel = parallel and format in (None, V1)
        """Whether a cold read of a big file may use worker processes."""
        self.sources: dict[str, Source] = {}
        self.answers: dict[str, str] = {}
        self.lock = threading.Lock()
        """Held while a batch is folded; take it to look at `state`."""
        self.stop: threading.Event | None = None
        """Once set, a read in progress stops between batches."""
        self._polling = threading.Lock()
        self.lines_read = 0
        self.now: float | None = None
        """When set, the time given to lines without a `ts` (else the clock's)."""
        self.leave_room = False
        """Whether a cold read here folds a smaller slice of a big file than
        each worker does, leaving room in this interpreter for a screen."""
        self._sync_sources()

    # Reading --------------------------------------------------------------

    def poll(self, final: bool = False, paths: Iterable[str] | None = None) -> int:
        """Fold what is new in every file (or only `paths`); return lines read."""
        with self._polling, collector.paused():
            return self._poll(final, paths)

    def _poll(self, final: bool, paths: Iterable[str] | None) -> int:
        chosen: Iterable[Source] = self.sources.values()
        if paths is None:
            self._sync_sources()
        else:
            chosen = [self.sources[p] for p in paths if p in self.sources]
        count = 0
        turns = [(source, source.tail.size_now()) for source in chosen]
        while turns:
            count += sum(self._read_source(s, final, TURN_BYTES) for s, _ in turns)
            turns = [(s, size) for s, size in turns if self._owes(s, size)]
        if paths is None:
            self._forget_closed()
        return count

    def _owes(self, source: Source, size: int) -> bool:
        """Whether a file still has bytes that were there when the poll began.
        Files take turns, so one that grows fast cannot starve the others."""
        tail = source.tail
        return tail.behind and tail.offset < size and not self._stopping

    def _forget_closed(self) -> None:
        """Drop files that left their path and have since been read to the end."""
        done = [k for k, s in self.sources.items() if s.tail.status == "closed"]
        for key in done:
            del self.sources[key]

    def _read_source(
        self,
        source: Source,
        final: bool,
        budget: int | None = None,
        share: bool = True,
    ) -> int:
        """Read one file to its end, or about `budget` bytes of it, in batches
        folded each under the lock, so a view waiting for it never waits long."""
        if share and self._parallel and slices.worth_it(source):
            return self._read_in_slices(source, final, budget)
        count, start = 0, source.tail.offset
        while True:
            if budget is not None and source.tail.offset - start >= budget:
                return count
            entries = source.tail.read_runs(final, BATCH_BYTES)
            if source.tail.retired:
                count += self._read_retired(source, final)
            if entries or (final and source.held):
                count += self._fold(source, entries, final)
            if not source.tail.behind or self._stopping:
                return count

    @property
    def _stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def _fold(
        self, source: Source, entries: list[Run | Partial | TooLong], final: bool
    ) -> int:
        count = 0
        now = self.now if self.now is not None else time.time()
        with self.lock:
            for entry in entries:
                if isinstance(entry, Run):
                    self._take_run(source, entry, now)
                    count += len(entry.parts)
                else:
                    self._take(source, entry, now)
                    count += 1
            if final and not source.tail.behind:
                self._settle(source, now)
            self.state.version += 1
        self.lines_read += count
        return count

    def _read_in_slices(self, source: Source, final: bool, budget: int | None) -> int:
        """A cold read of a big file: the first slice here, the rest in workers.
        Lines without a `ts` all take the time the read began, in every slice,
        so that they keep the order of the file."""
        tail, now = source.tail, time.time()
        count = slices.workers()
        head = None
        if self.leave_room:
            head = int(tail.size_now() * slices.SCREEN_SHARE / (count + 1))
        parts = slices.plan(tail.path, count, head)
        if len(parts) < 2:
            return self._read_source(source, final, share=False)
        workers = slices.start(parts[1:], now)
        tail.end, self.now = parts[0].end, now
        try:
            count = self._read_source(source, final=False, share=False)
        finally:
            tail.end, self.now = None, None
        for part, worker in zip(parts[1:], workers, strict=True):
            if source.format != V1 or self._stopping:
                worker.cancel()
                continue
            folded = worker.result(self.stop)
            if folded is None:
                continue  # stopping: the workers left are cancelled
            with self.lock:
                slices.join(self.state, folded.state, tail.lineno)
                source.good += folded.state.events
                source.bad += folded.state.bad_lines
            tail.lineno += folded.lines
            tail.offset = part.end
            self.lines_read += folded.lines
            count += folded.lines
        return count + self._read_source(source, final, budget, share=False)

    def _read_retired(self, source: Source, final: bool) -> int:
        """The file that was at this path goes on being read, as it was, under
        a source of its own; this source starts over on the new file."""
        count = 0
        for old in source.tail.retired:
            key = f"{old.path}#{old.ident}"
            moved = Source(old, source.format, source.adapter, source.held)
            self.sources[key] = moved
            count += self._read_source(moved, final=True)
        source.tail.retired.clear()
        source.format, source.adapter, source.held = None, None, []
        return count

    def _take_run(self, source: Source, run: Run, now: float) -> None:
        """Fold consecutive lines; the common case (a good v1 line) stays inline."""
        if source.format is None:
            run = self._take_until_recognised(source, run, now)
        if source.format != V1:
            for line in run.lines():
                self._take(source, line, now)
            return
        path, apply, loads = source.tail.path, self.state.apply_at, orjson.loads
        offset, good = run.offset, 0
        for lineno, data in enumerate(run.parts, run.lineno):
            try:
                event = loads(data)
            except orjson.JSONDecodeError:
                event = None
            if type(event) is dict and apply(event, path, lineno, offset, now):
                good += 1
            else:
                where = Where(path, lineno, offset)
                self._take_v1(source, Line(lineno, offset, data), where, now)
            offset += len(data) + 1
        source.good += good

    def _take_until_recognised(self, source: Source, run: Run, now: float) -> Run:
        """Take lines one by one until the format is known; return the rest."""
        lineno, offset = run.lineno, run.offset
        for n, data in enumerate(run.parts):
            if source.format is not None:
                return Run(lineno, offset, run.parts[n:])
            self._take(source, Line(lineno, offset, data), now)
            lineno += 1
            offset += len(data) + 1
        return Run(lineno, offset, [])

    def _take(self, source: Source, line: Line | Partial | TooLong, now: float) -> None:
        where = Where(source.tail.path, line.lineno, line.offset)
        if isinstance(line, TooLong):
            self._bad(source, where, f"line too long ({line.size:,} bytes), skipped")
            return
        if isinstance(line, Partial):
            self._take_partial(source, line, where, now)
            return
        if source.format is None and not self._recognise(source, line, now):
            return
        if source.format == V1:
            self._take_v1(source, line, where, now)
        elif source.adapter is not None:
            self._take_foreign(source, line, where, now)

    def _take_partial(
        self, source: Source, line: Partial, where: Where, now: float
    ) -> None:
        """An unfinished last line counts only if it parses; it may still be
        being written, so a torn one is noted rather than called bad."""
        data = strip_line(line.data, line.offset == 0)
        if isinstance(decode(data), Invalid):
            source.tail.hold_back(line)
            return
        self._take(source, Line(*line), now)

    def _take_v1(self, source: Source, line: Line, where: Where, now: float) -> None:
        event = parse_line(line.data, first=line.offset == 0)
        if event is None:
            return
        if isinstance(event, Invalid):
            self._bad(source, where, event.reason)
            return
        source.good += 1
        self.state.apply(event, where, now)

    def _take_foreign(
        self, source: Source, line: Line, where: Where, now: float
    ) -> None:
        data = strip_line(line.data, line.offset == 0)
        if not data.strip():
            return
        record = decode(data)
        if isinstance(record, Invalid):
            self._bad(source, where, record.reason)
            return
        assert source.adapter is not None
        try:
            events = list(source.adapter.feed(record))
        except Exception as exc:  # noqa: BLE001 - one odd record must not stop reading
            self._bad(source, where, f"{source.format}: {type(exc).__name__}: {exc}")
            return
        source.good += 1
        for event in events:
            reason = check_event(event)
            if reason:
                self._bad(source, where, f"{source.format}: {reason}")
                continue
            self._keep_answer(event)
            self.state.apply(event, where, now)

    def _bad(self, source: Source, where: Where, reason: str) -> None:
        source.bad += 1
        self.state.add_bad(where, reason)

    # Recognising a file ---------------------------------------------------

    def _recognise(self, source: Source, line: Line, now: float) -> bool:
        """Decide the format from the first recognisable line, holding lines
        until then; a file with none in its first lines is reported once."""
        if self.forced_format and source.tail.path not in self.own_format:
            self._decide(source, self.forced_format)
            return True
        data = strip_line(line.data, line.offset == 0)
        if not data.strip():
            return False
        record = decode(data)
        found = detect(record) if type(record) is dict else None
        if found is None and not _typed(record):
            source.held.append(line)
            held_bytes = sum(len(held.data) for held in source.held)
            if len(source.held) >= UNDECIDED_LINES or held_bytes > UNDECIDED_BYTES:
                self._unrecognised(source)
            return False
        self._decide(source, found or V1)
        self._replay_held(source, now)
        return True

    def _settle(self, source: Source, now: float) -> None:
        """At the end of a one-shot read, held lines are read as format v1,
        unless none of them is even JSON: then the file is not a log at all."""
        if source.format is None and source.held:
            if any(looks_binary(line.data) for line in source.held):
                self._unrecognised(source)
                return
            self._decide(source, V1)
            self._replay_held(source, now)

    def _replay_held(self, source: Source, now: float) -> None:
        held, source.held = source.held, []
        for old in held:
            self._take(source, old, now)

    def _unrecognised(self, source: Source) -> None:
        first = source.held[0]
        source.held = []
        self._decide(source, "unrecognised")
        reason = "unrecognised format: neither oodatui format v1 nor a known "
        reason += "agent log; the file is not read"
        source.tail.notices.append(reason)
        self._bad(source, Where(source.tail.path, first.lineno, first.offset), reason)

    def _decide(self, source: Source, fmt: str) -> None:
        source.format = fmt
        if fmt not in (V1, "unrecognised"):
            source.adapter = make_adapter(fmt, source.tail.path)
            self.foreign_paths.add(source.tail.path)

    def _keep_answer(self, event: dict[str, Any]) -> None:
        answer = event.get("answer")
        if event.get("type") == "candidate" and type(answer) is str:
            if len(self.answers) >= ANSWERS_KEPT:
                self.answers.pop(next(iter(self.answers)))
            self.answers[event["id"]] = answer[:20_000]

    def _sync_sources(self) -> None:
        self.follower.discover()
        new = [(p, t) for p, t in self.follower.tails.items() if p not in self.sources]
        if not new:
            return
        by_ident: dict[Ident, tuple[str, Source]] = {}
        for key, source in self.sources.items():
            if source.tail.is_open and source.tail.ident is not None:
                by_ident[source.tail.ident] = (key, source)
        for path, tail in new:
            self._add_source(path, tail, by_ident)

    def _add_source(
        self, path: str, tail: FileTail, by_ident: dict[Ident, tuple[str, Source]]
    ) -> None:
        """A new path is a new file, or one already being read under another
        name (renamed within a followed folder): that one goes on from where
        it was instead of being read twice."""
        ident = ident_of(path)
        found = by_ident.get(ident) if ident is not None else None
        if found is None or ident is None or not _moved(found[1].tail, ident):
            self.sources[path] = Source(tail)
            return
        key, source = found
        del self.sources[key]
        was_detached = source.tail.detached
        source.tail.attach(path)
        self.sources[path] = source
        self.follower.tails[path] = source.tail
        if not was_detached:
            fresh = self.follower.tails[key] = FileTail(key)
            self.sources[key] = Source(fresh)

    # Details on demand ----------------------------------------------------

    def detail(self, candidate_id: str) -> dict[str, Any] | None:
        """The latest full line of a candidate, read again from its file, with
        the answer of the latest line that had one."""
        cand = self.state.candidates.get(candidate_id)
        if cand is None:
            return None
        source = self.sources.get(cand.where.path)
        if source is not None and source.foreign:
            return {"answer": self.answers.get(candidate_id)}
        line = candidate_at(cand.where, candidate_id)
        answer_at = cand.answer_at
        if line is not None and answer_at is not None and answer_at != cand.where:
            older = candidate_at(answer_at, candidate_id) or {}
            line["answer"] = older.get("answer")
        return line

    # Following ------------------------------------------------------------

    def follow(
        self,
        stop: threading.Event,
        *,
        poll: bool = False,
        interval: float = 0.25,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Read until `stop` is set: on file-system events, or every `interval`
        seconds in polling mode. `on_batch(count)` is called after each read.
        Blocks: meant for a thread of its own."""
        from oodatui.watch import follow

        self.stop = stop
        self.leave_room = True  # a screen shares this interpreter
        follow(self, stop, poll=poll, interval=interval, on_batch=on_batch)

    def close(self) -> None:
        self.follower.close()


def read_once(
    paths: Iterable[str | os.PathLike[str]], *, format: str | None = None
) -> Reader:
    """Read every path to its end, taking unfinished last lines that parse."""
    reader = Reader(paths, format=format)
    reader.poll(final=True)
    reader.close()
    return reader


def _moved(tail: FileTail, ident: Ident) -> bool:
    """Whether `tail`'s file, found again under another name, left its own."""
    return tail.detached or ident_of(tail.path) != ident


def _typed(record: Any) -> bool:
    return type(record) is dict and type(record.get("type")) is str
