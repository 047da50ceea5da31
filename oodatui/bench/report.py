"""Figures, and how they are shown: one JSON object and one rich table."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["Figure", "app_trouble", "skipped", "to_json", "print_table"]


@dataclass
class Figure:
    """One measured figure beside the baseline measured in the same run."""

    name: str
    """Stable key in the JSON output, e.g. `cold_read`."""
    label: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    """What the baseline is, e.g. `orjson.loads loop`."""
    baseline_unit: str = ""
    """When it differs from `unit`."""
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    """None when the figure has no target or was not measured."""
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("value", "baseline", "ratio"):
            number = data[key]
            if isinstance(number, float) and not math.isfinite(number):
                data[key] = None if math.isnan(number) else "inf"
        return data


def app_trouble(*runs: dict[str, Any]) -> str:
    """A note on errors the app raised while closing, if it raised any."""
    failed = [run["app_errors"][0] for run in runs if run.get("app_errors")]
    if not failed:
        return ""
    times = f" in {len(failed)} of {len(runs)} runs" if len(runs) > 1 else ""
    return f"; the app raised on closing{times}: {failed[0][:70]}"


def skipped(name: str, label: str, unit: str, why: str) -> Figure:
    return Figure(name, label, None, unit, note=f"skipped: {why}")


def to_json(figures: list[Figure], context: dict[str, Any]) -> dict[str, Any]:
    """The whole run: context (machine, sizes) and every figure by name."""
    return {**context, "figures": {f.name: f.as_dict() for f in figures}}


def _number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "never"
    if unit in ("events/s", "lines/s"):
        return f"{value:,.0f} {unit}"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def _verdict(passed: bool | None) -> Text:
    if passed is None:
        return Text("–", style="dim")
    return (
        Text("pass", style="bold green") if passed else Text("FAIL", style="bold red")
    )


def print_table(figures: list[Figure], console: Console, title: str) -> None:
    caption = "ratio: value ÷ baseline; for memory, growth ÷ log size; "
    caption += "for a peer, oodatui ÷ the peer"
    table = Table(title=title, title_justify="left", expand=False, caption=caption)
    for column in ("figure", "value", "baseline", "ratio", "target", "result"):
        table.add_column(column, justify="right" if column == "ratio" else "left")
    for fig in figures:
        baseline = _number(fig.baseline, fig.baseline_unit or fig.unit)
        if fig.baseline_label:
            baseline = f"{baseline} ({fig.baseline_label})"
        value = Text(_number(fig.value, fig.unit))
        if fig.note:
            value.append(f"\n{fig.note}", style="dim")
        ratio = "–" if fig.ratio is None else f"{fig.ratio:.2f}×"
        table.add_row(
            Text(fig.label),
            value,
            Text(baseline),
            ratio,
            fig.target,
            _verdict(fig.passed),
        )
    console.print(table)
