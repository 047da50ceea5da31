"""What one benchmark run shares between its figures: sizes, logs, results.

Synthetic logs are written once, on first use, into the run's temporary
folder; results that several figures need (the raw loop, a cold read) are
measured once and reused, so every ratio compares figures of the same run.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oodatui.bench import child
from oodatui.bench.synth import write_log

__all__ = ["Bench"]


@dataclass
class Bench:
    """One run's sizes, temporary folder and measured results."""

    lines: int
    quick: bool
    folder: Path
    log_sizes: dict[int, int] = field(default_factory=dict)
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def repeats(self) -> int:
        """How often a short measurement is repeated to find its typical value."""
        return 3 if self.quick else 10

    def log(self, lines: int | None = None) -> Path:
        """The synthetic log of `lines` lines (default: the run's size)."""
        lines = lines or self.lines
        path = self.folder / f"swarm-{lines}.jsonl"
        if lines not in self.log_sizes:
            self.log_sizes[lines] = write_log(path, lines)
        return path

    def measured(
        self, kind: str, timeout: float = 600.0, again: int = 0, **args: Any
    ) -> dict[str, Any]:
        """Run a probe in a child once per run; later calls reuse its result.

        `again` numbers repeated measurements with the same `args`. Each
        child works in an empty folder of its own, so a dashboard's default
        votes file (in the working folder) is watched alone. A `spawned`
        argument (a start time) does not make a measurement new.
        """
        same = {k: v for k, v in args.items() if k != "spawned"}
        key = f"{kind}#{again}" + repr(sorted(same.items()))
        if key not in self.cache:
            cwd = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=self.folder))
            self.cache[key] = child.run(kind, os.fspath(cwd), timeout, **args)
        return self.cache[key]
