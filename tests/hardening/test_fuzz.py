"""Fuzzing the parser, the fold and each adapter, on a bounded budget.

Random bytes, mutated valid lines and hostile lines go through `parse_line`,
through a `Reader` on a real file (at once, and delivered in random chunks),
and random or mutated records through each adapter's `feed`. The invariants:
nothing raises, every line is accounted for once, counts are never negative,
loops never outnumber phases entered, votes never outnumber vote lines, and
the same bytes give the same state however they arrive.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from adapter_seeds import SEEDS
from hardening_support import FIGURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oodatui.adapters
from oodatui.adapters import FORMATS, make_adapter
from oodatui.fold import RunState
from oodatui.format import KNOWN_TYPES, PHASES, VERDICTS, check_event, parse_line
from oodatui.read import Reader, read_once
from oodatui.summary import summary

BUDGET = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ADAPTER_BUDGET = settings(BUDGET, max_examples=100)
"""Adapter records are slow to draw (nested JSON): half the examples."""
BOM = b"\xef\xbb\xbf"
BIG = 2**62


# Strategies -------------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.lists(st.integers(-3, 3), max_size=2),
    st.just({}),
)
counts = st.integers(-BIG, BIG)


def field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a good value, sometimes one of the wrong type."""
    return st.one_of(good, good, good, junk)


tests_field = st.fixed_dictionaries({}, optional={"passed": counts, "failed": counts})
v1_events = st.fixed_dictionaries(
    {"type": st.sampled_from([*KNOWN_TYPES, "tool", "note", ""])},
    optional={
        "agent": field(st.sampled_from(["a", "b", "\u202ec"])),
        "run": field(st.sampled_from(["r1", "r2"])),
        "phase": field(st.sampled_from(PHASES)),
        "id": field(st.sampled_from(["c1", "c2", "c3"])),
        "candidate": field(st.sampled_from(["c1", "c2", "c9"])),
        "verdict": field(st.sampled_from(VERDICTS)),
        "voter": field(st.sampled_from(["ann", "bob", ""])),
        "vote_id": field(st.sampled_from(["v1", "v2", "v3"])),
        "ok": field(st.booleans()),
        "tests": field(tests_field),
        "tokens": field(counts),
        "tokens_delta": field(counts),
        "confidence": field(st.floats(-1, 2)),
        "ts": field(
            st.one_of(
                st.floats(0, 4e9),
                st.sampled_from(["2025-01-01T00:00:00Z", "2025-13-01", "now"]),
            )
        ),
        "note": field(st.text(max_size=12)),
        "status": field(st.text(max_size=6)),
        "summary": field(st.text(max_size=12)),
    },
)
valid_lines = v1_events.map(orjson.dumps)
HOSTILE = [
    b"",
    b"\r",
    b"   ",
    b"\0" * 40,
    BOM + b'{"type":"message","agent":"a"}',
    b'{"type":"message","agent":"a","x":NaN}',
    b'{"type":"message","agent":"\\ud800"}',
    b'{"type":"message","agent":"a","t":"\xff"}',
    b"[" * 2000 + b"]" * 2000,
    b'{"type":"phase","agent":"a","ph',
    b"\xe2\x80\xa8",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid line with a few bytes flipped, cut, added or repeated."""
    data = bytearray(draw(valid_lines))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "repeat"]))
        if how == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 8))]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif how == "truncate":
            del data[at:]
        else:
            data[at:at] = data[max(0, at - 10) : at]
    return bytes(data)


lines = st.one_of(
    valid_lines,
    valid_lines,
    mutated(),
    st.binary(max_size=40),
    st.sampled_from(HOSTILE),
)


@st.composite
def logs(draw: st.DrawFn) -> bytes:
    """A whole log: lines joined by `\\n` or `\\r\\n`, maybe opening with a BOM."""
    body = draw(st.lists(lines, max_size=40))
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    data = b"".join(line + end for line in body)
    return (BOM if draw(st.booleans()) else b"") + data


# Invariants -------------------------------------------------------------------


def expected(data: bytes) -> tuple[int, int, int]:
    """(good lines, bad lines, vote lines) as the format defines them."""
    good = bad = votes = 0
    parts = data.split(b"\n")
    for n, part in enumerate(parts[:-1] if data.endswith(b"\n") else parts):
        event = parse_line(part, first=n == 0)
        if isinstance(event, dict):
            good += 1
            votes += event["type"] == "vote"
        elif event is not None:
            bad += 1
    return good, bad, votes


def check_state(state: RunState, data: bytes, recognised: bool) -> None:
    good, bad, vote_lines = expected(data)
    assert min(state.events, state.votes, state.bad_lines) >= 0
    assert state.votes <= vote_lines
    if recognised:
        assert (state.events, state.bad_lines) == (good, bad)
    for agent in state.agents.values():
        figures = (agent.phases_entered, agent.loops, agent.since_checkpoint)
        assert min(figures) >= 0
        assert min(agent.checkpoints_ok, agent.checkpoints_failed, agent.events) >= 0
        assert agent.loops <= agent.phases_entered
        assert agent.since_checkpoint <= agent.phases_entered
        assert agent.checkpoints_ok + agent.checkpoints_failed <= agent.checkpoints
    for cand in state.candidates.values():
        voters = len(state.ballots.get(cand.id, {}))
        assert 0 <= cand.approvals and 0 <= cand.vetoes
        assert cand.approvals + cand.vetoes <= voters
        if cand.tests is not None:
            assert min(cand.tests) >= 0


def fingerprint(state: RunState) -> dict[str, Any]:
    """What the dashboard and the summary show, to compare two reads."""
    agents = {
        "/".join(key): (a.phase, a.phases_entered, a.checkpoints_failed, a.status)
        for key, a in state.agents.items()
    }
    ballots = {
        cid: {voter: vote.verdict for voter, vote in ballot.items()}
        for cid, ballot in state.ballots.items()
    }
    cands = {c.id: (c.seq, c.summary, c.commit) for c in state.candidates.values()}
    return {
        "summary": summary(state),
        "bad": [(b.where.lineno, b.reason) for b in state.bad],
        "agents": agents,
        "ballots": ballots,
        "candidates": cands,
    }


def read_in_chunks(
    path: Path, data: bytes, cuts: list[int], format: str | None = None
) -> Reader:
    """Deliver `data` to `path` in pieces, reading after each, then finally."""
    path.write_bytes(b"")
    reader = Reader([path], format=format)
    with open(path, "ab", buffering=0) as file:
        start = 0
        for cut in [*sorted(set(cuts)), len(data)]:
            file.write(data[start:cut])
            start = max(start, cut)
            reader.poll()
    reader.poll(final=True)
    reader.close()
    return reader


# The parser and the fold -------------------------------------------------------


@BUDGET
@given(st.one_of(st.binary(max_size=200), mutated(), st.sampled_from(HOSTILE)))
def test_parse_line_takes_any_bytes(raw: bytes) -> None:
    FIGURES["inputs"] += 1
    for first in (False, True):
        event = parse_line(raw, first=first)
        assert event is None or isinstance(event, dict) or event.reason
        if isinstance(event, dict):
            assert check_event(event) is None


@BUDGET
@given(tokens=st.lists(st.integers(-BIG, BIG), min_size=1, max_size=5))
def test_token_totals_are_never_negative(scratch: Path, tokens: list[int]) -> None:
    """Tokens are spent, never refunded: a line claiming a negative count
    must not make an agent's total negative."""
    FIGURES["inputs"] += 1
    path = scratch / "tokens.jsonl"
    lines = [
        {"type": "phase", "agent": "a", "phase": "act", "tokens": n} for n in tokens
    ]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    agent = read_once([path]).state.agents[("", "a")]
    assert agent.tokens >= 0, f"{tokens} make a total of {agent.tokens}"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@BUDGET
@given(data=logs())
def test_the_fold_accounts_for_every_line(scratch: Path, data: bytes) -> None:
    FIGURES["inputs"] += 1
    path = scratch / "run.jsonl"
    path.write_bytes(data)
    reader = read_once([path])
    recognised = reader.sources[str(path)].format == "oodatui"
    check_state(reader.state, data, recognised)


@BUDGET
@given(data=logs(), cuts=st.lists(st.integers(0, 4000), max_size=8))
def test_any_chunking_folds_to_the_same_state(
    scratch: Path, data: bytes, cuts: list[int]
) -> None:
    FIGURES["inputs"] += 1
    path = scratch / "run.jsonl"
    path.write_bytes(data)
    whole = read_once([path]).state
    pieces = read_in_chunks(path, data, [c % (len(data) + 1) for c in cuts]).state
    check_state(pieces, data, False)
    assert fingerprint(pieces) == fingerprint(whole)


def test_a_big_log_read_in_slices_folds_like_one_read(tmp_path: Path) -> None:
    """A log big enough to be shared out among worker processes, full of
    repeats across the cut (phases, vote ids, candidates), folds the same."""
    rng = random.Random(11)
    draws = [rng.random() for _ in range(5000)]
    block = []
    for n, r in enumerate(draws):
        agent = f"agent-{n % 13}"
        if r < 0.02:
            block.append(b'{"type":"phase","agent":"a","ph')
        elif r < 0.1:
            vote = {"type": "vote", "candidate": f"c{n % 40}", "voter": f"v{n % 5}"}
            vote |= {"verdict": VERDICTS[n % 3], "vote_id": f"id{n % 70}", "ts": n}
            block.append(orjson.dumps(vote))
        elif r < 0.2:
            cand = {"type": "candidate", "agent": agent, "id": f"c{n % 40}", "ts": n}
            block.append(orjson.dumps(cand | {"confidence": r * 5}))
        elif r < 0.3:
            point = {"type": "checkpoint", "agent": agent, "ok": r < 0.25, "ts": n}
            block.append(orjson.dumps(point))
        else:
            phase = PHASES[int(r * 40) % 4]
            line = {"type": "phase", "agent": agent, "phase": phase, "tokens": n % 9}
            block.append(orjson.dumps(line | {"ts": n}))
    data = b"\n".join(block) + b"\n"
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as file:
        for _ in range((34 << 20) // len(data) + 1):
            file.write(data)

    sliced = read_once([path]).state
    one = Reader([path], parallel=False)
    one.poll(final=True)
    one.close()
    FIGURES["inputs"] += 1
    assert fingerprint(sliced) == fingerprint(one.state)


# Adapters ---------------------------------------------------------------------


def vocabulary() -> list[str]:
    """Every short word the adapters' source mentions: keys, types, tools."""
    folder = Path(oodatui.adapters.__file__).parent
    words = set()
    for source in folder.glob("*.py"):
        words |= set(
            re.findall(r'"([A-Za-z_][A-Za-z0-9_\-]{0,30})"', source.read_text())
        )
    return sorted(words)


WORDS = vocabulary()
word = st.sampled_from(WORDS)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-BIG, BIG),
        st.floats(allow_nan=False, allow_infinity=False),
        word,
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(word, inner, max_size=6)
    ),
    max_leaves=30,
)


@st.composite
def mutated_record(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """`value` with some members replaced by random JSON, dropped, or kept."""
    choice = draw(st.integers(0, 9))
    if choice == 0 or depth > 6:
        return draw(json_values) if choice == 0 else value
    if type(value) is dict:
        out = {}
        for key, member in value.items():
            if draw(st.integers(0, 9)) == 0:
                continue
            out[key] = draw(mutated_record(member, depth + 1))
        return out
    if type(value) is list:
        return [draw(mutated_record(member, depth + 1)) for member in value]
    return value


def records(name: str) -> st.SearchStrategy[Any]:
    seeds = st.sampled_from(SEEDS[name])
    return st.one_of(
        seeds,
        seeds.flatmap(mutated_record),
        st.dictionaries(word, json_values, max_size=8),
        json_values,
    )


def feed_all(name: str, batch: list[Any]) -> list[dict[str, Any]]:
    """Every event `batch` gives; no record may trip the adapter up."""
    adapter = make_adapter(
        name, "/runs/rollout-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl"
    )
    events = []
    for record in batch:
        out = adapter.feed(record)
        assert isinstance(out, list)
        events += out
    FIGURES["inputs"] += len(batch)
    assert adapter.errors == 0
    return events


def adapter_test(name: str) -> Callable[..., None]:
    @ADAPTER_BUDGET
    @given(batch=st.lists(records(name), max_size=25))
    def feed_gives_valid_events(batch: list[Any]) -> None:
        for event in feed_all(name, batch):
            assert check_event(event) is None, (event, check_event(event))

    return feed_gives_valid_events


def test_each_adapter_knows_seeds() -> None:
    assert set(SEEDS) == set(FORMATS)


test_claude_code_feed = adapter_test("claude-code")
test_codex_feed = adapter_test("codex")
test_gemini_feed = adapter_test("gemini")


@pytest.mark.parametrize("name", FORMATS)
@ADAPTER_BUDGET
@given(data=st.data())
def test_an_adapter_fold_keeps_its_invariants_in_any_chunking(
    scratch: Path, name: str, data: st.DataObject
) -> None:
    batch = data.draw(st.lists(records(name), max_size=20))
    blob = b"".join(orjson.dumps(record) + b"\n" for record in batch)
    cuts = data.draw(st.lists(st.integers(0, len(blob)), max_size=6))
    FIGURES["inputs"] += len(batch)

    path = scratch / f"{name}.jsonl"
    path.write_bytes(blob)
    whole = read_once([path], format=name).state
    check_state(whole, b"", False)
    pieces = read_in_chunks(path, blob, cuts, format=name).state
    assert fingerprint(pieces) == fingerprint(whole)
