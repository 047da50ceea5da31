"""Hostile strings, and checks that text bound for a terminal is inert.

Each hostile string is something an agent or a voter could write into a field:
escape sequences (CSI, OSC title, hyperlink and clipboard, DCS, 8-bit C1),
Rich and Textual markup (styles, links, click actions), bidirectional
overrides, zero-width characters and line breaks. `ZQ` marks where each one
was put, so a test can tell that the field was drawn at all.
"""

from __future__ import annotations

import re
import unicodedata

MARK = "ZQ"

HOSTILE = {
    "CSI clear screen": "\x1b[2J\x1b[H",
    "CSI colour": "\x1b[31;1mred\x1b[0m",
    "OSC window title": "\x1b]0;pwned\x07",
    "OSC hyperlink": "\x1b]8;;https://evil.example/pwned\x1b\\here\x1b]8;;\x1b\\",
    "OSC 52 clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "DCS": "\x1bP+q544e\x1b\\",
    "8-bit C1": "\x9b2J\x9d0;pwned\x9c\x85",
    "markup style": "[bold red]pwned[/bold red]",
    "markup link": "[link=https://evil.example/pwned]pwned[/link]",
    "markup link quoted": "[link='https://evil.example/pwned']pwned[/link]",
    "markup click": "[@click=app.quit]pwned[/]",
    "markup click action": "[@click=app.bell('pwned')]pwned[/]",
    "bidi override": "abc\u202edcba\u2066x\u2069\u200f",
    "zero width": "a\u200bb\u200dc\ufeffd\u2060e\u00ad",
    "line breaks": "one\ntwo\rthree\u2028four\u0085five",
    "bell, backspace, delete": "\x07\x08\x08\x7fok",
}
"""Name: the hostile text, as an agent or a voter would write it."""

GROUPS = {
    "escape sequences": ["CSI clear screen", "CSI colour", "OSC window title", "DCS"],
    "links and clipboard": ["OSC hyperlink", "OSC 52 clipboard", "8-bit C1"],
    "markup": ["markup style", "markup link quoted", "markup click action"],
    "markup that does not parse": ["markup link", "markup click"],
    "invisible and bidirectional": ["bidi override", "zero width"],
    "breaks and C0": ["line breaks", "bell, backspace, delete"],
}
"""Hostile strings drawn together, one dashboard each (a dashboard takes
seconds to start; the checks name the characters that got through)."""

_ALLOWED = re.compile(r"\x1b\[[0-9;:]*[mH]")
"""What a renderer itself writes: colours (SGR) and cursor moves (CUP)."""

_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def forbidden(text: str, allow_newline: bool = True) -> list[str]:
    """The characters of `text` that a terminal would act on or hide, named."""
    found = []
    for char in text:
        if char == "\n" and allow_newline:
            continue
        if unicodedata.category(char) in _INVISIBLE:
            found.append(f"U+{ord(char):04X}")
    return found


def raw_sequences(output: str) -> list[str]:
    """What is left of terminal output once the renderer's own colours and
    cursor moves are taken out: anything here came from the content."""
    rest = _ALLOWED.sub("", output)
    return forbidden(rest)
