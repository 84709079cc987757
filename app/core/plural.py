"""Counted words as a user reads them: "1 contact", "1,234 contacts", never "contact(s)"."""

from __future__ import annotations


def plural(n: int, one: str, many: str) -> str:
    """``one`` when ``n`` is 1, ``many`` otherwise (English: "0 contacts")."""
    return one if n == 1 else many


def counted(n: int, one: str, many: str) -> str:
    """The number with thousands separators and the word in its form: "1,234 contacts"."""
    return f"{n:,} {plural(n, one, many)}"
