"""Claude Code session transcripts: `~/.claude/projects/<cwd>/<session>.jsonl`.

Records are `user`/`assistant` lines carrying an Anthropic Messages API
`message`; other record types (summaries, snapshots, queue operations) carry
nothing the dashboard shows and are skipped.

Quirks handled here:
- one API response is written as several lines, one content block each,
  all repeating the same `usage` (growing as the response streams): tokens
  are counted per (message.id, requestId), only their growth;
- sub-agents run as sidechains: inline in the parent file (1.0.x, no id:
  matched to the Task call by their prompt, then followed by `parentUuid`),
  or in their own `agent-<id>.jsonl` file carrying `agentId` (2.x);
- injected text (`isMeta`, command output, compaction summaries) is not a
  user prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from oodatui.adapters.base import Adapter, AgentState
from oodatui.adapters.shell import Ended, Shell, classify, exit_code_in, tool_phase
from oodatui.adapters.values import (
    Recent,
    as_dict,
    as_int,
    as_list,
    as_str,
    clip,
    first_line,
    result_note,
    session_from_path,
    status_word,
    ts_of,
)

TOOL_PHASES = {
    **dict.fromkeys(
        "Read Glob Grep LS WebFetch WebSearch BashOutput NotebookRead"
        " ListMcpResourcesTool ReadMcpResourceTool".split(),
        "observe",
    ),
    **dict.fromkeys(
        "TodoWrite ExitPlanMode EnterPlanMode Task Agent AskUserQuestion".split(),
        "decide",
    ),
    **dict.fromkeys(
        "Edit MultiEdit Write NotebookEdit KillShell KillBash".split(), "act"
    ),
}
DELEGATION = ("Task", "Agent")
USAGE_KEYS = (
    "input_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "output_tokens",
)
DETAIL_KEYS = ("file_path", "notebook_path", "path", "pattern", "url", "query")
NOT_PROMPTS = ("<local-command-stdout>", "<local-command-stderr>", "Caveat: ")
_COMMAND = re.compile(r"<command-name>(.*?)</command-name>", re.S)
_COMMAND_ARGS = re.compile(r"<command-args>(.*?)</command-args>", re.S)


@dataclass
class _Call:
    """A tool_use waiting for its tool_result."""

    agent: str
    tool: str
    shell: Shell | None = None
    sub: str | None = None  # the sub-agent a Task call started


class ClaudeCodeAdapter(Adapter):
    name = "claude-code"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.fallback = session_from_path(path)
        self.counted: Recent = Recent(512)  # (message id, request id) -> tokens
        self.calls: Recent = Recent(1024)  # tool_use id -> _Call
        self.tasks: Recent = Recent(256)  # hash of a Task prompt -> sub-agent name
        self.sidechain: Recent = Recent(4096)  # uuid of a sidechain line -> agent

    def handle(self, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if kind not in ("user", "assistant", "system"):
            return
        self.ts = ts_of(record.get("timestamp"))
        session = as_str(record.get("sessionId")) or self.fallback
        agent = self._who(record, session)
        message = as_dict(record.get("message"))
        if kind == "assistant":
            self._assistant(record, message, agent, session)
        elif kind == "user":
            self._user(record, message.get("content"), agent, session)
        elif record.get("subtype") == "compact_boundary":
            self.message(agent, "context compacted")

    # Who wrote a line ----------------------------------------------------

    def _who(self, record: dict[str, Any], session: str) -> AgentState:
        main = f"claude:{session[:8]}"
        if record.get("isSidechain") is not True:
            return self.agent(main, session)
        agent_id = as_str(record.get("agentId"))
        if agent_id:
            return self.agent(f"{main}/agent-{agent_id}", session)
        parent = as_str(record.get("parentUuid"))
        name = self.sidechain.get(parent) if parent else None
        if name is None:
            prompt = _text_of(as_dict(record.get("message")).get("content"))
            name = self.tasks.pop(hash(prompt.strip()), None) or f"{main}/sidechain"
        uuid = as_str(record.get("uuid"))
        if uuid:
            self.sidechain[uuid] = name
        return self.agent(name, session)

    # Assistant lines -----------------------------------------------------

    def _assistant(
        self,
        record: dict[str, Any],
        message: dict[str, Any],
        agent: AgentState,
        session: str,
    ) -> None:
        tokens = self._usage(record, message)
        content = message.get("content")
        blocks = (
            [{"type": "text", "text": content}] if type(content) is str else content
        )
        synthetic = message.get("model") == "<synthetic>" or bool(
            record.get("isApiErrorMessage")
        )
        main = record.get("isSidechain") is not True
        for block in as_list(blocks):
            if self._block(as_dict(block), agent, session, tokens, synthetic, main):
                tokens = 0
        self.spend(agent, tokens, "response")

    def _block(
        self,
        block: dict[str, Any],
        agent: AgentState,
        session: str,
        tokens: int,
        synthetic: bool,
        main: bool,
    ) -> bool:
        """Emit one content block's events; True if it carried the tokens."""
        kind = block.get("type")
        if kind == "text":
            text = as_str(block.get("text")) or ""
            if synthetic:
                self.message(agent, text)
                return False
            self.phase(agent, "orient", first_line(text) or "text", tokens)
            if main:
                self.turn_answer(agent, session, text)
            return True
        if kind in ("thinking", "redacted_thinking"):
            thought = as_str(block.get("thinking")) or ""
            self.phase(agent, "orient", first_line(thought) or "thinking", tokens)
            return True
        if kind == "tool_use":
            self._tool_use(block, agent, session, tokens)
            return True
        return False

    def _tool_use(
        self, block: dict[str, Any], agent: AgentState, session: str, tokens: int
    ) -> None:
        tool = as_str(block.get("name")) or "tool"
        args = as_dict(block.get("input"))
        call = _Call(agent.name, tool)
        if tool == "TodoWrite":
            todos = [as_dict(t) for t in as_list(args.get("todos"))]
            items = [
                (as_str(t.get("content")) or "", as_str(t.get("status")) or "")
                for t in todos
            ]
            self.plan(agent, items, tool, tokens)
        elif tool in DELEGATION:
            label = as_str(args.get("description")) or as_str(args.get("subagent_type"))
            call.sub = self._delegate(
                label or "task", as_str(args.get("prompt")), session
            )
            self.phase(agent, "decide", f"{tool}: {label or 'sub-agent'}", tokens)
        elif tool == "Bash":
            call.shell = classify(args.get("command"))
            self.phase(agent, call.shell.phase, f"Bash: {call.shell.text}", tokens)
        else:
            self.phase(
                agent, tool_phase(tool, TOOL_PHASES), _step_note(tool, args), tokens
            )
        tool_id = as_str(block.get("id"))
        if tool_id:
            self.calls[tool_id] = call

    def _delegate(self, label: str, prompt: str | None, session: str) -> str:
        """Name the sub-agent a Task call starts, and remember its prompt so
        that an inline sidechain starting with that prompt is matched to it."""
        name = f"claude:{session[:8]}/Task:{clip(label, 60)}"
        taken = set(self.agents) | set(self.tasks.values())
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name} #{n}"
        if prompt:
            self.tasks[hash(prompt.strip())] = unique
        return unique

    def _usage(self, record: dict[str, Any], message: dict[str, Any]) -> int:
        """Tokens of this line's API call not counted yet."""
        usage = as_dict(message.get("usage"))
        total = sum(as_int(usage.get(key)) or 0 for key in USAGE_KEYS)
        key = (as_str(message.get("id")), as_str(record.get("requestId")))
        if key == (None, None):
            return total
        counted = self.counted.get(key, 0)
        if total <= counted:
            return 0
        self.counted[key] = total
        return total - counted

    # User lines ----------------------------------------------------------

    def _user(
        self, record: dict[str, Any], content: object, agent: AgentState, session: str
    ) -> None:
        texts = []
        for block in as_list(content):
            block = as_dict(block)
            if block.get("type") == "tool_result":
                self._tool_result(block, record, agent, session)
            elif block.get("type") == "text":
                texts.append(as_str(block.get("text")) or "")
        text = content if type(content) is str else "\n".join(texts)
        if (
            text.strip()
            and not record.get("isMeta")
            and not record.get("isCompactSummary")
        ):
            self._prompt(agent, text)

    def _prompt(self, agent: AgentState, text: str) -> None:
        if text.startswith(NOT_PROMPTS):
            return
        if text.startswith("[Request interrupted"):
            self.message(agent, text)
            return
        command = _COMMAND.search(text)
        if command:
            args = _COMMAND_ARGS.search(text)
            text = f"{command.group(1)} {args.group(1) if args else ''}".strip()
        self.new_turn(agent)
        self.message(agent, text)

    def _tool_result(
        self,
        block: dict[str, Any],
        record: dict[str, Any],
        agent: AgentState,
        session: str,
    ) -> None:
        tool_id = as_str(block.get("tool_use_id")) or ""
        call = self.calls.pop(tool_id, None)
        owner = self.agents.get(call.agent, agent) if call else agent
        text = _text_of(block.get("content"))
        is_error = block.get("is_error") is True
        tool = call.tool if call else "tool"
        self.phase(owner, "observe", result_note(tool, is_error, text))
        if call is None:
            return
        details = record.get("toolUseResult")
        if call.shell is not None:
            output = _shell_output(details, text)
            code = exit_code_in(text) if is_error else None
            ended = Ended(output, code, is_error)
            self.shell_result(owner, session, call.shell, ended)
        elif call.sub is not None:
            sub = self._sub_agent(call.sub, as_dict(details), session)
            tokens = as_int(as_dict(details).get("totalTokens")) or sub.spent
            cid = f"{session[:8]}:{tool_id}"
            self.candidate(sub, cid, text, tokens_delta=tokens)
            status = as_str(as_dict(details).get("status"))
            self.emit("end", sub, status=status or status_word(is_error))

    def _sub_agent(
        self, name: str, details: dict[str, Any], session: str
    ) -> AgentState:
        """The agent a Task call ran: named by its `agentId` when the result
        gives one (2.x, whose sidechain lives in agent-<id>.jsonl)."""
        agent_id = as_str(details.get("agentId"))
        if agent_id:
            name = f"claude:{session[:8]}/agent-{agent_id}"
        return self.agent(name, session)


def _text_of(content: object) -> str:
    """Text of a message or tool_result content: a string, or blocks of
    which only text is kept (images and other payloads become a marker)."""
    if type(content) is str:
        return content
    parts = []
    for block in as_list(content):
        block = as_dict(block)
        if block.get("type") == "text":
            parts.append(as_str(block.get("text")) or "")
        elif block.get("type") == "image":
            parts.append("[image]")
    return "\n".join(parts)


def _shell_output(details: object, text: str) -> str:
    details = as_dict(details)
    out = [as_str(details.get(k)) or "" for k in ("stdout", "stderr")]
    return "\n".join(o for o in out if o) or text


def _step_note(tool: str, args: dict[str, Any]) -> str:
    for key in DETAIL_KEYS:
        value = as_str(args.get(key))
        if value:
            return f"{tool}: {first_line(value)}"
    return tool
