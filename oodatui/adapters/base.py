"""What every adapter shares: the `Adapter` base and how it builds events.

An adapter reads one foreign log file, one parsed JSON value at a time, and
answers with format-v1 event dicts. It keeps just enough state to do that
incrementally (which API calls it has already counted, which tool calls are
waiting for their result), so following a file live and reading it at once
give the same events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from oodatui.adapters.shell import Ended, Shell, commit_info, outcome, test_counts
from oodatui.adapters.values import ANSWER_MAX, Event, clip, first_line

# The adapter base ----------------------------------------------------------


@dataclass
class AgentState:
    """What an adapter tracks per agent to fill in derived fields."""

    name: str
    run: str
    phase: str | None = None
    spent: int = 0  # tokens emitted for this agent so far
    turn_mark: int = 0  # `spent` when the current turn began
    commit_mark: int = 0  # `spent` at its last commit
    turn: int = 0
    plan: dict[str, str] = field(default_factory=dict)
    tests: dict[str, int] | None = None  # latest test counts this turn
    commit: str | None = None  # latest commit this turn


class Adapter:
    """Base of the per-format adapters; one instance follows one file.

    `feed` never raises: a value it cannot use gives no events. A record that
    trips over an unexpected shape is counted in `errors` (tests assert it
    stays 0 on real logs) and reading goes on.
    """

    name: ClassVar[str] = ""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors = 0
        self.agents: dict[str, AgentState] = {}
        self.ts: str | int | float | None = None
        self._out: list[Event] = []

    def feed(self, record: object) -> list[Event]:
        """Turn one parsed line of the file into zero or more v1 events."""
        if type(record) is not dict:
            return []
        self._out = []
        try:
            self.handle(record)
        except Exception:  # noqa: BLE001 - untrusted input must not stop reading
            self.errors += 1
        out, self._out = self._out, []
        return out

    def handle(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    # Building events --------------------------------------------------------

    def agent(self, name: str, run: str) -> AgentState:
        """The agent's state, announcing it with a `start` event when new."""
        state = self.agents.get(name)
        if state is None:
            state = self.agents[name] = AgentState(name, run)
            self.emit("start", state)
        return state

    def emit(self, kind: str, agent: AgentState, **fields: Any) -> Event:
        event: Event = {"type": kind, "agent": agent.name, "run": agent.run}
        if self.ts is not None:
            event["ts"] = self.ts
        event.update((k, v) for k, v in fields.items() if v is not None)
        tokens = fields.get("tokens")
        if tokens:
            agent.spent += tokens
        self._out.append(event)
        return event

    def phase(
        self, agent: AgentState, phase: str, note: str, tokens: int | None = None
    ) -> None:
        agent.phase = phase
        self.emit("phase", agent, phase=phase, note=clip(note), tokens=tokens or None)

    def spend(self, agent: AgentState, tokens: int, note: str) -> None:
        """Carry tokens on a repeat of the agent's current phase, which the
        fold does not count as a new entry (for usage reported on its own)."""
        if tokens > 0:
            self.phase(agent, agent.phase or "orient", note, tokens)

    def message(self, agent: AgentState, text: str) -> None:
        self.emit("message", agent, text=clip(text, ANSWER_MAX))

    def new_turn(self, agent: AgentState) -> None:
        agent.turn += 1
        agent.turn_mark = agent.spent
        agent.tests = None
        agent.commit = None

    def turn_answer(self, agent: AgentState, session: str, text: str) -> None:
        """The turn's candidate, re-sent with each new assistant text so that
        its final state is the turn's final answer (same id updates it)."""
        if not text.strip():
            return
        self.candidate(
            agent,
            f"{session[:8]}:turn{agent.turn}",
            text,
            tokens_delta=agent.spent - agent.turn_mark,
            tests=agent.tests,
            commit=agent.commit,
        )

    def candidate(self, agent: AgentState, cid: str, text: str, **fields: Any) -> None:
        self.emit(
            "candidate",
            agent,
            id=cid,
            summary=first_line(text),
            answer=clip(text, ANSWER_MAX),
            **fields,
        )

    def plan(
        self,
        agent: AgentState,
        items: list[tuple[str, str]],
        tool: str,
        tokens: int | None = None,
    ) -> None:
        """A to-do or plan update: a `decide` step, and a checkpoint for each
        item that has become completed since the agent's previous plan."""
        active = sum(status == "in_progress" for _, status in items)
        done = sum(status == "completed" for _, status in items)
        note = f"{tool}: {len(items)} items, {done} done, {active} in progress"
        self.phase(agent, "decide", note, tokens)
        before, agent.plan = agent.plan, dict(items)
        for text, status in items:
            if status == "completed" and before.get(text) != "completed":
                self.emit("checkpoint", agent, ok=True, note=clip(f"done: {text}"))

    def shell_result(
        self, agent: AgentState, session: str, shell: Shell, ended: Ended
    ) -> None:
        """Checkpoints for a finished shell command that ran tests or committed."""
        if shell.tests or shell.check:
            self._test_checkpoint(agent, shell, ended)
        if shell.commit:
            self._commit(agent, session, shell, ended)

    def _test_checkpoint(self, agent: AgentState, shell: Shell, ended: Ended) -> None:
        counts = test_counts(ended.output) if shell.tests else None
        ok = outcome(ended, counts)
        if counts:
            result = f"{counts['passed']} passed, {counts['failed']} failed"
        else:
            result = {True: "ok", False: "failed", None: "ran"}[ok]
        label = "tests" if shell.tests else "check"
        note = clip(f"{label}: {result} ({shell.text})")
        self.emit("checkpoint", agent, ok=ok, tests=counts, note=note)
        if counts:
            agent.tests = counts

    def _commit(
        self, agent: AgentState, session: str, shell: Shell, ended: Ended
    ) -> None:
        """A commit checkpoint; once the sha is known, also a candidate with
        the tokens spent since the agent's previous commit."""
        sha, subject = commit_info(ended.output)
        ok = bool(sha) or outcome(Ended("", ended.exit_code, ended.is_error), None)
        self.emit(
            "checkpoint",
            agent,
            ok=ok,
            commit=sha,
            note=clip(f"commit: {subject or shell.text}"),
        )
        if not sha:
            return
        agent.commit = sha
        self.candidate(
            agent,
            f"{session[:8]}:commit:{sha}",
            subject or shell.text,
            commit=sha,
            tests=agent.tests,
            tokens_delta=agent.spent - agent.commit_mark,
        )
        agent.commit_mark = agent.spent
