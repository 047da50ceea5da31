"""Writers: one whole line per call, durable, or a clear error and nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from oodatui import write
from oodatui.runlog import RunLog
from oodatui.write import WriteError, cast_vote


def lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_cast_vote_appends_one_complete_line(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(b'{"type":"candidate","agent":"a","id":"c1"}\n')
    vote = cast_vote(log, "c1", "approve", voter="ann", reason="looks right")
    written = lines(log)
    assert len(written) == 2 and written[1] == vote
    assert vote["voter"] == "ann" and vote["verdict"] == "approve"
    assert len(vote["vote_id"]) == 36 and isinstance(vote["ts"], float)


def test_voter_comes_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OODATUI_VOTER", "env-voter")
    vote = cast_vote(tmp_path / "v.jsonl", "c1", "veto")
    assert vote["voter"] == "env-voter"
    monkeypatch.delenv("OODATUI_VOTER")
    assert cast_vote(tmp_path / "v.jsonl", "c1", "veto")["voter"]


def test_vote_ids_are_fresh(tmp_path: Path) -> None:
    ids = {cast_vote(tmp_path / "v.jsonl", "c", "clear")["vote_id"] for _ in range(20)}
    assert len(ids) == 20


def test_newlines_and_quotes_in_fields_stay_one_line(tmp_path: Path) -> None:
    log = tmp_path / "v.jsonl"
    cast_vote(log, 'c"1\n', "veto", voter="a\nb\x1b[2J", reason='say "no"\r\n')
    assert log.read_bytes().count(b"\n") == 1
    assert lines(log)[0]["voter"] == "a\nb\x1b[2J"


@pytest.mark.parametrize("where", ["missing/dir/v.jsonl", "."])
def test_an_unwritable_path_raises_and_writes_nothing(tmp_path, where) -> None:
    with pytest.raises(WriteError) as caught:
        cast_vote(tmp_path / where, "c1", "approve")
    assert caught.value.reason
    assert "could not write" in str(caught.value)


def test_a_short_write_is_cut_back_off(tmp_path, monkeypatch) -> None:
    log = tmp_path / "v.jsonl"
    log.write_bytes(b'{"type":"start","agent":"a"}\n')
    real_write = os.write
    monkeypatch.setattr(write.os, "write", lambda fd, data: real_write(fd, data[:7]))
    with pytest.raises(WriteError, match="short write"):
        cast_vote(log, "c1", "approve")
    assert log.read_bytes() == b'{"type":"start","agent":"a"}\n'


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch) -> None:
    log = tmp_path / "v.jsonl"

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "write", full)
    with pytest.raises(WriteError, match="No space left"):
        cast_vote(log, "c1", "approve")
    assert log.read_bytes() == b""


def test_a_failed_fsync_is_not_success(tmp_path, monkeypatch) -> None:
    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(write.os, "fsync", broken)
    with pytest.raises(WriteError, match="not flushed"):
        cast_vote(tmp_path / "v.jsonl", "c1", "approve")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(WriteError):
        cast_vote(fifo, "c1", "approve")


def test_bad_verdicts_and_events_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        cast_vote(tmp_path / "v.jsonl", "c1", "maybe")
    with pytest.raises(ValueError):
        RunLog(tmp_path / "r.jsonl", agent="a").phase("sleep")
    assert not (tmp_path / "r.jsonl").exists()


def test_runlog_writes_format_v1(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "r.jsonl", agent="solver", run="r1")
    log.start()
    log.phase("orient", note="why")
    log.checkpoint(tests={"passed": 3, "failed": 0}, commit="abc", tokens=9)
    log.candidate(id="c7", summary="fix", confidence=0.8)
    log.message("hello")
    log.end("done")
    written = lines(tmp_path / "r.jsonl")
    assert [w["type"] for w in written] == [
        "start",
        "phase",
        "checkpoint",
        "candidate",
        "message",
        "end",
    ]
    assert all(w["agent"] == "solver" and w["run"] == "r1" for w in written)
    assert written[1]["phase"] == "orient" and written[1]["note"] == "why"
    assert written[3]["confidence"] == 0.8 and written[5]["status"] == "done"


def test_runlog_reads_verdicts_back_incrementally(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "r.jsonl", agent="a", votes=[tmp_path / "votes.jsonl"])
    log.candidate(id="c1")
    assert log.verdicts("c1") == {}
    cast_vote(tmp_path / "r.jsonl", "c1", "veto", voter="ann")
    cast_vote(tmp_path / "votes.jsonl", "c1", "approve", voter="bob")
    assert log.verdicts("c1") == {"ann": "veto", "bob": "approve"}
    cast_vote(tmp_path / "r.jsonl", "c1", "clear", voter="ann")
    assert log.verdicts("c1") == {"bob": "approve"}


def test_vote_command(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(b"")
    done = _oodatui("vote", "c1", "veto", str(log), "--reason", "flaky", "--voter", "z")
    assert done.returncode == 0, done.stderr
    (vote,) = lines(log)
    assert (vote["candidate"], vote["verdict"], vote["voter"]) == ("c1", "veto", "z")
    assert vote["reason"] == "flaky"


def test_vote_command_reports_a_vote_not_cast(tmp_path: Path) -> None:
    done = _oodatui("vote", "c1", "approve", str(tmp_path / "no" / "such.jsonl"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "vote not cast" in done.stderr and "No such file" in done.stderr
    assert not (tmp_path / "no").exists()


def test_vote_command_needs_the_log_to_exist_unless_told(tmp_path: Path) -> None:
    log = tmp_path / "gone.jsonl"
    done = _oodatui("vote", "c1", "approve", str(log))
    assert done.returncode == 1 and "No such file" in done.stderr
    assert not log.exists()
    assert _oodatui("vote", "c1", "approve", str(log), "--create").returncode == 0
    assert len(lines(log)) == 1


def _oodatui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oodatui", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
