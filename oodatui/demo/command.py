"""`oodatui demo`: a simulated swarm writing live run logs, in the dashboard.

Without `--headless` it starts the agents, opens the dashboard on their folder
and stops them when the dashboard closes. With `--headless` it only lets them
write, for `--duration` seconds or until Ctrl+C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from oodatui.cli import add_view_options, view_kwargs
from oodatui.demo.swarm import Swarm

__all__ = ["demo_command"]

MAX_AGENTS = 64


def demo_command(argv: list[str]) -> int:
    """Run `oodatui demo`; the exit status is 0 unless something went wrong."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.duration is not None and not args.headless:
        parser.error("--duration needs --headless")
    if args.make_samples:
        return _make_samples(Path(args.make_samples))
    folder = _folder(args.dir)
    if folder is None:
        return 2
    if args.headless:
        return _headless(args, folder)
    return _dashboard(args, folder)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oodatui demo",
        description="A simulated swarm of agents, each a process writing its own "
        "run log, followed live in the dashboard. The agents react to your votes: "
        "veto a candidate and its agent drops it.",
    )
    parser.add_argument(
        "--agents",
        type=_agents,
        default=6,
        metavar="N",
        help="agents, each a process with its own log (default: 6)",
    )
    parser.add_argument(
        "--rate",
        type=_rate,
        default=8.0,
        metavar="EVENTS_PER_S",
        help="lines per second, all agents together (default: 8)",
    )
    parser.add_argument(
        "--dir", metavar="DIR", help="folder for the logs (default: a new temp folder)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="the same seed tells the same story (default: 1)",
    )
    parser.add_argument(
        "--headless", action="store_true", help="write the logs only, no dashboard"
    )
    parser.add_argument(
        "--duration",
        type=_rate,
        metavar="S",
        help="with --headless: stop after S seconds (default: at Ctrl+C)",
    )
    parser.add_argument(
        "--make-samples",
        metavar="DIR",
        help="write the finished sample runs into DIR (as in sample_runs/) and exit",
    )
    add_view_options(parser)
    return parser


def _folder(given: str | None) -> Path | None:
    """The folder to write in: new, or empty of run logs (never overwritten)."""
    if given is None:
        return Path(tempfile.mkdtemp(prefix="oodatui-demo-"))
    folder = Path(given)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        taken = any(folder.glob("*.jsonl"))
    except OSError as exc:
        print(f"oodatui demo: cannot use {folder}: {exc.strerror}", file=sys.stderr)
        return None
    if taken:
        print(
            f"oodatui demo: {folder} already holds run logs; "
            "choose a new or empty folder",
            file=sys.stderr,
        )
        return None
    return folder


def _swarm(args: argparse.Namespace, folder: Path, **kwargs: Any) -> Swarm:
    return Swarm(folder, args.agents, args.rate, args.seed, **kwargs)


# Headless ---------------------------------------------------------------


def _headless(args: argparse.Namespace, folder: Path) -> int:
    print(f"oodatui demo: {args.agents} agents writing to {folder}", file=sys.stderr)
    interrupted = False
    swarm = _swarm(args, folder)
    with _terminate_as_interrupt(), swarm:
        try:
            _wait(swarm, args.duration)
        except KeyboardInterrupt:
            interrupted = True
    print(folder)
    if _report(swarm):
        return 1
    return 130 if interrupted else 0


def _wait(swarm: Swarm, duration: float | None) -> None:
    """Let the agents write for `duration` seconds, counted from their start."""
    swarm.wait_started()
    end = time.monotonic() + (duration if duration is not None else float("inf"))
    while swarm.running() and time.monotonic() < end:
        time.sleep(min(0.1, max(end - time.monotonic(), 0)))


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Let SIGTERM stop the agents the way Ctrl+C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report(swarm: Swarm, where: str = "") -> bool:
    problems = swarm.failures()
    for problem in problems:
        print(f"oodatui demo: {problem}{where}", file=sys.stderr)
    return bool(problems)


# Dashboard --------------------------------------------------------------


def _dashboard(args: argparse.Namespace, folder: Path) -> int:
    from oodatui.follow import NotFollowable

    try:
        from oodatui.ui.app import OodaApp

        app = OodaApp([str(folder)], **view_kwargs(args))
    except (NotFollowable, ValueError, ImportError) as exc:
        if args.dir is None:
            folder.rmdir()  # the new temp folder, still empty
        hint = "; try --headless" if isinstance(exc, ImportError) else ""
        print(f"oodatui demo: {exc}{hint}", file=sys.stderr)
        return 2

    print(f"oodatui demo: {args.agents} agents writing to {folder}")
    errors = folder / "demo-agents.log"
    try:
        with open(errors, "ab") as stderr:
            swarm = _swarm(args, folder, stderr=stderr)
            with swarm:
                app.run()
    finally:
        print(f"oodatui demo: run logs kept in {folder}")
        if errors.exists() and errors.stat().st_size == 0:
            errors.unlink()
    failed = _report(swarm, f" (see {errors})")
    return app.return_code or int(failed)


# Samples ----------------------------------------------------------------


def _make_samples(root: Path) -> int:
    from oodatui.demo.samples import make_samples

    try:
        written = make_samples(root)
    except (OSError, RuntimeError) as exc:
        print(f"oodatui demo: samples not made: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def _agents(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_AGENTS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_AGENTS}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value
