"""Constant Contact's bulk-import errors, told about the source records they concern.

An import's ``activity_errors`` are free text. Constant Contact (and its emulator) name the
item by its position in the import ("Row 3 (ada@example.com): invalid email address"),
which means nothing to the user: row 3 of the import is not row 3 of their spreadsheet.
Each error is attributed to the record it names, by email first (the one thing the import
and the source share), else by its position in the chunk as sent, and is reworded to name
the record's own row: "Row 14: Constant Contact refused it: invalid email address".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

# An apostrophe is common in the local part (o'brien@...), so it may not end a match there.
EMAIL_RE = re.compile(r"[^\s(),;:<>\"]+@[^\s(),;:<>\"']+")
# "Row 3 (a@b.com): ...", "row 3: ...", "Line 3 - ...", "Item #3 ...": the import position,
# the address in brackets after it (if any), and the separator before the message.
POSITION_RE = re.compile(
    r"^\s*(?:row|line|item|record|contact)\s*#?\s*(\d+)\b\s*(?:\([^)]*\))?\s*[:\-–—,]?\s*",
    re.IGNORECASE,
)
REFUSED = "Constant Contact refused it: {message}"


class ImportItem(NamedTuple):
    """One record in an import chunk, in the order the chunk was sent."""

    record_id: int
    row: int  # the record's row in the source (0: none)
    email: str


def attribute_errors(errors: Iterable[str], items: Sequence[ImportItem]) -> dict[int, str]:
    """The reason each refused record fails with, by record id.

    Args:
        errors: the activity's error messages.
        items: the chunk's records, in the order they were sent (position 1 is the first).

    An error that names neither an email of the chunk nor a position within it is about
    none of its records, and is left out.
    """
    by_email: dict[str, list[ImportItem]] = {}
    for item in items:
        by_email.setdefault(item.email.lower(), []).append(item)
    texts: dict[int, list[str]] = {}
    rows: dict[int, int] = {}
    for message in errors:
        position, text = _split_position(message)
        targets = _by_email(message, by_email)
        if not targets and position is not None and 1 <= position <= len(items):
            targets = [items[position - 1]]
        for item in targets:
            rows[item.record_id] = item.row
            found = texts.setdefault(item.record_id, [])
            if text not in found:
                found.append(text)
    return {rid: refused_reason(rows[rid], "; ".join(parts)) for rid, parts in texts.items()}


def refused_reason(row: int, message: str) -> str:
    """ "Row 14: Constant Contact refused it: <message>" (without the row when there is none)."""
    reason = REFUSED.format(message=message)
    return f"Row {row}: {reason}" if row > 0 else reason


def _split_position(message: str) -> tuple[int | None, str]:
    """The import position a message opens with (or None), and the message without it."""
    match = POSITION_RE.match(message)
    if match is None:
        return None, message.strip()
    rest = message[match.end() :].strip()
    return int(match.group(1)), rest or message.strip()


def _by_email(message: str, by_email: dict[str, list[ImportItem]]) -> list[ImportItem]:
    out: list[ImportItem] = []
    for found in EMAIL_RE.findall(message):
        email = found.lower().strip(".")
        # A quoted address ('a@b.com') is named with and without its opening quote;
        # only the form some record has counts.
        for candidate in dict.fromkeys((email, email.lstrip("'"))):
            for item in by_email.get(candidate, ()):
                if item not in out:
                    out.append(item)
    return out
