"""Agent-written text reaches the screen as inert, visible characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from textual.strip import Strip
from ui_sample import FIXED
from ui_support import MakeApp, screen_text, settle

HOSTILE = (
    "[bold]loud[/bold] [@click=app.quit]click me[/] "
    "\x1b[2J\x1b]52;c;ZXZpbA==\x07 \u202eevil\u202c [link=https://x]y[/link]"
)
"""Markup, an action link, clear-screen, an OSC 52 clipboard write, and a
right-to-left override: none of it may act."""


def hostile_log(path: Path) -> Path:
    base = FIXED - 60
    events: list[dict[str, Any]] = [
        {
            "type": "phase",
            "ts": base,
            "agent": HOSTILE,
            "run": "[red]r",
            "phase": "act",
            "note": HOSTILE,
        },
        {
            "type": "checkpoint",
            "ts": base + 1,
            "agent": HOSTILE,
            "run": "[red]r",
            "ok": True,
            "note": HOSTILE,
            "commit": HOSTILE,
        },
        {
            "type": "message",
            "ts": base + 2,
            "agent": HOSTILE,
            "run": "[red]r",
            "text": HOSTILE,
        },
        {"type": "phase", "ts": base + 2, "agent": "plain", "phase": "observe"},
        {
            "type": "candidate",
            "ts": base + 3,
            "agent": HOSTILE,
            "run": "[red]r",
            "id": "[b]c1",
            "summary": HOSTILE,
            "answer": HOSTILE,
            "commit": HOSTILE,
        },
        {
            "type": "vote",
            "ts": base + 4,
            "candidate": "[b]c1",
            "verdict": "veto",
            "voter": HOSTILE,
            "reason": HOSTILE,
            "vote_id": "v",
        },
    ]
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    return path


def segments(app: Any) -> list[Any]:
    """Every segment the compositor would send to the terminal."""
    found = []
    for line in app.screen._compositor.render_update(full=True).strips:
        for strip in line:
            assert isinstance(strip, Strip)
            found.extend(strip)
    assert len(found) > 100, "the screen was not rendered"
    return found


def assert_inert(app: Any) -> str:
    text = screen_text(app)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "[@click=app.quit]" in text or "[@click=app.qu" in text
    assert "␛[2J" in text
    for segment in segments(app):
        style = segment.style
        if style is None:
            continue
        assert "@click" not in (style.meta or {}), segment.text
        assert style.link is None, segment.text
    return text


async def test_markup_and_escapes_in_agent_text_are_shown_literally(
    make_app: MakeApp, tmp_path: Path
) -> None:
    log = hostile_log(tmp_path / "hostile.jsonl")
    app = make_app(log, voter=HOSTILE)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        text = assert_inert(app)
        assert "[bold]loud[/bold]" in text
        assert "⟨U+202E⟩" in text
        assert "[b]c1" in text

        await pilot.press("1", "enter")
        await settle(pilot)
        await pilot.pause(0.3)
        text = assert_inert(app)
        assert "[@click=app.quit]click me[/]" in text

        await pilot.click("#cand-body", offset=(20, 2))
        await pilot.pause()
        assert app.is_running, "no text may quit the app"
