"""The headless core and the headless commands never import Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "oodatui",
    "oodatui.format",
    "oodatui.follow",
    "oodatui.fold",
    "oodatui.records",
    "oodatui.collector",
    "oodatui.details",
    "oodatui.rank",
    "oodatui.read",
    "oodatui.write",
    "oodatui.runlog",
    "oodatui.summary",
    "oodatui.safe",
    "oodatui.commands",
    "oodatui.cli",
    "oodatui.adapters",
]


def test_the_core_imports_no_textual() -> None:
    code = (
        f"import sys\nfor m in {CORE!r}: __import__(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_help_and_summary_import_neither_textual_nor_rich(tmp_path) -> None:
    """The commands a script runs often start without any terminal library."""
    log = tmp_path / "r.jsonl"
    log.write_text('{"type":"start","agent":"a"}\n')
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['oodatui'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('oodatui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}\n"
        "print(sorted(heavy), file=sys.stderr)\n"
    )
    for args in (["--help"], ["summary", "--json", str(log)], ["summary", str(log)]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.stderr.strip().endswith("[]"), (args, done.stderr)


def test_the_names_offered_early_are_the_real_ones() -> None:
    from oodatui.adapters import FORMATS, make_adapter
    from oodatui.names import FORMAT_NAMES, POLICY_NAMES
    from oodatui.rank import POLICIES

    assert tuple(POLICIES) == POLICY_NAMES
    assert FORMAT_NAMES == ("oodatui", *FORMATS)
    assert [make_adapter(name, "x.jsonl").name for name in FORMATS] == list(FORMATS)


def test_reading_own_logs_loads_no_adapter(tmp_path) -> None:
    """An adapter's module is imported only once a file in its format is met."""
    log = tmp_path / "r.jsonl"
    log.write_text('{"type":"phase","agent":"a","phase":"act"}\n')
    code = (
        "import sys\nfrom oodatui.read import read_once\n"
        "assert read_once([sys.argv[1]]).state.events == 1\n"
        "names = ('claude_code', 'codex', 'gemini')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[-1] in names))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(log)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
