"""Folding a log in slices and joining them gives the sequential fold."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from oodatui import slices
from oodatui.fold import RunState
from oodatui.rank import rank
from oodatui.read import Reader
from oodatui.records import Where
from oodatui.summary import summary

AGENTS = st.sampled_from(["a", "b"])
PHASES = st.sampled_from(["observe", "orient", "decide", "act"])
IDS = st.sampled_from(["c1", "c2", "c3"])

EVENTS = st.one_of(
    st.fixed_dictionaries({"type": st.just("phase"), "agent": AGENTS, "phase": PHASES}),
    st.fixed_dictionaries(
        {"type": st.just("checkpoint"), "agent": AGENTS},
        optional={"ok": st.booleans(), "tokens": st.integers(0, 99)},
    ),
    st.fixed_dictionaries(
        {"type": st.just("candidate"), "agent": AGENTS, "id": IDS},
        optional={"confidence": st.floats(0, 1), "tokens_delta": st.integers(0, 9)},
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("vote"),
            "candidate": IDS,
            "verdict": st.sampled_from(["approve", "veto", "clear"]),
            "voter": st.sampled_from(["ann", "bob"]),
        },
        optional={"vote_id": st.sampled_from(["v1", "v2", "v3"])},
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["start", "end", "message"]), "agent": AGENTS}
    ),
)


def fold(events: list[dict[str, Any]], deferred: bool, first: int = 1) -> RunState:
    """Fold `events` as lines `first`, `first` + 1, …, each with that `ts`."""
    state = RunState(deferred=slices.Spool() if deferred else None)
    for n, event in enumerate(events):
        state.apply({**event, "ts": float(first + n)}, Where("f", first + n, 0), 0.0)
    return state


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, max_size=60), st.data())
def test_joined_slices_equal_the_sequential_fold(events, data) -> None:
    spooled, slices.SPOOLED = slices.SPOOLED, data.draw(st.integers(1, 5))
    try:
        check_joined_slices(events, data)
    finally:
        slices.SPOOLED = spooled


def check_joined_slices(events, data) -> None:  # type: ignore[no-untyped-def]
    """Queued lines are pickled a few at a time here, as a worker does."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), max_size=3)))
    bounds = [0, *cuts, len(events)]
    whole = fold(events, deferred=False)

    joined = fold(events[: bounds[1]], deferred=False)
    for a, b in zip(bounds[1:], bounds[2:], strict=False):
        part = fold(events[a:b], deferred=True, first=a + 1)
        slices.join(joined, part, lines_before=0)

    assert summary(joined, "approval") == summary(whole, "approval")
    assert joined.agents == whole.agents
    assert joined.candidates == whole.candidates
    assert joined.ballots == whole.ballots


def test_a_big_file_is_read_in_slices_with_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(slices, "MIN_SIZE", 1)
    monkeypatch.setattr(slices, "MIN_SLICE", 1)
    monkeypatch.setattr(slices, "workers", lambda *_: 2)
    log = tmp_path / "big.jsonl"
    lines = [
        {"type": "phase", "agent": f"a{n % 3}", "phase": ["observe", "act"][n % 2]}
        for n in range(3000)
    ]
    lines[1500] = {"type": "candidate", "agent": "a0", "id": "c"}
    body = b"".join(orjson.dumps({**e, "ts": n}) + b"\n" for n, e in enumerate(lines))
    log.write_bytes(body + b"not json\n" + b'{"type":"start","agent":"z","ts":1}')

    parallel = Reader([log])
    parallel.poll(final=True)
    sequential = Reader([log], parallel=False)
    sequential.poll(final=True)

    assert parallel.state.agents == sequential.state.agents
    assert list(parallel.state.bad) == list(sequential.state.bad)
    assert parallel.state.bad[0].where.lineno == 3001
    assert summary(parallel.state) == summary(sequential.state)
    tail = parallel.sources[str(log)].tail
    assert (tail.offset, tail.lineno) == (log.stat().st_size, 3002)


def test_slices_are_cut_at_newlines(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(slices, "MIN_SLICE", 1)
    log = tmp_path / "log.jsonl"
    log.write_bytes(b"a" * 10 + b"\n" + b"b" * 10 + b"\n" + b"tail-without-newline")
    parts = slices.plan(str(log), workers=3)
    assert parts[0].start == 0 and parts[-1].end == 22
    assert all(log.read_bytes()[p.end - 1 : p.end] == b"\n" for p in parts)


def test_lines_without_a_time_keep_the_file_order_across_slices(
    tmp_path: Path, monkeypatch
) -> None:
    """Every slice stamps ts-less lines with the time the read began, so that
    `recent` orders them as the file does, whichever process read them first."""
    monkeypatch.setattr(slices, "MIN_SIZE", 1)
    monkeypatch.setattr(slices, "MIN_SLICE", 1)
    monkeypatch.setattr(slices, "workers", lambda *_: 2)
    log = tmp_path / "no-ts.jsonl"
    lines = [{"type": "candidate", "agent": "a", "id": f"c{n}"} for n in range(3000)]
    log.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in lines))

    reader = Reader([log])
    reader.poll(final=True)

    ranked = rank(reader.state.candidates.values(), "recent")
    assert [c.id for c in ranked[:3]] == ["c2999", "c2998", "c2997"]
    assert len({c.first_ts for c in ranked}) == 1


def test_joining_keeps_times_before_1970() -> None:
    early = {"type": "phase", "agent": "a", "phase": "act", "ts": -5.0}
    joined = RunState()
    joined.add_bad(Where("f", 1, 0), "not JSON")
    part = RunState(deferred=slices.Spool())
    part.apply(early, Where("f", 1, 0), 0.0)
    slices.join(joined, part, lines_before=0)
    assert joined.last_ts == joined.last_agent_ts == -5.0


def test_a_head_slice_is_cut_at_a_line_and_the_rest_shared(tmp_path: Path) -> None:
    log = tmp_path / "big.jsonl"
    line = b'{"type":"phase","agent":"a","phase":"act"}\n'
    log.write_bytes(line * 1000)
    parts = slices.plan(str(log), workers=2, head=len(line) * 10 + 1)
    assert parts[0] == slices.Slice(str(log), 0, len(line) * 11)
    assert parts[-1].end == log.stat().st_size
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))


def test_stopping_a_sliced_read_kills_its_workers(tmp_path: Path, monkeypatch) -> None:
    """Quitting during the cold read of a big file neither waits for the
    workers' slices nor leaves their processes running."""
    monkeypatch.setattr(slices, "MIN_SIZE", 1)
    monkeypatch.setattr(slices, "MIN_SLICE", 1)
    monkeypatch.setattr(slices, "workers", lambda *_: 2)
    started: list[slices.Worker] = []
    start = slices.start
    monkeypatch.setattr(
        slices, "start", lambda *a: started.extend(start(*a)) or started
    )
    log = tmp_path / "big.jsonl"
    line = b'{"type":"phase","agent":"a","phase":"act","note":"%d"}\n'
    log.write_bytes(b"".join(line % n for n in range(600_000)))

    reader = Reader([log])
    reader.leave_room = True
    reader.stop = threading.Event()
    reading = threading.Thread(target=reader.poll)
    reading.start()
    time.sleep(0.2)
    reader.stop.set()
    reading.join(timeout=30)

    assert not reading.is_alive()
    assert started and all(w.process.poll() is not None for w in started)
    assert all(w.process.returncode < 0 for w in started), "killed, not finished"


def test_a_worker_quits_when_its_parent_is_gone(tmp_path: Path) -> None:
    """The parent's end of the lifeline closes (as when it is killed): the
    worker stops folding and exits instead of running on alone."""
    log = tmp_path / "big.jsonl"
    line = b'{"type":"phase","agent":"a","phase":"act","note":"%d"}\n'
    log.write_bytes(b"".join(line % n for n in range(600_000)))
    worker = slices.Worker(slices.Slice(str(log), 0, log.stat().st_size), 0.0)
    time.sleep(0.2)
    worker._let_go()
    assert worker.process.wait(timeout=30) == 3
