"""Cutting text to a length without breaking a character a reader sees as one (pure).

A cut never leaves a lone combining mark (the accent of "é" written as e + U+0301), half an
emoji sequence (👩‍👩‍👧 is five code points joined by U+200D; a skin tone or U+FE0F follows its
emoji), half a flag (two regional-indicator letters), or half a surrogate pair. It is not a
full Unicode segmenter (UAX #29); it covers what names and notes hold, without a dependency.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
_ZWJ = "\u200d"
_MARKS = frozenset({"Mn", "Mc", "Me"})


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (cannot start a cut-off part)."""
    code = ord(char)
    return (
        unicodedata.category(char) in _MARKS  # accents, vowel signs, enclosing marks
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji or text style)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters (flags of England, Scotland...)
        or 0xE0100 <= code <= 0xE01EF  # more variation selectors
        or 0xDC00 <= code <= 0xDFFF  # the second half of a surrogate pair
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def is_boundary(text: str, index: int) -> bool:
    """Whether cutting ``text`` at ``index`` keeps every character whole."""
    if index <= 0 or index >= len(text):
        return True
    if _extends(text[index]) or text[index - 1] == _ZWJ:
        return False
    if _regional(text[index]) and _regional(text[index - 1]):
        run = 1  # flags pair up from the start of a run of regional indicators
        while index - run > 0 and _regional(text[index - run - 1]):
            run += 1
        return run % 2 == 0
    return True


def safe_cut(text: str, limit: int) -> int:
    """The largest index ``<= limit`` at which ``text`` can be cut between whole characters."""
    index = min(max(limit, 0), len(text))
    while not is_boundary(text, index):
        index -= 1
    return index


def cut(text: str, limit: int) -> tuple[str, str]:
    """``text`` as (the part that fits in ``limit`` code points, the part left out)."""
    index = safe_cut(text, limit)
    return text[:index], text[index:]


def head(text: str, limit: int) -> str:
    """``text``, or its start and "…" when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    return cut(text, limit - 1)[0] + ELLIPSIS


def tail(text: str, limit: int) -> str:
    """``text``, or "…" and its end when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    start = len(text) - limit + 1
    while not is_boundary(text, start):
        start += 1  # never begin with a mark or the inside of an emoji sequence
    return ELLIPSIS + text[start:]


def preview(text: str, limit: int = 60) -> str:
    """``text`` fit for a message: whole when short, else its start, "…" and its end."""
    if len(text) <= limit:
        return text
    end = tail(text, limit // 3)
    return head(text, limit - len(end) + 1)[:-1] + end
