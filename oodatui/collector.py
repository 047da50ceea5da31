"""The cyclic garbage collector around a read.

Folding makes a container or two per line and keeps few of them, while the
state it keeps grows: the collector's passes over all of it, every few hundred
lines, would cost a tenth of a cold read. `paused` holds it off until the read
is over. A read that left many objects behind (the state of a big log, which
lives as long as its reader) moves them out of the collector's sight, as a
server does with what it built at start-up: else the next pass would walk them
all once more, for nothing. The state holds no reference cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused", "LASTING"]

LASTING = 100_000
"""Objects left by one read above which they are frozen."""


@contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs; see the module's docstring."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > LASTING:
            gc.freeze()
        gc.enable()
