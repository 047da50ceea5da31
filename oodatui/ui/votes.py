"""Where a vote goes, and my votes in flight until they are read back.

A keystroke never changes the state directly: it appends one vote line and
the reader folds it like any other. Until then the row shows the verdict as
pending. Votes are written one at a time, in keystroke order, by a single
writer thread, so the last key pressed is the last line written.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oodatui.write import WriteError, cast_vote

__all__ = [
    "DEFAULT_VOTES_FILE",
    "Pending",
    "PendingVotes",
    "VoteRequest",
    "VoteWriter",
    "vote_path",
]

DEFAULT_VOTES_FILE = "oodatui-votes.jsonl"
"""Where votes on other tools' logs go when no votes file is given."""


def vote_path(
    candidate_path: str,
    foreign: bool,
    votes_file: str | None,
    default: str = DEFAULT_VOTES_FILE,
) -> str:
    """The file a vote on a candidate read from `candidate_path` is appended to.

    A chosen votes file takes every vote; otherwise a format-v1 log takes the
    votes on its own candidates, and other tools' logs (which must not be
    written to) send theirs to the default votes file.
    """
    if votes_file:
        return votes_file
    return default if foreign else candidate_path


@dataclass
class Pending:
    """A vote shown at once, before its line is read back."""

    serial: int
    candidate: str
    verdict: str
    vote_id: str | None = None
    """Known once the line is written."""


class PendingVotes:
    """My latest vote per candidate while it is in flight."""

    def __init__(self) -> None:
        self._latest: dict[str, Pending] = {}
        self._serial = 0

    def start(self, candidate: str, verdict: str) -> Pending:
        self._serial += 1
        pending = Pending(self._serial, candidate, verdict)
        self._latest[candidate] = pending
        return pending

    def written(self, pending: Pending, vote_id: str) -> None:
        pending.vote_id = vote_id

    def failed(self, pending: Pending) -> None:
        """Forget a vote that was not cast, unless a newer one replaced it."""
        if self._latest.get(pending.candidate) is pending:
            del self._latest[pending.candidate]

    def verdict(self, candidate: str) -> str | None:
        pending = self._latest.get(candidate)
        return pending.verdict if pending else None

    def waiting(self) -> frozenset[str]:
        """Vote ids written and not yet seen in the logs."""
        return frozenset(p.vote_id for p in self._latest.values() if p.vote_id)

    def settle(self, counted: frozenset[str]) -> bool:
        """Drop the votes whose lines were read back; True if any were."""
        done = [c for c, p in self._latest.items() if p.vote_id in counted]
        for candidate in done:
            del self._latest[candidate]
        return bool(done)

    def __len__(self) -> int:
        return len(self._latest)


@dataclass(frozen=True)
class VoteRequest:
    """One keystroke's vote, with what the voter was shown."""

    path: str
    candidate: str
    verdict: str
    voter: str
    pending: Pending
    create: bool = True
    """False for a vote into the candidate's own log: if it has gone, the
    vote fails rather than start a new file."""
    reason: str | None = None
    policy: str | None = None
    rank: int | None = None
    run: str | None = None

    def cast(self) -> dict[str, Any]:
        return cast_vote(
            self.path,
            self.candidate,
            self.verdict,
            voter=self.voter,
            reason=self.reason,
            policy=self.policy,
            rank=self.rank,
            run=self.run or None,
            create=self.create,
        )


Done = Callable[[VoteRequest, dict[str, Any] | None, str | None], None]
"""Told of each vote: the line written, or why it was not."""


class VoteWriter:
    """A queue of votes written in order by one thread (`serve`)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[VoteRequest] = queue.Queue()

    def put(self, request: VoteRequest) -> None:
        self._queue.put(request)

    def serve(self, stop: threading.Event, done: Done) -> None:
        """Write queued votes until `stop` is set; run it in a thread."""
        while not stop.is_set():
            try:
                request = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            done(request, *_write(request))


def _write(request: VoteRequest) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return request.cast(), None
    except WriteError as exc:
        return None, exc.reason
    except ValueError as exc:
        return None, str(exc)
