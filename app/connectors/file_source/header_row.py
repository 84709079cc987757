"""Finding the row of column headings, below any title lines a till or CRM export puts above.

"Customer export", "Printed 3/4/2025" and a blank line above the real headings are common. The
headings are the first of the file's first rows that looks like headings: several filled
cells, at least as wide as the rows under it, no email address in it; a row naming a field
ContactBridge knows ("Email", "First name"...) is preferred. A row holding an email address is
a record, so nothing from that row on is ever taken for a title: records are never skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from app.connectors.file_source.headers import clean_headers
from app.core.mapping_suggest import suggest_mapping

Row = tuple[int, list[str]]

WINDOW = 10
"""How many non-blank rows at the top may be titles or the headings."""
_LOOK_AHEAD = 10  # rows under a candidate whose width it is compared with
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def first_rows(rows: Iterable[Row]) -> list[Row]:
    """The first non-blank rows of ``rows`` (enough for ``header_index``), cells stripped and
    trailing blank cells dropped; stops reading there."""
    out: list[Row] = []
    for number, cells in rows:
        tidy = _tidy(cells)
        if tidy:
            out.append((number, tidy))
            if len(out) >= WINDOW + _LOOK_AHEAD:
                break
    return out


def header_index(rows: Sequence[Sequence[str]]) -> int:
    """The index in ``rows`` (non-blank, tidied, as ``first_rows`` gives) of the headings.

    0 when no row looks more like headings than the first (a file without title lines, or
    without headings at all: then the first row is taken, as before).
    """
    candidates: list[int] = []
    for index, cells in enumerate(rows[:WINDOW]):
        if any(_EMAIL.fullmatch(c) for c in cells):
            break  # a record: this row and every row after it are data
        if _looks_like_headings(cells, rows[index + 1 : index + 1 + _LOOK_AHEAD]):
            candidates.append(index)
    named = [i for i in candidates if suggest_mapping(clean_headers(rows[i])).fields]
    return (named or candidates or [0])[0]


def split_titles(rows: Iterable[Row]) -> tuple[Row | None, int]:
    """The heading row of ``rows`` and how many non-blank rows above it were titles.

    Returns ``(None, 0)`` when every row is blank.
    """
    top = first_rows(rows)
    if not top:
        return None, 0
    index = header_index([cells for _, cells in top])
    return top[index], index


def _looks_like_headings(cells: Sequence[str], below: Sequence[Sequence[str]]) -> bool:
    usual = _usual_width(below) if below else len(cells)
    filled = sum(1 for c in cells if c)
    return filled >= min(2, usual) and len(cells) >= usual


def _usual_width(rows: Sequence[Sequence[str]]) -> int:
    """The most common width of ``rows`` (the wider one on a tie)."""
    counts = Counter(len(r) for r in rows)
    return max(counts, key=lambda width: (counts[width], width))


def _tidy(cells: Sequence[str]) -> list[str]:
    out = [c.strip() for c in cells]
    while out and not out[-1]:
        out.pop()
    return out
