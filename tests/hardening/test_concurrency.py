"""Agents, voters and two dashboards share logs for a while; nothing is lost.

Agent processes write through `RunLog`, people vote through `oodatui vote`
processes, and two independent readers follow live (one woken by file-system
events, one polling), as two dashboards would. Every line must reach each
reader exactly once, none torn, and two people's votes on one candidate must
both count. The second test has the writers rotate their logs (rename, then a
new file) mid-run, some still writing to the old file after the rename.

How long the writers run is `$OODATUI_SOAK_SECONDS` (a few seconds by default).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from hardening_support import FIGURES, child_env, oodatui, parsed_lines

from oodatui.fold import RunState
from oodatui.read import Reader, read_once
from oodatui.runlog import RunLog
from oodatui.summary import summary

SOAK = float(os.environ.get("OODATUI_SOAK_SECONDS", "3"))
CATCH_UP = 60.0
VOTERS = ("ann", "bob", "cy", "dee")
"""`dee` is named by `$OODATUI_VOTER`, the others by `--voter`."""

ROTATED = """
def rotated(path, generation):
    # Odd generations leave the folder's *.jsonl; even ones stay in it.
    if generation % 2:
        return f"{path}.{generation}"
    return f"{path[:-len('.jsonl')]}-{generation}.jsonl"
"""

AGENT = (
    ROTATED
    + """
import os, sys, time
from oodatui import RunLog

path, name, seconds, rotate = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
log = RunLog(path, agent=name, run="soak")
phases = ("observe", "orient", "decide", "act")
deadline = time.monotonic() + seconds
next_turn, generation, seq = time.monotonic() + 0.7, 0, 0
while time.monotonic() < deadline:
    if seq % 40 == 39:
        log.candidate(id=f"{name}-c{seq}", seq=seq, confidence=0.5)
    elif seq % 10 == 9:
        log.checkpoint(seq=seq, ok=seq % 20 == 9, tests={"passed": 3, "failed": 0})
    else:
        note = "x" * (70_000 if seq % 97 == 0 else seq % 300)
        log.phase(phases[seq % 4], seq=seq, note=note)
    seq += 1
    if rotate == "yes" and time.monotonic() > next_turn:
        generation += 1
        os.rename(path, rotated(path, generation))
        next_turn = time.monotonic() + 0.7
print(seq)
"""
)

HELD_OPEN = (
    ROTATED
    + """
import os, sys, time, orjson

path, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
fd = os.open(path, flags, 0o644)
deadline = time.monotonic() + seconds
next_turn, generation, seq = time.monotonic() + 0.7, 0, 0

def line(seq):
    event = {"type": "phase", "agent": name, "run": "soak", "seq": seq,
             "phase": ("observe", "orient", "decide", "act")[seq % 4]}
    return orjson.dumps(event) + b"\\n"

while time.monotonic() < deadline:
    os.write(fd, line(seq))
    seq += 1
    time.sleep(0.001)
    if time.monotonic() > next_turn:
        generation += 1
        os.rename(path, rotated(path, generation))
        for late in range(3):
            os.write(fd, line(seq))
            seq += 1
        os.close(fd)
        fd = os.open(path, flags, 0o644)
        next_turn = time.monotonic() + 0.7
print(seq)
"""
)


@dataclass
class Arrivals(RunState):
    """A `RunState` that notes each line folded: (agent, seq) and vote ids."""

    seqs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    vote_lines: list[str] = field(default_factory=list)

    def apply_at(self, event: dict[str, Any], *place: Any) -> bool:
        taken = super().apply_at(event, *place)
        if taken and "seq" in event:
            self.seqs[event["agent"]].append(event["seq"])
        if taken and event["type"] == "vote":
            self.vote_lines.append(event["vote_id"])
        return taken


class Dashboard:
    """A reader following `paths` in its own thread, like a dashboard does."""

    def __init__(self, paths: list[Path], poll: bool) -> None:
        self.state = Arrivals()
        self.reader = Reader(paths, state=self.state)
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(poll,), daemon=True)
        self.thread.start()

    def _run(self, poll: bool) -> None:
        try:
            self.reader.follow(self.stop, poll=poll, interval=0.1)
        except BaseException as exc:  # noqa: B036 - reported by `close`
            self.error = exc

    def wait_for(self, lines: int) -> None:
        deadline = time.monotonic() + CATCH_UP
        while self.state.events < lines and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the reader did not stop"
        assert self.error is None, f"the reader failed: {self.error!r}"
        self.reader.close()


@contextmanager
def dashboards(paths: list[Path]) -> Iterator[list[Dashboard]]:
    both = [Dashboard(paths, poll=False), Dashboard(paths, poll=True)]
    try:
        yield both
    finally:
        for board in both:
            board.stop.set()


def start_agents(
    script: str, paths: list[Path], names: list[str], rotate: str = "no"
) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), name, str(SOAK), rotate],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        for path, name in zip(paths, names, strict=True)
    ]


def finish(agents: list[subprocess.Popen[bytes]], names: list[str]) -> dict[str, int]:
    """Each agent's name and how many lines it wrote."""
    written = {}
    for name, agent in zip(names, agents, strict=True):
        out, err = agent.communicate(timeout=SOAK + 120)
        assert agent.returncode == 0, err.decode()[-2000:]
        written[name] = int(out)
    return written


class Voter(threading.Thread):
    """One person voting through `oodatui vote` processes until the deadline,
    then approving `shared` last; remembers each verdict in order."""

    def __init__(self, name: str, log: Path, seed: int) -> None:
        super().__init__(daemon=True)
        self.name, self.log, self.rng = name, log, random.Random(seed)
        self.cast: list[tuple[str, str]] = []
        self.failures: list[str] = []

    def run(self) -> None:
        deadline = time.monotonic() + SOAK
        while time.monotonic() < deadline:
            candidate = self.rng.choice(["shared", "early", "ghost"])
            self.vote(candidate, self.rng.choice(["approve", "veto", "clear"]))
        self.vote("shared", "approve")

    def vote(self, candidate: str, verdict: str) -> None:
        # --create: writers rotate this log, so for a moment it may not be there.
        args = ["vote", candidate, verdict, self.log, "--create"]
        args += ["--reason", f"#{len(self.cast)}"]
        env = child_env()
        if self.name == "dee":
            env["OODATUI_VOTER"] = self.name
        else:
            args += ["--voter", self.name]
        result = oodatui(*args, env=env, timeout=60)
        if result.returncode != 0:
            self.failures.append(result.stderr.decode())
        self.cast.append((candidate, verdict))


def start_voters(log: Path) -> list[Voter]:
    voters = [Voter(name, log, seed) for seed, name in enumerate(VOTERS)]
    for voter in voters:
        voter.start()
    return voters


def standing(voters: list[Voter], candidate: str) -> tuple[int, int]:
    """(approvals, vetoes) from each voter's last verdict on `candidate`."""
    last = {}
    for voter in voters:
        for cast, verdict in voter.cast:
            if cast == candidate:
                last[voter.name] = verdict
    verdicts = Counter(last.values())
    return verdicts["approve"], verdicts["veto"]


def check_reader(
    board: Dashboard,
    written: dict[str, int],
    votes: int,
    lines: int,
    voters: list[Voter],
) -> None:
    """Every line read once, none torn, and each person's last verdict counted."""
    state = board.state
    FIGURES["read"] += state.events
    lost = sum(n - len(set(board.state.seqs[a])) for a, n in written.items())
    FIGURES["lost"] += lost
    assert state.bad_lines == 0, list(state.bad)[:3]
    for agent, count in written.items():
        seen = Counter(state.seqs[agent])
        assert not [s for s, n in seen.items() if n > 1], f"{agent}: read twice"
        assert sorted(seen) == list(range(count)), f"{agent}: lines lost"
    assert not [v for v, n in Counter(state.vote_lines).items() if n > 1]
    assert len(state.vote_lines) == state.votes == votes
    assert state.events == lines
    for candidate in ("shared", "early"):
        cand = state.candidates[candidate]
        assert (cand.approvals, cand.vetoes) == standing(voters, candidate)
    assert state.candidates["shared"].approvals == len(VOTERS)


def write_leads(path: Path) -> None:
    lead = RunLog(path, agent="lead", run="soak")
    lead.candidate(id="shared", summary="every reviewer approves this one")
    lead.candidate(id="early", summary="reviewers disagree on this one")


def test_agents_voters_and_two_dashboards_share_one_log(tmp_path: Path) -> None:
    log = tmp_path / "swarm.jsonl"
    write_leads(log)
    names = [f"agent-{n}" for n in range(4)]

    with dashboards([log]) as boards:
        agents = start_agents(AGENT, [log] * len(names), names)
        voters = start_voters(log)
        written = finish(agents, names)
        for voter in voters:
            voter.join(SOAK + 120)
        votes = sum(len(v.cast) for v in voters)
        lines = 2 + sum(written.values()) + votes
        FIGURES["written"] += lines
        for board in boards:
            board.wait_for(lines)
        for board in boards:
            board.close()

    assert not [f for v in voters for f in v.failures]
    records = parsed_lines(log)
    assert len(records) == lines
    for board in boards:
        check_reader(board, written, votes, lines, voters)
        ordered = {a: board.state.seqs[a] for a in names}
        assert ordered == {a: list(range(written[a])) for a in names}
    once = read_once([log])
    assert summary(once.state) == summary(boards[0].state) == summary(boards[1].state)


def test_rotating_logs_lose_nothing_and_read_nothing_twice(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    write_leads(folder / "lead.jsonl")
    logged = [f"logged-{n}" for n in range(2)]
    held = [f"held-{n}" for n in range(2)]

    with dashboards([folder]) as boards:
        agents = start_agents(
            AGENT, [folder / f"{a}.jsonl" for a in logged], logged, "yes"
        )
        agents += start_agents(HELD_OPEN, [folder / f"{a}.jsonl" for a in held], held)
        voters = start_voters(folder / "logged-0.jsonl")
        written = finish(agents, logged + held)
        for voter in voters:
            voter.join(SOAK + 120)
        votes = sum(len(v.cast) for v in voters)
        lines = 2 + sum(written.values()) + votes
        FIGURES["written"] += lines
        for board in boards:
            board.wait_for(lines)
        for board in boards:
            board.close()

    assert not [f for v in voters for f in v.failures]
    files = sorted(folder.iterdir())
    FIGURES["rotations"] += len(files) - 1 - len(logged + held)
    assert len(files) > 6, "the writers did not rotate their logs"
    assert sum(len(parsed_lines(f)) for f in files) == lines
    for board in boards:
        check_reader(board, written, votes, lines, voters)


def test_votes_cast_at_the_same_moment_all_count(tmp_path: Path) -> None:
    """Four people approve one candidate at once, twice each, from eight
    processes: eight vote lines, four approvals."""
    log = tmp_path / "run.jsonl"
    write_leads(log)
    go = "import sys, time; from oodatui import cast_vote\n"
    go += "time.sleep(max(0, float(sys.argv[3]) - time.time()))\n"
    go += "cast_vote(sys.argv[1], 'shared', 'approve', voter=sys.argv[2])"
    at = str(time.time() + 2.0)
    people = [
        subprocess.Popen(
            [sys.executable, "-c", go, str(log), name, at], env=child_env()
        )
        for name in VOTERS * 2
    ]
    assert all(p.wait(60) == 0 for p in people)
    FIGURES["written"] += len(people)

    state = read_once([log]).state
    FIGURES["read"] += state.events - 2
    assert state.votes == len(people)
    assert state.candidates["shared"].approvals == len(VOTERS)
    assert len(parsed_lines(log)) == 2 + len(people)
    assert orjson.loads(log.read_bytes().splitlines()[-1])["type"] == "vote"


FLOOD = """
import os, sys, time, orjson

path, seconds, rate = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
line = orjson.dumps({"type": "phase", "agent": "flood", "phase": "act"}) + b"\\n"
block = line * 1000
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
started = time.monotonic()
written = 0
while time.monotonic() - started < seconds:
    written += os.write(fd, block)
    ahead = written / rate - (time.monotonic() - started)
    if ahead > 0:
        time.sleep(ahead)
"""


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_a_flooded_log_does_not_starve_the_others(tmp_path: Path, poll: bool) -> None:
    """While one agent floods its log faster than it can be read, a line in
    another log is still read within a second or two, as the dashboard must
    keep showing every agent, not only the loudest."""
    folder = tmp_path / "runs"
    folder.mkdir()
    flood = folder / "flood.jsonl"
    seconds, rate = 4.0, 30e6
    board = Dashboard([folder], poll=poll)
    writer = subprocess.Popen(
        [sys.executable, "-c", FLOOD, str(flood), str(seconds), str(rate)],
        env=child_env(),
    )
    try:
        time.sleep(0.8)
        RunLog(folder / "quiet.jsonl", agent="quiet").phase("observe")
        written = time.monotonic()
        while ("", "quiet") not in board.state.agents and writer.poll() is None:
            time.sleep(0.02)
        waited = time.monotonic() - written
    finally:
        writer.kill()
        writer.wait()
        flood.write_bytes(b"")
        board.close()
    FIGURES["faults"] += 1
    assert ("", "quiet") in board.state.agents, "never read while the flood lasted"
    assert waited < 2.0, f"the quiet log was read {waited:.1f}s after it was written"
