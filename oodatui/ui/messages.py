"""The dashboard's messages, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from oodatui.ui.votes import VoteRequest

__all__ = [
    "AgentHighlighted",
    "CandidateHighlighted",
    "FirstReadDone",
    "LinesRead",
    "ReaderStopped",
    "VoteFailed",
    "VoteWritten",
]


@dataclass
class FirstReadDone(Message):
    """Every file has been read to its end once: the state is complete."""


@dataclass
class LinesRead(Message):
    """The reader folded new lines into the state; several in a row are one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LinesRead)


@dataclass
class ReaderStopped(Message):
    """The reader thread ended; `error` says why when it was not asked to."""

    error: str | None = None


@dataclass
class VoteWritten(Message):
    """A vote line is on disk; it counts once the reader reads it back."""

    request: VoteRequest
    line: dict[str, Any]


@dataclass
class VoteFailed(Message):
    """A vote line could not be written; nothing was appended."""

    request: VoteRequest
    reason: str


@dataclass
class AgentHighlighted(Message):
    """The agents table's cursor moved to another agent."""

    key: tuple[str, str] | None


@dataclass
class CandidateHighlighted(Message):
    """The candidates table's cursor moved to another candidate."""

    candidate: str | None
