"""Reading rows from a delimited text file (.csv, .tsv, .txt), streaming."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from app.connectors.file_source.text_format import (
    SAMPLE_BYTES,
    TextFormat,
    detect_encoding,
    sniff_delimiter,
)
from app.core.errors import SourceError, SourceLocation

Row = tuple[int, list[str]]


def detect_format(path: Path, *, tab: bool = False) -> TextFormat:
    """Guess a text file's encoding and delimiter from its first ``SAMPLE_BYTES``.

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
    if encoding is None:
        raise SourceError(
            "This file does not look like a text (CSV) file. Export or save the data as "
            ".csv or .xlsx and pick that file.",
            location,
        )
    if tab:
        return TextFormat(encoding, "\t")
    text = sample.decode(encoding, errors="replace")
    return TextFormat(encoding, sniff_delimiter(text.lstrip("\ufeff")))


def iter_csv_rows(path: Path, fmt: TextFormat) -> Iterator[Row]:
    """Yield ``(row number, cells)`` for every record, blank ones included.

    The row number counts records the way a spreadsheet shows them: a quoted value with line
    breaks inside stays in one row, and blank lines count as rows. Bytes the encoding cannot
    decode come through as lone surrogates (``surrogateescape``) for the caller to report.

    Raises:
        SourceError: a quote mark is never closed, so a value runs on through the file.
    """
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=fmt.encoding, errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=fmt.delimiter)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise SourceError(
                    f"The file cannot be read past row {number + 1}: a value there is far too "
                    'long, which usually means a quote mark (") is opened and never closed.',
                    SourceLocation(path.name, number + 1),
                    details=str(exc),
                ) from exc
            number += 1
            yield number, cells
