"""Waiting for the app and reading its screen, for the dashboard's tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.pilot import Pilot

from oodatui.ui.app import OodaApp

MakeApp = Callable[..., OodaApp]


async def settle(pilot: Pilot[Any], timeout: float = 5.0) -> None:
    """Wait until the app has read its logs and drawn the latest state."""
    app = pilot.app
    assert isinstance(app, OodaApp)
    for _ in range(int(timeout / 0.02)):
        await pilot.pause(0.02)
        view = app.view
        drawn = view is not None and view.version == app.reader.state.version
        if app.loaded and drawn and not app.pacer.forced:
            break
    await pilot.pause()


async def until(
    pilot: Pilot[Any], test: Callable[[], object], timeout: float = 5.0
) -> None:
    """Wait until `test()` is true, failing after `timeout` seconds."""
    for _ in range(int(timeout / 0.02)):
        if test():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out waiting for the app")


def screen_text(app: OodaApp) -> str:
    """The screen as plain text, the way a person would read it."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    )
    console.print(update)
    return console.export_text()
