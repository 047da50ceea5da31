"""`oodatui demo`: real agent processes, their logs, their answers to votes,
and the sample runs made from them."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

from oodatui.demo import demo_command
from oodatui.demo.samples import SAMPLES, make_samples, sample_files
from oodatui.demo.swarm import Swarm
from oodatui.read import read_once
from oodatui.summary import summary
from oodatui.write import cast_vote

SAMPLE_RUNS = Path(__file__).resolve().parent.parent / "sample_runs"

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float = 15.0) -> T:
    """Poll `probe` until it returns something other than None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"nothing came within {timeout} s")


def lines(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a log written by a running process."""
    data = path.read_bytes() if path.exists() else b""
    return [orjson.loads(line) for line in data.split(b"\n")[:-1]]


def agent_processes(folder: Path) -> list[int]:
    """Live demo agents writing into `folder` (Linux; none seen elsewhere)."""
    found: list[int] = []
    if not Path("/proc/self").exists():
        return found
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
        except OSError:
            continue
        if b"oodatui.demo.agent" in command and str(folder).encode() in command:
            found.append(int(entry.name))
    return found


def test_headless_demo_writes_one_valid_log_per_agent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four agents for 3 s: every line good, every role visible, none left running."""
    folder = tmp_path / "swarm"
    argv = ["--headless", "--duration", "3", "--dir", str(folder)]
    code = demo_command([*argv, "--agents", "4", "--rate", "160", "--seed", "3"])

    assert code == 0
    assert capsys.readouterr().out.strip() == str(folder)
    files = sorted(folder.glob("*.jsonl"))
    assert [f.name for f in files] == [f"solver-{n}.jsonl" for n in range(1, 5)]
    state = read_once(files).state
    assert state.bad_lines == 0
    agents = {a.agent: a for a in state.agents.values()}
    assert sorted(agents) == ["solver-1", "solver-2", "solver-3", "solver-4"]
    for agent in agents.values():
        assert agent.phases_entered > 0 and agent.checkpoints > 0
        assert agent.tokens > 0
        assert agent.status == "stopped"
    assert len({agents[f"solver-{n}"].run for n in (1, 2, 3)}) == 1
    assert state.candidates
    assert agents["solver-2"].since_checkpoint > 12
    assert agents["solver-3"].checkpoints_failed > 0
    assert agent_processes(folder) == []


def test_an_agent_acknowledges_approvals_and_drops_vetoed_candidates(
    tmp_path: Path,
) -> None:
    log = tmp_path / "solver-1.jsonl"

    def candidate() -> str | None:
        ids = [line["id"] for line in lines(log) if line["type"] == "candidate"]
        return ids[0] if ids else None

    def said(text: str) -> str | None:
        texts = [line.get("text") for line in lines(log) if line["type"] == "message"]
        return text if text in texts else None

    with Swarm(tmp_path, agents=1, rate=40, seed=5) as swarm:
        cid = wait_for(candidate)
        cast_vote(log, cid, "approve", voter="ann")
        wait_for(lambda: said(f"{cid} approved by ann; acknowledged"))
        cast_vote(log, cid, "veto", voter="bob", reason="wrong layer")
        wait_for(lambda: said(f"{cid} vetoed by bob: dropping it"))

    assert swarm.failures() == []
    assert lines(log)[-1]["type"] == "end"
    assert agent_processes(tmp_path) == []


class FakeApp:
    """Stands in for the dashboard: waits for the agents' logs, then quits."""

    ending = "quit"
    options: dict[str, Any] = {}

    def __init__(self, paths: list[str], **options: Any) -> None:
        self.folder = Path(paths[0])
        FakeApp.options = options
        self.return_code = None

    def run(self) -> None:
        wait_for(lambda: len(list(self.folder.glob("*.jsonl"))) == 2 or None)
        if self.ending == "ctrl+c":
            raise KeyboardInterrupt


@pytest.mark.parametrize("ending", ["quit", "ctrl+c"])
def test_leaving_the_dashboard_stops_every_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    module = types.ModuleType("oodatui.ui.app")
    module.OodaApp = FakeApp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oodatui.ui.app", module)
    monkeypatch.setattr(FakeApp, "ending", ending)
    argv = ["--dir", str(tmp_path), "--agents", "2", "--policy", "tests", "--top", "3"]

    if ending == "quit":
        assert demo_command(argv) == 0
    else:
        with pytest.raises(KeyboardInterrupt):
            demo_command(argv)

    assert agent_processes(tmp_path) == []
    assert FakeApp.options["policy"] == "tests" and FakeApp.options["top"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "solver-1.jsonl",
        "solver-2.jsonl",
    ]
    for path in tmp_path.iterdir():
        assert lines(path)[-1]["type"] == "end"


def test_a_folder_with_logs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "old.jsonl").write_bytes(b"")
    argv = ["--headless", "--duration", "1", "--dir", str(tmp_path)]
    assert demo_command(argv) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.jsonl"]


def test_sample_runs_regenerate_identically(tmp_path: Path) -> None:
    written = make_samples(tmp_path)

    stored = sorted(p.relative_to(SAMPLE_RUNS) for p in SAMPLE_RUNS.glob("*/*.jsonl"))
    assert sorted(p.relative_to(tmp_path) for p in written) == stored
    for path in written:
        name = path.relative_to(tmp_path)
        assert path.read_bytes() == (SAMPLE_RUNS / name).read_bytes(), name


def _readme() -> str:
    return (SAMPLE_RUNS / "README.md").read_text(encoding="utf-8")


def test_handwritten_summary_is_as_documented() -> None:
    block = re.search(r"```json\n(.*?)\n```", _readme(), re.DOTALL)
    assert block is not None
    documented = orjson.loads(block.group(1))
    done = subprocess.run(
        [sys.executable, "-m", "oodatui", "summary", "--json"]
        + [str(SAMPLE_RUNS / "handwritten.jsonl")],
        capture_output=True,
        timeout=60,
        cwd=SAMPLE_RUNS.parent,
    )
    assert done.returncode == 0, done.stderr
    figures = orjson.loads(done.stdout)
    assert {key: figures[key] for key in documented} == documented


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_sample_figures_are_as_documented(sample: Any) -> None:
    row = re.search(rf"^\| `{sample.name}/` \|(.*)\|$", _readme(), re.MULTILINE)
    assert row is not None
    agents, seed, events, votes, bad, candidates = (
        int(cell) for cell in row.group(1).split("|")
    )
    figures = summary(read_once(sample_files(SAMPLE_RUNS, sample)).state)
    assert (agents, seed) == (sample.agents, sample.seed)
    assert (events, votes, bad) == (
        figures["events"],
        figures["votes"],
        figures["bad_lines"],
    )
    assert (len(figures["agents"]), len(figures["candidates"])) == (agents, candidates)
