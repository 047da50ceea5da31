"""Records in each foreign format, for the adapters' fuzz tests to mutate.

A few written here by hand, so the tests always have seeds, plus small records
from the real logs kept beside the project when those are present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

SEEDS: dict[str, list[dict[str, Any]]] = {
    "claude-code": [
        {
            "type": "user",
            "sessionId": "s1",
            "uuid": "u1",
            "timestamp": "2025-01-01T00:00:00Z",
            "message": {"role": "user", "content": "fix the failing test"},
        },
        {
            "type": "assistant",
            "sessionId": "s1",
            "uuid": "u2",
            "parentUuid": "u1",
            "requestId": "r1",
            "message": {
                "id": "m1",
                "model": "claude",
                "content": [
                    {"type": "text", "text": "Running the tests"},
                    {"type": "thinking", "thinking": "maybe the parser"},
                    {
                        "type": "tool_use",
                        "id": "t1",
                        "name": "Bash",
                        "input": {"command": "pytest -q"},
                    },
                    {
                        "type": "tool_use",
                        "id": "t2",
                        "name": "Task",
                        "input": {"description": "look", "prompt": "find it"},
                    },
                ],
                "usage": {"input_tokens": 10, "output_tokens": 5},
            },
        },
        {
            "type": "user",
            "sessionId": "s1",
            "uuid": "u3",
            "message": {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": "3 passed"}
                ],
            },
            "toolUseResult": {"stdout": "3 passed", "stderr": "", "agentId": "x"},
        },
        {"type": "user", "isSidechain": True, "agentId": "x", "parentUuid": "u2"},
    ],
    "codex": [
        {
            "timestamp": "2025-01-01T00:00:00Z",
            "type": "session_meta",
            "payload": {"id": "s1", "cwd": "/w", "cli_version": "0.5"},
        },
        {
            "type": "response_item",
            "payload": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "fix it"}],
            },
        },
        {
            "type": "response_item",
            "payload": {
                "type": "function_call",
                "name": "shell",
                "arguments": '{"command": ["pytest", "-q"]}',
                "call_id": "c1",
            },
        },
        {
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "c1",
                "output": '{"output": "1 passed", "metadata": {"exit_code": 0}}',
            },
        },
        {
            "type": "event_msg",
            "payload": {
                "type": "token_count",
                "info": {
                    "total_token_usage": {"total_tokens": 100},
                    "last_token_usage": {"total_tokens": 100},
                },
            },
        },
        {
            "type": "event_msg",
            "payload": {"type": "task_complete", "last_agent_message": "done"},
        },
    ],
    "gemini": [
        {"sessionId": "s1", "projectHash": "h", "startTime": "2025-01-01T00:00:00Z"},
        {"id": "m1", "type": "user", "content": [{"text": "hello"}]},
        {
            "id": "m2",
            "type": "gemini",
            "content": [{"text": "on it"}],
            "thoughts": [{"subject": "plan", "description": "read first"}],
            "tokens": {"input": 5, "output": 3, "total": 8},
            "toolCalls": [
                {
                    "id": "t1",
                    "name": "run_shell_command",
                    "args": {"command": "ls"},
                    "status": "success",
                    "result": [{"functionResponse": {"response": {"output": "a"}}}],
                },
                {
                    "id": "t2",
                    "name": "invoke_agent",
                    "args": {"agent_name": "scout", "prompt": "look"},
                    "resultDisplay": {"isSubagentProgress": True},
                },
            ],
        },
    ],
}


REAL_RUNS = Path(__file__).resolve().parents[3] / "shared" / "realruns"
REAL_PREFIXES = {"claude-code": "claude-code_", "codex": "codex-", "gemini": "gemini-"}


def real_seeds(name: str, limit: int = 40) -> list[dict[str, Any]]:
    """Small records from the real logs beside the project, when present."""
    found: list[dict[str, Any]] = []
    for path in sorted(REAL_RUNS.glob(f"{REAL_PREFIXES[name]}*.jsonl")):
        for line in path.read_bytes().splitlines():
            if len(line) < 4000 and len(found) < limit:
                record = orjson.loads(line)
                found += [record] if type(record) is dict else []
    return found


for _name in SEEDS:
    SEEDS[_name] += real_seeds(_name)
