"""Turning a file's first row into usable, unique column names."""

from __future__ import annotations

from collections.abc import Sequence


def clean_headers(cells: Sequence[str]) -> list[str]:
    """Make column names from header cells.

    Whitespace is trimmed and runs of it (line breaks included) become one space; a byte-order
    mark left on the first cell is dropped. Blank cells after the last named one are dropped;
    other blank cells become ``Column N`` (N counts from 1). A repeated name gets `` (2)``,
    `` (3)``... in order of appearance, never clashing with another column's name.
    """
    names = [" ".join(c.replace("\ufeff", "").split()) for c in cells]
    while names and not names[-1]:
        names.pop()
    names = [n or f"Column {i}" for i, n in enumerate(names, start=1)]
    taken = set(names)
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        unique = name
        if name in seen:
            n = 2
            while f"{name} ({n})" in taken:
                n += 1
            unique = f"{name} ({n})"
            taken.add(unique)
        seen.add(name)
        out.append(unique)
    return out


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 1-based column number: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
