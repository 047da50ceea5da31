"""Theme files: loaded, validated, listed in the picker, with a fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import MakeApp, settle

from oodatui.ui import themes
from oodatui.ui.themes import THEME_VARIABLES, load_themes, parse_theme

SHIPPED = ("dark", "light", "high-contrast")


def test_the_shipped_themes_load_and_set_every_phase_colour() -> None:
    found = load_themes()
    assert found.problems == []
    for name in SHIPPED:
        theme = found.themes[name]
        assert set(THEME_VARIABLES) <= set(theme.variables), name


def test_a_bad_file_is_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('name = "good"\nprimary = "#123456"\n')
    (tmp_path / "broken.toml").write_text("name = \n")
    (tmp_path / "colour.json").write_text('{"name": "c", "primary": "not-a-colour"}')
    (tmp_path / "typo.toml").write_text('name = "t"\nprimary = "#fff"\nprimray = 1\n')
    found = load_themes([tmp_path])
    assert list(found.themes) == ["good"]
    problems = "\n".join(found.problems)
    assert "broken.toml" in problems and "cannot be read" in problems
    assert "not-a-colour" in problems and "'primray'" in problems


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"primary": "#fff"}, "needs a 'name'"),
        ({"name": "x"}, "needs a 'primary'"),
        ({"name": "x", "primary": "#fff", "dark": "yes"}, "'dark'"),
        ({"name": "x", "primary": "#fff", "variables": {"phase-act": "nope"}}, "nope"),
        ({"name": "x", "primary": "#fff", "text_alpha": 2}, "between 0 and 1"),
    ],
)
def test_theme_settings_are_checked(data: dict[str, object], message: str) -> None:
    with pytest.raises(themes.ThemeFileError, match=message):
        parse_theme(data)


def test_an_installed_package_reads_its_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wheel carries the theme files as `oodatui/_themes`; that copy is
    found through importlib.resources, before any checkout folder."""
    packaged = tmp_path / "oodatui" / "_themes"
    packaged.mkdir(parents=True)
    (packaged / "dark.toml").write_text('name = "dark"\nprimary = "#010203"\n')
    monkeypatch.setattr(themes.resources, "files", lambda package: tmp_path / package)
    folders = themes.theme_folders()
    assert folders[0] == packaged
    assert load_themes().themes["dark"].primary == "#010203"


async def test_the_picker_lists_the_themes_and_theme_selects_one(
    make_app: MakeApp,
) -> None:
    app = make_app(theme_name="high-contrast")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "high-contrast"
        assert set(SHIPPED) <= set(app.available_themes)
        app.theme = "nord"  # a built-in theme still has every variable
        await pilot.pause()
        assert not app._notifications


async def test_an_unknown_theme_falls_back_with_a_notice(make_app: MakeApp) -> None:
    app = make_app(theme_name="no-such-theme")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "dark"
        notes = list(app._notifications)
        assert len(notes) == 1 and "no-such-theme" in notes[0].message
