"""Hostile input never crashes or stalls the reader, and each kind is reported.

Every kind of bad line is put between two good lines, at the start of a file,
and read both at once and live: the good lines around it are folded, and the
bad one is listed with its file, line number and a reason that names it. Odd
paths (a FIFO, a device, a socket) are refused with a clear message instead of
blocking, and a binary file named by mistake is reported once.
"""

from __future__ import annotations

import gzip
import os
import random
import socket
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hardening_support import FIGURES, oodatui, python, within

from oodatui.follow import NotFollowable
from oodatui.read import Reader, read_once

GOOD = b'{"type":"phase","agent":"a","phase":"observe","ts":1700000000}'
GOOD_TOO = b'{"type":"phase","agent":"a","phase":"act","ts":1700000001}'
BOM = b"\xef\xbb\xbf"
DEEP = 100_000

HOSTILE: dict[str, tuple[bytes, str]] = {
    "not JSON": (b"hello, world", "not JSON"),
    "not an object": (b"[1, 2, 3]", "not a JSON object"),
    "a bare string": (b'"phase"', "not a JSON object"),
    "invalid UTF-8": (b'{"type":"message","agent":"a","text":"\xff\xfe"}', "UTF-8"),
    "overlong UTF-8": (b'{"type":"message","agent":"a","text":"\xc0\xaf"}', "UTF-8"),
    "encoded surrogate": (b'{"type":"message","agent":"\xed\xa0\x80"}', "UTF-8"),
    "NaN": (b'{"type":"checkpoint","agent":"a","tokens":NaN}', "not JSON"),
    "Infinity": (b'{"type":"checkpoint","agent":"a","tokens":Infinity}', "not JSON"),
    "-Infinity": (b'{"type":"message","agent":"a","x":-Infinity}', "not JSON"),
    "number too large": (b'{"type":"message","agent":"a","x":1e999}', "not JSON"),
    "lone surrogate": (b'{"type":"message","agent":"a","text":"\\ud800"}', "surrogate"),
    "lone low surrogate": (b'{"type":"message","agent":"\\udfff"}', "surrogate"),
    "arrays 100,000 deep": (b"[" * DEEP + b"]" * DEEP, "depth"),
    "objects 100,000 deep": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "depth"),
    "unclosed nesting": (b"[" * DEEP, "not JSON"),
    "NUL run": (b"\0" * 4096, "not JSON"),
    "NUL run glued to a record": (b"\0" * 512 + GOOD, "not JSON"),
    "torn stub glued to a record": (b'{"type":"phase","agent":"a","ph' + GOOD, "JSON"),
    "two records on one line": (GOOD + GOOD, "not JSON"),
    "BOM mid-file": (BOM + GOOD, "byte order mark"),
    "no type": (b'{"agent":"a","phase":"act"}', '"type"'),
    "type not a string": (b'{"type":7,"agent":"a"}', '"type"'),
    "phase missing its phase": (b'{"type":"phase","agent":"a"}', '"phase"'),
    "vote missing its voter": (
        b'{"type":"vote","candidate":"c","verdict":"veto"}',
        "voter",
    ),
}


def write(path: Path, *lines: bytes, end: bytes = b"\n") -> Path:
    path.write_bytes(b"\n".join(lines) + end)
    return path


def read_live(path: Path) -> Reader:
    """Read as a dashboard does: polls without a final read."""
    reader = Reader([path])
    reader.poll()
    reader.poll()
    return reader


def read_at_once(path: Path) -> Reader:
    return read_once([path])


@pytest.fixture(params=["at once", "live"])
def read(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return read_at_once if request.param == "at once" else read_live


# Each kind of bad line --------------------------------------------------------


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_bad_line_between_good_ones_is_listed_with_its_reason(
    tmp_path: Path, kind: str, read
) -> None:
    line, named = HOSTILE[kind]
    log = write(tmp_path / "run.jsonl", GOOD, line, GOOD_TOO)
    reader = within(60, lambda: read(log))
    FIGURES["inputs"] += 1

    state = reader.state
    assert state.events == 2, "the good lines around the bad one were not both read"
    assert state.agents[("", "a")].phases_entered == 2
    assert state.bad_lines == 1
    (bad,) = state.bad
    assert bad.where.path == str(log) and bad.where.lineno == 2
    assert named.lower() in bad.reason.lower(), bad.reason


@pytest.mark.parametrize("kind", [k for k in HOSTILE if k != "BOM mid-file"])
def test_a_bad_first_line_does_not_hide_the_file(
    tmp_path: Path, kind: str, read
) -> None:
    line, named = HOSTILE[kind]
    log = write(tmp_path / "run.jsonl", line, GOOD, GOOD_TOO)
    reader = within(60, lambda: read(log))
    FIGURES["inputs"] += 1

    assert reader.state.events == 2
    assert [b.where.lineno for b in reader.state.bad] == [1]
    assert named.lower() in reader.state.bad[0].reason.lower()


def test_every_kind_at_once_through_the_summary_command(tmp_path: Path) -> None:
    lines = [GOOD]
    for line, _ in HOSTILE.values():
        lines += [line, GOOD_TOO]
    log = write(tmp_path / "run.jsonl", *lines)
    FIGURES["inputs"] += len(HOSTILE)

    result = oodatui("summary", "--json", log, timeout=60)
    assert result.returncode == 0, result.stderr
    data = orjson.loads(result.stdout)
    assert data["bad_lines"] == len(HOSTILE)
    assert data["events"] == len(HOSTILE) + 1

    tables = oodatui("summary", log, timeout=60)
    assert tables.returncode == 0, tables.stderr
    assert b"bad lines" in tables.stdout


def test_blank_lines_and_a_leading_bom_are_not_bad(tmp_path: Path, read) -> None:
    log = write(tmp_path / "run.jsonl", BOM + GOOD, b"", b"  \t", b"\r", GOOD_TOO)
    reader = read(log)
    assert (reader.state.events, reader.state.bad_lines) == (2, 0)


def test_a_torn_stub_at_the_end_is_held_not_folded(tmp_path: Path) -> None:
    stub = b'{"type":"phase","agent":"a","phase":"de'
    log = write(tmp_path / "run.jsonl", GOOD, stub, end=b"")
    live = read_live(log)
    assert (live.state.events, live.state.bad_lines) == (1, 0)

    once = read_once([log])
    assert once.state.events == 1
    notices = once.sources[str(log)].tail.notices
    assert any("unfinished" in notice for notice in notices), notices


# Size ------------------------------------------------------------------------

MEASURE = """
import resource, sys, orjson
from oodatui.read import Reader, read_once
small, big, mode = sys.argv[1:]
read_once([small])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if mode == "once":
    state = read_once([big]).state
else:
    with open(big, "rb") as source, open(big + ".live.jsonl", "wb") as target:
        reader = Reader([big + ".live.jsonl"])
        while piece := source.read(1 << 20):
            target.write(piece)
            target.flush()
            reader.poll()
        reader.poll(final=True)
        state = reader.state
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
bad = [(b.where.lineno, b.reason) for b in state.bad]
print(orjson.dumps({
    "grew": (after - before) * 1024, "children": children * 1024,
    "events": state.events, "bad": bad,
}).decode())
"""

HUGE = 50 << 20


def huge_log(path: Path, end: bytes = b"\n") -> Path:
    text = b'{"type":"message","agent":"a","text":"' + b"x" * HUGE + b'"}'
    return write(path, GOOD, text, GOOD_TOO, end=end)


@pytest.mark.parametrize("mode", ["once", "live"])
def test_a_50_mb_line_is_reported_too_long_in_bounded_memory(
    tmp_path: Path, mode: str
) -> None:
    small = write(tmp_path / "small.jsonl", GOOD)
    big = huge_log(tmp_path / "big.jsonl")
    result = python(MEASURE, str(small), str(big), mode, timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    FIGURES["inputs"] += 1

    data = orjson.loads(result.stdout)
    assert data["events"] == 2
    ((lineno, reason),) = data["bad"]
    assert lineno == 2 and "too long" in reason
    assert data["grew"] < HUGE, f"the reader grew by {data['grew']:,} bytes"
    assert data["children"] < HUGE, f"a worker grew to {data['children']:,} bytes"


def test_a_50_mb_last_line_without_newline_is_too_long(tmp_path: Path) -> None:
    text = b'{"type":"message","agent":"a","text":"' + b"y" * HUGE + b'"}'
    log = write(tmp_path / "run.jsonl", GOOD, text, end=b"")
    state = within(60, lambda: read_once([log]).state)
    assert state.events == 1
    assert [(b.where.lineno, "too long" in b.reason) for b in state.bad] == [(2, True)]


MILLION = b",".join(b'"%x":0' % n for n in range(1_000_000))


def million_fields(typed: bool) -> bytes:
    head = b'{"type":"message","agent":"a",' if typed else b'{"agent":"a",'
    return head + MILLION + b"}"


def test_a_line_with_a_million_fields(tmp_path: Path) -> None:
    log = write(tmp_path / "run.jsonl", million_fields(True), million_fields(False))
    log.write_bytes(log.read_bytes() + GOOD + b"\n")
    state = within(60, lambda: read_once([log]).state)
    FIGURES["inputs"] += 2

    assert state.events == 2, "a valid line of a million fields is an event"
    assert [b.where.lineno for b in state.bad] == [2]
    assert '"type"' in state.bad[0].reason


def test_a_million_element_array_is_not_an_object(tmp_path: Path) -> None:
    array = b"[" + b",".join([b"0"] * 1_000_000) + b"]"
    log = write(tmp_path / "run.jsonl", GOOD, array)
    state = within(60, lambda: read_once([log]).state)
    assert state.events == 1
    assert "not a JSON object" in state.bad[0].reason


# Files that are not logs --------------------------------------------------------


def binary_files() -> Iterator[tuple[str, bytes]]:
    rng = random.Random(5)
    yield "4 MB of random bytes", rng.randbytes(4 << 20)
    yield "a small executable", b"\x7fELF\x02\x01\x01\0" + rng.randbytes(3000)
    log = b"\n".join([GOOD] * 20_000) + b"\n"
    yield "a gzipped log", gzip.compress(log, mtime=0)
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + zlib.compress(rng.randbytes(9000))
    yield "an image", png
    yield "a database", b"SQLite format 3\0" + bytes(8192) + rng.randbytes(8192)


BINARIES = dict(binary_files())


@pytest.mark.parametrize("kind", BINARIES)
def test_a_binary_file_is_reported_once_as_unrecognised(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "named-by-mistake.jsonl"
    path.write_bytes(BINARIES[kind])
    reader = within(60, lambda: read_once([path]))
    FIGURES["inputs"] += 1

    state = reader.state
    reasons = [b.reason for b in state.bad]
    assert state.events == 0
    assert len(reasons) == 1, f"{len(reasons)} bad lines: {reasons[:3]}"
    assert "unrecognised" in reasons[0]
    assert reader.sources[str(path)].format == "unrecognised"


@pytest.mark.parametrize("kind", BINARIES)
def test_a_binary_file_named_on_the_command_line_is_reported(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "named-by-mistake.jsonl"
    path.write_bytes(BINARIES[kind])
    result = oodatui("summary", "--json", path, timeout=60)
    assert result.returncode == 0
    assert orjson.loads(result.stdout)["bad_lines"] == 1
    assert result.stderr.count(b"unrecognised") == 1, result.stderr[-500:]


def empty_files(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"agent-{n:05}.jsonl").touch()
    return folder


def test_a_folder_of_10000_empty_files(tmp_path: Path) -> None:
    folder = empty_files(tmp_path / "many", 10_000)
    (folder / "agent-00042.jsonl").write_bytes(GOOD + b"\n")
    FIGURES["inputs"] += 10_000

    reader = within(120, lambda: Reader([folder]))
    assert within(120, reader.poll) == 1
    assert within(120, reader.poll) == 0
    assert within(120, lambda: reader.poll(final=True)) == 0
    reader.close()
    assert len(reader.sources) == 10_000
    assert (reader.state.events, reader.state.bad_lines) == (1, 0)
    assert not [s for s in reader.sources.values() if s.tail.notices]


# Paths that would block -------------------------------------------------------


def odd_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    sock = tmp_path / "socket.jsonl"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    return {
        "FIFO": (fifo, "FIFO"),
        "device": (Path("/dev/zero"), "device"),
        "socket": (sock, "socket"),
    }


KINDS = ["FIFO", "device", "socket"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_reader_refuses_an_odd_path(tmp_path: Path, kind: str) -> None:
    path, named = odd_paths(tmp_path)[kind]
    with pytest.raises(NotFollowable, match=named):
        within(10, lambda: Reader([path]))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", ["summary", "dashboard"])
def test_the_command_line_refuses_an_odd_path(
    tmp_path: Path, kind: str, command: str
) -> None:
    path, named = odd_paths(tmp_path)[kind]
    args = ["summary", path] if command == "summary" else [path]
    result = oodatui(*args, timeout=30)
    FIGURES["inputs"] += 1

    assert result.returncode == 2
    text = result.stderr.decode()
    assert named in text and str(path) in text and "Traceback" not in text
    assert text.count("\n") == 1, text


@pytest.mark.parametrize("kind", KINDS)
def test_a_vote_into_an_odd_path_fails_without_blocking(
    tmp_path: Path, kind: str
) -> None:
    path, _ = odd_paths(tmp_path)[kind]
    result = oodatui("vote", "c1", "approve", path, "--voter", "ann", timeout=30)
    assert result.returncode == 1
    assert b"not cast" in result.stderr


def test_odd_files_inside_a_followed_folder_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    odd_paths(folder)
    (folder / "zero.jsonl").symlink_to("/dev/zero")
    write(folder / "run.jsonl", GOOD, GOOD_TOO)

    result = oodatui("summary", "--json", folder, timeout=30)
    assert result.returncode == 0, result.stderr
    assert orjson.loads(result.stdout)["events"] == 2
    for name in ("fifo.jsonl", "socket.jsonl", "zero.jsonl"):
        assert name.encode() in result.stderr

    live = Reader([folder])
    assert within(10, live.poll) == 2
    live.close()


# The dashboard -----------------------------------------------------------------


async def bad_lines_screen(
    paths: list[Path], bad: int, size: tuple[int, int] = (200, 70)
) -> str:
    """The dashboard's bad-lines screen, once `bad` bad lines were read."""
    from oodatui.ui.app import OodaApp

    app = OodaApp([str(p) for p in paths], follow=False, voter="me")
    async with app.run_test(size=size) as pilot:
        for _ in range(200):
            if app.reader.state.bad_lines >= bad:
                break
            await pilot.pause(0.05)
        await pilot.press("b")
        await pilot.pause(0.5)
        assert app.is_running
        return screen_text(app)


async def test_the_dashboard_lists_every_kind_of_bad_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened on all of the above at once, the dashboard keeps running and its
    bad-lines screen gives each one with its line number and reason."""
    monkeypatch.chdir(tmp_path)
    lines = [GOOD]
    for line, _ in HOSTILE.values():
        lines += [line, GOOD_TOO]
    write(tmp_path / "run.jsonl", *lines)
    (tmp_path / "binary.jsonl").write_bytes(BINARIES["4 MB of random bytes"])

    shown = await bad_lines_screen([tmp_path], len(HOSTILE) + 1)
    for _, named in HOSTILE.values():
        assert named.lower() in shown.lower(), f"no bad line says {named!r}"
    assert "unrecognised" in shown
    for lineno in range(2, 2 * len(HOSTILE) + 1, 2):
        assert f"run.jsonl:{lineno} " in shown


async def test_a_bad_line_in_a_deep_folder_keeps_its_line_number(
    tmp_path: Path,
) -> None:
    """Logs often live deep (`~/.claude/projects/<long name>/<uuid>.jsonl`):
    cut to fit, `file:line` must keep the file name and the line number."""
    deep = tmp_path / ("project-" + "x" * 60) / "runs"
    deep.mkdir(parents=True)
    write(deep / "1af7fc5e.jsonl", GOOD, b"not JSON", GOOD_TOO)
    shown = await bad_lines_screen([deep], 1, size=(120, 30))
    assert "1af7fc5e.jsonl:2" in shown, shown


def screen_text(app: Any) -> str:
    update = app.screen._compositor.render_update(full=True)
    return "\n".join(
        "".join(seg.text for strip in line for seg in strip if not seg.control)
        for line in update.strips
    )
