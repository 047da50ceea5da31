"""The benchmark runs end to end at tiny sizes and reports every figure.

Only presence and shape are checked here: speeds depend on the machine, so
no figure is compared with its target.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from oodatui.bench.__main__ import FIGURES

OPTIONAL = {
    "peer_jq": shutil.which("jq") is None,
    "peer_toolong": True,
}
"""Figures that may be skipped on a machine without the peer tool."""


def _run_quick(tmp_path: Path) -> dict:
    out = tmp_path / "bench.json"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "oodatui.bench", "--lines", "2000", "--quick"]
        + ["--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "cold read" in done.stdout
    return json.loads(out.read_text())


def test_quick_run_reports_every_figure_and_cleans_up(tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("oodatui-bench-*"))
    data = _run_quick(tmp_path)

    assert data["lines"] == 2000 and data["quick"] is True
    assert data["machine"]["cores"]
    assert set(data["figures"]) == set(FIGURES)
    for name, figure in data["figures"].items():
        if figure["value"] is None:
            assert OPTIONAL.get(name), f"{name}: {figure['note']}"
            assert figure["note"].startswith("skipped")
            continue
        value = math.inf if figure["value"] == "inf" else figure["value"]
        assert value >= 0, name
        assert figure["unit"] and figure["label"], name
    after = set(Path(tempfile.gettempdir()).glob("oodatui-bench-*"))
    assert after <= before, "synthetic logs were left behind"
