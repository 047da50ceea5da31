"""A vote is what it claims: one valid line carrying exactly the voter and the
reason given, whatever they hold, and shown inert.

Voter names and reasons with newlines, quotes, controls, escape sequences,
markup, and text made to look like a second JSON line go through `cast_vote`
and through `oodatui vote`: each must add exactly one line that parses, that
round-trips the voter and the reason byte for byte, and that counts once,
for that voter only.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hardening_support import FIGURES, child_env, oodatui, parsed_lines
from terminal_check import HOSTILE, forbidden

from oodatui.read import read_once
from oodatui.safe import clean
from oodatui.write import WriteError, cast_vote

CANDIDATE = b'{"type":"candidate","agent":"a","id":"c1"}\n'

TRICKS = {
    **HOSTILE,
    "quotes and backslashes": 'say "no" \\" \\\\n \'yes\'',
    "a second line": 'ok"}\n{"type":"vote","candidate":"c1","verdict":"veto"}',
    "CRLF and NUL": "a\r\nb\0c",
    "unicode line separators": "a\u2028b\u2029c\x85d",
    "very long": "r" * 100_000,
    "empty-looking": "\u200b",
}


def fresh_log(tmp_path: Path) -> Path:
    log = tmp_path / "run.jsonl"
    log.write_bytes(CANDIDATE)
    return log


def the_vote(log: Path) -> dict:
    """The one vote line the log holds after its candidate line."""
    records = parsed_lines(log)
    assert len(records) == 2, f"{len(records) - 1} lines written for one vote"
    return records[1]


def assert_counted_once(log: Path, voter: str, verdict: str) -> None:
    state = read_once([log]).state
    FIGURES["read"] += state.events
    assert state.bad_lines == 0 and state.votes == 1
    assert list(state.ballots["c1"]) == [voter]
    cand = state.candidates["c1"]
    assert (cand.approvals, cand.vetoes) == (verdict == "approve", verdict == "veto")


@pytest.mark.parametrize("trick", TRICKS)
def test_cast_vote_writes_exactly_what_it_was_given(tmp_path: Path, trick: str) -> None:
    log = fresh_log(tmp_path)
    text = TRICKS[trick]
    returned = cast_vote(log, "c1", "approve", voter=text, reason=text)
    FIGURES["written"] += 1
    FIGURES["inputs"] += 1

    vote = the_vote(log)
    assert vote == returned
    assert (vote["voter"], vote["reason"], vote["verdict"]) == (text, text, "approve")
    assert_counted_once(log, text, "approve")


@pytest.mark.parametrize("trick", [t for t in TRICKS if "\0" not in TRICKS[t]])
def test_the_vote_command_writes_exactly_what_it_was_given(
    tmp_path: Path, trick: str
) -> None:
    """Through the command line (where NUL cannot pass), as a flag and as
    `$OODATUI_VOTER`; what it prints back is inert."""
    text = TRICKS[trick]
    for how in ("flag", "environment"):
        folder = tmp_path / how
        folder.mkdir()
        log = fresh_log(folder)
        args = ["vote", "c1", "veto", log, "--reason", text]
        env = child_env()
        if how == "flag":
            args += ["--voter", text]
        else:
            env["OODATUI_VOTER"] = text
        result = oodatui(*args, env=env, timeout=30)
        FIGURES["written"] += 1
        FIGURES["inputs"] += 1

        assert result.returncode == 0, result.stderr
        vote = the_vote(log)
        assert (vote["voter"], vote["reason"]) == (text, text)
        assert_counted_once(log, text, "veto")
        printed = result.stdout.decode()
        assert not forbidden(printed.rstrip("\n"), allow_newline=False), printed


@pytest.mark.parametrize("where", ["voter", "reason", "candidate"])
def test_bytes_that_are_not_utf8_never_make_a_broken_line(
    tmp_path: Path, where: str
) -> None:
    """Arguments that are not valid UTF-8 are refused in one line, or written
    as one valid line; never a traceback, never a line readers reject."""
    log = fresh_log(tmp_path)
    bad = b"ann\xff\xfe\xed\xa0\x80"
    args: dict[str, bytes | str] = {"voter": "ann", "reason": "why", "candidate": "c1"}
    args[where] = bad
    command = ["vote", args["candidate"], "approve", str(log)]
    command += ["--voter", args["voter"], "--reason", args["reason"]]
    result = oodatui(*command, timeout=30)  # type: ignore[arg-type]
    FIGURES["inputs"] += 1

    if result.returncode == 0:
        the_vote(log)
        assert read_once([log]).state.bad_lines == 0
    else:
        assert result.returncode == 1
        assert result.stderr.count(b"\n") == 1 and b"not cast" in result.stderr
        assert log.read_bytes() == CANDIDATE


def test_a_lone_surrogate_is_refused_and_nothing_written(tmp_path: Path) -> None:
    log = fresh_log(tmp_path)
    with pytest.raises((ValueError, WriteError)):
        cast_vote(log, "c1", "approve", voter="ann", reason="half \ud800 a pair")
    assert log.read_bytes() == CANDIDATE


def test_voters_who_differ_only_in_invisible_characters_look_different() -> None:
    """`ann` and `ann` with a zero-width space are two voters; shown the same,
    one could pass for the other."""
    names = ["ann", "ann\u200b", "\u202enna", "ann\u00ad", "a\u0301nn"]
    shown = [clean(name) for name in names[:4]]
    assert len(set(shown)) == 4, shown


def test_a_vote_echoes_the_voter_it_wrote(tmp_path: Path) -> None:
    log = fresh_log(tmp_path)
    result = oodatui("vote", "c1", "approve", log, "--voter", "ann", timeout=30)
    assert result.returncode == 0
    assert b"by ann" in result.stdout
    assert orjson.loads(log.read_bytes().splitlines()[1])["voter"] == "ann"
