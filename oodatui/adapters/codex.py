"""Codex CLI rollouts: `~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`.

Two layouts share this adapter, told apart line by line: the current one
wraps every record as `{timestamp, type, payload}`; the older one starts
with a bare `{id, timestamp, instructions, git}` header followed by bare
response items and `{"record_type": "state"}` markers, without timestamps.

Quirks handled here:
- each user and assistant message is written twice (`response_item` and
  `event_msg`); the second copy only refreshes the turn's candidate;
- `token_count` is cumulative and repeated as a heartbeat: the call's own
  `last_token_usage` is counted, and only when the running total moved;
- tool `arguments` and `output` are JSON inside a string, the output
  sometimes plain text ("failed in sandbox ... exit code: 2, stdout: ...");
- injected context (`<environment_context>`, AGENTS.md) is not a prompt.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

from oodatui.adapters.base import Adapter, AgentState
from oodatui.adapters.shell import Ended, Shell, classify, exit_code_in, tool_phase
from oodatui.adapters.values import (
    Recent,
    as_dict,
    as_int,
    as_list,
    as_str,
    first_line,
    result_note,
    session_from_path,
    ts_of,
)

ENVELOPES = ("session_meta", "response_item", "event_msg", "turn_context", "compacted")
SHELL_TOOLS = (
    "shell",
    "shell_command",
    "exec_command",
    "container.exec",
    "local_shell",
)
TOOL_PHASES = {
    "update_plan": "decide",
    "apply_patch": "act",
    "write_stdin": "act",
    "view_image": "observe",
    "web_search": "observe",
}
INJECTED = (
    "<environment_context>",
    "<user_instructions>",
    "<permissions instructions>",
    "<INSTRUCTIONS>",
    "# AGENTS.md instructions",
)
CALLS = ("function_call", "custom_tool_call", "local_shell_call")
OUTPUTS = ("function_call_output", "custom_tool_call_output")


class CodexAdapter(Adapter):
    name = "codex"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.session = session_from_path(path)
        self.main: AgentState | None = None
        self.calls: Recent = Recent(1024)  # call_id -> (tool name, Shell | None)
        self.echo: Recent = Recent(64)  # (role, hash of text) -> which copy came
        self.total: object = None  # the last cumulative usage counted

    def handle(self, record: dict[str, Any]) -> None:
        self.ts = ts_of(record.get("timestamp"))
        kind, payload = record.get("type"), record.get("payload")
        if kind in ENVELOPES and type(payload) is dict:
            if kind == "session_meta":
                self._session_meta(payload)
            elif kind == "response_item":
                self._item(payload)
            elif kind == "event_msg":
                self._event(payload)
        elif "record_type" in record:
            return
        elif kind is None and as_str(record.get("id")):
            self._session_meta(record)  # the legacy header
        elif type(kind) is str:
            self._item(record)  # a legacy bare response item

    def _agent(self) -> AgentState:
        if self.main is None:
            self.main = self.agent(f"codex:{self.session[:8]}", self.session)
        return self.main

    def _session_meta(self, meta: dict[str, Any]) -> None:
        """A session begins: the main agent, or a sub-agent thread that
        newer versions spawn (named under its parent, in the parent's run)."""
        self.session = as_str(meta.get("id")) or self.session
        self.total = None
        source = as_dict(meta.get("source"))
        spawn = as_dict(as_dict(source.get("subagent")).get("thread_spawn"))
        parent = as_str(spawn.get("parent_thread_id")) or as_str(
            meta.get("parent_thread_id")
        )
        if "subagent" in source and parent:
            label = _sub_label(meta, spawn) or self.session[:8]
            self.main = self.agent(f"codex:{parent[:8]}/{label}", parent)
        else:
            self.main = self.agent(f"codex:{self.session[:8]}", self.session)

    # Response items ------------------------------------------------------

    def _item(self, item: dict[str, Any]) -> None:
        kind = item.get("type")
        if kind == "message":
            self._message(as_str(item.get("role")), _content_text(item.get("content")))
        elif kind == "reasoning":
            summary = [as_dict(s).get("text") for s in as_list(item.get("summary"))]
            text = "\n".join(s for s in summary if type(s) is str)
            if not self._echoed("reasoning", text, "item"):
                self.phase(self._agent(), "orient", first_line(text) or "reasoning")
        elif kind in CALLS:
            self._call(item)
        elif kind in OUTPUTS:
            self._output(item)
        elif kind == "web_search_call":
            query = as_str(as_dict(item.get("action")).get("query")) or ""
            self.phase(self._agent(), "observe", f"web search: {query}")

    def _message(self, role: str | None, text: str, copy: str = "item") -> None:
        agent = self._agent()
        if role == "user" and text.strip() and not text.lstrip().startswith(INJECTED):
            if not self._echoed("user", text, copy):
                self.new_turn(agent)
                self.message(agent, text)
        elif role == "assistant" and text.strip():
            if not self._echoed("assistant", text, copy):
                self.phase(agent, "orient", first_line(text))
            self.turn_answer(agent, self.session, text)

    def _echoed(self, role: str, text: str, copy: str) -> bool:
        """True for the second copy of a message written twice (once as a
        response item, once as an event, in either order)."""
        if not text:
            return False
        key = (role, hash(text))
        if self.echo.get(key, copy) != copy:
            del self.echo[key]
            return True
        self.echo[key] = copy
        return False

    def _call(self, item: dict[str, Any]) -> None:
        agent = self._agent()
        tool = as_str(item.get("name")) or "local_shell"
        args = _arguments(item)
        shell: Shell | None = None
        if tool in SHELL_TOOLS or item.get("type") == "local_shell_call":
            shell = classify(args.get("command") or args.get("cmd"))
            self.phase(agent, shell.phase, f"{tool}: {shell.text}")
        elif tool == "update_plan":
            steps = [as_dict(s) for s in as_list(args.get("plan"))]
            items = [
                (as_str(s.get("step")) or "", as_str(s.get("status")) or "")
                for s in steps
            ]
            self.plan(agent, items, tool)
        else:
            self.phase(agent, tool_phase(tool, TOOL_PHASES), _call_note(tool, args))
        call_id = as_str(item.get("call_id")) or as_str(item.get("id"))
        if call_id:
            self.calls[call_id] = (tool, shell)

    def _output(self, item: dict[str, Any]) -> None:
        agent = self._agent()
        tool, shell = self.calls.pop(as_str(item.get("call_id")) or "", ("tool", None))
        text, code = _unpack_output(item.get("output"))
        self.phase(agent, "observe", result_note(tool, code not in (None, 0), text))
        if shell is not None:
            self.shell_result(agent, self.session, shell, Ended(text, code))

    # Events --------------------------------------------------------------

    def _event(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        text = as_str(event.get("message")) or ""
        if kind == "user_message":
            self._message("user", text, "event")
        elif kind == "agent_message":
            self._message("assistant", text, "event")
        elif kind == "agent_reasoning":
            text = as_str(event.get("text")) or ""
            if not self._echoed("reasoning", text, "event"):
                self.phase(self._agent(), "orient", first_line(text) or "reasoning")
        elif kind == "token_count":
            self._token_count(as_dict(event.get("info")))
        elif kind == "task_complete":
            last = as_str(event.get("last_agent_message"))
            if last:
                self.turn_answer(self._agent(), self.session, last)

    def _token_count(self, info: dict[str, Any]) -> None:
        """Count one API call's tokens; a repeat of the same running total
        is a heartbeat, not a call."""
        total = as_dict(info.get("total_token_usage"))
        last = as_dict(info.get("last_token_usage"))
        marker = total or last
        if not marker or marker == self.total:
            return
        tokens = as_int(last.get("total_tokens"))
        if tokens is None:
            before = as_int(as_dict(self.total).get("total_tokens")) or 0
            tokens = (as_int(total.get("total_tokens")) or 0) - before
        self.total = marker
        self.spend(self._agent(), tokens, f"model call: {tokens} tokens")


def _sub_label(meta: dict[str, Any], spawn: dict[str, Any]) -> str | None:
    for source in (meta, spawn):
        for key in ("agent_nickname", "agent_path", "agent_role"):
            value = as_str(source.get(key))
            if value:
                return os.path.basename(value.rstrip("/")) or value
    return None


def _content_text(content: object) -> str:
    parts = [as_dict(part).get("text") for part in as_list(content)]
    return "\n".join(p for p in parts if type(p) is str)


def _arguments(item: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments: a JSON string (function_call), an action object
    (local_shell_call) or free text such as a patch (custom_tool_call)."""
    if item.get("type") == "local_shell_call":
        return as_dict(item.get("action"))
    raw = item.get("arguments", item.get("input"))
    if type(raw) is str:
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return {"input": raw}
        return parsed if type(parsed) is dict else {"input": raw}
    return as_dict(raw)


def _unpack_output(raw: object) -> tuple[str, int | None]:
    """(text, exit code) of a tool output: usually a JSON string with
    `output` and `metadata.exit_code`, sometimes plain text."""
    if type(raw) is dict:
        parsed: object = raw
    elif type(raw) is str:
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw, exit_code_in(raw)
    else:
        return "", None
    if type(parsed) is not dict:
        text = raw if type(raw) is str else ""
        return text, exit_code_in(text)
    text = as_str(parsed.get("output")) or ""
    return text, as_int(as_dict(parsed.get("metadata")).get("exit_code"))


def _call_note(tool: str, args: dict[str, Any]) -> str:
    detail = next((v for v in args.values() if type(v) is str and v.strip()), "")
    return f"{tool}: {first_line(detail)}" if detail else tool
