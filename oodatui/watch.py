"""Waking a reader when its files change: file-system events, or a timer.

Folders named by the user are watched recursively, since new logs may appear
anywhere below them. A file named on its own is watched through its folder,
so a replacement by rename is seen, but not recursively: following
`./votes.jsonl` must not watch every folder below the current one. Watching
needs two watchers then, one of each kind; each wakes the reader for what it
saw, and a timeout wakes it anyway now and then, in case an event was missed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oodatui.read import Reader

__all__ = ["follow", "targets"]

SAFETY_POLL_MS = 1000
"""Even with events, every file is checked at least this often."""


def follow(
    reader: Reader,
    stop: threading.Event,
    *,
    poll: bool = False,
    interval: float = 0.25,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Read until `stop` is set; see `Reader.follow`."""
    report = on_batch or (lambda count: None)
    report(reader.poll())
    folders, parents = targets(reader.follower.roots)
    if poll or not (folders or parents):
        while not stop.wait(interval):
            report(reader.poll())
        return

    helper = None
    if folders and parents:
        helper = threading.Thread(
            target=_watch,
            args=(reader, stop, parents, False, report),
            name="oodatui-watch-files",
            daemon=True,
        )
        helper.start()
    _watch(reader, stop, folders or parents, bool(folders), report)
    if helper is not None:
        helper.join()


def targets(roots: list[str]) -> tuple[list[str], list[str]]:
    """Folders to watch recursively, and the folders of lone files to watch
    without recursion (those not already below a watched folder)."""
    folders = sorted(r for r in roots if os.path.isdir(r))
    parents = set()
    for root in roots:
        if root in folders:
            continue
        parent = os.path.dirname(root)
        inside = any(_is_below(parent, folder) for folder in folders)
        if os.path.isdir(parent) and not inside:
            parents.add(parent)
    return folders, sorted(parents)


def _is_below(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _watch(
    reader: Reader,
    stop: threading.Event,
    dirs: list[str],
    recursive: bool,
    report: Callable[[int], None],
) -> None:
    from watchfiles import watch

    changes = watch(
        *dirs,
        stop_event=stop,
        recursive=recursive,
        debounce=40,
        step=10,
        rust_timeout=SAFETY_POLL_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    for changed in changes:
        paths = {path for _, path in changed} if changed else None
        if paths is not None and not paths.issubset(reader.sources):
            paths = None
        report(reader.poll(paths=paths))
        if stop.is_set():
            break
