"""Fixtures for the dashboard's tests: a fixed run log and a frozen clock."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ui_sample import FIXED, write_run  # noqa: E402
from ui_support import MakeApp  # noqa: E402

from oodatui.ui.app import OodaApp  # noqa: E402
from oodatui.ui.votes import VoteRequest  # noqa: E402


@pytest.fixture
def run_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample run in a fresh folder, which is also the working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OODATUI_VOTER", raising=False)
    return write_run(tmp_path / "run.jsonl")


@pytest.fixture
def make_app(run_log: Path) -> MakeApp:
    """An app on the sample run, frozen at `FIXED`, reading it once."""

    def make(*paths: Path, **options: Any) -> OodaApp:
        options.setdefault("clock", lambda: FIXED)
        options.setdefault("follow", False)
        options.setdefault("voter", "me")
        return OodaApp([str(p) for p in paths or [run_log]], **options)

    return make


@pytest.fixture
def held_votes(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Vote writes wait until the returned event is set (5 s at most), so a
    test can see a vote while it is still pending."""
    release, cast = threading.Event(), VoteRequest.cast

    def held_cast(self: VoteRequest) -> dict[str, Any]:
        release.wait(5)
        return cast(self)

    monkeypatch.setattr(VoteRequest, "cast", held_cast)
    return release
