"""Reading and following run logs like `tail -F`.

Every test works on real files in `tmp_path`. Nothing here is timed: a live
test waits for a condition with a generous deadline and says what it was
waiting for when it gives up.
"""

from __future__ import annotations

import ctypes
import os
import socket
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from oodatui import follow
from oodatui.fold import RunState
from oodatui.follow import (
    FileTail,
    Follower,
    Line,
    NotFollowable,
    Partial,
    TooLong,
    check_followable,
)
from oodatui.read import Reader, read_once

DEADLINE = 20.0
BOM = b"\xef\xbb\xbf"


# Writing logs ---------------------------------------------------------------


def event(**fields: Any) -> bytes:
    """One encoded line of a message event by agent `a`, newline included."""
    return orjson.dumps({"type": "message", "agent": "a", **fields}) + b"\n"


def msg(text: str, agent: str = "a") -> bytes:
    return event(agent=agent, text=text, ts=1_700_000_000)


def msgs(prefix: str, count: int) -> bytes:
    return b"".join(msg(f"{prefix}{n}") for n in range(count))


def append(path: Path, data: bytes) -> None:
    with open(path, "ab") as file:
        file.write(data)


@dataclass
class Recorder(RunState):
    """A `RunState` that also lists the text of every message it folds."""

    seen: list[str] = field(default_factory=list)

    def apply_at(self, event: dict[str, Any], *place: Any) -> bool:
        taken = super().apply_at(event, *place)
        if taken:
            self.seen.append(event.get("text", event["type"]))
        return taken


class GuardedReader(Reader):
    """A `Reader` whose reads fail the test, instead of hanging it, when they
    block or loop."""

    def poll(self, final: bool = False, paths: Iterable[str] | None = None) -> int:
        return returns_promptly(lambda: super(GuardedReader, self).poll(final, paths))


def reader_of(*paths: Path) -> Reader:
    return GuardedReader(paths, state=Recorder())


def read_all(*paths: Path) -> Reader:
    """What `read_once` does, with a recording state."""
    reader = reader_of(*paths)
    reader.poll(final=True)
    reader.close()
    return reader


def seen(reader: Reader) -> list[str]:
    with reader.lock:
        return list(reader.state.seen)  # type: ignore[attr-defined]


def bad(reader: Reader) -> list[tuple[int, int, str]]:
    """Each bad line as (line number, offset, reason)."""
    return [(b.where.lineno, b.where.offset, b.reason) for b in reader.state.bad]


# Waiting ----------------------------------------------------------------------


def wait_until(
    check: Callable[[], bool], what: str, status: Callable[[], object] = str
) -> None:
    """Poll `check` until it holds; fail naming `what` and the last status."""
    deadline = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(
                f"gave up after {DEADLINE:.0f} s waiting for {what}: {status()}"
            )
        time.sleep(0.02)


class Stuck(Exception):
    """Raised inside a call that overran its deadline, to end it."""


def returns_promptly(call: Callable[[], Any]) -> Any:
    """Run `call` in a thread; if it blocks or loops past the deadline, stop
    it and fail instead of hanging the whole run."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    if thread.is_alive():
        assert thread.ident is not None
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(Stuck)
        )
        thread.join(DEADLINE)
        pytest.fail(f"a read did not return within {DEADLINE:.0f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# Lines: appends, partial lines, line breaks -----------------------------------


def test_appended_lines_are_read_once_each(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    first, second = msg("m0"), msg("m1")
    path.write_bytes(first + second)
    tail = FileTail(str(path))

    assert tail.read() == [Line(1, 0, first[:-1]), Line(2, len(first), second[:-1])]
    assert tail.status == "live"
    assert tail.read() == []

    append(path, msg("m2"))
    assert tail.read() == [Line(3, len(first + second), msg("m2")[:-1])]


def test_a_partial_last_line_is_held_until_its_newline(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    whole = msg("m1")
    path.write_bytes(msg("m0") + whole[:17])
    tail = FileTail(str(path))
    assert [line.lineno for line in tail.read()] == [1]

    append(path, whole[17:-1])
    assert tail.read() == []

    append(path, b"\n")
    assert tail.read() == [Line(2, len(msg("m0")), whole[:-1])]


def test_a_final_read_hands_over_the_unfinished_line(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0") + b'{"type":')
    tail = FileTail(str(path))
    assert tail.read(final=True) == [
        Line(1, 0, msg("m0")[:-1]),
        Partial(2, len(msg("m0")), b'{"type":'),
    ]


def test_a_live_reader_counts_a_parsing_partial_line_once(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0") + msg("m1")[:-1])
    reader = reader_of(path)
    reader.poll()
    assert seen(reader) == ["m0"]

    append(path, b"\n" + msg("m2"))
    reader.poll()
    assert seen(reader) == ["m0", "m1", "m2"]
    assert reader.state.bad_lines == 0


def test_a_one_shot_read_takes_a_last_line_only_if_it_parses(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    whole.write_bytes(msg("m0") + msg("m1")[:-1])
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(msg("m0") + msg("m1")[:20])

    assert read_once([whole]).state.events == 2
    reader = read_once([torn])
    assert reader.state.events == 1
    assert any("unfinished" in n for n in reader.sources[str(torn)].tail.notices)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_only_newline_bytes_split_lines(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "run.jsonl"
    text = f"before{separator}after"
    raw = msg(text)
    assert separator.encode() in raw
    path.write_bytes(raw + msg("next"))

    reader = read_all(path)
    assert seen(reader) == [text, "next"]
    assert reader.state.bad_lines == 0


def test_crlf_line_endings_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0")[:-1] + b"\r\n" + msg("m1")[:-1] + b"\r")
    reader = reader_of(path)
    reader.poll()
    append(path, b"\n\r\n" + msg("m2")[:-1] + b"\r\n")
    reader.poll()
    assert seen(reader) == ["m0", "m1", "m2"]
    assert reader.state.bad_lines == 0


# BOM, NUL runs, torn stubs, bad encodings --------------------------------------


def test_a_bom_at_the_start_of_a_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(BOM + msg("m0") + msg("m1"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m1"]
    assert reader.state.bad_lines == 0


def test_a_bom_in_mid_file_is_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0") + BOM + msg("m1") + msg("m2"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m2"]
    assert [(n, off) for n, off, _ in bad(reader)] == [(2, len(msg("m0")))]


def test_a_bom_is_accepted_again_after_truncation(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(BOM + msgs("old", 3))
    reader = reader_of(path)
    reader.poll()
    path.write_bytes(BOM + msg("new"))
    reader.poll()
    assert seen(reader) == ["old0", "old1", "old2", "new"]
    assert reader.state.bad_lines == 0


def test_nul_runs_are_bad_lines_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    nuls = b"\x00" * 4096
    path.write_bytes(msg("m0") + nuls + b"\n" + nuls + msg("m1") + msg("m2"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m2"]
    assert [n for n, _, _ in bad(reader)] == [2, 3]


def test_a_torn_stub_glued_to_the_next_record(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0") + msg("m1")[:25] + msg("m2") + msg("m3"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m3"]
    assert [(n, off) for n, off, _ in bad(reader)] == [(2, len(msg("m0")))]


@pytest.mark.parametrize(
    "junk",
    [
        b"\xff\xfe",  # never valid in UTF-8
        b"\xc0\xaf",  # an overlong encoding of "/"
        b"\xed\xa0\x80",  # a surrogate encoded as UTF-8
        b"\xe2\x82",  # a sequence cut short
    ],
)
def test_invalid_utf8_is_a_bad_line_with_its_reason(
    tmp_path: Path, junk: bytes
) -> None:
    path = tmp_path / "run.jsonl"
    broken = b'{"type":"message","agent":"a","text":"' + junk + b'"}\n'
    path.write_bytes(msg("m0") + broken + msg("m1"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m1"]
    [(lineno, _, reason)] = bad(reader)
    assert lineno == 2
    assert "UTF-8" in reason


@pytest.mark.parametrize(
    "line",
    [
        b"not json",
        b"[1, 2]",
        b'"a string"',
        b"42",
        b'{"type":"message","agent":"a","x":NaN}',
        b'{"type":"message","agent":"a","x":Infinity}',
        b'{"type":"message","agent":"a","x":-Infinity}',
        b'{"type":"message","agent":"a","x":1e400}',
        b'{"type":"message","agent":"a","text":"\\ud800"}',
        b'{"agent":"a"}',
        b'{"type":7,"agent":"a"}',
        b'{"type":"phase","agent":"a","phase":"sleep"}',
        b'{"type":"vote","candidate":"c1","verdict":"approve"}',
        b'{"type":"whatever"}',
        b'{"type":"message","agent":"a",}',
    ],
    ids=lambda raw: raw.decode()[:40],
)
def test_each_bad_line_is_counted_where_it_is(tmp_path: Path, line: bytes) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0") + line + b"\n" + msg("m1"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m1"]
    [(lineno, offset, reason)] = bad(reader)
    assert (lineno, offset) == (2, len(msg("m0")))
    assert reason
    assert reader.state.bad[0].where.path == str(path)


# Numbers and nesting ------------------------------------------------------------


def test_integers_beyond_64_bits_are_accepted_as_floats(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    huge = b"%d" % 2**70
    path.write_bytes(
        b'{"type":"message","agent":"a","text":"big","n":'
        + huge
        + b"}\n"
        + b'{"type":"message","agent":"a","tokens":'
        + huge
        + b"}\n"
        + event(tokens=7)
    )
    reader = read_all(path)
    assert reader.state.events == 3
    assert reader.state.bad_lines == 0
    assert reader.state.agents[("", "a")].tokens == 7, "a float is not a count"


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deep_nesting_is_a_bad_line_not_a_crash(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "run.jsonl"
    nested = b'{"type":"message","agent":"a","x":' + b"[" * depth + b"]" * depth
    path.write_bytes(msg("m0") + nested + b"}\n" + msg("m1"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m1"]
    assert [n for n, _, _ in bad(reader)] == [2]


# Long lines -------------------------------------------------------------------


def test_a_5_mb_line_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    text = "x" * (5 << 20)
    path.write_bytes(msg("m0") + msg(text) + msg("m2"))
    reader = read_all(path)
    assert seen(reader) == ["m0", text, "m2"]
    assert reader.state.bad_lines == 0


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """A 64 KiB line limit read in 8 KiB slices, so long lines are quick."""
    monkeypatch.setattr(follow, "MAX_LINE", 64 << 10)
    monkeypatch.setattr(follow, "CHUNK", 8 << 10)
    return follow.MAX_LINE, follow.CHUNK


def test_a_line_over_the_limit_is_reported_as_too_long(
    tmp_path: Path, small_limits: tuple[int, int]
) -> None:
    path = tmp_path / "run.jsonl"
    long = msg("y" * (1 << 20))
    path.write_bytes(msg("m0") + long + msg("m2"))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m2"]
    [(lineno, offset, reason)] = bad(reader)
    assert (lineno, offset) == (2, len(msg("m0")))
    assert "too long" in reason


def test_a_long_line_written_in_pieces_is_skipped_live(
    tmp_path: Path, small_limits: tuple[int, int]
) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0"))
    tail = FileTail(str(path))
    got = tail.read()
    piece = b"z" * (20 << 10)
    for _ in range(10):
        append(path, piece)
        got += tail.read()
    append(path, b"\n" + msg("m1"))
    got += tail.read()

    size = len(piece) * 10
    assert got == [
        Line(1, 0, msg("m0")[:-1]),
        TooLong(2, len(msg("m0")), size),
        Line(3, len(msg("m0")) + size + 1, msg("m1")[:-1]),
    ]


def test_an_unfinished_long_line_is_too_long_on_a_final_read(
    tmp_path: Path, small_limits: tuple[int, int]
) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("m0") + b"q" * (200 << 10))
    got = FileTail(str(path)).read(final=True)
    assert got[1:] == [TooLong(2, len(msg("m0")), 200 << 10)]


@pytest.mark.parametrize("chunk", [256, 4096])
@pytest.mark.parametrize("length", [999, 1000, 1001, 1010, 1200, 5000])
def test_no_line_longer_than_the_limit_is_handed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, length: int
) -> None:
    monkeypatch.setattr(follow, "MAX_LINE", 1000)
    monkeypatch.setattr(follow, "CHUNK", chunk)
    path = tmp_path / "run.jsonl"
    path.write_bytes(b"w" * length + b"\n" + b"{}\n")

    first, second = FileTail(str(path)).read()
    if length <= 1000:
        assert first == Line(1, 0, b"w" * length)
    else:
        got = type(first).__name__
        assert isinstance(first, TooLong), f"a {length}-byte line came as a {got}"
        assert first == TooLong(1, 0, length)
    assert second == Line(2, length + 1, b"{}")


def test_memory_stays_bounded_while_skipping_a_huge_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow, "MAX_LINE", 1 << 20)
    monkeypatch.setattr(follow, "CHUNK", 64 << 10)
    path = tmp_path / "run.jsonl"
    with open(path, "wb") as file:
        for _ in range(32):
            file.write(b"h" * (1 << 20))
        file.write(b"\n" + msg("after"))

    tracemalloc.start()
    try:
        got = FileTail(str(path)).read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got[0] == TooLong(1, 0, 32 << 20)
    assert peak < 4 << 20, f"peak {peak:,} bytes while skipping a 32 MiB line"


# Truncation, rotation, deletion -------------------------------------------------


def test_truncation_reads_again_from_the_start_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 3) + b'{"type":"mess')
    reader = reader_of(path)
    reader.poll()
    path.write_bytes(msg("new0"))
    reader.poll()
    append(path, msg("new1"))
    reader.poll()

    tail = reader.sources[str(path)].tail
    assert seen(reader) == ["old0", "old1", "old2", "new0", "new1"]
    assert tail.truncations == 1
    assert any("truncated" in notice for notice in tail.notices)
    assert reader.state.bad_lines == 0


def test_a_bad_line_after_truncation_has_its_new_line_number(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 5))
    reader = reader_of(path)
    reader.poll()
    path.write_bytes(msg("new0") + b"junk\n")
    reader.poll()
    assert [(n, off) for n, off, _ in bad(reader)] == [(2, len(msg("new0")))]


def test_rotation_drains_the_old_file_then_reads_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old file's complete lines come first; its unended last line may be
    held while a late writer could still finish it, but is read in the end."""
    monkeypatch.setattr(follow, "DETACHED_QUIET", 0.0)
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 3))
    reader = reader_of(path)
    reader.poll()
    append(path, msg("old3") + msg("old4")[:-1])
    path.rename(tmp_path / "run.jsonl.1")
    path.write_bytes(msgs("new", 2))
    reader.poll()
    append(path, msg("new2"))
    for _ in range(3):
        reader.poll()
        time.sleep(0.002)

    got, tail = seen(reader), reader.sources[str(path)].tail
    olds, news = [f"old{n}" for n in range(5)], [f"new{n}" for n in range(3)]
    assert Counter(got) == Counter(olds + news)
    assert [text for text in got if text.startswith("old")] == olds
    assert [text for text in got if text.startswith("new")] == news
    assert got.index("old3") < got.index("new0")
    assert (tail.rotations, tail.truncations) == (1, 0)
    assert any("replaced" in notice for notice in tail.notices)
    assert reader.state.bad_lines == 0


def test_a_deleted_file_keeps_its_state_and_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("m", 3))
    reader = reader_of(path)
    reader.poll()
    path.unlink()
    reader.poll()

    tail = reader.sources[str(path)].tail
    assert tail.status == "gone"
    assert any("deleted" in notice for notice in tail.notices)
    assert reader.state.events == 3
    assert reader.state.agents[("", "a")].events == 3


def test_a_re_created_smaller_file_is_read_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 3))
    reader = reader_of(path)
    reader.poll()
    path.unlink()
    reader.poll()
    path.write_bytes(msg("new0"))
    reader.poll()

    assert seen(reader) == ["old0", "old1", "old2", "new0"]
    assert reader.sources[str(path)].tail.status == "live"


def test_a_re_created_larger_file_is_read_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 3))
    reader = reader_of(path)
    reader.poll()
    path.unlink()
    reader.poll()
    path.write_bytes(msgs("new", 10))
    reader.poll()

    news = [f"new{n}" for n in range(10)]
    assert seen(reader) == ["old0", "old1", "old2", *news]
    assert reader.state.bad_lines == 0
    assert [line.lineno for line in FileTail(str(path)).read()] == list(range(1, 11))


def test_a_rotation_seen_as_a_gap_loses_nothing(tmp_path: Path) -> None:
    """Rename away, a read while the name is missing, then the new file."""
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 2))
    reader = reader_of(path)
    reader.poll()
    append(path, msg("old2"))
    path.rename(tmp_path / "run.jsonl.1")
    reader.poll()
    path.write_bytes(msgs("new", 6))
    reader.poll()

    assert seen(reader) == ["old0", "old1", "old2", *(f"new{n}" for n in range(6))]
    assert reader.state.bad_lines == 0


def test_a_line_written_to_the_rotated_file_late_is_not_lost(tmp_path: Path) -> None:
    """A writer that opened the log before the rename writes after it."""
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("old0"))
    reader = reader_of(path)
    reader.poll()
    late = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        path.rename(tmp_path / "run.jsonl.1")
        path.write_bytes(msg("new0"))
        reader.poll()
        os.write(late, msg("old1"))
    finally:
        os.close(late)
    for _ in range(3):
        reader.poll()
    assert sorted(seen(reader)) == ["new0", "old0", "old1"]


def test_a_file_renamed_inside_a_followed_folder_is_not_read_twice(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("old", 3))
    reader = reader_of(tmp_path)
    reader.poll()
    path.rename(tmp_path / "run-1.jsonl")
    path.write_bytes(msgs("new", 2))
    reader.poll()

    assert Counter(seen(reader)) == Counter(["old0", "old1", "old2", "new0", "new1"])


def test_a_line_straddling_a_rotation_is_read_whole(tmp_path: Path) -> None:
    """A writer that writes a line in two pieces, the rename between them."""
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("old0"))
    reader = reader_of(path)
    reader.poll()
    late, line = os.open(path, os.O_WRONLY | os.O_APPEND), msg("old1")
    try:
        os.write(late, line[:15])
        path.rename(tmp_path / "run.jsonl.1")
        path.write_bytes(msg("new0"))
        reader.poll()
        os.write(late, line[15:])
    finally:
        os.close(late)
    reader.poll()
    assert sorted(seen(reader)) == ["new0", "old0", "old1"]
    assert reader.state.bad_lines == 0


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_rotating_often_leaks_no_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow, "DETACHED_QUIET", 0.0)
    path = tmp_path / "run.jsonl"
    path.write_bytes(msg("first"))
    reader = reader_of(path)
    reader.poll()
    before = len(os.listdir("/proc/self/fd"))
    for n in range(50):
        path.rename(tmp_path / f"run.jsonl.{n}")
        path.write_bytes(msg(f"m{n}"))
        reader.poll()
        time.sleep(0.002)
        reader.poll()
    assert len(os.listdir("/proc/self/fd")) - before <= 2
    assert seen(reader) == ["first", *(f"m{n}" for n in range(50))]


def test_a_deleted_file_stays_gone_when_its_inode_is_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow, "DETACHED_QUIET", 0.0)
    old, new = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    old.write_bytes(msgs("a", 10))
    reader = reader_of(tmp_path)
    reader.poll()
    inode = old.stat().st_ino
    old.unlink()
    for _ in range(3):
        reader.poll()
        time.sleep(0.002)
    new.write_bytes(msgs("b", 30))
    if new.stat().st_ino != inode:
        pytest.skip("the file system gave the new file another inode")
    reader.poll()

    assert seen(reader) == [
        *(f"a{n}" for n in range(10)),
        *(f"b{n}" for n in range(30)),
    ]
    assert reader.sources[str(old)].tail.status == "gone"
    assert not any("deleted" in n for n in reader.sources[str(new)].tail.notices)


def test_a_followed_file_replaced_by_a_fifo_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(msgs("m", 3))
    reader = reader_of(path)
    reader.poll()
    path.unlink()
    os.mkfifo(path)
    reader.poll()
    assert reader.sources[str(path)].tail.status == "refused"
    assert reader.state.events == 3


def test_a_big_file_without_a_newline_does_not_crash_the_reader(
    tmp_path: Path,
) -> None:
    """Bigger than the size from which a first read is shared among workers."""
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as file:
        for _ in range(33):
            file.write(b"x" * (1 << 20))
    live = reader_of(path)
    live.poll()
    once = read_all(path)
    assert (once.state.events, once.state.bad_lines) == (0, 1)
    assert "too long" in bad(once)[0][2]


# Files that appear; the first lines of a file ---------------------------------


def test_new_jsonl_files_in_a_followed_folder_are_picked_up(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(msg("a0"))
    reader = reader_of(tmp_path)
    reader.poll()
    (tmp_path / "deeper" / "still").mkdir(parents=True)
    (tmp_path / "deeper" / "still" / "b.jsonl").write_bytes(msg("b0"))
    (tmp_path / "notes.txt").write_bytes(msg("ignored"))
    (tmp_path / "c.jsonl").write_bytes(msg("c0"))
    reader.poll()

    assert sorted(seen(reader)) == ["a0", "b0", "c0"]
    assert len(reader.sources) == 3


def test_a_named_file_that_does_not_exist_yet_is_awaited(tmp_path: Path) -> None:
    path = tmp_path / "later.jsonl"
    reader = reader_of(path)
    reader.poll()
    assert reader.sources[str(path)].tail.status == "waiting"
    path.write_bytes(msg("m0"))
    reader.poll()
    assert seen(reader) == ["m0"]


def test_a_first_line_without_a_type_does_not_hide_the_file(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(b'{"agent":"a","text":"no type"}\n' + msgs("m", 2))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m1"]
    assert [n for n, _, _ in bad(reader)] == [1]


def test_torn_lines_at_the_start_do_not_hide_the_file(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(b"\x00\x00\x00\n" * 8 + msgs("m", 2))
    reader = read_all(path)
    assert seen(reader) == ["m0", "m1"]
    assert reader.state.bad_lines == 8


def test_a_log_of_only_bad_lines_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(b"not json\n" + msg("m0")[:20] + b"\n")
    reader = read_all(path)
    assert reader.state.bad_lines == 2


# What cannot be followed ---------------------------------------------------------


def test_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(NotFollowable, match="FIFO"):
        check_followable(str(fifo))
    with pytest.raises(NotFollowable):
        Reader([fifo])
    tail = FileTail(str(fifo))
    assert returns_promptly(tail.read) == []
    assert tail.status == "refused"


def test_a_device_is_refused() -> None:
    with pytest.raises(NotFollowable, match="device"):
        check_followable("/dev/zero")
    with pytest.raises(NotFollowable):
        Follower(["/dev/zero"])
    tail = FileTail("/dev/zero")
    assert returns_promptly(tail.read) == []
    assert tail.status == "refused"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
        with pytest.raises(NotFollowable, match="socket"):
            check_followable(str(path))
        with pytest.raises(NotFollowable):
            Reader([path])
    finally:
        sock.close()


def test_odd_files_inside_a_followed_folder_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    (tmp_path / "run.jsonl").write_bytes(msg("m0"))
    reader = reader_of(tmp_path)
    returns_promptly(reader.poll)

    status = {Path(p).name: s.tail.status for p, s in reader.sources.items()}
    assert status == {
        "pipe.jsonl": "refused",
        "zero.jsonl": "refused",
        "run.jsonl": "live",
    }
    assert seen(reader) == ["m0"]


# Following live in a thread ------------------------------------------------------


@pytest.fixture
def following() -> Iterator[
    Callable[[Reader, bool], tuple[threading.Event, threading.Thread]]
]:
    """Start `Reader.follow` in a thread; every one started is stopped at the end."""
    started: list[tuple[threading.Event, threading.Thread]] = []

    def start(reader: Reader, poll: bool) -> tuple[threading.Event, threading.Thread]:
        stop = threading.Event()
        thread = threading.Thread(
            target=reader.follow,
            args=(stop,),
            kwargs={"poll": poll, "interval": 0.05},
            daemon=True,
        )
        thread.start()
        started.append((stop, thread))
        return stop, thread

    yield start
    for stop, thread in started:
        stop.set()
        thread.join(DEADLINE)


def replace_atomically(path: Path, data: bytes) -> None:
    """Rotate without a moment where `path` is missing: keep the old file under
    a second name, then rename a fully written new file over `path`."""
    os.link(path, path.with_name(path.name + ".1"))
    staged = path.with_name(path.name + ".tmp")
    staged.write_bytes(data)
    staged.rename(path)


@pytest.mark.parametrize("poll", [False, True], ids=["watch", "poll"])
def test_follow_picks_up_appends_new_files_and_rotation(
    tmp_path: Path,
    following: Callable[..., tuple[threading.Event, threading.Thread]],
    poll: bool,
) -> None:
    log = tmp_path / "a.jsonl"
    log.write_bytes(msgs("a", 2))
    reader = reader_of(tmp_path)
    stop, thread = following(reader, poll)

    def have(*texts: str) -> None:
        wait_until(
            lambda: Counter(seen(reader)) == Counter(texts),
            f"exactly {sorted(texts)}",
            lambda: sorted(seen(reader)),
        )

    have("a0", "a1")
    append(log, msg("a2"))
    have("a0", "a1", "a2")

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_bytes(msg("b0"))
    have("a0", "a1", "a2", "b0")

    append(log, msg("a3"))
    replace_atomically(log, msgs("r", 2))
    have("a0", "a1", "a2", "a3", "b0", "r0", "r1")

    stop.set()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "follow did not return after stop was set"
    assert reader.sources[str(log)].tail.rotations == 1
    assert reader.state.bad_lines == 0


@pytest.mark.parametrize("poll", [False, True], ids=["watch", "poll"])
def test_follow_reports_each_batch_and_stops(tmp_path: Path, poll: bool) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(msgs("m", 3))
    reader = reader_of(log)
    counts: list[int] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=reader.follow,
        args=(stop,),
        kwargs={"poll": poll, "interval": 0.05, "on_batch": counts.append},
        daemon=True,
    )
    thread.start()
    try:
        wait_until(lambda: sum(counts) == 3, "the first 3 lines", lambda: counts)
        append(log, msgs("n", 4))
        wait_until(lambda: sum(counts) == 7, "4 more lines", lambda: counts)
    finally:
        stop.set()
        thread.join(DEADLINE)
    assert not thread.is_alive(), "follow did not return after stop was set"
    assert reader.state.events == 7
