"""Snapshots of each screen on the sample run, with the clock frozen.

Update them with `pytest --snapshot-update tests/ui` and look at the report
before committing: each test's docstring says what the picture should show.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from ui_support import MakeApp, settle

THEMES = ("dark", "light", "high-contrast")


async def ready(pilot: Pilot[Any]) -> None:
    await settle(pilot)


def test_main_120x40(make_app: MakeApp, snap_compare: Any) -> None:
    """Seven agents with phase badges; `long-chain` flagged ⚠16 in the chain
    column; `quiet` and `flaky` flagged silent; `planner-old` ended; the
    detail of `flaky` on the right with six ✗ checkpoints; five candidates
    by recent; the status line says live, 95 events and 2 bad lines."""
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=ready)


def test_main_80x24(make_app: MakeApp, snap_compare: Any) -> None:
    """The same run stacked: agents, a short agent pane, all five candidates,
    the status line and the footer, nothing cut but the extra columns."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ready)


def test_main_200x60(make_app: MakeApp, snap_compare: Any) -> None:
    """Wide: every agent column including tokens, the candidates' summaries."""
    assert snap_compare(make_app(), terminal_size=(200, 60), run_before=ready)


@pytest.mark.parametrize("theme", THEMES)
def test_themes(make_app: MakeApp, snap_compare: Any, theme: str) -> None:
    """The main screen in each shipped theme; phase badges keep their letters."""
    app = make_app(theme_name=theme)
    assert snap_compare(app, terminal_size=(120, 40), run_before=ready)


def test_candidate_detail(make_app: MakeApp, snap_compare: Any) -> None:
    """Candidate c2 opened with `5` and `enter`: facts, summary, the answer's
    two lines, and the verdicts of alice and bob with alice's reason."""
    assert snap_compare(
        make_app(), terminal_size=(120, 40), run_before=ready, press=["5", "enter"]
    )


def test_pending_vote(make_app: MakeApp, snap_compare: Any) -> None:
    """After `a` on the top candidate (reading once, so never read back) its
    row shows `approve…` in the mine column."""
    assert snap_compare(
        make_app(), terminal_size=(120, 40), run_before=ready, press=["a"]
    )


def test_bad_lines(make_app: MakeApp, snap_compare: Any) -> None:
    """The files followed (run.jsonl live, the votes file waiting) and the
    two bad lines, newest first, as run.jsonl:21 and run.jsonl:11."""
    assert snap_compare(
        make_app(), terminal_size=(120, 40), run_before=ready, press=["b"]
    )


def test_help(make_app: MakeApp, snap_compare: Any) -> None:
    """Every key, in four sections."""
    assert snap_compare(
        make_app(), terminal_size=(120, 50), run_before=ready, press=["question_mark"]
    )


def test_filter(make_app: MakeApp, snap_compare: Any) -> None:
    """`/` then `sol`: only solver-1 and solver-2, the title names the filter."""
    assert snap_compare(
        make_app(),
        terminal_size=(120, 40),
        run_before=ready,
        press=["slash", "s", "o", "l"],
    )
