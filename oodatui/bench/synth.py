"""Synthetic run logs: a week of a swarm, written fast and the same every time.

The mix holds every event type of format v1 (phases most of all, then messages,
checkpoints, candidates, votes, a generic `tool` type, start and end) and
free text of varied length, for about 160 bytes a line. The
last line of every log is a candidate named `FINAL_ID`: under the `recent`
policy it ranks first, so a view shows it exactly when it has read to the end.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

__all__ = ["FINAL_ID", "AGENTS", "EventMaker", "write_log", "agent_name"]

AGENTS = 16
FINAL_ID = "bench-end"
"""Short enough to show whole in a narrow id column."""
START_TS = 1_767_225_600.0
"""2026-01-01 00:00 UTC; a million lines then span about a week."""

WORDS = (
    "parser fixture retry cache timeout flaky patch branch migrate schema index "
    "tokenizer regression bisect revert merge lint coverage benchmark refactor "
    "deadlock fsync offset rotate truncate vote verdict rank policy checkpoint "
    "orient observe decide act loop tempo summary answer commit tests failing"
).split()

MIX = (
    ("phase", 60),
    ("message", 12),
    ("checkpoint", 9),
    ("candidate", 8),
    ("vote", 5),
    ("tool", 5),
)
"""Relative weights of the line kinds. No bad lines: peers such as `jq` stop
at the first one, and the same file must serve every reader."""


def agent_name(index: int) -> str:
    return f"agent-{index:02d}"


class EventMaker:
    """Deterministic lines of a synthetic swarm (one `random.Random` each)."""

    def __init__(
        self, seed: int = 7, agents: int = AGENTS, fixed: list[str] | None = None
    ) -> None:
        """`fixed` limits candidate lines to updates of those ids: a live swarm
        then never pushes a new candidate to the top of the `recent` ranking."""
        self.rng = random.Random(seed)
        self.fixed = fixed is not None
        self.agents = [agent_name(i) for i in range(agents)]
        self.phase_of = dict.fromkeys(self.agents, 3)
        self.notes = [self._text(1, 12) for _ in range(2048)]
        self.candidates: list[str] = list(fixed or [])
        self.votes = 0
        self.kinds = self._kind_table()

    def _kind_table(self) -> list[str]:
        return [kind for kind, weight in MIX for _ in range(weight)]

    def _text(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def event(self, ts: float) -> dict[str, Any]:
        """One event stamped `ts`."""
        kind = self.rng.choice(self.kinds)
        if kind == "vote":
            return self._vote(ts)
        agent = self.rng.choice(self.agents)
        event: dict[str, Any] = {"type": kind, "v": 1, "ts": ts, "run": "bench"}
        event["agent"] = agent
        getattr(self, f"_fill_{kind}")(event, agent)
        return event

    def _fill_phase(self, event: dict[str, Any], agent: str) -> None:
        step = (self.phase_of[agent] + 1) % 4
        self.phase_of[agent] = step
        event["phase"] = ("observe", "orient", "decide", "act")[step]
        event["step"] = step
        event["note"] = self.rng.choice(self.notes)
        event["tokens"] = self.rng.randint(50, 4000)

    def _fill_message(self, event: dict[str, Any], agent: str) -> None:
        event["text"] = self.rng.choice(self.notes)

    def _fill_tool(self, event: dict[str, Any], agent: str) -> None:
        event["note"] = "ran " + self.rng.choice(WORDS)
        event["tokens"] = self.rng.randint(10, 500)

    def _fill_checkpoint(self, event: dict[str, Any], agent: str) -> None:
        failed = self.rng.choice((0, 0, 0, 1, 3))
        event["tests"] = {"passed": self.rng.randint(20, 400), "failed": failed}
        event["commit"] = f"{self.rng.getrandbits(28):07x}"
        event["note"] = self.rng.choice(self.notes)[:60]

    def _fill_candidate(self, event: dict[str, Any], agent: str) -> None:
        if self.fixed or (self.candidates and self.rng.random() < 0.4):
            event["id"] = self.rng.choice(self.candidates)
        else:
            event["id"] = f"c{len(self.candidates):06d}"
            self.candidates.append(event["id"])
        event["summary"] = self.rng.choice(self.notes)[:80]
        event["confidence"] = round(self.rng.random(), 3)
        event["tokens_delta"] = self.rng.randint(-2000, 9000)
        event["tests"] = {"passed": self.rng.randint(0, 60), "failed": 0}

    def _vote(self, ts: float) -> dict[str, Any]:
        self.votes += 1
        verdict = self.rng.choice(("approve", "approve", "veto", "clear"))
        return {
            "type": "vote",
            "v": 1,
            "ts": ts,
            "candidate": self.rng.choice(self.candidates or ["c000000"]),
            "verdict": verdict,
            "voter": f"reviewer-{self.rng.randint(1, 5)}",
            "vote_id": f"v{self.votes:08d}",
        }

    def line(self, ts: float) -> bytes:
        return orjson.dumps(self.event(ts))

    def opening(self, ts: float) -> Iterator[bytes]:
        """A start line per agent, so every agent exists from the first screen."""
        for agent in self.agents:
            event: dict[str, Any] = {"type": "start", "v": 1, "ts": ts}
            event["run"] = "bench"
            event["agent"] = agent
            yield orjson.dumps(event)

    def closing(self, ts: float) -> Iterator[bytes]:
        """An end line per agent, then the final candidate."""
        for agent in self.agents:
            event: dict[str, Any] = {"type": "end", "run": "bench", "ts": ts}
            event["agent"] = agent
            event["status"] = "done"
            yield orjson.dumps(event)
        final: dict[str, Any] = {"type": "candidate", "run": "bench"}
        final["agent"] = self.agents[0]
        final.update(id=FINAL_ID, ts=ts, summary="the last line", confidence=0.5)
        yield orjson.dumps(final)


def write_log(path: str | os.PathLike[str], lines: int, seed: int = 7) -> int:
    """Write a log of exactly `lines` lines; return its size in bytes."""
    maker = EventMaker(seed)
    step = 7 * 24 * 3600 / max(lines, 1)
    head = list(maker.opening(START_TS))
    tail = list(maker.closing(START_TS + step * lines))
    body = max(lines - len(head) - len(tail), 0)
    with open(path, "wb") as out:
        out.write(b"\n".join(head) + b"\n")
        for start in range(0, body, 20_000):
            block = range(start, min(start + 20_000, body))
            out.write(b"".join(maker.line(START_TS + step * i) + b"\n" for i in block))
        out.write(b"\n".join(tail) + b"\n")
    return Path(path).stat().st_size
