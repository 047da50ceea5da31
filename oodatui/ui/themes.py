"""Themes as data: `themes/*.toml` (or `.json`) files turned into Textual themes.

An installed wheel carries the theme files inside the package as
`oodatui/_themes`; a source checkout keeps them in `themes/` beside the
package. Both are looked at, the packaged copy first. A file that does not
parse or names an invalid colour is skipped and reported, never fatal.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

__all__ = [
    "DEFAULT_THEME",
    "THEME_VARIABLES",
    "ThemeSet",
    "load_themes",
    "parse_theme",
    "theme_folders",
]

DEFAULT_THEME = "dark"

THEME_VARIABLES = {
    "phase-observe": "#5fa8d3",
    "phase-orient": "#e6c35c",
    "phase-decide": "#b48ead",
    "phase-act": "#6cc08b",
    "phase-none": "#4b5160",
    "phase-text": "#111317",
    "outcome-ok": "#6cc08b",
    "outcome-fail": "#e26d5c",
    "outcome-unknown": "#8a90a0",
}
"""The app's own theme variables with their fallbacks, so that any theme
(Textual's built-in ones included) can be picked without breaking the CSS."""

_COLOURS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_NUMBERS = ("luminosity_spread", "text_alpha")
_KEYS = {"name", "dark", "variables", *_COLOURS, *_NUMBERS}
_SUFFIXES = (".toml", ".json")


class ThemeFileError(ValueError):
    """Why a theme file was skipped."""


@dataclass
class ThemeSet:
    """The themes found, in the order found, and what went wrong on the way."""

    themes: dict[str, Theme] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def theme_folders() -> list[Traversable]:
    """Where theme files live: inside the installed package, then the checkout."""
    folders: list[Traversable] = []
    packaged = resources.files("oodatui").joinpath("_themes")
    if packaged.is_dir():
        folders.append(packaged)
    checkout = Path(__file__).resolve().parents[2] / "themes"
    if checkout.is_dir():
        folders.append(checkout)
    return folders


def load_themes(folders: Iterable[Traversable] | None = None) -> ThemeSet:
    """Every valid theme in `folders`; the first file to claim a name wins."""
    found = ThemeSet()
    for entry in _theme_files(theme_folders() if folders is None else folders):
        try:
            theme = parse_theme(_read(entry))
        except ThemeFileError as exc:
            found.problems.append(f"{entry.name}: {exc}")
            continue
        found.themes.setdefault(theme.name, theme)
    return found


def _theme_files(folders: Iterable[Traversable]) -> Iterator[Traversable]:
    for folder in folders:
        entries = [e for e in folder.iterdir() if e.name.endswith(_SUFFIXES)]
        yield from sorted(entries, key=lambda e: e.name)


def _read(entry: Traversable) -> dict[str, Any]:
    try:
        raw = entry.read_bytes()
        if entry.name.endswith(".toml"):
            data = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ThemeFileError(f"cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise ThemeFileError("must hold a table of settings")
    return data


def parse_theme(data: dict[str, Any]) -> Theme:
    """A `Theme` from a file's settings; raises `ThemeFileError` on any mistake."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ThemeFileError(f"unknown setting {unknown[0]!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError("needs a 'name'")
    if "primary" not in data:
        raise ThemeFileError("needs a 'primary' colour")
    if not isinstance(data.get("dark", True), bool):
        raise ThemeFileError("'dark' must be true or false")

    theme = Theme(
        name=name.strip(),
        primary=_colour("primary", data["primary"]),
        dark=data.get("dark", True),
        variables=_variables(data.get("variables", {})),
    )
    for key in _COLOURS:
        if key in data:
            setattr(theme, key, _colour(key, data[key]))
    for key in _NUMBERS:
        if key in data:
            setattr(theme, key, _fraction(key, data[key]))
    return theme


def _variables(table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ThemeFileError("'variables' must be a table")
    variables = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise ThemeFileError(f"variable {key!r} must be a string")
        # Our own variables are colours; Textual's may be other CSS values.
        variables[key] = _colour(key, value) if key in THEME_VARIABLES else value
    return variables


def _colour(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{key!r} must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeFileError(f"{key!r}: {value!r} is not a colour") from exc
    return value


def _fraction(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ThemeFileError(f"{key!r} must be a number")
    if not 0 <= value <= 1:
        raise ThemeFileError(f"{key!r} must be between 0 and 1")
    return float(value)
