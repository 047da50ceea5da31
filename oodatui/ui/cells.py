"""How figures read in a cell: durations, counts, outcomes, sparklines.

Every function returns plain text; widgets add the styles. Each symbol has a
meaning without colour (a letter, a tick, a bar height), so the dashboard
reads the same in any theme and for colour-blind people.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "PHASE_LETTERS",
    "OUTCOME_NAMES",
    "duration",
    "compact",
    "signed",
    "percent",
    "tempo",
    "tests",
    "outcome",
    "outcome_name",
    "spark",
    "phase_letter",
]

PHASE_LETTERS = {"observe": "O", "orient": "R", "decide": "D", "act": "A"}
"""One letter per phase; `orient` takes R so that it differs from `observe`."""

OUTCOME_NAMES = {True: "ok", False: "fail", None: "unknown"}

_SPARK = {True: "▇", False: "▁", None: "▄"}


def phase_letter(phase: str | None) -> str:
    return PHASE_LETTERS.get(phase or "", "·")


def duration(seconds: float | None) -> str:
    """A short human duration: `42s`, `3m05s`, `2h10m`, `4d03h`, `120d`, `3.1y`."""
    if seconds is None:
        return "–"
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    if days < 100:
        return f"{days}d{hours:02d}h"
    return f"{days}d" if days < 1000 else f"{days / 365.25:.1f}y"


def compact(value: int | float | None) -> str:
    """A count in at most five characters: `812`, `12.4k`, `107k`, `3.1M`."""
    if value is None:
        return "–"
    size = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            digits = 0 if size >= 100 * limit else 1
            return f"{value / limit:.{digits}f}{suffix}"
    return f"{value:.0f}" if isinstance(value, float) else str(value)


def signed(value: int | None) -> str:
    return "–" if value is None else ("+" if value > 0 else "") + compact(value)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def tempo(per_minute: float | None) -> str:
    if per_minute is None:
        return "–"
    return f"{per_minute:.1f}" if per_minute < 10 else f"{per_minute:.0f}"


def tests(figures: tuple[int, int] | None) -> str:
    """Passed over total, as `12/13`."""
    if figures is None:
        return "–"
    passed, failed = figures
    return f"{passed}/{passed + failed}"


def outcome(ok: bool | None) -> str:
    return {True: "✓", False: "✗", None: "?"}[ok]


def outcome_name(ok: bool | None) -> str:
    return OUTCOME_NAMES[ok]


def spark(outcomes: Iterable[bool | None]) -> str:
    """One bar per checkpoint, its height the outcome: high passed, low
    failed, middle unknown."""
    return "".join(_SPARK[ok] for ok in outcomes)
