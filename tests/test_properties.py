"""Properties of the reader, the fold and the parser, checked with hypothesis.

- A log delivered in random chunks, read between chunks, folds to the same
  state as the whole file read at once.
- Whatever events arrive, the fold's counters stay consistent, and they agree
  with a plain model of the fold rules.
- The parser never raises, whatever the bytes.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import defaultdict, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from oodatui import slices
from oodatui.fold import RunState
from oodatui.format import PHASES, Invalid, check_event, parse_line
from oodatui.rank import POLICIES
from oodatui.read import Reader, read_once
from oodatui.records import Where
from oodatui.summary import summary

BUDGET = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HERE = Where("run.jsonl", 1, 0)

# Events ------------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
agents = st.sampled_from(["a", "b", "c"])
candidate_ids = st.sampled_from(["c1", "c2", "c3", "c4"])
counts = st.integers(min_value=0, max_value=50)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2030, 1, 1),
    timezones=st.just(UTC),
)
timestamps = st.one_of(
    st.integers(min_value=1_600_000_000, max_value=1_900_000_000),
    st.floats(min_value=1.6e9, max_value=1.9e9),
    moments.map(datetime.isoformat),
)
tests_field = st.fixed_dictionaries({}, optional={"passed": counts, "failed": counts})


def event_of(kind: str, required: dict, optional: dict) -> st.SearchStrategy[dict]:
    """Events of one type; every one has a `ts` and may have a run and tokens."""
    common = {"run": st.sampled_from(["r1", "r2"]), "tokens": counts}
    return st.fixed_dictionaries(
        {"type": st.just(kind), "ts": timestamps, **required},
        optional={**common, **optional},
    )


with_agent = {"agent": agents}
phase_events = event_of(
    "phase", {**with_agent, "phase": st.sampled_from(PHASES)}, {"note": texts}
)
checkpoint_events = event_of(
    "checkpoint",
    with_agent,
    {"ok": st.booleans(), "tests": tests_field, "note": texts, "commit": texts},
)
candidate_events = event_of(
    "candidate",
    {**with_agent, "id": candidate_ids},
    {
        "summary": texts,
        "confidence": st.floats(min_value=0, max_value=1),
        "tokens_delta": st.integers(-1000, 1000),
        "tests": tests_field,
    },
)
vote_events = st.fixed_dictionaries(
    {
        "type": st.just("vote"),
        "ts": timestamps,
        "candidate": candidate_ids,
        "verdict": st.sampled_from(["approve", "veto", "clear"]),
        "voter": st.sampled_from(["ann", "bob", "cy"]),
    },
    optional={"vote_id": st.sampled_from(["v1", "v2", "v3"]), "reason": texts},
)
other_events = st.one_of(
    event_of("message", with_agent, {"text": texts}),
    event_of("start", with_agent, {}),
    event_of("end", with_agent, {"status": texts}),
    event_of("tool_call", with_agent, {"note": texts}),
)
events = st.one_of(
    phase_events, checkpoint_events, candidate_events, vote_events, other_events
)

# Lines and logs ------------------------------------------------------------------

bad_lines = st.one_of(
    st.sampled_from(
        [
            b"not json",
            b"\x00\x00\x00\x00",
            b"[1, 2, 3]",
            b'{"type": 5, "agent": "a"}',
            b'{"agent": "a"}',
            b'{"type":"phase","agent":"a","phase":"nap"}',
            b'{"type":"vote","candidate":"c1","verdict":"maybe","voter":"x"}',
            b'{"type":"message","agent":"a","x":NaN}',
            b'{"type":"message","agent":"a","t":"\\udc00"}',
            b'{"type":"message","agent":"a","t":"\xff\xfe"}',
            b"\xef\xbb\xbf{}",
        ]
    ),
    events.map(lambda e: orjson.dumps(e)[: len(orjson.dumps(e)) // 2]),
    st.binary(max_size=40).filter(lambda b: b"\n" not in b),
)
blank_lines = st.sampled_from([b"", b"   ", b"\t", b"\r"])
good_lines = events.map(orjson.dumps)
log_lines = st.lists(
    st.one_of(good_lines, good_lines, good_lines, bad_lines, blank_lines), max_size=40
)


@st.composite
def logs(draw: st.DrawFn) -> bytes:
    """A whole log: lines with LF or CRLF, maybe a BOM, maybe an unended line."""
    lines = draw(log_lines)
    ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=len(lines)))
    data = b"".join(line + end for line, end in zip(lines, ends, strict=False))
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.booleans()):
        data += orjson.dumps(draw(events))
    return data


@st.composite
def chunked(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    data = draw(logs())
    cuts = draw(st.lists(st.integers(0, len(data)), min_size=1, max_size=12))
    bounds = [0, *sorted(cuts), len(data)]
    return data, [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def plain(obj: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, with its deques as lists."""
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {k: list(v) if isinstance(v, deque) else v for k, v in values.items()}


def snapshot(reader: Reader) -> dict[str, Any]:
    """All that a view of the state could show, for comparing two readers."""
    state = reader.state
    return {
        "summaries": {policy: summary(state, policy) for policy in POLICIES},
        "bad": [(b.where, b.reason) for b in state.bad],
        "agents": {key: plain(agent) for key, agent in state.agents.items()},
        "candidates": {cid: plain(cand) for cid, cand in state.candidates.items()},
        "ballots": {
            cid: {voter: plain(vote) for voter, vote in ballot.items()}
            for cid, ballot in state.ballots.items()
        },
        "totals": (state.events, state.votes, state.bad_lines, state.last_ts),
    }


@BUDGET
@given(chunked())
def test_reading_in_chunks_folds_like_reading_at_once(
    case: tuple[bytes, list[bytes]],
) -> None:
    data, chunks = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "run.jsonl")
        live = Reader([path])
        live.poll()
        for chunk in chunks:
            with open(path, "ab") as file:
                file.write(chunk)
            live.poll()
        path.touch()
        live.poll(final=True)
        live.close()
        once = read_once([path])

        assert snapshot(live) == snapshot(once)
        assert live.state.bad_lines == once.state.bad_lines
        assert live.state.events == once.state.events


# The fold ----------------------------------------------------------------------


def check_counters(state: RunState, vote_lines: int, voters: dict) -> None:
    assert state.events >= 0
    assert 0 <= state.votes <= vote_lines
    for agent in state.agents.values():
        assert 0 <= agent.loops <= agent.phases_entered
        assert 0 <= agent.since_checkpoint <= agent.phases_entered
        assert agent.checkpoints >= 0
        assert agent.checkpoints_ok >= 0 and agent.checkpoints_failed >= 0
        assert agent.checkpoints_ok + agent.checkpoints_failed <= agent.checkpoints
    for cand in state.candidates.values():
        assert cand.approvals >= 0 and cand.vetoes >= 0
        assert cand.approvals + cand.vetoes <= len(voters[cand.id])


@BUDGET
@given(st.lists(events, max_size=80))
def test_fold_counters_stay_consistent(sequence: list[dict[str, Any]]) -> None:
    state = RunState()
    vote_lines = 0
    voters: dict[str, set[str]] = defaultdict(set)
    for n, event in enumerate(sequence):
        assert check_event(event) is None
        if event["type"] == "vote":
            vote_lines += 1
            voters[event["candidate"]].add(event["voter"])
        state.apply(event, Where("run.jsonl", n + 1, n * 100), now=0.0)
        check_counters(state, vote_lines, voters)
    assert state.events == len(sequence)


class Model:
    """The fold rules of the format, written as plainly as possible."""

    def __init__(self) -> None:
        self.agents: dict[tuple[str, str], dict[str, Any]] = {}
        self.ballots: dict[tuple[str, str], tuple[float, str]] = {}
        self.vote_ids: set[str] = set()
        self.votes = 0

    def apply(self, event: dict[str, Any], ts: float) -> None:
        if event["type"] == "vote":
            self.vote(event, ts)
            return
        key = (event.get("run", ""), event["agent"])
        agent = self.agents.setdefault(key, self.new_agent())
        agent["tokens"] += event.get("tokens", 0)
        if event["type"] == "phase":
            self.phase(agent, event["phase"])
        elif event["type"] == "checkpoint":
            self.checkpoint(agent, event)

    @staticmethod
    def new_agent() -> dict[str, Any]:
        names = ("loops", "entered", "since", "checkpoints", "ok", "failed", "tokens")
        return {"phase": None, **dict.fromkeys(names, 0)}

    @staticmethod
    def phase(agent: dict[str, Any], phase: str) -> None:
        if phase == agent["phase"]:
            return
        agent["phase"] = phase
        agent["entered"] += 1
        agent["since"] += 1
        agent["loops"] += phase == "act"

    @staticmethod
    def checkpoint(agent: dict[str, Any], event: dict[str, Any]) -> None:
        agent["checkpoints"] += 1
        agent["since"] = 0
        ok = event.get("ok")
        tests = event.get("tests") or {}
        if ok is None and {"passed", "failed"} <= set(tests):
            ok = tests["failed"] == 0
        agent["ok"] += ok is True
        agent["failed"] += ok is False

    def vote(self, event: dict[str, Any], ts: float) -> None:
        if "vote_id" in event:
            if event["vote_id"] in self.vote_ids:
                return
            self.vote_ids.add(event["vote_id"])
        self.votes += 1
        key = (event["candidate"], event["voter"])
        if key not in self.ballots or ts >= self.ballots[key][0]:
            self.ballots[key] = (ts, event["verdict"])

    def tally(self, cid: str) -> tuple[int, int]:
        verdicts = [v for (c, _), (_, v) in self.ballots.items() if c == cid]
        return verdicts.count("approve"), verdicts.count("veto")


def seconds(value: int | float | str) -> float:
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return float(value)


@BUDGET
@given(st.lists(events, max_size=80))
def test_fold_agrees_with_a_plain_model(sequence: list[dict[str, Any]]) -> None:
    state, model = RunState(), Model()
    for n, event in enumerate(sequence):
        state.apply(event, Where("run.jsonl", n + 1, n * 100), now=0.0)
        model.apply(event, seconds(event["ts"]))

    assert state.votes == model.votes
    for key, want in model.agents.items():
        got = state.agents[key]
        assert (got.phase, got.loops, got.phases_entered) == (
            want["phase"],
            want["loops"],
            want["entered"],
        )
        assert got.since_checkpoint == want["since"]
        assert (got.checkpoints, got.checkpoints_ok, got.checkpoints_failed) == (
            want["checkpoints"],
            want["ok"],
            want["failed"],
        )
        assert got.tokens == want["tokens"]
    assert set(state.agents) == set(model.agents)
    for cid, cand in state.candidates.items():
        assert (cand.approvals, cand.vetoes) == model.tally(cid), cid


@BUDGET
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "type": st.just("message"),
                "agent": agents,
                "tokens": st.integers(min_value=-(2**63), max_value=2**64 - 1),
            }
        ),
        max_size=6,
    )
)
def test_the_summary_of_any_fold_encodes_as_json(sequence: list[dict]) -> None:
    """What `oodatui summary --json` prints must encode, whatever was read."""
    state = RunState()
    for n, event in enumerate(sequence):
        line = orjson.dumps(event)
        parsed = parse_line(line)
        assume(isinstance(parsed, dict))
        state.apply(parsed, Where("run.jsonl", n + 1, 0), now=1.0)
    orjson.dumps(summary(state), option=orjson.OPT_SORT_KEYS)


# The parser ----------------------------------------------------------------------


def check_parsed(raw: bytes, first: bool) -> None:
    result = parse_line(raw, first=first)
    if result is None:
        body = raw[:-1] if raw.endswith(b"\r") else raw
        if first and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        assert not body.strip(), "only a blank line may be skipped"
    elif isinstance(result, Invalid):
        assert isinstance(result.reason, str) and result.reason
    else:
        assert type(result) is dict
        assert type(result["type"]) is str
        assert check_event(result) is None


@BUDGET
@given(st.binary(max_size=200), st.booleans())
def test_the_parser_takes_any_bytes(raw: bytes, first: bool) -> None:
    check_parsed(raw, first)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid line with a few bytes replaced, inserted or deleted."""
    raw = bytearray(orjson.dumps(draw(events)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        byte = draw(st.integers(0, 255))
        how = draw(st.sampled_from(["set", "insert", "delete"]))
        if how == "insert" or at == len(raw):
            raw.insert(at, byte)
        elif how == "set":
            raw[at] = byte
        else:
            del raw[at]
    return bytes(raw)


@BUDGET
@given(mutated(), st.booleans())
def test_the_parser_takes_mutated_lines(raw: bytes, first: bool) -> None:
    check_parsed(raw, first)


# Lines near the edge of being events: each field that makes one is right,
# wrong or missing.
kinds = st.sampled_from(["phase", "candidate", "vote", "checkpoint", "tool", "end"])
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=False),
    st.sampled_from(["", "Act", "vote", "approved"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.just("k"), st.integers(), max_size=1),
)
good_values = {
    "type": kinds,
    "agent": agents,
    "phase": st.sampled_from(PHASES),
    "id": candidate_ids,
    "candidate": candidate_ids,
    "verdict": st.sampled_from(["approve", "veto", "clear"]),
    "voter": agents,
    "ts": timestamps,
}


@st.composite
def edge_events(draw: st.DrawFn) -> dict[str, Any]:
    """Each field that makes an event is right, wrong or missing, with the
    type most often right, so every type's own checks get tried."""
    event = {}
    for key, good in good_values.items():
        how = draw(st.sampled_from(["good", "good", "odd", "missing"]))
        if how == "good":
            event[key] = draw(good)
        elif how == "odd":
            event[key] = draw(odd_values)
    return event


@settings(BUDGET, max_examples=500)
@given(edge_events())
def test_the_fold_takes_exactly_what_the_format_calls_an_event(event: dict) -> None:
    """The reader folds a decoded line without asking `check_event` first: the
    fold's own checks must say yes and no exactly where the format does."""
    state = RunState()
    taken = state.apply_at(event, "run.jsonl", 1, 0, 1.7e9)
    assert taken == (check_event(event) is None)
    if not taken:
        assert state == RunState()


@BUDGET
@given(events, st.booleans())
def test_every_generated_event_parses_back(event: dict, crlf: bool) -> None:
    raw = orjson.dumps(event) + (b"\r" if crlf else b"")
    assert parse_line(raw) == event


@settings(BUDGET, max_examples=25)
@given(logs())
def test_a_big_log_read_in_slices_folds_like_one_read(data: bytes) -> None:
    """A cold read of a big log is shared out among worker processes; the
    slices are made small here so that small logs are shared out too."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "run.jsonl")
        path.write_bytes(data)
        plain = Reader([path], parallel=False)
        plain.poll(final=True)
        plain.close()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(slices, "MIN_SIZE", 64)
            patch.setattr(slices, "MIN_SLICE", 16)
            patch.setattr(slices, "workers", lambda *_: 3)
            shared = read_once([path])
            following = Reader([path])
            following.leave_room = True  # as while following, with a screen
            following.poll(final=True)
            following.close()

        assert snapshot(shared) == snapshot(plain) == snapshot(following)
        assert shared.lines_read == plain.lines_read == following.lines_read
