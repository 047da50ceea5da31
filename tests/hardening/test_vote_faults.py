"""Faults while voting: the vote is reported as not cast, and nothing partial
is left behind; or it is cast, whole, and counted. Never anything in between.

Real faults where the machine allows them (a tiny tmpfs that fills up, an
immutable file, a read-only mount; skipped with the reason when not), and
injected ones always (ENOSPC, a short write, a failed fsync). A writer killed
with SIGKILL at random points, or between its write and its fsync, leaves
whole lines only.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hardening_support import (
    FIGURES,
    child_env,
    one_stderr_line,
    oodatui,
    parsed_lines,
)

from oodatui import write
from oodatui.read import read_once
from oodatui.write import WriteError, cast_vote

CANDIDATE = b'{"type":"candidate","agent":"a","id":"c1"}\n'
PAGE = 4096


def log_with_candidate(folder: Path, size: int | None = None) -> Path:
    """A log naming candidate `c1`, padded with a message to `size` bytes."""
    log = folder / "run.jsonl"
    data = CANDIDATE
    if size is not None:
        head = b'{"type":"message","agent":"a","text":"'
        filler = size - len(data) - len(head) - len(b'"}\n')
        data += head + b"x" * filler + b'"}\n'
        assert len(data) == size
    log.write_bytes(data)
    return log


def counted(log: Path) -> int:
    """Votes a reader counts in `log` (0 when it is gone)."""
    return read_once([log]).state.votes if log.exists() else 0


def assert_not_cast(log: Path, before: bytes | None, error: WriteError) -> None:
    """Reported with a reason, and the log exactly as it was."""
    FIGURES["faults"] += 1
    assert error.reason and "could not write" in str(error)
    after = log.read_bytes() if log.exists() else None
    assert after == before, "the failed vote left something in the log"
    assert counted(log) == 0


def vote_cli(log: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return oodatui("vote", "c1", "approve", log, "--voter", "ann", *extra, timeout=30)


def assert_cli_not_cast(log: Path, before: bytes | None) -> str:
    result = vote_cli(log)
    FIGURES["faults"] += 1
    assert result.returncode == 1
    text = one_stderr_line(result)
    assert "not cast" in text
    assert (log.read_bytes() if log.exists() else None) == before
    return text


# A real small file system ---------------------------------------------------


def run(*command: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, capture_output=True, timeout=30, check=False)


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs mounted for this test (root and `mount` needed)."""
    where = tmp_path / "tiny"
    where.mkdir()
    mounted = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        run("umount", "-l", str(where))


def fill(folder: Path) -> None:
    """Use every free block of the file system `folder` is on."""
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * PAGE)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


@pytest.mark.parametrize("room", [0, 100], ids=["no room", "room for part"])
def test_a_full_disk_refuses_the_vote(tiny_fs: Path, room: int) -> None:
    """With no room at all the write fails; with room for part of the line,
    the kernel writes that part, which must be cut off again."""
    log = log_with_candidate(tiny_fs, 4 * PAGE - room)
    fill(tiny_fs)
    before = log.read_bytes()

    with pytest.raises(WriteError) as caught:
        cast_vote(log, "c1", "approve", voter="ann", reason="r" * 300)
    assert_not_cast(log, before, caught.value)
    assert "space" in caught.value.reason or "short" in caught.value.reason


def test_a_full_disk_refuses_the_vote_on_the_command_line(tiny_fs: Path) -> None:
    log = log_with_candidate(tiny_fs, 4 * PAGE - 50)
    fill(tiny_fs)
    assert_cli_not_cast(log, log.read_bytes())


# Read-only logs, as root too --------------------------------------------------


@pytest.fixture
def immutable_log(tmp_path: Path) -> Iterator[Path]:
    log = log_with_candidate(tmp_path)
    made = run("chattr", "+i", str(log))
    if made.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {made.stderr.decode()}")
    try:
        yield log
    finally:
        run("chattr", "-i", str(log))


@pytest.fixture
def read_only_mount(tiny_fs: Path) -> Path:
    log = log_with_candidate(tiny_fs)
    remounted = run("mount", "-o", "remount,ro", str(tiny_fs))
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remounted.stderr.decode()}")
    return log


@pytest.mark.parametrize("kind", ["immutable_log", "read_only_mount"])
def test_a_read_only_log_refuses_the_vote(
    request: pytest.FixtureRequest, kind: str
) -> None:
    log: Path = request.getfixturevalue(kind)
    before = log.read_bytes()
    with pytest.raises(WriteError) as caught:
        cast_vote(log, "c1", "veto", voter="ann")
    assert_not_cast(log, before, caught.value)
    assert_cli_not_cast(log, before)


def test_an_append_only_log_still_takes_votes(tmp_path: Path) -> None:
    log = log_with_candidate(tmp_path)
    made = run("chattr", "+a", str(log))
    if made.returncode != 0:
        pytest.skip(f"cannot make a file append-only here: {made.stderr.decode()}")
    try:
        cast_vote(log, "c1", "approve", voter="ann")
        assert vote_cli(log).returncode == 0
    finally:
        run("chattr", "-a", str(log))
    assert counted(log) == 2
    FIGURES["written"] += 2


# Logs and folders that disappear ------------------------------------------------


def test_a_vote_into_a_removed_folder_is_not_cast(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    log = log_with_candidate(folder)
    shutil.rmtree(folder)

    with pytest.raises(WriteError) as caught:
        cast_vote(log, "c1", "approve", voter="ann")
    assert_not_cast(log, None, caught.value)
    assert "No such file" in assert_cli_not_cast(log, None)


def test_a_vote_into_a_deleted_log_is_counted_or_refused(tmp_path: Path) -> None:
    """The library may start the file again (agents and votes files need
    that): then the vote is there for any reader of the path."""
    log = log_with_candidate(tmp_path)
    log.unlink()
    try:
        cast_vote(log, "c1", "approve", voter="ann")
    except WriteError as exc:
        assert_not_cast(log, None, exc)
    else:
        assert counted(log) == 1


def test_the_vote_command_refuses_a_deleted_log(tmp_path: Path) -> None:
    """A person voting on a log that is gone (or a mistyped path) is told so,
    instead of a new file that no dashboard reads taking the vote."""
    log = log_with_candidate(tmp_path)
    log.unlink()
    assert_cli_not_cast(log, None)


def vanish_before_lock(
    monkeypatch: pytest.MonkeyPatch, remove: Callable[[], None]
) -> None:
    """Run `remove` after the writer opened the log, before it writes."""
    real = write.fcntl.flock

    def flock(fd: int, operation: int) -> None:
        remove()
        real(fd, operation)

    monkeypatch.setattr(write.fcntl, "flock", flock)


@pytest.mark.parametrize("what", ["log", "folder"])
def test_a_log_deleted_while_voting_is_not_reported_cast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """A vote written into a file that was deleted meanwhile is on no path
    any reader can open: it is lost, so it must not be reported cast."""
    folder = tmp_path / "run"
    folder.mkdir()
    log = log_with_candidate(folder)
    remove = log.unlink if what == "log" else lambda: shutil.rmtree(folder)
    vanish_before_lock(monkeypatch, remove)

    try:
        cast_vote(log, "c1", "approve", voter="ann")
    except WriteError as exc:
        assert_not_cast(log, None, exc)
    else:
        FIGURES["faults"] += 1
        FIGURES["lost"] += 1
        pytest.fail("reported cast, but written into a file no longer on disk")


# Injected faults ---------------------------------------------------------------


def inject(monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    """Make the next vote's write (or flush) fail the way `fault` says."""
    real_write = os.write

    def failing_write(fd: int, data: bytes) -> int:
        if not data.startswith(b'{"type":"vote"'):
            return real_write(fd, data)
        if fault == "short write":
            return real_write(fd, data[: len(data) // 2])
        code = {"ENOSPC": errno.ENOSPC, "EDQUOT": errno.EDQUOT, "EIO": errno.EIO}
        raise OSError(code[fault], os.strerror(code[fault]))

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    if fault == "fsync EIO":
        monkeypatch.setattr(write.os, "fsync", failing_fsync)
    else:
        monkeypatch.setattr(write.os, "write", failing_write)


FAULTS = ["ENOSPC", "EDQUOT", "EIO", "short write", "fsync EIO"]


@pytest.mark.parametrize("fault", FAULTS)
def test_an_injected_fault_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """Whatever fails, a vote reported as not cast is not in the log and is
    not counted by any reader, so what the voter is told is what happened."""
    log = log_with_candidate(tmp_path)
    before = log.read_bytes()
    inject(monkeypatch, fault)
    with pytest.raises(WriteError) as caught:
        cast_vote(log, "c1", "approve", voter="ann")
    monkeypatch.undo()
    assert_not_cast(log, before, caught.value)


# A torn line left by someone else ------------------------------------------------


def test_a_vote_after_a_torn_line_is_still_whole(tmp_path: Path) -> None:
    """A writer killed in the middle of a long line leaves a stub without its
    newline; the next vote must not be glued to it and lost with it."""
    log = tmp_path / "run.jsonl"
    log.write_bytes(CANDIDATE + b'{"type":"candidate","agent":"a","id":"c2","ans')
    cast_vote(log, "c1", "approve", voter="ann")
    FIGURES["written"] += 1

    state = read_once([log]).state
    FIGURES["lost"] += 1 - state.votes
    assert state.votes == 1, "the vote was glued to the torn line"
    assert state.candidates["c1"].approvals == 1


# SIGKILL -----------------------------------------------------------------------

VOTING = """
import os, signal, sys
from oodatui import cast_vote

path, stop_at = sys.argv[1], int(sys.argv[2])
if stop_at:
    real, calls = os.fsync, [0]
    def fsync(fd):
        calls[0] += 1
        if calls[0] == stop_at:
            os.kill(os.getpid(), signal.SIGKILL)
        real(fd)
    os.fsync = fsync
n = 0
while True:
    cast_vote(path, "c1", "approve", voter=f"v{n % 7}", reason="r" * (n * 37 % 3000))
    n += 1
"""


def voting_child(log: Path, stop_at: int = 0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", VOTING, str(log), str(stop_at)],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_lines(log: Path, lines: int, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and child.poll() is None:
        if log.exists() and log.read_bytes().count(b"\n") >= lines:
            return
        time.sleep(0.005)


def test_a_writer_killed_at_random_points_leaves_whole_lines(tmp_path: Path) -> None:
    rng = random.Random(7)
    log = log_with_candidate(tmp_path)
    for _ in range(12):
        child = voting_child(log)
        wait_for_lines(log, len(parsed_lines(log)) + 1, child)
        time.sleep(rng.random() * 0.2)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        FIGURES["faults"] += 1
        records = parsed_lines(log)
    FIGURES["written"] += len(records)
    state = read_once([log]).state
    FIGURES["read"] += state.events
    assert state.bad_lines == 0 and state.events == len(records)


def test_a_kill_between_write_and_fsync_leaves_the_whole_line(tmp_path: Path) -> None:
    log = log_with_candidate(tmp_path)
    child = voting_child(log, stop_at=3)
    assert child.wait(60) == -signal.SIGKILL
    FIGURES["faults"] += 1

    records = parsed_lines(log)
    assert [r["type"] for r in records] == ["candidate"] + ["vote"] * 3
    assert read_once([log]).state.votes == 3
    FIGURES["written"] += 3
    FIGURES["read"] += 3
