"""A scripted reviewer, so that finished sample runs show votes and reactions.

It stands in for a person watching the dashboard: a few lines after an agent
proposes a candidate, it approves or vetoes it in the agent's own log, the way
the dashboard would. Live demos leave voting to the person at the keyboard.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from oodatui.write import append_event

__all__ = ["Reviewer"]

VOTERS = ("dana", "lee")
"""The first judges every candidate; the second sometimes agrees."""

PRAISE = (
    "clear root cause, and a regression test",
    "small diff, tests green",
    "matches what the traces show",
    "the fix is where the bug is",
)
DOUBTS = (
    "the root cause is not convincing yet",
    "fixes the symptom, not the cause",
    "too broad a change for this bug",
)


class Reviewer:
    """Queues a verdict on each new candidate and casts it a few lines later."""

    def __init__(self, rng: random.Random, voters: tuple[str, ...] = VOTERS) -> None:
        self.rng = rng
        self.voters = voters
        self.lines = 0
        self.judged: set[str] = set()
        """Candidates with a verdict already queued or cast."""
        self.queue: list[tuple[int, dict[str, Any]]] = []
        """Votes still to cast, each with the line count it is due at."""

    def read(self, line: dict[str, Any]) -> None:
        """Look at a line the agent wrote; a candidate may get a verdict later.

        A candidate left undecided is looked at again when it is updated.
        """
        self.lines += 1
        if line["type"] != "candidate" or line["id"] in self.judged:
            return
        verdict, reason = self._judge(line)
        if verdict is None:
            return
        self.judged.add(line["id"])
        voters = self.voters[: 1 + (self.rng.random() < 0.3)]
        for voter in voters:
            vote = {
                "candidate": line["id"],
                "verdict": verdict,
                "voter": voter,
                "reason": reason,
            }
            self.queue.append((self.lines + self.rng.randint(2, 8), vote))

    def _judge(self, line: dict[str, Any]) -> tuple[str | None, str]:
        failed = line.get("tests", {}).get("failed", 0)
        confidence = line.get("confidence", 0.0)
        if failed:
            tests = "test still fails" if failed == 1 else "tests still fail"
            return "veto", f"{failed} {tests}"
        if confidence < 0.6:
            return "veto", self.rng.choice(DOUBTS)
        if confidence >= 0.8 or self.rng.random() < 0.5:
            return "approve", self.rng.choice(PRAISE)
        return None, ""

    def vote_due(self, path: Path, ts: float | None) -> None:
        """Append every vote whose time has come."""
        due = [vote for at, vote in self.queue if at <= self.lines]
        self.queue = [(at, vote) for at, vote in self.queue if at > self.lines]
        for vote in due:
            append_event(
                path,
                {
                    "type": "vote",
                    "v": 1,
                    "ts": time.time() if ts is None else ts,
                    **vote,
                    "vote_id": f"{vote['candidate']}/{vote['voter']}",
                },
            )
