"""Reading rows from a delimited text file (.csv, .tsv, .txt), streaming."""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from app.connectors.file_source.encoding_scan import scan_utf8
from app.connectors.file_source.text_format import (
    SAMPLE_BYTES,
    TextFormat,
    detect_encoding,
    sniff_delimiter,
)
from app.core.errors import SourceError, SourceLocation

Row = tuple[int, list[str]]

_MARKED = ("utf-8-sig", "utf-16", "utf-32")  # byte-order marks and wide encodings settle it
# UTF-8 with a few bad bytes is sure when its good characters outnumber them this many times;
# below that, reading it as UTF-8 is a guess the user is told about (see encoding_doubt).
_SURE_UTF8 = 10

_WIDTH_ROWS = 10  # the first rows, where the headings are (see header_row.WINDOW)

# A real value of up to 16 MB (a long notes cell) is read; past that it is reported.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


def detect_format(path: Path, *, tab: bool = False) -> TextFormat:
    """Decide a text file's encoding from the whole file, and its delimiter from its start.

    A byte-order mark settles the encoding. Otherwise the whole file is read once
    (``scan_utf8``): a file with more UTF-8 characters than bad bytes is UTF-8 and the rows
    with bad bytes are reported one by one; any other file is guessed (Windows-1252 and its
    kin first) from the part where its non-ASCII bytes are, and the format says it is a guess
    (``TextFormat.guessed``) so that the user can be told.

    Args:
        path: the file.
        tab: the file is a .tsv, so the delimiter is a tab whatever the sample says.

    Raises:
        SourceError: the file is empty or does not look like text.
        OSError: the file cannot be read (the caller words that for the user).
    """
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
        complete = not f.read(1)
        location = SourceLocation(path.name)
        if not sample.strip():
            raise SourceError("The file is empty: it has no column headings and no rows.", location)
        encoding = detect_encoding(sample, complete=complete)
        wide = sample.count(b"\x00") * 8 > len(sample)  # UTF-16/32 without a mark, or binary
        marked = encoding is None or encoding.replace("_", "-").startswith(_MARKED)
        guessed = damaged = False
        if not marked and not wide:
            f.seek(0)
            evidence = scan_utf8(f)
            if evidence.is_utf8:
                encoding = "utf-8"
                damaged = evidence.bad > 0
                guessed = damaged and evidence.good < _SURE_UTF8 * evidence.bad
            elif evidence.sample:
                encoding = detect_encoding(evidence.sample, complete=True)
                guessed = True
    if encoding is None:
        raise SourceError(
            "This file does not look like a text (CSV) file. Export or save the data as "
            ".csv or .xlsx and pick that file.",
            location,
        )
    if tab:
        return TextFormat(encoding, "\t", guessed, damaged)
    text = sample.decode(encoding, errors="replace")
    return TextFormat(encoding, sniff_delimiter(text.lstrip("\ufeff")), guessed, damaged)


def iter_csv_rows(
    path: Path, fmt: TextFormat, unreadable: dict[int, tuple[int, str]] | None = None
) -> Iterator[Row]:
    """Yield ``(row number, cells)`` for every record, blank ones included.

    The row number counts records the way a spreadsheet shows them: a quoted value with line
    breaks inside stays in one row, and blank lines count as rows. Bytes the encoding cannot
    decode come through as lone surrogates (``surrogateescape``) for the caller to report.

    A quote mark opened and never closed would swallow the rows after it into one value. A
    record whose quoted value holds whole lines that look like rows of their own (as many
    delimiters as the header), or a value too long to be real, is taken as that: its first
    line is yielded as the row, with ``unreadable[row] = (cell index, reason)`` for the
    caller to report, and the lines after it are read again as rows of their own.
    """
    found = unreadable if unreadable is not None else {}
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=fmt.encoding, errors="surrogateescape", newline="")
        lines = _Lines(text)
        reader = csv.reader(lines, delimiter=fmt.delimiter)
        number, width, counted = 0, 0, 0
        while True:
            lines.taken = []
            try:
                cells = next(reader)
                index = _swallowing_cell(cells, fmt.delimiter, width)
                if index is None and len(lines.taken) > 1 and _never_closed(lines.taken):
                    index = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), 0)
                reason = _unclosed(len(lines.taken) - 1) if index is not None else ""
            except StopIteration:
                return
            except csv.Error:
                cells, index, reason = [], None, _TOO_LONG
            number += 1
            if reason:
                first, rest = lines.taken[0], lines.taken[1:]
                lines.put_back(rest)
                reader = csv.reader(lines, delimiter=fmt.delimiter)
                cells = next(csv.reader([first], delimiter=fmt.delimiter), [])
                if index is None:
                    index = next((i for i, c in enumerate(cells) if '"' in c), 0)
                found[number] = (index, reason)
            elif counted < _WIDTH_ROWS and any(c.strip() for c in cells):
                # The headings' width, even below title lines ("Customer export"): the widest
                # of the first rows.
                width, counted = max(width, len(cells)), counted + 1
            yield number, cells


_TOO_LONG = (
    'A value here is far too long, which usually means a quote mark (") is opened and never '
    "closed. This row was left out and the lines after it were read as rows of their own. "
    "Add the missing quote mark, or remove the stray one, and try again."
)


def _unclosed(extra_lines: int) -> str:
    return (
        f'A quote mark (") opens in this value and is never closed, so it ran on over the '
        f"next {extra_lines} line{'s' if extra_lines != 1 else ''}. This row was left out and "
        "the lines after it were read as rows of their own. Add the missing quote mark, or "
        "remove the stray one, and try again."
    )


def _swallowing_cell(cells: list[str], delimiter: str, width: int) -> int | None:
    """The index of a value that holds whole lines looking like rows, if any."""
    joined = "".join(cells)  # one look at the row: few values hold a line break
    if "\n" not in joined and "\r" not in joined:
        return None
    need = max(1, width - 1)
    for index, cell in enumerate(cells):
        if "\n" in cell or "\r" in cell:
            inner = cell.splitlines()[1:]
            if any(line.count(delimiter) >= need for line in inner):
                return index
    return None


def _never_closed(taken: list[str]) -> bool:
    """A record over several lines with an odd number of quote marks ran into the file's end."""
    return sum(line.count('"') for line in taken) % 2 == 1


class _Lines:
    """A text file's physical lines, keeping those the current record took, with put-back."""

    def __init__(self, source: Iterator[str]) -> None:
        self._source = source
        self._back: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.popleft() if self._back else next(self._source)
        self.taken.append(line)
        return line

    def put_back(self, lines: list[str]) -> None:
        self._back.extendleft(reversed(lines))
