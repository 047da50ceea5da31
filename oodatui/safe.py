"""Turning untrusted text into inert display text.

Agents and voters write whatever they like. Before any of it reaches the
screen, control characters (C0, DEL, C1: the start of every escape sequence),
bidirectional overrides, zero-width and other invisible format characters are
replaced by visible stand-ins. The views wrap the result in a `Text`, never
parsed as markup; the plain-text summary prints it as it is.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["clean", "inert", "one_line", "json_inert"]

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"


@lru_cache(maxsize=4096)
def _stand_in(char: str) -> str:
    code = ord(char)
    if code in _PICTURES:
        return _PICTURES[code]
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
        return f"\u27e8U+{code:04X}\u27e9"
    return char


def clean(text: str, keep_newlines: bool = False) -> str:
    """`text` with every invisible or controlling character made visible."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char.isprintable() and not char.isspace() or char == " ":
            out.append(char if char.isascii() else _stand_in(char))
        else:
            out.append(_stand_in(char))
    return "".join(out)


def one_line(text: str, limit: int = 200) -> str:
    """`clean` text cut to `limit` characters, for a table cell."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inert(text: str | None, style: str = "", keep_newlines: bool = False) -> Text:
    """Agent text as a `Text` that no markup or escape sequence can leave."""
    from rich.text import Text  # here, so the plain-text commands never load rich

    return Text(clean(text or "", keep_newlines), style=style, no_wrap=False)


def json_inert(encoded: bytes) -> bytes:
    """JSON text with every character that `clean` would replace written as a
    `\\u` escape instead: the same JSON value, but nothing in it acts on a
    terminal it is printed to. (The encoder escapes only C0 controls.)"""
    text = encoded.decode()
    if text.isascii() and "\x7f" not in text:
        return encoded
    return "".join(_json_escape(char) for char in text).encode()


@lru_cache(maxsize=4096)
def _json_escape(char: str) -> str:
    if char < "\x7f" or _stand_in(char) == char:
        return char
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
