"""Gemini CLI chat recordings, JSONL variant:
`~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl`.

The first line is a header `{sessionId, projectHash, startTime, kind}`;
then message records `{id, timestamp, type: user|gemini|info|error|warning,
content, thoughts, tokens, toolCalls}` and `{"$set": {...}}` bookkeeping.

Quirks handled here:
- a message is written again under the same id once its tool calls finish
  (the last write wins): only what is new in a re-write is emitted, and its
  tokens are counted once;
- a sub-agent started by `invoke_agent` lives inside the tool call: its
  steps in `resultDisplay.recentActivity`, its answer in `result`;
- shell output is text ("Output: ...\\nExit Code: 1\\nProcess Group PGID: ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from oodatui.adapters.base import Adapter, AgentState
from oodatui.adapters.shell import Ended, classify, exit_code_in, tool_phase
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

TOOL_PHASES = {
    **dict.fromkeys(
        "read_file read_many_files list_directory glob grep_search"
        " search_file_content web_fetch google_web_search get_internal_docs".split(),
        "observe",
    ),
    **dict.fromkeys(
        "write_todos invoke_agent enter_plan_mode exit_plan_mode ask_user".split(),
        "decide",
    ),
    **dict.fromkeys("write_file replace edit save_memory complete_task".split(), "act"),
}
MESSAGES = ("user", "gemini", "info", "error", "warning")
FINISHED = ("success", "error", "cancelled")
TOKEN_PARTS = ("input", "output", "thoughts", "tool")  # `cached` is part of input


@dataclass
class _Seen:
    """What was already emitted for one message id, so that a re-written
    message adds only its news."""

    tokens: int = 0
    keys: set[str] = field(default_factory=set)

    def first(self, key: str) -> bool:
        """True the first time `key` comes up for this message."""
        if key in self.keys:
            return False
        self.keys.add(key)
        return True


class GeminiAdapter(Adapter):
    name = "gemini"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.session = session_from_path(path)
        self.main: AgentState | None = None
        self.seen: Recent = Recent(64)  # message id -> _Seen

    def handle(self, record: dict[str, Any]) -> None:
        if as_str(record.get("sessionId")) and "type" not in record:
            self._header(record)
            return
        kind = record.get("type")
        if kind not in MESSAGES:
            return  # `$set` lines and anything newer
        self.ts = ts_of(record.get("timestamp"))
        done = self._seen(as_str(record.get("id")))
        agent = self._agent()
        text = _text_of(record.get("content"))
        if kind == "gemini":
            self._gemini(record, agent, text, done)
        elif text.strip() and done.first("content"):
            if kind == "user":
                self.new_turn(agent)
                self.message(agent, text)
            else:
                self.message(agent, f"{kind}: {text}")

    def _header(self, header: dict[str, Any]) -> None:
        self.session = as_str(header.get("sessionId")) or self.session
        self.ts = ts_of(header.get("startTime"))
        name = f"gemini:{self.session[:8]}"
        if header.get("kind") == "subagent":
            name += "/subagent"
        self.main = self.agent(name, self.session)

    def _agent(self) -> AgentState:
        if self.main is None:
            self.main = self.agent(f"gemini:{self.session[:8]}", self.session)
        return self.main

    def _seen(self, message_id: str | None) -> _Seen:
        if message_id is None:
            return _Seen()
        seen = self.seen.get(message_id)
        if seen is None:
            seen = self.seen[message_id] = _Seen()
        return seen

    # Model turns ---------------------------------------------------------

    def _gemini(
        self, record: dict[str, Any], agent: AgentState, text: str, done: _Seen
    ) -> None:
        tokens = _new_tokens(record, done)
        for i, thought in enumerate(as_list(record.get("thoughts"))):
            if done.first(f"thought:{i}"):
                self.phase(agent, "orient", _thought_note(as_dict(thought)), tokens)
                tokens = 0
        if text.strip() and done.first(f"content:{hash(text)}"):
            self.phase(agent, "orient", first_line(text), tokens)
            tokens = 0
            self.turn_answer(agent, self.session, text)
        self.spend(agent, tokens, "response")
        for i, call in enumerate(as_list(record.get("toolCalls"))):
            call = as_dict(call)
            call_id = as_str(call.get("id")) or f"call{i}"
            if _is_sub_agent(call):
                self._sub_agent(call, call_id, agent, done)
            else:
                self._tool_call(call, call_id, agent, done)

    def _tool_call(
        self, call: dict[str, Any], call_id: str, agent: AgentState, done: _Seen
    ) -> None:
        tool = as_str(call.get("name")) or "tool"
        args = as_dict(call.get("args"))
        shell = classify(args.get("command")) if tool == "run_shell_command" else None
        if done.first(f"step:{call_id}"):
            if tool == "write_todos":
                todos = [as_dict(t) for t in as_list(args.get("todos"))]
                self.plan(agent, [_todo(t) for t in todos], tool)
            elif shell is not None:
                self.phase(agent, shell.phase, f"{tool}: {shell.text}")
            else:
                self.phase(agent, tool_phase(tool, TOOL_PHASES), _call_note(call, tool))
        status = call.get("status")
        if status not in FINISHED or not done.first(f"result:{call_id}"):
            return
        self.ts = ts_of(call.get("timestamp")) or self.ts
        output, is_error = _response(call)
        code = exit_code_in(output) if shell is not None else None
        failed = is_error or code not in (None, 0)
        self.phase(agent, "observe", result_note(tool, failed, output))
        if shell is not None:
            ended = Ended(output, code, is_error)
            self.shell_result(agent, self.session, shell, ended)

    # Sub-agents ----------------------------------------------------------

    def _sub_agent(
        self, call: dict[str, Any], call_id: str, parent: AgentState, done: _Seen
    ) -> None:
        """An `invoke_agent` call: a decide step of the parent, then the
        sub-agent's own start, steps, answer and end."""
        display = as_dict(call.get("resultDisplay"))
        args = as_dict(call.get("args"))
        label = as_str(display.get("agentName")) or as_str(args.get("agent_name"))
        ident = as_str(call.get("agentId")) or call_id
        name = f"{parent.name}/{label or 'agent'}:{ident}"
        prompt = as_str(args.get("prompt")) or ""
        first = done.first(f"step:{call_id}")
        if first:
            self.phase(parent, "decide", f"invoke_agent: {label}: {first_line(prompt)}")
        sub = self.agent(name, parent.run)
        if first and prompt:
            self.message(sub, prompt)
        for item in as_list(display.get("recentActivity")):
            item = as_dict(item)
            if done.first(f"activity:{call_id}:{item.get('id')}"):
                self._activity(sub, item)
        finished = call.get("status") in FINISHED or display.get("terminateReason")
        if not finished or not done.first(f"result:{call_id}"):
            return
        self.ts = ts_of(call.get("timestamp")) or self.ts
        output, is_error = _response(call)
        answer = _sub_answer(display.get("result")) or output
        self.candidate(sub, f"{self.session[:8]}:{call_id}", answer)
        status = as_str(display.get("terminateReason")) or as_str(call.get("status"))
        self.emit("end", sub, status=status)
        self.phase(parent, "observe", result_note("invoke_agent", is_error, answer))

    def _activity(self, sub: AgentState, item: dict[str, Any]) -> None:
        """One line of a sub-agent's progress: a thought or a tool call."""
        content = as_str(item.get("content")) or ""
        if item.get("type") == "thought":
            self.phase(sub, "orient", content or "thinking")
        elif item.get("type") == "tool_call":
            shown = as_str(item.get("displayName")) or content
            note = f"{shown}: {first_line(as_str(item.get('description')) or '')}"
            if content == "run_shell_command":
                phase = classify(_json_arg(item.get("args"), "command")).phase
            else:
                phase = tool_phase(content, TOOL_PHASES)
            self.phase(sub, phase, note)


def _new_tokens(record: dict[str, Any], seen: _Seen) -> int:
    """Tokens of this message not counted yet (a re-write repeats them)."""
    usage = as_dict(record.get("tokens"))
    total = as_int(usage.get("total"))
    if total is None:
        total = sum(as_int(usage.get(k)) or 0 for k in TOKEN_PARTS)
    new, seen.tokens = max(total - seen.tokens, 0), max(total, seen.tokens)
    return new


def _is_sub_agent(call: dict[str, Any]) -> bool:
    display = as_dict(call.get("resultDisplay"))
    return (
        call.get("name") == "invoke_agent" or display.get("isSubagentProgress") is True
    )


def _text_of(content: object) -> str:
    if type(content) is str:
        return content
    parts = [as_dict(part).get("text") for part in as_list(content)]
    return "\n".join(p for p in parts if type(p) is str)


def _thought_note(thought: dict[str, Any]) -> str:
    subject = as_str(thought.get("subject")) or ""
    description = as_str(thought.get("description")) or ""
    return (
        f"{subject}: {description}"
        if subject and description
        else (subject or description or "thinking")
    )


def _todo(todo: dict[str, Any]) -> tuple[str, str]:
    return as_str(todo.get("description")) or "", as_str(todo.get("status")) or ""


def _call_note(call: dict[str, Any], tool: str) -> str:
    shown = as_str(call.get("displayName")) or tool
    args = as_dict(call.get("args"))
    detail = next((v for v in args.values() if type(v) is str and v.strip()), "")
    return f"{shown}: {first_line(detail)}" if detail else shown


def _response(call: dict[str, Any]) -> tuple[str, bool]:
    """(output text, failed) of a finished tool call."""
    failed = call.get("status") != "success"
    for part in as_list(call.get("result")):
        response = as_dict(
            as_dict(as_dict(part).get("functionResponse")).get("response")
        )
        error = as_str(response.get("error"))
        if error:
            return error, True
        output = as_str(response.get("output"))
        if output is not None:
            return output, failed
    display = call.get("resultDisplay")
    return (display if type(display) is str else ""), failed


def _sub_answer(result: object) -> str:
    """A sub-agent's `result`: often JSON text such as {"response": "..."}."""
    text = as_str(result) or ""
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
    response = as_dict(parsed).get("response")
    return response if type(response) is str else text


def _json_arg(raw: object, key: str) -> object:
    try:
        return as_dict(orjson.loads(raw)).get(key) if type(raw) is str else None
    except orjson.JSONDecodeError:
        return None
