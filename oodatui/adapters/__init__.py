"""Adapters from other agent tools' logs to format v1 (filled in below)."""

from typing import Any, Protocol

FORMATS: tuple[str, ...] = ()


class Adapter(Protocol):
    def feed(self, record: object) -> list[dict[str, Any]]: ...


def detect(first: dict[str, Any]) -> str | None:
    return None


def make_adapter(name: str, path: str) -> Adapter:
    raise ValueError(f"unknown format {name!r}")
