"""A live swarm for the benchmark: one process appending at a steady rate.

Run as `python -m oodatui.bench.writer DIR --rate R --duration S`. It appends
to one file per agent in DIR, each line one `os.write` on an O_APPEND
descriptor (what `RunLog` does, minus the lock and `fsync`, so the writer is
never the slow part). With `--mark-every S` it also writes, every S seconds, a
candidate with a fresh id `liveNNNNN`, and notes the `time.monotonic()` at
which that write returned. At the end (or on SIGTERM) it prints one JSON object: lines
written, the rate achieved, and the markers with their write times.

`time.monotonic()` is one clock for every process on Linux, so a reader in
another process can subtract these times from its own.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from oodatui.bench.synth import AGENTS, EventMaker

__all__ = ["agent_files", "seed_history", "main"]

HISTORY_IDS = [f"c{i:06d}" for i in range(20)]
"""Candidates of the history `seed_history` writes; live lines only update them."""

TICK = 0.002
"""Seconds between catch-up rounds; lines due in between are written together."""


def agent_files(folder: str | os.PathLike[str], agents: int = AGENTS) -> list[Path]:
    return [Path(folder, f"agent-{i:02d}.jsonl") for i in range(agents)]


class Appender:
    """Open descriptors and the line source for one writing run."""

    def __init__(self, folder: str, agents: int, seed: int) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        self.fds = [os.open(p, flags, 0o644) for p in agent_files(folder, agents)]
        self.maker = EventMaker(seed, agents, fixed=HISTORY_IDS)
        self.index = {name: i for i, name in enumerate(self.maker.agents)}
        self.lines = 0
        self.markers: list[tuple[str, float]] = []

    def write_one(self) -> None:
        event = self.maker.event(time.time())
        slot = self.index.get(event.get("agent", ""), self.lines % len(self.fds))
        os.write(self.fds[slot], orjson.dumps(event) + b"\n")
        self.lines += 1

    def write_marker(self) -> None:
        mark = f"live{len(self.markers):05d}"
        agent = self.maker.agents[len(self.markers) % len(self.fds)]
        event: dict[str, Any] = {"type": "candidate", "v": 1, "ts": time.time()}
        event["run"] = "bench"
        event.update(agent=agent, id=mark, summary="marker", confidence=0.5)
        os.write(self.fds[self.index[agent]], orjson.dumps(event) + b"\n")
        self.markers.append((mark, time.monotonic()))
        self.lines += 1

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)


def seed_history(folder: str, lines: int, agents: int = AGENTS) -> None:
    """Give every agent a start line and a short past, and the swarm its
    `HISTORY_IDS` candidates, so a view has a full screen before live lines."""
    maker = EventMaker(3, agents, fixed=HISTORY_IDS)
    now = time.time() - 60
    files = agent_files(folder, agents)
    chunks: list[list[bytes]] = [list() for _ in files]
    for i, line in enumerate(maker.opening(now)):
        chunks[i].append(line)
    for i, cid in enumerate(HISTORY_IDS):
        event: dict[str, Any] = {"type": "candidate", "run": "bench"}
        event["agent"] = maker.agents[0]
        event.update(id=cid, ts=now, summary=f"early idea {i}", confidence=0.3)
        chunks[0].append(orjson.dumps(event))
    for n in range(lines):
        chunks[n % len(files)].append(maker.line(now + n * 0.01))
    for path, chunk in zip(files, chunks, strict=True):
        path.write_bytes(b"\n".join(chunk) + b"\n")


def run(args: argparse.Namespace) -> dict[str, object]:
    """Write at `args.rate` lines a second for `args.duration` seconds."""
    swarm = Appender(args.dir, args.agents, args.seed)
    stopped: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, frame: stopped.append(number))
    start = time.monotonic()
    next_mark = start + args.mark_every if args.mark_every else float("inf")
    while (now := time.monotonic()) - start < args.duration and not stopped:
        due = int((now - start) * args.rate) - swarm.lines
        for _ in range(max(due, 0)):
            swarm.write_one()
        if now >= next_mark:
            swarm.write_marker()
            next_mark += args.mark_every
        time.sleep(TICK)
    elapsed = time.monotonic() - start
    swarm.close()
    return {
        "lines": swarm.lines,
        "seconds": elapsed,
        "rate": swarm.lines / elapsed,
        "markers": swarm.markers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oodatui.bench.writer")
    parser.add_argument("dir")
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--mark-every", type=float, default=0.0)
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--seed", type=int, default=11)
    result = run(parser.parse_args(argv))
    sys.stdout.buffer.write(orjson.dumps(result) + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
