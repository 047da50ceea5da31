"""Driving the dashboard headless: opening it, pressing keys, running a swarm.

Keys are delivered the way a terminal driver delivers them: from another
thread, through the driver's `process_message`, onto the app's loop. The time
of a keypress is taken in that thread just before it is handed over.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson

from oodatui.bench.child import child_env
from oodatui.bench.writer import HISTORY_IDS, seed_history

__all__ = [
    "SIZE",
    "open_dashboard",
    "press",
    "running",
    "Swarm",
    "make_swarm_folder",
    "wait_for_history",
]

SIZE = (120, 40)
"""The terminal size every dashboard figure is measured at."""

CLOSING = 30.0
"""Seconds an app may take to close before the probe reports it and moves on."""

HISTORY_TOP = HISTORY_IDS[-1]
"""The newest candidate of a seeded folder, first under `recent` once read."""


@asynccontextmanager
async def running(app: Any, errors: list[str], **options: Any) -> AsyncIterator[Any]:
    """`app.run_test` at `SIZE`; an error the app raises while closing is
    noted in `errors` rather than thrown away with what was measured."""
    context = app.run_test(size=SIZE, **options)
    pilot = await context.__aenter__()
    try:
        yield pilot
    finally:
        try:
            async with asyncio.timeout(CLOSING):
                await context.__aexit__(None, None, None)
        except TimeoutError:
            errors.append(f"the app did not close within {CLOSING:.0f} s")
        except Exception as exc:  # noqa: BLE001 - reported with the figures
            errors.append(f"{type(exc).__name__}: {exc}"[:300])


def open_dashboard(paths: list[str], **options: Any) -> Any:
    """The app as `oodatui PATH...` opens it, ranking by `recent`."""
    from oodatui.ui.app import OodaApp

    options.setdefault("voter", "bench")
    return OodaApp(paths, policy="recent", top=5, **options)


async def press(app: Any, key: str) -> float:
    """Press `key` as a terminal would; return when it was handed over."""

    from textual import events

    def send() -> float:
        at = time.monotonic()
        app._driver.process_message(events.Key(key, key))
        return at

    return await asyncio.to_thread(send)


def make_swarm_folder(folder: str | os.PathLike[str], lines: int = 3200) -> Path:
    """A folder of 16 agent logs with a short past, ready to be followed."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    seed_history(str(path), lines)
    return path


async def wait_for_history(watch: Any, timeout: float = 30.0) -> None:
    """Wait until the seeded past is on screen (`watch` is the app's
    `FrameWatch`), then let the app settle."""
    seen = await watch.wait(watch.expect(HISTORY_TOP), timeout)
    if seen == float("inf"):
        raise RuntimeError("the dashboard never showed the seeded candidates")
    await asyncio.sleep(0.2)


class Swarm:
    """A writer process (`oodatui.bench.writer`) appending to a folder."""

    def __init__(self, folder: str | os.PathLike[str], rate: float, seconds: float):
        self.args = [os.fspath(folder), "--rate", str(rate), "--duration", str(seconds)]
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, mark_every: float = 0.0) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "oodatui.bench.writer",
            *self.args,
            "--mark-every",
            str(mark_every),
            stdout=asyncio.subprocess.PIPE,
            env=child_env(),
        )

    def stop(self) -> None:
        """Ask the writer to finish early; it still reports what it wrote."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()

    async def result(self) -> dict[str, Any]:
        """Wait for the writer to finish; its lines, rate and markers."""
        assert self.process is not None
        out, _ = await self.process.communicate()
        if self.process.returncode != 0:
            raise RuntimeError(f"writer exited {self.process.returncode}")
        return dict(orjson.loads(out.strip().splitlines()[-1]))
