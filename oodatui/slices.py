"""Folding one large log on several cores.

A cold read of a big format-v1 file is cut at line boundaries into slices. The
reader folds the first slice into its own state while worker processes fold
the others into fresh states, with candidate and vote lines set aside. Each
finished slice is then joined on in order: agents' counters add up, with the
one correction a boundary needs (a phase repeated across it is not an entry),
and the set-aside lines are replayed, so the result is the sequential fold's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from threading import Event

from oodatui.fold import MAX_TOTAL, VOTE, Deferred, RunState, new_tuple
from oodatui.records import AgentState, BadLine, Where

__all__ = ["MIN_SIZE", "Slice", "Worker", "worth_it", "plan", "start", "join"]

MIN_SIZE = 32 << 20
"""Files smaller than this are read in one process: starting workers costs more."""

MIN_SLICE = 16 << 20


@dataclass(frozen=True)
class Slice:
    path: str
    start: int
    end: int
    """Just past a newline; the slice holds whole lines only."""


@dataclass
class Folded:
    """A worker's result: the slice's state, and how many lines it held."""

    state: RunState
    lines: int


def worth_it(source) -> bool:  # type: ignore[no-untyped-def]
    """A first read, from the start, of a file big enough to share out."""
    tail = source.tail
    if source.format not in (None, "oodatui") or tail.offset or tail.end is not None:
        return False
    if tail.detached or workers() == 0:
        return False
    try:
        return os.stat(tail.path).st_size >= MIN_SIZE
    except OSError:
        return False


def plan(path: str, workers: int, head: int | None = None) -> list[Slice]:
    """Cut the file's whole lines into slices at newlines: `workers` + 1 of
    equal size, or with `head`, the first `head` bytes and `workers` of equal
    size after them."""
    with open(path, "rb") as file:
        size = _last_line_end(file, os.fstat(file.fileno()).st_size) or 0
        cuts, start = [0], 0
        if head is not None:
            start = min(_next_line(file, head) or size, size)
            if start < size:
                cuts.append(start)
        count = workers + (head is None)
        count = max(1, min(count, (size - start) // MIN_SLICE))
        for n in range(1, count):
            cut = _next_line(file, start + (size - start) * n // count)
            if cut is not None and cuts[-1] < cut < size:
                cuts.append(cut)
    cuts.append(size)
    return [Slice(path, a, b) for a, b in zip(cuts, cuts[1:], strict=False)]


def _next_line(file, offset: int) -> int | None:  # type: ignore[no-untyped-def]
    """The offset just past the first newline at or after `offset`."""
    file.seek(offset)
    while chunk := file.read(1 << 16):
        found = chunk.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(chunk)
    return None


def _last_line_end(file, size: int) -> int | None:  # type: ignore[no-untyped-def]
    """The offset just past the last newline before `size`."""
    end = size
    while end > 0:
        begin = max(0, end - (1 << 16))
        file.seek(begin)
        found = file.read(end - begin).rfind(b"\n")
        if found >= 0:
            return begin + found + 1
        end = begin
    return None


STOP_CHECK = 0.1
"""Seconds between looks at the stop flag while a worker is waited for."""


class Worker:
    """A process folding one slice, its result pickled on stdout. A plain
    child process, so nothing of the parent (its threads, its main module) is
    carried into it. It holds the read end of a pipe whose write end only the
    parent has: should the parent die, the pipe closes and the worker quits."""

    def __init__(self, part: Slice, now: float) -> None:
        import subprocess

        self.part, self.now = part, now
        lifeline, self._lifeline = os.pipe()
        args = [part.path, str(part.start), str(part.end), repr(now), str(lifeline)]
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER, *args],
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                pass_fds=(lifeline,),
            )
        finally:
            os.close(lifeline)

    def result(self, stop: Event | None = None) -> Folded | None:
        """The worker's fold; should it have failed, the slice is folded here.
        None, with the worker killed, once `stop` is set: quitting never
        waits for a slice, and leaves no process behind."""
        import pickle
        import subprocess

        try:
            while True:
                try:
                    data, _ = self.process.communicate(timeout=STOP_CHECK)
                    break
                except subprocess.TimeoutExpired:
                    if stop is not None and stop.is_set():
                        self.cancel()
                        return None
            self._let_go()
            if self.process.returncode == 0:
                folded = pickle.loads(data)
                if isinstance(folded, Folded):
                    return folded
        except Exception:  # noqa: BLE001 - whatever went wrong, do the work here
            self.cancel()
        return fold_slice(self.part, self.now)

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._let_go()

    def _let_go(self) -> None:
        if self._lifeline >= 0:
            os.close(self._lifeline)
            self._lifeline = -1


def _child_env() -> dict[str, str]:
    """This environment, with this package importable however it was found."""
    home = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    paths = [home, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def start(parts: list[Slice], now: float) -> list[Worker]:
    """Fold `parts` in worker processes, one each."""
    return [Worker(part, now) for part in parts]


def fold_slice(part: Slice, now: float) -> Folded:
    """Fold one slice into a fresh state (worker side); line numbers start at 1."""
    from oodatui.read import Reader

    state = RunState(deferred=Spool())
    reader = Reader([part.path], state=state, format="oodatui", parallel=False)
    reader.now = now
    tail = reader.sources[part.path].tail
    tail.offset, tail.end = part.start, part.end
    lines = reader.poll(final=True)
    reader.close()
    return Folded(state, lines)


SPOOLED = 4096
"""Queued lines pickled together while a worker folds its slice."""


class Spool(list):  # type: ignore[type-arg]
    """A slice's queued candidate and vote lines, pickled `SPOOLED` at a time:
    as bytes they take a third of the memory, and the join unpickles them one
    piece at a time instead of all at once."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[bytes] = []

    def append(self, entry: Deferred) -> None:
        super().append(entry)
        if len(self) >= SPOOLED:
            import pickle

            self.pieces.append(pickle.dumps(list(self), pickle.HIGHEST_PROTOCOL))
            self.clear()


def _queued(deferred: list[Deferred] | None) -> Iterator[Deferred]:
    """A slice's queued lines in order, whether spooled or not."""
    if isinstance(deferred, Spool):
        import pickle

        for piece in deferred.pieces:
            yield from pickle.loads(piece)
    yield from deferred or ()


def join(state: RunState, part: RunState, lines_before: int) -> None:
    """Append a later slice's state to `state`, as if folded after it."""
    state.events += part.events
    state.bad_lines += part.bad_lines
    state.bad.extend(
        BadLine(b.where._replace(lineno=b.where.lineno + lines_before), b.reason)
        for b in part.bad
    )
    for key, later in part.agents.items():
        earlier = state.agents.get(key)
        if earlier is None:
            state.agents[key] = later
        else:
            join_agents(earlier, later)
    for kind, fields, ts, path, lineno, offset in _queued(part.deferred):
        where = new_tuple(Where, (path, lineno + lines_before, offset))
        if kind == VOTE:
            state.vote(fields, ts, where)  # type: ignore[arg-type]
        else:
            state.update_candidate(fields, ts, where)  # type: ignore[arg-type]
    state.last_ts = _later(state.last_ts, part.last_ts)
    state.last_agent_ts = _later(state.last_agent_ts, part.last_agent_ts)
    state.version += 1


def join_agents(a: AgentState, b: AgentState) -> None:
    """Fold agent `b` (from a later slice) onto `a`."""
    repeat = b.first_phase is not None and b.first_phase == a.phase
    head_in_chain = b.since_checkpoint == b.phases_entered
    chain = b.since_checkpoint - (repeat and head_in_chain)
    a.since_checkpoint = chain + (a.since_checkpoint if b.checkpoints == 0 else 0)

    if repeat and len(b.phase_history) == b.phases_entered:
        b.phase_history.popleft()
    if repeat and b.first_phase == "act":
        if len(b.act_times) == b.loops:
            b.act_times.popleft()
        b.loops -= 1
    a.phases_entered += b.phases_entered - repeat
    a.loops += b.loops
    if b.phase is not None and not (repeat and b.phases_entered == 1):
        a.phase, a.phase_since = b.phase, b.phase_since
    a.first_phase = a.first_phase or b.first_phase

    a.checkpoints += b.checkpoints
    a.checkpoints_ok += b.checkpoints_ok
    a.checkpoints_failed += b.checkpoints_failed
    a.tokens = min(a.tokens + b.tokens, MAX_TOTAL)
    a.events += b.events
    a.status = b.status if b.status is not None else a.status
    a.last_ts = _later(a.last_ts, b.last_ts)
    a.source = b.source
    for mine, theirs in (
        (a.phase_history, b.phase_history),
        (a.act_times, b.act_times),
        (a.line_times, b.line_times),
        (a.checkpoint_history, b.checkpoint_history),
        (a.recent, b.recent),
    ):
        mine.extend(theirs)  # type: ignore[arg-type]


def _later(a: float | None, b: float | None) -> float | None:
    """The later of two times, either of which may be unknown."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b)


SCREEN_SHARE = 0.9
"""The part of an equal slice a reader with a screen beside it folds itself."""


def workers() -> int:
    """Worker processes to use beside the reader's own: one per spare core."""
    return max(0, min(3, (os.cpu_count() or 1) - 1))


_WORKER = "import sys; from oodatui.slices import main; sys.exit(main(sys.argv[1:]))"


def main(argv: list[str]) -> int:
    """The worker's side: fold the slice named in `argv`, pickle it to stdout.
    A short-lived process that makes no reference cycles: it never runs the
    cyclic collector."""
    import gc
    import pickle

    gc.disable()

    path, begin, end, now, lifeline = argv
    _quit_when_closed(int(lifeline))
    folded = fold_slice(Slice(path, int(begin), int(end)), float(now))
    sys.stdout.buffer.write(pickle.dumps(folded, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


def _quit_when_closed(lifeline: int) -> None:
    """Exit as soon as the pipe from the parent closes: it has gone."""
    import threading

    def watch() -> None:
        while os.read(lifeline, 1):
            pass
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()
