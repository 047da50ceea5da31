"""Seeing what a headless Textual app puts on its screen, frame by frame.

A Textual screen hands every compositor update (a frame: the changed parts of
the screen) to `App._display`, which a real terminal driver turns into escape
sequences and writes out. Headless, that last step is skipped. `FrameWatch`
wraps `_display` on one app instance: for every frame it still renders the
update to the terminal's escape sequences (so a headless frame costs what a
real one does), then reads the frame's plain text and notes the
`time.monotonic()` at which each awaited text first appeared.

A text "on screen" therefore means: inside a frame the app has finished and
would have written to the terminal at that moment. Only changed lines travel
in a frame, and a text is looked for when it appears, so a marker is seen in
the very frame that first draws it. This relies on `App._display` and the
compositor's update classes, private to Textual 8.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate

__all__ = ["FrameWatch", "frame_text"]


def frame_text(update: object) -> str:
    """The plain text of a frame, one screen line per text line."""
    if isinstance(update, LayoutUpdate):
        lines = ["".join(strip.text for strip in row) for row in update.strips]
    elif isinstance(update, ChopsUpdate):
        lines = [
            "".join(strip.text for strip in chop.values() if strip is not None)
            for chop in update.chops
        ]
    else:
        return ""
    return "\n".join(lines)


class FrameWatch:
    """Times when texts first appear in an app's frames."""

    def __init__(self, app: Any, pattern: str | None = None) -> None:
        """`pattern` (a regex) records the first frame of every match too."""
        self.app = app
        self.frames = 0
        self.first_at: float | None = None
        self.first_text = ""
        self.pattern = re.compile(pattern) if pattern else None
        self.seen: dict[str, float] = {}
        self._waiting: list[tuple[str, asyncio.Future[float]]] = []
        self._original = app._display
        app._display = self._display

    def _display(self, screen: Any, update: Any) -> None:
        self._original(screen, update)
        if not isinstance(update, CompositorUpdate):
            return
        update.render_segments(self.app.console)
        now = time.monotonic()
        text = frame_text(update)
        self.frames += 1
        if self.first_at is None and text.strip():
            self.first_at, self.first_text = now, text
        self._match(text, now)

    def _match(self, text: str, now: float) -> None:
        if self.pattern is not None:
            for found in self.pattern.findall(text):
                self.seen.setdefault(found, now)
        still = []
        for needle, future in self._waiting:
            if needle in text:
                if not future.done():
                    future.set_result(now)
            else:
                still.append((needle, future))
        self._waiting = still

    def expect(self, needle: str) -> asyncio.Future[float]:
        """A future set to the time of the first frame showing `needle`,
        counting from now: call it before the action that should show it."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((needle, future))
        return future

    async def wait(self, future: asyncio.Future[float], timeout: float) -> float:
        """The time `future` was set, or inf when it was not within `timeout`."""
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return float("inf")
