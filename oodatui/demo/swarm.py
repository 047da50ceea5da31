"""Starting and stopping the demo's agent processes, leaving none behind."""

from __future__ import annotations

import os
import signal
import site
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import oodatui
from oodatui.demo.roles import agent_name

__all__ = ["Swarm"]

GRACE = 3.0
"""Seconds agents get to write their end line before they are killed."""


class Swarm:
    """A set of agent processes, each writing `folder/<agent>.jsonl`.

    Use it as a context manager: leaving the block stops every agent, also on
    an exception or Ctrl+C. Agents stop on their own if this process dies.
    """

    def __init__(
        self,
        folder: Path,
        agents: int,
        rate: float,
        seed: int,
        *,
        extra: Sequence[str] = (),
        stderr: IO[bytes] | None = None,
    ) -> None:
        self.folder = folder
        self.agents = agents
        self.rate = rate
        """Lines per second for the whole swarm."""
        self.seed = seed
        self.extra = list(extra)
        self.stderr = stderr
        self.procs: list[subprocess.Popen[bytes]] = []
        self.killed: set[int] = set()
        self.stopping = False

    def __enter__(self) -> Swarm:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        try:
            for index in range(self.agents):
                self.procs.append(self._spawn(index))
        except BaseException:
            self.stop()
            raise

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            "-m",
            "oodatui.demo.agent",
            *("--dir", str(self.folder), "--index", str(index)),
            *("--rate", repr(self.rate / self.agents), "--seed", str(self.seed)),
            *("--parent", str(os.getpid()), *self.extra),
        ]
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            env=_child_env(),
        )

    def wait_started(self, timeout: float = 30.0) -> None:
        """Wait until every agent has written its first line (or has died)."""
        deadline = time.monotonic() + timeout
        logs = [self.folder / f"{agent_name(i)}.jsonl" for i in range(self.agents)]
        while time.monotonic() < deadline and self.running():
            if all(log.exists() for log in logs):
                return
            time.sleep(0.02)

    def running(self) -> int:
        return sum(proc.poll() is None for proc in self.procs)

    def stop(self, grace: float = GRACE) -> None:
        """Ask every agent to finish, wait a little, kill what is left."""
        self.stopping = True
        try:
            for proc in self.procs:
                if proc.poll() is None:
                    proc.terminate()
            deadline = time.monotonic() + grace
            for proc in self.procs:
                self._wait_or_kill(proc, deadline - time.monotonic())
        except BaseException:
            for proc in self.procs:
                self._wait_or_kill(proc, 0)
            raise

    def _wait_or_kill(self, proc: subprocess.Popen[bytes], timeout: float) -> None:
        try:
            proc.wait(max(timeout, 0.001))
        except subprocess.TimeoutExpired:
            self.killed.add(proc.pid)
            proc.kill()
            proc.wait()

    def wait(self, timeout: float) -> None:
        """Wait for agents that end by themselves; stop them all after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.stop()

    def failures(self) -> list[str]:
        """One line for each agent that crashed or had to be killed."""
        found = []
        for index, proc in enumerate(self.procs):
            name = agent_name(index)
            if proc.pid in self.killed:
                found.append(f"{name} did not stop in time and was killed")
            elif proc.returncode and not self._stopped_by_signal(proc.returncode):
                found.append(f"{name} exited with code {proc.returncode}")
        return found

    def _stopped_by_signal(self, code: int) -> bool:
        """Killed by our stop signal before it could set up its handler."""
        return self.stopping and code in (-signal.SIGTERM, -signal.SIGINT)


def _child_env() -> dict[str, str]:
    """This environment; agents import this very copy of oodatui.

    A copy run from a source folder is put on the module path. An installed
    one is found anyway, and its folder is left alone: putting site-packages
    ahead of the standard library could change what other imports find.
    """
    env = dict(os.environ)
    root = Path(oodatui.__file__).resolve().parent.parent
    if root not in _site_dirs():
        paths = [str(root), *filter(None, [env.get("PYTHONPATH")])]
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _site_dirs() -> set[Path]:
    return {
        Path(folder).resolve()
        for folder in [*site.getsitepackages(), site.getusersitepackages()]
    }
