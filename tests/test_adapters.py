"""Adapters from Claude Code, Codex CLI and Gemini CLI logs to format v1.

Real sessions in ../shared/realruns are read in place (each test skips when
its file is absent); every figure asserted on them was first checked by
hand against the file, and the token totals are also recomputed here from
the raw records, independently of the adapters. The quirk fixtures are
written to tmp_path by the small builders below.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oodatui.adapters import FORMATS, detect, make_adapter

REALRUNS = Path(
    os.environ.get("OODATUI_REALRUNS")
    or Path(__file__).resolve().parents[2] / "shared" / "realruns"
)
CLAUDE_FILE = "claude-code_1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl"
CODEX_FILE = (
    "codex-rollout-2025-10-31T19-02-58-c61729d4-da6d-46a4-9a29-ec2c614e5e23.jsonl"
)
GEMINI_FILE = "gemini-cli_chat-session_convo.jsonl"
REAL_FILES = {CLAUDE_FILE: "claude-code", CODEX_FILE: "codex", GEMINI_FILE: "gemini"}

EMITTED_TYPES = {"phase", "checkpoint", "candidate", "message", "start", "end"}
PHASES = {"observe", "orient", "decide", "act"}

Event = dict[str, Any]


# Helpers -------------------------------------------------------------------


def real(name: str) -> Path:
    path = REALRUNS / name
    if not path.is_file():
        pytest.skip(f"real sample {name} not available")
    return path


def records_of(path: Path) -> list[Any]:
    """Every line that parses as JSON, as the reader would hand them over."""
    out = []
    for line in path.read_bytes().split(b"\n"):
        try:
            out.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            continue
    return out


def run(fmt: str, path: Path) -> tuple[Any, list[Event]]:
    adapter = make_adapter(fmt, str(path))
    events = [e for record in records_of(path) for e in adapter.feed(record)]
    return adapter, events


def write_jsonl(tmp_path: Path, name: str, records: list[Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def fixture(tmp_path: Path, fmt: str, name: str, records: list[Any]) -> list[Event]:
    adapter, events = run(fmt, write_jsonl(tmp_path, name, records))
    assert adapter.errors == 0
    for event in events:
        assert_valid(event)
    return events


def assert_valid(event: Any) -> None:
    """The shape format v1 requires of what an adapter emits."""
    assert type(event) is dict
    assert event["type"] in EMITTED_TYPES
    assert type(event["agent"]) is str and event["agent"]
    assert type(event["run"]) is str and event["run"]
    assert type(event.get("tokens", 1)) is int and event.get("tokens", 1) > 0
    if event["type"] == "phase":
        assert event["phase"] in PHASES
        assert type(event["note"]) is str and len(event["note"]) <= 200
    if event["type"] == "candidate":
        assert type(event["id"]) is str
        assert len(event["summary"]) <= 200 and len(event["answer"]) <= 4000
    if event["type"] == "checkpoint":
        assert type(event.get("ok", True)) is bool
        tests = event.get("tests", {"passed": 0, "failed": 0})
        assert {type(v) for v in tests.values()} == {int}


def of(events: list[Event], kind: str, agent: str | None = None) -> list[Event]:
    return [
        e
        for e in events
        if e["type"] == kind and (agent is None or e["agent"] == agent)
    ]


def candidates(events: list[Event]) -> dict[str, Event]:
    """Each candidate as the fold ends up with it: later fields replace."""
    out: dict[str, Event] = {}
    for e in of(events, "candidate"):
        out.setdefault(e["id"], {}).update(e)
    return out


def tokens(events: list[Event], agent: str | None = None) -> int:
    return sum(e.get("tokens", 0) for e in events if agent in (None, e["agent"]))


def notes(events: list[Event], phase: str) -> list[str]:
    return [e["note"] for e in of(events, "phase") if e["phase"] == phase]


# Every real file -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_files_detect_and_emit_valid_events(name: str) -> None:
    path = real(name)
    assert detect(records_of(path)[0]) == REAL_FILES[name]
    adapter, events = run(REAL_FILES[name], path)
    assert events and adapter.errors == 0
    for event in events:
        assert_valid(event)
    assert len(of(events, "start")) == len({e["agent"] for e in events})


def test_real_candidate_ids_are_unique_across_files() -> None:
    owners: dict[str, str] = {}
    for name, fmt in REAL_FILES.items():
        for cid in candidates(run(fmt, real(name))[1]):
            assert owners.setdefault(cid, name) == name


# Claude Code: the real /init session -----------------------------------------


def claude_usage_by_call(path: Path) -> dict[tuple[str, str], int]:
    """Tokens per distinct API call, from the raw lines: the last line of a
    call holds its final usage (earlier ones stream a smaller output count)."""
    calls = {}
    for r in records_of(path):
        if r.get("type") == "assistant":
            u = r["message"]["usage"]
            calls[(r["message"]["id"], r["requestId"])] = (
                u["input_tokens"]
                + u["output_tokens"]
                + u["cache_creation_input_tokens"]
                + u["cache_read_input_tokens"]
            )
    return calls


def test_claude_real_session() -> None:
    path = real(CLAUDE_FILE)
    _, events = run("claude-code", path)
    main = "claude:1af7fc5e"
    assert {e["agent"] for e in events} == {main}
    assert {e["run"] for e in events} == {"1af7fc5e-8455-4414-9ccd-011d40f70b2a"}
    # 15 lines repeat usage; 7 distinct calls, 116,963 tokens (checked by hand).
    calls = claude_usage_by_call(path)
    assert len(calls) == 7
    assert tokens(events) == sum(calls.values()) == 116_963
    # The typed /init is the prompt; its isMeta expansion is not.
    assert [e["text"] for e in of(events, "message")] == ["/init"]


def test_claude_real_phases() -> None:
    _, events = run("claude-code", real(CLAUDE_FILE))
    observe, act, decide = (notes(events, p) for p in ("observe", "act", "decide"))
    assert "Glob: package.json" in observe and "Bash: ls -la" in observe
    assert act == ["Write: /path/to/Demo/CLAUDE.md"]
    assert [n.split(":")[0] for n in decide] == ["TodoWrite"] * 3
    assert any(
        n.startswith("Write error: Claude requested permissions") for n in observe
    )
    assert notes(events, "orient")[0].startswith("I'll analyze the codebase")


def test_claude_real_todo_checkpoints_and_answer() -> None:
    _, events = run("claude-code", real(CLAUDE_FILE))
    checkpoints = of(events, "checkpoint")
    assert all(c["ok"] is True for c in checkpoints)
    assert [c["note"] for c in checkpoints] == [
        "done: Analyze codebase structure and files",
        "done: Identify build, test, and lint commands",
        "done: Understand high-level architecture",
        "done: Check for existing CLAUDE.md, README.md, or rule files",
        "done: Create CLAUDE.md with essential information",
    ]
    final = candidates(events)
    assert list(final) == ["1af7fc5e:turn1"]
    assert final["1af7fc5e:turn1"]["summary"].startswith(
        "I've created a basic CLAUDE.md"
    )
    assert final["1af7fc5e:turn1"]["tokens_delta"] == 116_963


# Codex CLI: the real 1612-line rollout -----------------------------------------


def codex_calls(path: Path) -> list[tuple[list[str], str]]:
    """(argv, raw output) of every shell call, paired by call_id."""
    argv, out = {}, []
    for r in records_of(path):
        p = r["payload"]
        if p.get("type") == "function_call" and p["name"] == "shell":
            argv[p["call_id"]] = orjson.loads(p["arguments"])["command"]
        elif p.get("type") == "function_call_output" and p["call_id"] in argv:
            out.append((argv[p["call_id"]], p["output"]))
    return out


def test_codex_real_tokens_count_each_call_once() -> None:
    path = real(CODEX_FILE)
    _, events = run("codex", path)
    expected, previous = 0, None
    for r in records_of(path):
        info = (
            r["payload"].get("info")
            if r["payload"].get("type") == "token_count"
            else None
        )
        if info and info["total_token_usage"] != previous:
            expected += info["last_token_usage"]["total_tokens"]
            previous = info["total_token_usage"]
    assert previous is not None
    assert tokens(events) == expected == previous["total_tokens"] == 63_117_293
    assert {e["agent"] for e in events} == {"codex:c61729d4"}


def test_codex_real_test_checkpoints() -> None:
    path = real(CODEX_FILE)
    _, events = run("codex", path)
    runs = [out for argv, out in codex_calls(path) if argv[-1].endswith("pytest -q")]
    tests = [c for c in of(events, "checkpoint") if c["note"].startswith("tests:")]
    assert len(tests) == len(runs) == 58
    # A run failed exactly when Codex wrote a plain-text sandbox failure.
    failed = [not out.startswith("{") for out in runs]
    assert [c["ok"] is False for c in tests] == failed and sum(failed) == 8
    first = tests[0]  # "Interrupted: 2 errors during collection", exit code 2
    assert first["ok"] is False and first["tests"] == {"passed": 0, "failed": 2}
    assert tests[5]["tests"] == {"passed": 7, "failed": 1}  # line 238: 1 failed
    assert tests[-1]["ok"] is True and tests[-1]["tests"] == {"passed": 35, "failed": 0}


def test_codex_real_commits() -> None:
    path = real(CODEX_FILE)
    _, events = run("codex", path)
    shas = [
        re.search(r"\[main ([0-9a-f]{7})\]", out).group(1)  # type: ignore[union-attr]
        for argv, out in codex_calls(path)
        if "git commit" in argv[-1]
    ]
    commits = [c for c in of(events, "checkpoint") if "commit" in c]
    assert [c["commit"] for c in commits] == shas
    assert len(shas) == 45 and shas[0] == "225c5a1" and shas[-1] == "1ba3536"
    assert all(c["ok"] is True for c in commits)
    final = candidates(events)
    assert all(f"c61729d4:commit:{sha}" in final for sha in shas)
    assert final["c61729d4:commit:225c5a1"]["summary"].startswith("cli: add 'rules'")
    assert final["c61729d4:commit:225c5a1"]["tests"] == {"passed": 4, "failed": 0}


def test_codex_real_phases_plan_and_messages() -> None:
    path = real(CODEX_FILE)
    _, events = run("codex", path)
    observe, act = notes(events, "observe"), notes(events, "act")
    assert "shell: ls -la" in observe and "shell: sed -n '1,200p' README.md" in observe
    assert any(n.startswith("shell: apply_patch") for n in act)
    assert any(n.startswith("shell: git add README.md") for n in act)
    assert len([n for n in notes(events, "decide") if n.startswith("update_plan")]) == 3
    plan_done = [c["note"] for c in of(events, "checkpoint") if "tests" not in c]
    assert [n for n in plan_done if n.startswith("done:")] == [
        "done: Add more example printer models",
        "done: Enhance GUI with toolbar + prefs + DnD",
    ]
    # 63 prompts, each written twice in the file; injected context is hidden.
    texts = [e["text"] for e in of(events, "message")]
    assert len(texts) == 63 and texts[0] == "Can we continue from where we left off?"
    assert not any(t.startswith("<environment_context>") for t in texts)


def test_codex_real_turn_answers_are_the_last_message_of_each_turn() -> None:
    path = real(CODEX_FILE)
    _, events = run("codex", path)
    expected, turn = {}, 0
    for r in records_of(path):
        p = r["payload"]
        if p.get("type") == "user_message":
            turn += 1
        elif p.get("type") == "agent_message":
            expected[f"c61729d4:turn{turn}"] = p["message"][:3999]
    final = candidates(events)
    turns = {cid: c for cid, c in final.items() if ":turn" in cid}
    assert set(turns) == set(expected) and len(turns) == 56
    for cid, text in expected.items():
        assert turns[cid]["answer"][:3999] == text


# Gemini CLI: the real recording with a sub-agent ------------------------------


def test_gemini_real_session() -> None:
    path = real(GEMINI_FILE)
    _, events = run("gemini", path)
    main, sub = "gemini:9534b902", "gemini:9534b902/generalist:y3w0o9"
    assert [e["agent"] for e in of(events, "start")] == [main, sub]
    assert [(e["agent"], e["status"]) for e in of(events, "end")] == [(sub, "GOAL")]
    # 10 of 17 message ids are written twice; tokens count once per id.
    last_write = {
        r["id"]: r["tokens"]["total"] for r in records_of(path) if "tokens" in r
    }
    assert tokens(events) == sum(last_write.values()) == 106_982
    assert len(of(events, "message", main)) == 1


def test_gemini_real_phases() -> None:
    _, events = run("gemini", real(GEMINI_FILE))
    main, sub = "gemini:9534b902", "gemini:9534b902/generalist:y3w0o9"
    steps = [
        (e["phase"], e["note"].split(":")[0])
        for e in of(events, "phase", main)
        if not e["note"].startswith(("I ", "The ", "Processing"))
        and " ok" not in e["note"]
    ]
    assert steps == [
        ("observe", "ReadFolder"),
        ("act", "WriteFile"),
        ("observe", "ReadFile"),
        ("act", "Edit"),
        ("observe", "FindFiles"),
        ("observe", "SearchText"),
        ("observe", "ReadFile"),
        ("observe", "read_file error"),
        ("act", "WriteFile"),
        ("act", "run_shell_command"),
        ("decide", "invoke_agent"),
    ]
    sub_steps = [(e["phase"], e["note"]) for e in of(events, "phase", sub)]
    assert [p for p, _ in sub_steps] == [
        "observe",
        "orient",
        "observe",
        "orient",
        "act",
    ]
    assert sub_steps[1][1] == "Exploring File Content"


def test_gemini_real_answers() -> None:
    _, events = run("gemini", real(GEMINI_FILE))
    final = candidates(events)
    assert set(final) == {"9534b902:turn1", "9534b902:invoke_agent_1778178575008_0"}
    answer = final["9534b902:invoke_agent_1778178575008_0"]
    assert answer["agent"] == "gemini:9534b902/generalist:y3w0o9"
    assert answer["answer"] == "There are 11 words in `notes.md`."
    turn = final["9534b902:turn1"]
    assert turn["summary"].startswith('The sub-agent reported: "There are 11 words')
    assert turn["tokens_delta"] == 106_982


# Detection -----------------------------------------------------------------


def test_detect_each_layout() -> None:
    assert detect(
        {"timestamp": "t", "type": "session_meta", "payload": {"id": "x"}}
    ) == ("codex")
    legacy = {"id": "c27a914d", "timestamp": "t", "instructions": None, "git": {}}
    assert detect(legacy) == "codex"
    assert detect({"record_type": "state"}) == "codex"
    assert detect({"type": "summary", "summary": "Title", "leafUuid": "u"}) == (
        "claude-code"
    )
    assert detect({"type": "file-history-snapshot", "messageId": "m"}) == "claude-code"
    header = {"sessionId": "s", "projectHash": "h", "startTime": "t", "kind": "main"}
    assert detect(header) == "gemini"


@pytest.mark.parametrize(
    "obj",
    [
        {},
        {"type": "unknown-thing"},
        {"sessionId": "s"},
        {"id": "x"},
        {"type": "user"},
        {"type": "response_item", "payload": "not a dict"},
    ],
)
def test_detect_says_none_for_other_objects(obj: dict[str, Any]) -> None:
    assert detect(obj) is None


FOREIGN_KEYS = ["sessionId", "uuid", "payload", "projectHash", "startTime", "id"]
V1_LINES = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["phase", "checkpoint", "candidate", "message", "start", "end", "user"]
        ),
        "agent": st.text(min_size=1),
    },
    optional={
        k: st.one_of(st.text(), st.dictionaries(st.text(), st.integers()))
        for k in FOREIGN_KEYS + ["timestamp", "record_type"]
    },
)


@given(V1_LINES)
def test_detect_never_takes_a_v1_line_for_foreign(line: dict[str, Any]) -> None:
    assert detect(line) is None


def test_detect_never_takes_a_vote_for_foreign() -> None:
    vote = {"type": "vote", "candidate": "c1", "verdict": "approve", "voter": "me"}
    assert detect(vote) is None
    assert detect({**vote, "type": "user", "sessionId": "s"}) is None


def test_make_adapter() -> None:
    assert FORMATS == ("claude-code", "codex", "gemini")
    for name in FORMATS:
        assert make_adapter(name, "x.jsonl").feed({"type": "nothing"}) == []
    with pytest.raises(ValueError):
        make_adapter("aider", "x.jsonl")


def test_adapters_import_no_textual() -> None:
    code = (
        "import sys, oodatui.adapters; print(any('textual' in m for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


# Claude Code fixtures ------------------------------------------------------

SID = "0123abcd-1111-2222-3333-444455556666"
MAIN = "claude:0123abcd"


def cc(kind: str, uuid: str, parent: str | None, content: Any, **extra: Any) -> dict:
    """One Claude Code transcript line."""
    message = {"role": kind, "content": content, **extra.pop("message", {})}
    return {
        "parentUuid": parent,
        "isSidechain": False,
        "sessionId": SID,
        "type": kind,
        "message": message,
        "uuid": uuid,
        "timestamp": "2025-09-03T00:47:19.293Z",
        **extra,
    }


def reply(uuid: str, parent: str | None, block: dict, call: str, out: int, **kw: Any):
    """An assistant line: one content block of API call `call`."""
    usage = {"input_tokens": 10, "cache_read_input_tokens": 100, "output_tokens": out}
    return cc(
        "assistant",
        uuid,
        parent,
        [block],
        message={"id": f"msg_{call}", "usage": usage},
        requestId=f"req_{call}",
        **kw,
    )


def use(tool_id: str, name: str, **args: Any) -> dict:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": args}


def result(tool_id: str, content: Any, is_error: bool = False) -> dict:
    return {
        "type": "tool_result",
        "tool_use_id": tool_id,
        "content": content,
        "is_error": is_error,
    }


def text(body: str) -> dict:
    return {"type": "text", "text": body}


def test_claude_split_response_counts_usage_once(tmp_path: Path) -> None:
    lines = [
        cc("user", "u0", None, "fix it"),
        reply("a1", "u0", text("Looking."), "A", out=5),  # streams: 5, then 50
        reply("a2", "a1", use("t1", "Read", file_path="x.py"), "A", out=50),
        reply("a3", "a2", use("t2", "Grep", pattern="foo"), "A", out=50),
        reply("a4", "a3", text("Done."), "B", out=7),
    ]
    events = fixture(tmp_path, "claude-code", "s.jsonl", lines)
    assert tokens(events) == (110 + 50) + (110 + 7)
    assert [e.get("tokens") for e in of(events, "phase")] == [115, 45, None, 117]


def test_claude_inline_sidechains_become_sub_agents(tmp_path: Path) -> None:
    task = {"description": "Check config", "prompt": "Look at the config."}
    other = {"description": "Scan docs", "prompt": "Read the docs."}
    lines = [
        cc("user", "u0", None, "review"),
        reply("a1", "u0", use("t1", "Task", **task), "A", out=1),
        reply("a2", "a1", use("t2", "Task", **other), "A", out=2),
        # two sidechains, interleaved, each found by its prompt then by parent
        cc("user", "s1", None, task["prompt"], isSidechain=True),
        cc("user", "r1", None, [text(other["prompt"])], isSidechain=True),
        reply("s2", "s1", use("t3", "Read", file_path="cfg"), "S", 3, isSidechain=True),
        reply("r2", "r1", use("t4", "Edit", file_path="d"), "R", 4, isSidechain=True),
        cc("user", "s3", "s2", [result("t3", "cfg body")], isSidechain=True),
        reply("s4", "s3", text("Config fine."), "S2", 5, isSidechain=True),
        cc(
            "user",
            "u1",
            "a2",
            [result("t1", [text("Config fine.")])],
            toolUseResult={"totalTokens": 1234, "status": "completed"},
        ),
        cc("user", "u2", "u1", [result("t2", "Docs done.", is_error=True)]),
    ]
    events = fixture(tmp_path, "claude-code", "s.jsonl", lines)
    config, docs = f"{MAIN}/Task:Check config", f"{MAIN}/Task:Scan docs"
    assert [e["agent"] for e in of(events, "start")] == [MAIN, config, docs]
    assert notes(events, "decide") == [
        "Task: Check config",
        "Task: Scan docs",
    ]
    assert [e["note"] for e in of(events, "phase", config)][:1] == ["Read: cfg"]
    assert [e["phase"] for e in of(events, "phase", docs)] == ["act"]
    assert tokens(events, config) == 113 + 115 and tokens(events, docs) == 114
    final = candidates(events)
    assert final["0123abcd:t1"]["agent"] == config
    assert final["0123abcd:t1"]["tokens_delta"] == 1234
    assert [(e["agent"], e["status"]) for e in of(events, "end")] == [
        (config, "completed"),
        (docs, "error"),
    ]
    assert "0123abcd:turn1" not in final  # a sidechain's text is not the turn's answer


def test_claude_agent_files_name_sub_agents_by_agent_id(tmp_path: Path) -> None:
    sub_lines = [
        cc("user", "w0", None, "Find the bug.", isSidechain=True, agentId="a9a57a7"),
        reply(
            "w1", "w0", text("Found it."), "W", 9, isSidechain=True, agentId="a9a57a7"
        ),
    ]
    sub = fixture(tmp_path, "claude-code", "agent-a9a57a7.jsonl", sub_lines)
    name = f"{MAIN}/agent-a9a57a7"
    assert {e["agent"] for e in sub} == {name}
    assert not of(sub, "candidate")  # its answer comes from the parent's Task result
    parent_lines = [
        cc("user", "u0", None, "go"),
        reply(
            "a1",
            "u0",
            use("t1", "Task", description="Bug", prompt="Find the bug."),
            "A",
            1,
        ),
        cc(
            "user",
            "u1",
            "a1",
            [result("t1", [text("Found it.")])],
            toolUseResult={"agentId": "a9a57a7", "totalTokens": 99},
        ),
    ]
    parent = fixture(tmp_path, "claude-code", f"{SID}.jsonl", parent_lines)
    assert candidates(parent)["0123abcd:t1"]["agent"] == name
    assert of(parent, "end")[0]["agent"] == name


def test_claude_test_and_commit_checkpoints(tmp_path: Path) -> None:
    green = "\x1b[32m3 passed\x1b[0m in 0.10s"
    lines = [
        cc("user", "u0", None, "test and commit"),
        reply(
            "a1",
            "u0",
            use("t1", "Bash", command='bash -lc "cd x && pytest -q"'),
            "A",
            1,
        ),
        cc(
            "user",
            "u1",
            "a1",
            [result("t1", green)],
            toolUseResult={"stdout": green, "stderr": "", "interrupted": False},
        ),
        reply("a2", "u1", use("t2", "Bash", command="git commit -am 'Add x'"), "B", 1),
        cc("user", "u2", "a2", [result("t2", "[main 1a2b3c4] Add x\n 1 file changed")]),
        reply("a3", "u2", use("t3", "Bash", command="npm test"), "C", 1),
        cc(
            "user",
            "u3",
            "a3",
            [result("t3", "Exit code 1\nTests: 1 failed, 2 passed", is_error=True)],
        ),
    ]
    events = fixture(tmp_path, "claude-code", "s.jsonl", lines)
    checks = of(events, "checkpoint")
    assert [(c["ok"], c.get("tests"), c.get("commit")) for c in checks] == [
        (True, {"passed": 3, "failed": 0}, None),
        (True, None, "1a2b3c4"),
        (False, {"passed": 2, "failed": 1}, None),
    ]
    commit = candidates(events)["0123abcd:commit:1a2b3c4"]
    assert commit["summary"] == "Add x" and commit["tests"] == {
        "passed": 3,
        "failed": 0,
    }
    assert "Bash ok: \x1b[32m3 passed" in notes(events, "observe")[1]  # kept verbatim


def test_claude_images_and_huge_text_stay_out_of_notes(tmp_path: Path) -> None:
    blob = "iVBORw0KGgo" * 50_000
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": blob},
    }
    lines = [
        cc("user", "u0", None, [text("what is this?"), image]),
        reply("a1", "u0", use("t1", "Read", file_path="shot.png"), "A", 1),
        cc("user", "u1", "a1", [result("t1", [image])]),
        reply("a2", "u1", text("A cat. " * 2000), "B", 1),
    ]
    events = fixture(tmp_path, "claude-code", "s.jsonl", lines)
    assert not any(blob[:100] in orjson.dumps(e).decode() for e in events)
    assert notes(events, "observe")[-1] == "Read ok: [image]"
    assert len(candidates(events)["0123abcd:turn1"]["answer"]) <= 4000


def test_claude_injected_text_is_not_a_prompt(tmp_path: Path) -> None:
    lines = [
        cc(
            "user",
            "u0",
            None,
            "<command-name>/review</command-name>\n<command-args>src</command-args>",
        ),
        cc("user", "u1", "u0", "Expanded command text", isMeta=True),
        cc("user", "u2", "u1", "<local-command-stdout>ok</local-command-stdout>"),
        cc("user", "u3", "u2", "[Request interrupted by user]"),
        cc("system", "u4", "u3", "compacted", subtype="compact_boundary"),
    ]
    events = fixture(tmp_path, "claude-code", "s.jsonl", lines)
    assert [e["text"] for e in of(events, "message")] == [
        "/review src",
        "[Request interrupted by user]",
        "context compacted",
    ]


# Codex fixtures --------------------------------------------------------------

CID = "c0ffee00-0000-4000-8000-000000000001"


def cx(record_type: str, /, **payload: Any) -> dict:
    return {
        "timestamp": "2025-11-01T01:02:58.871Z",
        "type": record_type,
        "payload": payload,
    }


def cx_usage(total: int, last: int) -> dict:
    return cx(
        "event_msg",
        type="token_count",
        info={
            "total_token_usage": {"total_tokens": total},
            "last_token_usage": {"total_tokens": last},
        },
    )


def cx_shell(call_id: str, script: str) -> dict:
    args = orjson.dumps({"command": ["bash", "-lc", script]}).decode()
    return cx(
        "response_item",
        type="function_call",
        name="shell",
        arguments=args,
        call_id=call_id,
    )


def cx_out(call_id: str, output: str, code: int | None = None) -> dict:
    if code is not None:
        output = orjson.dumps(
            {"output": output, "metadata": {"exit_code": code}}
        ).decode()
    return cx(
        "response_item", type="function_call_output", call_id=call_id, output=output
    )


def cx_msg(role: str, body: str) -> dict:
    kind = "input_text" if role == "user" else "output_text"
    return cx(
        "response_item",
        type="message",
        role=role,
        content=[{"type": kind, "text": body}],
    )


def test_codex_duplicated_messages_count_once(tmp_path: Path) -> None:
    lines = [
        cx("session_meta", id=CID, cwd="/w"),
        cx_msg("user", "<environment_context>\n<cwd>/w</cwd>"),
        cx_msg("user", "do it"),
        cx("event_msg", type="user_message", message="do it", kind="plain"),
        cx("event_msg", type="agent_message", message="Doing it."),  # event first
        cx_usage(100, 100),
        cx_msg("assistant", "Doing it."),
        cx("event_msg", type="user_message", message="again"),  # event first too
        cx_msg("user", "again"),
    ]
    events = fixture(tmp_path, "codex", "rollout.jsonl", lines)
    assert [e["text"] for e in of(events, "message")] == ["do it", "again"]
    assert [n for n in notes(events, "orient") if n == "Doing it."] == ["Doing it."]
    answer = candidates(events)["c0ffee00:turn1"]
    assert answer["summary"] == "Doing it." and answer["tokens_delta"] == 100


def test_codex_token_heartbeats_and_null_info(tmp_path: Path) -> None:
    lines = [
        cx("session_meta", id=CID),
        cx_usage(1000, 1000),
        cx_usage(1000, 1000),  # heartbeat: same running total
        cx("event_msg", type="token_count", info=None, rate_limits={}),
        cx_usage(1500, 500),
        cx_usage(1500, 500),
    ]
    events = fixture(tmp_path, "codex", "rollout.jsonl", lines)
    assert [e["tokens"] for e in events if "tokens" in e] == [1000, 500]


def test_codex_shell_checkpoints(tmp_path: Path) -> None:
    interrupted = (
        "failed in sandbox LinuxSeccomp with execution error: sandbox denied exec "
        "error, exit code: 2, stdout: \n!!! Interrupted: 2 errors during collection "
        "!!!\n2 errors in 0.27s\n, stderr: "
    )
    lines = [
        cx("session_meta", id=CID),
        cx_shell("c1", "cd pkg && PYTHONPATH=. pytest -q"),
        cx_out("c1", interrupted),
        cx_shell("c2", "cargo test"),
        cx_out("c2", "test result: ok. 5 passed; 0 failed; 0 ignored", code=0),
        cx_shell("c3", 'git add -A && git commit -m "feat: x"'),
        cx_out("c3", "[main (root-commit) 9f8e7d6] feat: x\n", code=0),
        cx_shell("c4", "git commit -m empty"),
        cx_out("c4", "nothing to commit, working tree clean", code=1),
    ]
    events = fixture(tmp_path, "codex", "rollout.jsonl", lines)
    checks = [
        (c.get("ok"), c.get("tests"), c.get("commit")) for c in of(events, "checkpoint")
    ]
    assert checks == [
        (False, {"passed": 0, "failed": 2}, None),
        (True, {"passed": 5, "failed": 0}, None),
        (True, None, "9f8e7d6"),
        (False, None, None),
    ]
    assert list(candidates(events)) == ["c0ffee00:commit:9f8e7d6"]
    assert notes(events, "act") == [
        'shell: git add -A && git commit -m "feat: x"',
        "shell: git commit -m empty",
    ]


def test_codex_legacy_layout(tmp_path: Path) -> None:
    lines = [
        {
            "id": CID,
            "timestamp": "2025-08-20T13:20:47.060Z",
            "instructions": None,
            "git": {"branch": "main"},
        },
        {"record_type": "state"},
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "run tests"}],
        },
        {"type": "reasoning", "summary": [], "encrypted_content": "gAAAA"},
        {
            "type": "function_call",
            "name": "shell",
            "call_id": "c1",
            "arguments": '{"command": ["pytest"]}',
        },
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": orjson.dumps(
                {"output": "1 failed, 2 passed in 0.1s", "metadata": {"exit_code": 1}}
            ).decode(),
        },
        {"record_type": "state"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "One fails."}],
        },
    ]
    assert detect(lines[0]) == "codex"
    events = fixture(tmp_path, "codex", "rollout-legacy.jsonl", lines)
    assert {e["agent"] for e in events} == {"codex:c0ffee00"}
    assert [e["phase"] for e in of(events, "phase")] == [
        "orient",
        "observe",
        "observe",
        "orient",
    ]
    check = of(events, "checkpoint")[0]
    assert check["ok"] is False and check["tests"] == {"passed": 2, "failed": 1}
    assert candidates(events)["c0ffee00:turn1"]["tests"] == check["tests"]
    assert all("ts" not in e for e in events[1:])  # legacy items carry no time


def test_codex_sub_agent_thread(tmp_path: Path) -> None:
    meta = {
        "id": "child-000-1",
        "source": {
            "subagent": {
                "thread_spawn": {"parent_thread_id": CID, "agent_nickname": "Boyle"}
            }
        },
    }
    events = fixture(tmp_path, "codex", "r.jsonl", [cx("session_meta", **meta)])
    assert [(e["agent"], e["run"]) for e in events] == [("codex:c0ffee00/Boyle", CID)]


# Gemini fixtures -------------------------------------------------------------

GID = "9534b902-4b8a-437e-ba2e-2e4db4b82fec"
GMAIN = "gemini:9534b902"


def gm(mid: str, content: str, total: int, calls: list[dict] | None = None) -> dict:
    record = {
        "id": mid,
        "timestamp": "2026-05-07T18:28:05.711Z",
        "type": "gemini",
        "content": content,
        "thoughts": [],
        "tokens": {
            "input": total - 1,
            "output": 1,
            "cached": 0,
            "thoughts": 0,
            "tool": 0,
            "total": total,
        },
    }
    if calls is not None:
        record["toolCalls"] = calls
    return record


def gcall(cid: str, name: str, status: str, output: str, **args: Any) -> dict:
    response = {"error": output} if status == "error" else {"output": output}
    return {
        "id": cid,
        "name": name,
        "args": args,
        "status": status,
        "result": [
            {"functionResponse": {"id": cid, "name": name, "response": response}}
        ],
    }


HEADER = {
    "sessionId": GID,
    "projectHash": "h",
    "startTime": "2026-05-07T18:28:01Z",
    "lastUpdated": "2026-05-07T18:28:01Z",
    "kind": "main",
}


def test_gemini_rewritten_ids_and_set_lines(tmp_path: Path) -> None:
    run_tests = gcall(
        "s1",
        "run_shell_command",
        "success",
        "Output: Tests: 1 failed, 3 passed\nExit Code: 1\nProcess Group PGID: 7",
        command="npm test",
    )
    lines = [
        HEADER,
        {"id": "u1", "timestamp": "t", "type": "user", "content": [{"text": "go"}]},
        {"$set": {"lastUpdated": "2026-05-07T18:28:02Z"}},
        gm("m1", "Running the tests.", 500),
        {"$set": {"lastUpdated": "2026-05-07T18:28:03Z"}},
        gm("m1", "Running the tests.", 500, [run_tests]),  # same id, now complete
        gm("m1", "Running the tests.", 500, [run_tests]),  # and once more
    ]
    events = fixture(tmp_path, "gemini", "session.jsonl", lines)
    assert tokens(events) == 500
    assert notes(events, "orient") == ["Running the tests."]
    assert notes(events, "observe") == [
        "run_shell_command: npm test",
        "run_shell_command error: Output: Tests: 1 failed, 3 passed",
    ]
    assert [(c["ok"], c["tests"]) for c in of(events, "checkpoint")] == [
        (False, {"passed": 3, "failed": 1})
    ]


def test_gemini_sub_agent_progress_then_result(tmp_path: Path) -> None:
    def invoke(status: str, activity: list[dict], **done: Any) -> dict:
        display = {
            "isSubagentProgress": True,
            "agentName": "generalist",
            "recentActivity": activity,
            **done,
        }
        call = gcall(
            "inv1",
            "invoke_agent",
            status,
            "Subagent finished.",
            prompt="Count words.",
            agent_name="generalist",
        )
        return {**call, "agentId": "y3w0o9", "resultDisplay": display}

    read = {
        "id": "a1",
        "type": "tool_call",
        "content": "read_file",
        "displayName": "ReadFile",
        "description": "notes.md",
    }
    think = {"id": "a2", "type": "thought", "content": "Counting"}
    lines = [
        HEADER,
        gm("m1", "Delegating.", 100, [invoke("executing", [read])]),
        gm(
            "m1",
            "Delegating.",
            100,
            [
                invoke(
                    "success",
                    [read, think],
                    state="completed",
                    terminateReason="GOAL",
                    result='{"response": "11 words"}',
                )
            ],
        ),
    ]
    events = fixture(tmp_path, "gemini", "session.jsonl", lines)
    sub = f"{GMAIN}/generalist:y3w0o9"
    assert [e["phase"] for e in of(events, "phase", sub)] == ["observe", "orient"]
    assert [e["text"] for e in of(events, "message", sub)] == ["Count words."]
    assert candidates(events)["9534b902:inv1"]["answer"] == "11 words"
    assert [(e["agent"], e["status"]) for e in of(events, "end")] == [(sub, "GOAL")]
    assert notes(events, "decide") == ["invoke_agent: generalist: Count words."]


def test_gemini_todos_and_errors(tmp_path: Path) -> None:
    todos = [
        {"description": "Read", "status": "completed"},
        {"description": "Write", "status": "in_progress"},
    ]
    lines = [
        HEADER,
        gm("m1", "", 10, [gcall("w1", "write_todos", "success", "ok", todos=todos)]),
        gm("m2", "", 10, [gcall("r1", "read_file", "error", "File not found: x")]),
        {"id": "e1", "timestamp": "t", "type": "error", "content": "Quota exceeded"},
    ]
    events = fixture(tmp_path, "gemini", "session.jsonl", lines)
    assert [c["note"] for c in of(events, "checkpoint")] == ["done: Read"]
    assert "read_file error: File not found: x" in notes(events, "observe")
    assert [e["text"] for e in of(events, "message")] == ["error: Quota exceeded"]


# Robustness ----------------------------------------------------------------

ODD_VALUES = [[1, 2], "text", 3, 2.5, None, True, {"type": 5}, {"type": None}, {}]
UNKNOWN = [
    {"type": "future-record", "sessionId": SID, "payload": {"x": 1}},
    {"timestamp": "t", "type": "event_msg", "payload": {"type": "brand_new_event"}},
    {"timestamp": "t", "type": "response_item", "payload": {"type": "hologram"}},
    {"id": "m", "type": "gemini-ultra", "content": "?"},
    {"type": "assistant", "message": [1, 2]},
    {
        "type": "assistant",
        "message": {"content": "plain", "usage": {"output_tokens": "9"}},
    },
    {"type": "user", "message": {"content": [None, 3, {"type": "tool_result"}]}},
    {
        "timestamp": "t",
        "type": "response_item",
        "payload": {"type": "function_call", "arguments": "{bad json"},
    },
    {
        "timestamp": "t",
        "type": "response_item",
        "payload": {
            "type": "function_call_output",
            "call_id": 7,
            "output": {"output": 3},
        },
    },
    {
        "id": "m",
        "type": "gemini",
        "toolCalls": [{"name": "invoke_agent", "resultDisplay": []}, 5],
    },
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_values_and_unknown_records_never_raise(fmt: str) -> None:
    adapter = make_adapter(fmt, "/tmp/whatever.jsonl")
    for value in ODD_VALUES:
        assert adapter.feed(value) == []
    for record in UNKNOWN:
        for event in adapter.feed(record):
            assert_valid(event)
    assert adapter.errors == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)
    ),
    max_leaves=8,
)
VOCABULARY = (
    "type payload message content usage id requestId isSidechain parentUuid uuid "
    "sessionId agentId toolUseResult tool_use_id input name arguments output "
    "call_id info total_token_usage last_token_usage toolCalls result status "
    "resultDisplay recentActivity tokens thoughts args text role summary"
).split()
TYPES = [
    "user",
    "assistant",
    "system",
    "session_meta",
    "response_item",
    "event_msg",
    "message",
    "function_call",
    "function_call_output",
    "token_count",
    "gemini",
    "reasoning",
    "tool_use",
    "tool_result",
    "text",
    "thinking",
]
FIELD = st.one_of(JSON, st.sampled_from(TYPES))
RECORD = st.recursive(
    st.dictionaries(st.sampled_from(VOCABULARY), FIELD, max_size=6),
    lambda inner: st.dictionaries(
        st.sampled_from(VOCABULARY),
        inner | FIELD | st.lists(inner, max_size=3),
        max_size=6,
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FORMATS), st.lists(RECORD, max_size=8))
def test_random_records_never_break_an_adapter(fmt: str, records: list[dict]) -> None:
    adapter = make_adapter(fmt, "/tmp/session.jsonl")
    for record in records:
        for event in adapter.feed(record):
            assert_valid(event)
    assert adapter.errors == 0
