"""Real agent sessions, replayed line by line into a followed file, fold to the
same state live as they do when read at once."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from oodatui.read import Reader, read_once
from oodatui.summary import summary

REALRUNS = Path(
    os.environ.get("OODATUI_REALRUNS")
    or Path(__file__).resolve().parents[2] / "shared" / "realruns"
)
SESSIONS = ["claude-code_*.jsonl", "codex-rollout-*.jsonl", "gemini-cli_*.jsonl"]


def real_session(pattern: str) -> Path:
    found = sorted(REALRUNS.glob(pattern))
    if not found:
        pytest.skip(f"no real session matching {pattern} in {REALRUNS}")
    return found[0]


def comparable(reader: Reader) -> dict:
    state = reader.state
    agents = {
        key: (a.phase, a.phases_entered, a.loops, a.checkpoints, a.tokens)
        for key, a in state.agents.items()
    }
    return {"summary": summary(state, "recent"), "agents": agents}


@pytest.mark.parametrize("pattern", SESSIONS)
def test_live_replay_equals_the_one_shot_read(tmp_path: Path, pattern: str) -> None:
    source = real_session(pattern)
    data = source.read_bytes()
    live_path = tmp_path / source.name
    live_path.write_bytes(b"")
    live = Reader([live_path])
    rng = random.Random(7)

    position = 0
    with live_path.open("ab") as out:
        while position < len(data):
            # Whole lines most of the time, torn mid-line now and then.
            step = rng.choice([1, 1, 1, 2, 5])
            end = position
            for _ in range(step):
                found = data.find(b"\n", end)
                end = len(data) if found < 0 else found + 1
            if rng.random() < 0.2:
                end = position + max(1, (end - position) // 2)
            out.write(data[position:end])
            out.flush()
            position = end
            live.poll()
    live.poll(final=True)

    once = read_once([source])
    assert comparable(live) == comparable(once)
    assert live.state.bad_lines == once.state.bad_lines == 0
    assert live.state.events > 0
