"""`RunLog`: how an agent writes its run log and reads back human verdicts."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from oodatui.read import Reader
from oodatui.write import append_event

__all__ = ["RunLog"]


class RunLog:
    """An agent's handle on a run log shared with other agents and reviewers.

    Each method appends one whole line (see `oodatui.write`), so any number of
    processes may share one file. The file and its folder are created if
    needed. Keyword arguments are format-v1 field names:

        log = RunLog("runs/swarm.jsonl", agent="solver-3", run="issue-42")
        log.phase("orient", note="two failing tests point at the parser")
        log.candidate(id="c7", summary="fix parser", confidence=0.8)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        agent: str,
        run: str | None = None,
        votes: list[str | os.PathLike[str]] | None = None,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.agent = agent
        self.run = run
        self.votes = [Path(p) for p in votes or []]
        """Other files where reviewers' votes for this agent may land."""
        self._reader: Reader | None = None

    def write(self, type: str, **fields: Any) -> dict[str, Any]:
        """Append one event of any type; returns the line written."""
        event: dict[str, Any] = {"type": type, "v": 1, "ts": time.time()}
        event["agent"] = self.agent
        if self.run is not None:
            event["run"] = self.run
        event.update({k: v for k, v in fields.items() if v is not None})
        append_event(self.path, event)
        return event

    def phase(self, phase: str, **fields: Any) -> dict[str, Any]:
        return self.write("phase", phase=phase, **fields)

    def checkpoint(self, **fields: Any) -> dict[str, Any]:
        return self.write("checkpoint", **fields)

    def candidate(self, **fields: Any) -> dict[str, Any]:
        return self.write("candidate", **fields)

    def message(self, text: str | None = None, **fields: Any) -> dict[str, Any]:
        return self.write("message", text=text, **fields)

    def start(self, **fields: Any) -> dict[str, Any]:
        return self.write("start", **fields)

    def end(self, status: str | None = None, **fields: Any) -> dict[str, Any]:
        return self.write("end", status=status, **fields)

    def verdicts(self, candidate_id: str) -> dict[str, str]:
        """Each voter's standing verdict on a candidate (cleared votes left out).

        Reads only what was appended since the last call.
        """
        if self._reader is None:
            self._reader = Reader([self.path, *self.votes])
        self._reader.poll()
        ballot = self._reader.state.ballots.get(candidate_id, {})
        return {
            voter: vote.verdict
            for voter, vote in ballot.items()
            if vote.verdict != "clear"
        }
