"""`oodatui summary`: the exact JSON object, and readable tables."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from oodatui.summary import CELL_LIMIT, print_summary

LOG = b"""\
{"type":"phase","agent":"b","run":"r","phase":"observe","tokens":5}
{"type":"phase","agent":"b","run":"r","phase":"act","tokens":7}
{"type":"checkpoint","agent":"b","run":"r","tests":{"passed":3,"failed":1}}
{"type":"checkpoint","agent":"b","run":"r","ok":true}
{"type":"phase","agent":"b","run":"r","phase":"orient"}
{"type":"message","agent":"a","run":"r","text":"hi"}
{"type":"candidate","agent":"b","run":"r","id":"c1","confidence":0.4,"tokens_delta":50}
{"type":"candidate","agent":"a","run":"r","id":"c2","tests":{"passed":2,"failed":0}}
{"type":"vote","candidate":"c1","verdict":"approve","voter":"ann","vote_id":"v1"}
{"type":"vote","candidate":"c1","verdict":"approve","voter":"ann","vote_id":"v1"}
{"type":"vote","candidate":"c2","verdict":"veto","voter":"bob"}
not json
{"type":"phase","agent":"b"}

{"type":"start","agent":"z"}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oodatui", "summary", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_summary_json_is_exactly_the_documented_object(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(LOG)
    done = run("--json", str(log))
    assert done.returncode == 0, done.stderr
    assert list(orjson.loads(done.stdout)) == sorted(orjson.loads(done.stdout))
    assert orjson.loads(done.stdout) == {
        "events": 12,
        "bad_lines": 2,
        "votes": 2,
        "agents": [
            {
                "run": "",
                "agent": "z",
                "phase": None,
                "loops": 0,
                "checkpoints": 0,
                "checkpoints_ok": 0,
                "since_checkpoint": 0,
                "tokens": 0,
            },
            {
                "run": "r",
                "agent": "a",
                "phase": None,
                "loops": 0,
                "checkpoints": 0,
                "checkpoints_ok": 0,
                "since_checkpoint": 0,
                "tokens": 0,
            },
            {
                "run": "r",
                "agent": "b",
                "phase": "orient",
                "loops": 1,
                "checkpoints": 2,
                "checkpoints_ok": 1,
                "since_checkpoint": 1,
                "tokens": 12,
            },
        ],
        "candidates": [
            {
                "run": "r",
                "id": "c2",
                "agent": "a",
                "approvals": 0,
                "vetoes": 1,
                "confidence": None,
                "tokens_delta": None,
                "tests_passed": 2,
                "tests_failed": 0,
            },
            {
                "run": "r",
                "id": "c1",
                "agent": "b",
                "approvals": 1,
                "vetoes": 0,
                "confidence": 0.4,
                "tokens_delta": 50,
                "tests_passed": None,
                "tests_failed": None,
            },
        ],
    }


def test_policy_and_top(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(LOG)
    data = orjson.loads(
        run("--json", "--policy", "approval", "--top", "1", str(log)).stdout
    )
    assert [c["id"] for c in data["candidates"]] == ["c1"]


def test_folders_and_several_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_bytes(LOG)
    (tmp_path / "b.jsonl").write_bytes(b'{"type":"start","agent":"q"}\n')
    (tmp_path / "ignored.txt").write_bytes(b"not a log\n")
    data = orjson.loads(run("--json", str(tmp_path)).stdout)
    assert data["events"] == 13 and data["bad_lines"] == 2


TABLES = """\
12 events, 2 votes, 2 bad lines

Agents
run  agent  phase   loops  checks  ok  chain  tokens
---  -----  ------  -----  ------  --  -----  ------
     z      -           0       0   0      0       0
r    a      -           0       0   0      0       0
r    b      orient      1       2   1      1      12

Candidates by recent
#  id  agent  conf  tokens  tests  +  -
-  --  -----  ----  ------  -----  -  -
1  c2  a         -       -  2/2    0  1
2  c1  b      0.40      50  -      1  0
"""


def test_tables_are_plain_text_in_columns(tmp_path: Path) -> None:
    """Names left-aligned, numbers right-aligned, `-` where nothing is known."""
    log = tmp_path / "run.jsonl"
    log.write_bytes(LOG)
    done = run(str(log))
    assert done.returncode == 0, done.stderr
    assert done.stdout == TABLES


def agent_row(run: str, agent: str) -> dict[str, Any]:
    counts = ("loops", "checkpoints", "checkpoints_ok", "since_checkpoint", "tokens")
    return {"run": run, "agent": agent, "phase": None} | dict.fromkeys(counts, 0)


def test_wide_marked_and_long_names_keep_the_columns() -> None:
    """A wide character takes two columns, a combining mark none, and a name
    longer than a cell is cut with an ellipsis."""
    data = {
        "events": 1234,
        "votes": 0,
        "bad_lines": 0,
        "agents": [
            agent_row("\u4e2d\u6587", "e\u0301"),
            agent_row("r", "x" * 100),
        ],
        "candidates": [],
    }
    out = io.StringIO()
    print_summary(data, "tests", out)
    lines = out.getvalue().splitlines()
    agent = CELL_LIMIT + 2  # the widest name, and the gap after it
    assert lines[0] == "1,234 events, 0 votes, 0 bad lines"
    assert lines[3].startswith("run   " + "agent".ljust(agent) + "phase  loops")
    assert lines[5].startswith("\u4e2d\u6587  " + "e\u0301" + " " * (agent - 1) + "-")
    assert lines[6].startswith("r     " + "x" * (CELL_LIMIT - 1) + "\u2026  -")
    assert lines[-3:] == [
        "Candidates by tests",
        "#  id  agent  conf  tokens  tests  +  -",
        "-  --  -----  ----  ------  -----  -  -",
    ]


def test_tables_show_agent_text_inert(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(
        b'{"type":"phase","agent":"[bold]x\\u001b[2J","phase":"act"}\n'
        b'{"type":"candidate","agent":"[bold]x\\u001b[2J","id":"[red]c"}\n'
    )
    done = run(str(log))
    assert done.returncode == 0, done.stderr
    assert "[bold]x\u241b[2J" in done.stdout and "[red]c" in done.stdout
    assert "\x1b[2J" not in done.stdout


def test_missing_and_refused_paths_are_reported(tmp_path: Path) -> None:
    done = run("--json", str(tmp_path / "nope.jsonl"))
    assert done.returncode == 1
    assert "no such file" in done.stderr
    done = run("/dev/zero")
    assert done.returncode == 2 and "character device" in done.stderr


def test_summary_json_writes_invisible_and_controlling_characters_escaped(
    tmp_path: Path,
) -> None:
    """The JSON value is the agent's text exactly; its bytes carry no C1
    control, bidirectional override or other invisible character raw."""
    sneaky = "x\u009b31m\u202e\u200b\u2028\x7f\U000e0041 é 中"
    log = tmp_path / "run.jsonl"
    event = {"type": "candidate", "agent": sneaky, "id": "c1", "summary": sneaky}
    log.write_bytes(orjson.dumps(event) + b"\n")

    done = subprocess.run(
        [sys.executable, "-m", "oodatui", "summary", "--json", str(log)],
        capture_output=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    for raw in ("\u009b", "\u202e", "\u200b", "\u2028", "\x7f", "\U000e0041"):
        assert raw.encode() not in done.stdout
    assert "é 中".encode() in done.stdout
    data = orjson.loads(done.stdout)
    assert data["candidates"][0]["agent"] == sneaky


def test_summary_tables_survive_a_terminal_that_is_not_utf8(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    log.write_bytes(b'{"type":"phase","agent":"a\\u001b\xc3\xa9","phase":"act"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "oodatui", "summary", str(log)],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "latin-1"},
    )
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in done.stdout
