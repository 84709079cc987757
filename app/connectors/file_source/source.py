"""``FileSource``: a CSV, TSV or Excel file as a source of contact records."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from datetime import datetime
from itertools import chain, repeat
from pathlib import Path

from app.connectors.base import SourceCapabilities
from app.connectors.file_source.csv_rows import Row, detect_format, iter_csv_rows
from app.connectors.file_source.encoding_doubt import SHOWN_ROWS, EncodingDoubt
from app.connectors.file_source.file_kind import find_kind, os_error
from app.connectors.file_source.header_row import split_titles
from app.connectors.file_source.headers import clean_headers, column_letter
from app.connectors.file_source.problems import RowProblem
from app.connectors.file_source.xlsx_rows import SheetPick, iter_xlsx_rows, sheet_names
from app.core.control_chars import has_controls, strip_controls
from app.core.email_address import email_key
from app.core.errors import SourceError, SourceLocation
from app.core.mapping_suggest import suggest_mapping
from app.core.records import SourceRecord
from app.core.source_preview import SourcePreview
from app.core.validation import is_consent_value, is_opt_out_value

_SURROGATE = re.compile("[\udc80-\udcff]")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_DOUBT_LOOKAHEAD = 5000  # rows a preview reads past its own to find rows a guess decoded


class FileSource:
    """A spreadsheet file (.csv, .tsv, .txt or .xlsx) read as contact records.

    Text files: the encoding (UTF-8, UTF-8 with a byte-order mark, UTF-16 with one, else
    Windows-1252 or charset-normalizer's guess) is decided from the whole file, the delimiter
    (comma, semicolon, tab or pipe) from the first 64 KB. Workbooks: the sheet named
    ``sheet``, else the first visible sheet with an email column, else the first with data;
    dates read as ``2024-03-05`` and whole numbers without ``.0``.

    Rows are numbered as Excel or LibreOffice shows them when it opens the file, so the
    number in a result or a message finds the row there: the header is row 1 (or the first
    non-blank row, counted where it stands, or the row below title lines such as "Customer
    export", see ``header_row``), so row 2 is normally the first record, and blank rows are
    skipped but still counted. In a text file that is the line number,
    blank lines included, until a quoted value with a line break inside: a spreadsheet
    shows that record as one row, and so does ContactBridge, so from there on the number
    is the spreadsheet's row, lower than a text editor's line number.

    Errors come in two kinds. A file that cannot be read at all (missing, locked, empty, not a
    spreadsheet, a damaged workbook, an .xls) raises ``SourceError`` naming the file, from any
    method; the constructor does no I/O and never raises. A bad row does not stop the run:
    ``iter_records()`` skips it and appends a ``RowProblem`` (row, column, message) to
    ``problems``, which is emptied at the start of each iteration, so the engine can report
    those rows as skipped with the reason. Bad rows are those with a value under no heading
    (more cells than headings, e.g. an unquoted comma) and those with bytes the file's encoding
    cannot decode.

    A text file whose encoding had to be guessed sets ``encoding_doubt`` while it is read:
    the guess and the rows whose text it decoded; each such record carries a note saying so,
    and ``run_note`` is the sentence for the run's summary. A workbook sets ``sheet_pick``
    (which sheet was read, and why).

    ``key`` is the ``key_column`` value when given and not blank, else the lower-cased email
    (from ``email_column``, or the column ``suggest_mapping`` picks for email), else
    ``row:<row number>``. ``opted_out`` is true when the ``opt_out_column`` value is one of
    yes, y, true, 1, x, opted out, unsubscribed (any case). A ``consent_column`` says the
    opposite: only a yes (true, 1, x, subscribed, opted in) there means the person may be
    emailed; a no, a blank or an unknown word counts as opted out (no consent, no email).
    """

    capabilities = SourceCapabilities()  # read only

    def __init__(
        self,
        path: str | Path,
        *,
        key_column: str | None = None,
        opt_out_column: str | None = None,
        sheet: str | None = None,
        email_column: str | None = None,
        consent_column: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.key_column = key_column
        self.opt_out_column = opt_out_column
        self.consent_column = consent_column
        self.sheet = sheet
        self.email_column = email_column
        self.problems: list[RowProblem] = []
        self.sheet_pick: SheetPick | None = None  # a workbook: the sheet read, and why
        self.encoding_doubt: EncodingDoubt | None = None  # a text file's guessed encoding
        self._columns: list[str] | None = None
        self._header_row = 1
        self._titles = 0  # non-blank title lines above the headings
        self._kind_found: str | None = None
        self._delimiter = ","
        self._unreadable: dict[int, tuple[int, str]] = {}  # row → (cell index, why), from reading

    def describe(self) -> str:
        """The file's name, for messages."""
        return self.path.name

    def columns(self) -> list[str]:
        """The cleaned column names from the header row (see ``clean_headers``); read once."""
        if self._columns is None:
            rows = self._raw_rows()
            try:
                header, self._titles = split_titles(rows)
            finally:
                rows.close()
            if header is None:
                raise SourceError(
                    "The file is empty: it has no column headings and no rows.", self._where()
                )
            self._header_row, cells = header
            self._columns = clean_headers(cells)
        return list(self._columns)

    @property
    def header_row(self) -> int:
        """The row number of the column headings (after ``columns()``)."""
        return self._header_row

    @property
    def title_lines(self) -> int:
        """How many lines above the headings were titles and are not read; 0 when the
        headings are the first non-blank row (after ``columns()``)."""
        return self._header_row - 1 if self._titles else 0

    @property
    def run_note(self) -> str:
        """What a run's summary should say once about how the file was read ("" if nothing);
        complete after ``iter_records()`` has read the whole file."""
        doubt = self.encoding_doubt
        return doubt.summary() if doubt is not None and doubt.count else ""

    def sheet_names(self) -> list[str]:
        """The worksheets of a workbook, in order; empty for a text file."""
        return sheet_names(self.path) if self._kind() == "xlsx" else []

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """Stream the good rows as records; bad rows go to ``problems`` (see the class doc).

        A file is always read whole (``since`` is ignored: a file has no changed times)."""
        self.problems = []
        columns = self.columns()
        chosen = (
            (self.key_column, "record ID"),
            (self.opt_out_column, "opt-out"),
            (self.consent_column, "consent"),
            (self.email_column, "email"),
        )
        for name, role in chosen:
            if name is not None and name not in columns:
                raise SourceError(
                    f'The column "{name}" chosen as the {role} column is not in this file.',
                    self._where(column=name),
                )
        email = self.email_column or suggest_mapping(columns).source_for("email")
        for number, cells in self._data_rows():
            problem = self._check(number, cells, columns)
            if problem is not None:
                self.problems.append(problem)
                continue
            values, notes = _clean_values(columns, cells)
            if self.encoding_doubt is not None and not "".join(cells).isascii():
                guessed = [c for c in columns if not values[c].isascii()]
                notes = (*notes, self.encoding_doubt.note(guessed))
            opted_out = (
                self.opt_out_column is not None and is_opt_out_value(values[self.opt_out_column])
            ) or (
                self.consent_column is not None
                and not is_consent_value(values[self.consent_column])
            )
            key = self._key(values, number, email)
            yield SourceRecord(key, number, values, opted_out, notes)

    def preview(self, n: int = 20) -> tuple[list[str], list[list[str]]]:
        """The columns and the first ``n`` data rows, each cut or padded to the columns."""
        columns, numbered = self.numbered_preview(n)
        return columns, [cells for _, cells in numbered]

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """Like ``preview``, each row with its row number (the one results show for it)."""
        columns, rows, _ = self._preview_rows(n)
        return columns, rows

    def deleted_since(self, since: datetime) -> set[str]:
        """None: a file is read whole, and a row no longer in it was deleted."""
        return set()

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """None: a row no longer in the file was deleted from it."""
        return set()

    def look(self, n: int = 20) -> SourcePreview:
        """The preview (see ``numbered_preview``) with how the file was read: the heading row
        under any title lines, the workbook sheet and why, a guessed encoding, and which of
        the rows shown cannot be read."""
        columns, rows, unreadable = self._preview_rows(n)
        pick = self.sheet_pick or SheetPick(has_email=True)
        doubt = self.encoding_doubt
        return SourcePreview(
            columns,
            rows,
            header_row=self._header_row,
            title_lines=self.title_lines,
            sheets=pick.sheets,
            sheet=pick.name,
            sheet_automatic=pick.automatic,
            sheet_has_email=pick.has_email,
            sheets_looked_at=pick.looked_at,
            encoding_warning=doubt.warning() if doubt is not None else "",
            unreadable_rows=tuple(unreadable),
        )

    def count_rows(self) -> int:
        """How many non-blank data rows the file has (bad ones included); streams the file."""
        self.columns()
        return sum(1 for _ in self._data_rows())

    # -- internals ---------------------------------------------------------------------------

    def _preview_rows(self, n: int) -> tuple[list[str], list[tuple[int, list[str]]], list[int]]:
        """The columns, the first ``n`` rows cut or padded to them, and which cannot be read."""
        columns = self.columns()
        width = len(columns)
        rows: list[tuple[int, list[str]]] = []
        unreadable: list[int] = []
        data = self._data_rows()
        try:
            for number, cells in data if n > 0 else ():
                if self._check(number, cells, columns) is not None:
                    unreadable.append(number)
                shown = [strip_controls(_SURROGATE.sub("\ufffd", c))[0] for c in cells]
                rows.append((number, (shown + [""] * width)[:width]))
                if len(rows) >= n:
                    break
            self._find_doubtful_rows(data)
        finally:
            data.close()
        return columns, rows, unreadable

    def _data_rows(self) -> Generator[Row, None, None]:
        """Non-blank rows after the header, stripped, trailing blank cells dropped.

        Rows with text a guessed encoding decoded are counted in ``encoding_doubt``.
        """
        for number, raw in self._raw_rows():
            if number <= self._header_row:
                continue
            cells = [c.strip() for c in raw]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                doubt = self.encoding_doubt
                if doubt is not None:
                    text = "".join(cells)
                    if not text.isascii() and not _SURROGATE.search(text):
                        doubt.add(number)
                yield number, cells
        if self.encoding_doubt is not None:
            self.encoding_doubt.complete = True

    def _find_doubtful_rows(self, data: Iterator[Row]) -> None:
        """Read on a little past a preview, to name a few rows a guessed encoding decoded."""
        doubt = self.encoding_doubt
        if doubt is None:
            return
        for seen, _ in enumerate(data):
            if doubt.count >= SHOWN_ROWS or seen >= _DOUBT_LOOKAHEAD:
                break

    def _check(self, number: int, cells: list[str], columns: list[str]) -> RowProblem | None:
        unreadable = self._unreadable.get(number)
        if unreadable is not None:
            index, why = unreadable
            name = columns[index] if index < len(columns) else f"Column {column_letter(index + 1)}"
            return RowProblem(number, name, why, self.path.name, self._sheet())
        if len(cells) > len(columns):
            extra = next(i for i in range(len(columns), len(cells)) if cells[i])
            where = f"Column {column_letter(extra + 1)}"
            hint = ""
            if self._kind() == "text":
                delimiter = _DELIMITER_NAMES.get(self._delimiter, "delimiter")
                hint = f" A value probably contains a {delimiter} without quotes around it."
            return RowProblem(
                number,
                where,
                f"This row has more values than the file has column headings "
                f'("{cells[extra][:40]}" is under no heading), so its values may be in the '
                f"wrong columns.{hint}",
                self.path.name,
                self._sheet(),
            )
        if _SURROGATE.search("".join(cells)):  # one search per row; rarely true
            index = next(i for i, cell in enumerate(cells) if _SURROGATE.search(cell))
            return RowProblem(
                number,
                columns[index] if index < len(columns) else f"Column {column_letter(index + 1)}",
                "This value contains bytes that are not valid text (shown as \ufffd in the "
                "preview), so the row was left out rather than sent garbled. Fix the value, "
                'or save the file as "CSV UTF-8" (in Excel: File › Save As), and try again.',
                self.path.name,
                self._sheet(),
            )
        return None

    def _key(self, values: dict[str, str], number: int, email: str | None) -> str:
        if self.key_column and values.get(self.key_column):
            return values[self.key_column]
        if email and values.get(email):
            return email_key(values[email])  # the key it is matched by
        return f"row:{number}"

    def _kind(self) -> str:
        """``text`` or ``xlsx``, from the extension and, for text files, the first bytes."""
        if self._kind_found is None:
            self._kind_found = find_kind(self.path, self._where())
        return self._kind_found

    def _raw_rows(self) -> Generator[Row, None, None]:
        kind = self._kind()
        try:
            if kind == "xlsx":
                self.sheet_pick = SheetPick()
                yield from iter_xlsx_rows(self.path, self.sheet, self.sheet_pick)
            else:
                fmt = detect_format(self.path, tab=self.path.suffix.lower() == ".tsv")
                self._delimiter = fmt.delimiter
                self.encoding_doubt = (
                    EncodingDoubt(fmt.encoding, fmt.damaged) if fmt.guessed else None
                )
                yield from iter_csv_rows(self.path, fmt, self._unreadable)
        except OSError as exc:
            raise os_error(exc, self._where()) from exc

    def _where(self, row: int | None = None, column: str | None = None) -> SourceLocation:
        return SourceLocation(self.path.name, row, column, self._sheet() or None)

    def _sheet(self) -> str:
        """The name of the workbook sheet read, when the workbook has several; else ""."""
        pick = self.sheet_pick
        return pick.name if pick is not None and len(pick.sheets) > 1 else ""


def _clean_values(columns: list[str], cells: list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The row's values by column, control characters removed, with a note for each removal."""
    if not has_controls("".join(cells)):  # nearly every row: the cells as they are
        return dict(zip(columns, chain(cells, repeat("")), strict=False)), ()
    values: dict[str, str] = {}
    notes: list[str] = []
    for index, name in enumerate(columns):
        value = cells[index] if index < len(cells) else ""
        value, changed = strip_controls(value)
        if changed:
            value = value.strip()
            notes.append(
                f"{name}: control characters (such as NUL, DEL or terminal codes) were removed "
                f'from this value; sent as "{value[:60]}"'
            )
        values[name] = value
    return values, tuple(notes)
