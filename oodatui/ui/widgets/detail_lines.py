"""The agent detail pane's lines, as plain `Text`s laid out for one width.

Pure functions of the copied state, the time and the pane's width: the pane
caches what they return and draws it line by line. Tables are laid out here
rather than by Rich's `Table`, whose measuring and rendering cost more than
the rest of a frame: every column but the last is as wide as its widest cell,
two spaces apart, and the last takes the room left, cut with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.style import Style
from rich.text import Text

from oodatui.safe import one_line
from oodatui.ui import cells
from oodatui.ui.view import AgentDetail

__all__ = ["RECENT_SHOWN", "detail_lines", "table_lines"]

RECENT_SHOWN = 40
"""Recent events listed, newest first."""

GAP = "  "
"""Between two columns of a table."""

StyleOf = Callable[[str], Style]
"""A component class name (`detail--dim`) to its cell style."""


def detail_lines(
    detail: AgentDetail, now: float, width: int, style: StyleOf, console: Console
) -> list[Text]:
    """Every line of `detail` as of `now`: the head, the phase strip, the
    checkpoints and the recent events, a blank line after each part."""
    width = max(1, width)  # a pane not laid out yet has no width
    lines = list(head(detail, style).wrap(console, width))
    lines += [Text(), phase_strip(detail, width, style), Text()]
    lines += checkpoints(detail, now, width, style)
    lines.append(Text())
    lines += recent(detail, now, width, style)
    lines.append(Text())
    return lines


def head(detail: AgentDetail, style: StyleOf) -> Text:
    """Who the agent is, and its figures, on two lines (wrapped when narrow)."""
    row = detail.row
    dim = style("detail--dim")
    text = Text()
    text.append(one_line(row.agent, 80), "bold")
    if row.run:
        text.append(f" · run {one_line(row.run, 40)}", dim)
    if row.status:
        text.append(f" · {one_line(row.status, 20)}", dim)
    text.append("\n")
    figures = [
        row.phase or "no phase yet",
        f"{row.loops} loops",
        f"{detail.passed}✓ {detail.failed}✗ of {detail.checkpoint_count} checks",
        f"{cells.compact(row.tokens)} tokens",
    ]
    text.append(" · ".join(figures), dim)
    return text


def phase_strip(detail: AgentDetail, width: int, style: StyleOf) -> Text:
    """The latest phases as letters, as many as fit, newest on the right."""
    room = max(8, width - len("phases  ◂now") - 1)
    phases = detail.phases[-room:]
    strip = Text("phases ", style("detail--label"))
    for phase, _ts in phases:
        known = phase if phase in cells.PHASE_LETTERS else "none"
        strip.append(cells.phase_letter(phase), style(f"detail--phase-{known}"))
    if not phases:
        strip.append("none yet", style("detail--dim"))
    else:
        strip.append(" ◂now", style("detail--dim"))
    return strip


def checkpoints(
    detail: AgentDetail, now: float, width: int, style: StyleOf
) -> list[Text]:
    if not detail.checkpoints:
        return [Text.styled("checkpoints: none yet", style("detail--dim"))]
    rows = [
        [
            Text(cells.duration(now - point.ts)),
            Text.styled(
                cells.outcome(point.ok),
                style(f"detail--{cells.outcome_name(point.ok)}"),
            ),
            Text(cells.tests(point.tests)),
            Text(cells.compact(point.tokens)),
            Text(one_line(point.commit or "", 10)),
            Text(one_line(point.note or "", 200)),
        ]
        for point in reversed(detail.checkpoints)
    ]
    title = Text.styled("checkpoints", style("detail--label"))
    headers = ("ago", "", "tests", "tokens", "commit", "note")
    return table_lines(title, headers, rows, width)


def recent(detail: AgentDetail, now: float, width: int, style: StyleOf) -> list[Text]:
    if not detail.recent:
        return [Text()]
    shown = list(reversed(detail.recent))[:RECENT_SHOWN]
    rows = [
        [
            Text(cells.duration(now - event.ts)),
            Text(one_line(event.kind, 12)),
            Text(one_line(event.text, 300)),
        ]
        for event in shown
    ]
    title = Text.styled("recent events", style("detail--label"))
    return table_lines(title, ("ago", "event", "note"), rows, width)


def table_lines(
    title: Text, headers: Sequence[str], rows: list[list[Text]], width: int
) -> list[Text]:
    """A title, a bold header and the rows, each line `width` cells wide.
    The cells are cut and padded in place."""
    sizes = [
        max([len(header), *(row[n].cell_len for row in rows)])
        for n, header in enumerate(headers[:-1])
    ]
    sizes.append(max(0, width - sum(sizes) - len(GAP) * len(sizes)))
    lines = [_fit(title, width)]
    lines.append(_row([Text(h) for h in headers], sizes, Style(bold=True)))
    lines += [_row(row, sizes) for row in rows]
    return lines


def _row(row: list[Text], sizes: list[int], style: Style | None = None) -> Text:
    line = Text(GAP).join(
        _fit(cell, size) for cell, size in zip(row, sizes, strict=True)
    )
    if style is not None:
        line.stylize_before(style)
    return line


def _fit(cell: Text, size: int) -> Text:
    cell.truncate(size, overflow="ellipsis", pad=True)
    return cell
