"""Agent and voter text reaches the terminal as visible, inert text, in every view.

A run log whose every agent- and voter-written field (and its file name)
holds a hostile string is opened in the dashboard. On each view (the main
screen with its agents, agent detail, candidates and status line; a
candidate's detail with its verdicts and reasons; a failed-vote notification;
the bad lines; the keys) the bytes the driver would write are checked: only
the renderer's own colours and cursor moves may be escape sequences, no
control, bidirectional or invisible character may be there, and no link or
click action may come from the content. The headless commands and the
sanitiser are held to the same rule.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from hardening_support import FIGURES, child_env, oodatui
from rich.console import Console
from rich.segment import Segment
from terminal_check import GROUPS, HOSTILE, MARK, forbidden, raw_sequences

from oodatui.safe import clean, inert, one_line

FIXED = 1_767_000_000.0


def hostile_log(folder: Path, text: str) -> Path:
    """A run where every field an agent or a voter writes holds `text`."""
    v = MARK + text
    t = FIXED - 100
    who = {"agent": v, "run": v}
    events: list[dict[str, Any]] = [
        {"type": "start", **who, "status": v, "ts": t},
        {"type": "phase", **who, "phase": "observe", "note": v, "ts": t + 1},
        {
            "type": "checkpoint",
            **who,
            "ok": False,
            "tests": {"passed": 1, "failed": 1},
            "note": v,
            "commit": v,
            "id": v,
            "ts": t + 2,
        },
        {"type": "phase", **who, "phase": "act", "note": v, "ts": t + 3},
        {"type": "message", **who, "text": v, "ts": t + 4},
        {"type": v, **who, "note": v, "ts": t + 5},
        {
            "type": "candidate",
            **who,
            "id": v,
            "summary": v,
            "answer": f"{v}\n{v}",
            "commit": v,
            "confidence": 0.5,
            "ts": t + 6,
        },
        {"type": "vote", "candidate": v, "verdict": "approve", "voter": v, "ts": t + 7}
        | {"reason": v, "vote_id": "one"},
        {"type": "vote", "candidate": v, "verdict": "veto", "voter": "plain"}
        | {"reason": v, "vote_id": "two", "ts": t + 8},
        {"type": v, "note": v},
    ]
    name = v.replace("/", "_") + ".jsonl"
    log = folder / name
    body = b"".join(orjson.dumps(e) + b"\n" for e in events)
    log.write_bytes(body + b"not JSON " + v.encode() + b"\n")
    return log


# The dashboard -------------------------------------------------------------------


def terminal() -> Console:
    return Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        width=160,
    )


def capture(app: Any) -> tuple[str, list[Segment], str]:
    """What the driver would write for the whole screen (with any screens
    and notifications over it), its segments, and its plain text."""
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    )
    output = update.render_segments(terminal())
    segments = [seg for line in update.strips for strip in line for seg in strip]
    lines = (
        "".join(seg.text for strip in line for seg in strip if not seg.control)
        for line in update.strips
    )
    return output, segments, "\n".join(lines)


def check_view(app: Any, view: str, shows_mark: bool = True) -> str:
    """Fail if the view lets content drive the terminal; return its text."""
    output, segments, text = capture(app)
    FIGURES["inputs"] += 1
    assert not raw_sequences(output), f"{view}: raw {raw_sequences(output)[:5]}"
    for seg in segments:
        if seg.control:
            continue
        assert not forbidden(seg.text, allow_newline=False), (view, seg.text)
        style = seg.style
        if style is None:
            continue
        assert not style.link, f"{view}: a link from the content: {style.link}"
        assert "pwned" not in repr(style.meta), f"{view}: an action: {style.meta}"
        assert not ("@click" in style.meta and "pwned" in seg.text), view
    if shows_mark:
        assert MARK in text, f"{view}: the hostile field was not drawn at all"
    return text


async def wait(pilot: Any, test: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if test():
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)


@pytest.mark.parametrize("group", GROUPS)
async def test_every_view_shows_hostile_text_inert(tmp_path: Path, group: str) -> None:
    from oodatui.ui.app import OodaApp

    hostile_log(tmp_path, " ".join(HOSTILE[kind] for kind in GROUPS[group]))
    app = OodaApp(
        [str(tmp_path)],
        clock=lambda: FIXED,
        follow=False,
        voter="me",
        votes_file=str(tmp_path / "gone" / "votes.jsonl"),
    )

    async def shown(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
        """The screen is up and has been drawn (the app draws it once mounted)."""
        await wait(
            pilot,
            lambda: type(app.screen).__name__ == name and app.screen.is_mounted,
        )
        await pilot.pause(0.2)

    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await wait(pilot, lambda: app.reader.state.candidates)
        check_view(app, "main")

        await pilot.press("1", "enter")
        await shown(pilot, "CandidateScreen")
        text = check_view(app, "candidate")
        assert "plain" in text, "the voters are not shown"

        await pilot.press("escape", "b")
        await shown(pilot, "BadLinesScreen")
        check_view(app, "bad lines")

        await pilot.press("escape", "question_mark")
        await shown(pilot, "HelpScreen")
        check_view(app, "keys", shows_mark=False)

        await pilot.press("escape", "a")
        await wait(pilot, lambda: app._notifications)
        text = check_view(app, "failed-vote notification")
        assert "not cast" in text, "the failed vote was not notified"
        assert app.is_running and not (tmp_path / "gone").exists()


# The headless commands ----------------------------------------------------------


def assert_inert_output(data: bytes, where: str) -> None:
    text = data.decode("utf-8")
    assert not raw_sequences(text), f"{where}: raw {raw_sequences(text)[:5]}"


@pytest.mark.parametrize("colour", ["plain", "forced colour"])
def test_the_summary_tables_show_hostile_text_inert(
    tmp_path: Path, colour: str
) -> None:
    for n, text in enumerate(HOSTILE.values()):
        folder = tmp_path / str(n)
        folder.mkdir()
        hostile_log(folder, text)
    env = child_env(**({"FORCE_COLOR": "1"} if colour == "forced colour" else {}))
    result = oodatui("summary", tmp_path, env=env, timeout=60)
    FIGURES["inputs"] += len(HOSTILE)
    assert result.returncode == 0, result.stderr
    assert_inert_output(result.stdout, "stdout")
    assert_inert_output(result.stderr, "stderr")
    assert MARK.encode() in result.stdout


def test_summary_warnings_name_hostile_files_inert(tmp_path: Path) -> None:
    """Files whose very names are hostile, reported on stderr (here: as files
    that are not logs), must not drive the terminal either."""
    for text in HOSTILE.values():
        name = (MARK + text).replace("/", "_") + ".jsonl"
        (tmp_path / name).write_bytes(b"\x7fELF\0\0\0" * 2000)
    result = oodatui("summary", tmp_path, timeout=60)
    FIGURES["inputs"] += len(HOSTILE)
    assert result.returncode == 0
    assert result.stderr.count(MARK.encode()) >= len(HOSTILE)
    assert_inert_output(result.stderr, "stderr")


# The sanitiser ------------------------------------------------------------------


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_sanitiser_leaves_nothing_a_terminal_acts_on(kind: str) -> None:
    text = HOSTILE[kind]
    FIGURES["inputs"] += 1
    assert not forbidden(clean(text), allow_newline=False)
    assert not forbidden(one_line(text), allow_newline=False)
    assert not forbidden(clean(text, keep_newlines=True))

    console = terminal()
    console.print(inert(text))
    assert not raw_sequences(console.file.getvalue())
    shown = inert(text)
    assert shown.plain == clean(text)
    assert not any(span.style and "@click" in str(span.style) for span in shown.spans)


@pytest.mark.parametrize("kind", HOSTILE)
def test_controls_are_shown_as_visible_stand_ins(kind: str) -> None:
    """Nothing is dropped silently: every control becomes something visible."""
    text = HOSTILE[kind]
    shown = clean(text)
    assert len(shown) >= len(text)
    for char in "[]@=":
        assert shown.count(char) == text.count(char), "markup was taken out"
