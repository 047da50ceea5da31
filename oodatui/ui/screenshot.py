"""Render the dashboard to an SVG file, headless, for the README.

    python -m oodatui.ui.screenshot .github/screenshot.svg

The picture is of the demo's `swarm` sample run, stopped three quarters of the
way through and seen a few seconds later, so it shows agents at work rather
than a finished run. The same input and clock give the same picture.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import orjson

from oodatui.demo.samples import make_samples
from oodatui.format import timestamp
from oodatui.ui.app import OodaApp

SIZE = (120, 40)
PART = 0.75
"""How far into the run the picture is taken."""


def cut_run(source: Path, target: Path) -> float:
    """Copy `source`'s logs into `target` up to `PART` of the run; return when."""
    logs = sorted(source.glob("*.jsonl"))
    stamps = [
        timestamp(orjson.loads(line)) or 0.0 for log in logs for line in _lines(log)
    ]
    start, end = min(stamps), max(stamps)
    cutoff = start + (end - start) * PART
    for log in logs:
        kept = [line for line in _lines(log) if _when(line) <= cutoff]
        (target / log.name).write_bytes(b"".join(line + b"\n" for line in kept))
    return cutoff


def _when(line: bytes) -> float:
    return timestamp(orjson.loads(line)) or 0.0


def _lines(log: Path) -> list[bytes]:
    return [line for line in log.read_bytes().split(b"\n") if line.strip()]


async def render(folder: Path, now: float, out: Path) -> None:
    app = OodaApp(
        [str(folder)],
        voter="dana",
        votes_file=str(folder / "votes.jsonl"),
        clock=lambda: now,
        follow=False,
    )
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.loaded:
                break
        await pilot.press("1")
        await pilot.pause(0.3)
        app.save_screenshot(filename=out.name, path=str(out.parent))


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else ".github/screenshot.svg").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as made, tempfile.TemporaryDirectory() as cut:
        make_samples(Path(made))
        now = cut_run(Path(made) / "swarm", Path(cut)) + 3.0
        asyncio.run(render(Path(cut), now, out))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
