"""``FileSource``: a CSV, TSV or Excel file as a source of contact records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, repeat
from pathlib import Path

from app.connectors.file_source.csv_rows import Row, detect_format, iter_csv_rows
from app.connectors.file_source.headers import clean_headers, column_letter
from app.connectors.file_source.path_check import check_regular_file
from app.connectors.file_source.problems import RowProblem
from app.connectors.file_source.xlsx_rows import iter_xlsx_rows, sheet_names
from app.core.control_chars import has_controls, strip_controls
from app.core.email_address import email_key
from app.core.errors import SourceError, SourceLocation
from app.core.mapping_suggest import suggest_mapping
from app.core.records import SourceRecord
from app.core.validation import is_opt_out_value

TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SUPPORTED = ".csv, .tsv, .txt and .xlsx"
_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc and other old Office files
_HEAD_BYTES = 64 * 1024
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # a stream of a password-protected workbook
_SURROGATE = re.compile("[\udc80-\udcff]")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class FileSource:
    """A spreadsheet file (.csv, .tsv, .txt or .xlsx) read as contact records.

    Text files: the encoding (UTF-8, UTF-8 with a byte-order mark, UTF-16 with one, else
    Windows-1252 or charset-normalizer's guess) and the delimiter (comma, semicolon, tab or
    pipe) are guessed from the first 64 KB. Workbooks: the sheet named ``sheet``, else the first
    visible sheet with data; dates read as ``2024-03-05`` and whole numbers without ``.0``.

    Rows are numbered as Excel or LibreOffice shows them when it opens the file, so the
    number in a result or a message finds the row there: the header is row 1 (or the first
    non-blank row, counted where it stands), so row 2 is normally the first record, and
    blank rows are skipped but still counted. In a text file that is the line number,
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

    ``key`` is the ``key_column`` value when given and not blank, else the lower-cased email
    (from ``email_column``, or the column ``suggest_mapping`` picks for email), else
    ``row:<row number>``. ``opted_out`` is true when the ``opt_out_column`` value is one of
    yes, y, true, 1, x, opted out, unsubscribed (any case).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        key_column: str | None = None,
        opt_out_column: str | None = None,
        sheet: str | None = None,
        email_column: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.key_column = key_column
        self.opt_out_column = opt_out_column
        self.sheet = sheet
        self.email_column = email_column
        self.problems: list[RowProblem] = []
        self._columns: list[str] | None = None
        self._header_row = 1
        self._kind_found: str | None = None
        self._delimiter = ","
        self._sheet_used: list[str] = []  # the workbook sheet read, when it has several
        self._unreadable: dict[int, tuple[int, str]] = {}  # row → (cell index, why), from reading

    def describe(self) -> str:
        """The file's name, for messages."""
        return self.path.name

    def columns(self) -> list[str]:
        """The cleaned column names from the header row (see ``clean_headers``); read once."""
        if self._columns is None:
            for number, cells in self._raw_rows():
                if any(c.strip() for c in cells):
                    self._columns, self._header_row = clean_headers(cells), number
                    break
            else:
                raise SourceError(
                    "The file is empty: it has no column headings and no rows.", self._where()
                )
        return list(self._columns)

    def sheet_names(self) -> list[str]:
        """The worksheets of a workbook, in order; empty for a text file."""
        return sheet_names(self.path) if self._kind() == "xlsx" else []

    def iter_records(self) -> Iterator[SourceRecord]:
        """Stream the good rows as records; bad rows go to ``problems`` (see the class doc)."""
        self.problems = []
        columns = self.columns()
        chosen = (
            (self.key_column, "record ID"),
            (self.opt_out_column, "opt-out"),
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
            opted_out = self.opt_out_column is not None and is_opt_out_value(
                values[self.opt_out_column]
            )
            key = self._key(values, number, email)
            yield SourceRecord(key, number, values, opted_out, notes)

    def preview(self, n: int = 20) -> tuple[list[str], list[list[str]]]:
        """The columns and the first ``n`` data rows, each cut or padded to the columns."""
        columns, numbered = self.numbered_preview(n)
        return columns, [cells for _, cells in numbered]

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """Like ``preview``, each row with its row number (the one results show for it)."""
        columns = self.columns()
        width = len(columns)
        rows: list[tuple[int, list[str]]] = []
        if n > 0:
            for number, cells in self._data_rows():
                shown = [strip_controls(_SURROGATE.sub("\ufffd", c))[0] for c in cells]
                rows.append((number, (shown + [""] * width)[:width]))
                if len(rows) >= n:
                    break
        return columns, rows

    def count_rows(self) -> int:
        """How many non-blank data rows the file has (bad ones included); streams the file."""
        self.columns()
        return sum(1 for _ in self._data_rows())

    # -- internals ---------------------------------------------------------------------------

    def _data_rows(self) -> Iterator[Row]:
        """Non-blank rows after the header, stripped, trailing blank cells dropped."""
        for number, raw in self._raw_rows():
            if number <= self._header_row:
                continue
            cells = [c.strip() for c in raw]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield number, cells

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
            self._kind_found = self._find_kind()
        return self._kind_found

    def _find_kind(self) -> str:
        suffix = self.path.suffix.lower()
        if suffix not in EXCEL_SUFFIXES and suffix not in TEXT_SUFFIXES:
            if suffix in (".xls", ".xlsb", ".ods", ".numbers"):
                raise SourceError(
                    f"ContactBridge cannot read {suffix} files. Save it as .xlsx or .csv "
                    "from Excel (File › Save As) and pick that file.",
                    self._where(),
                )
            raise SourceError(
                f"ContactBridge reads {SUPPORTED} files; this one is not one of those. "
                "Save it as .xlsx or .csv from Excel and pick that file.",
                self._where(),
            )
        check_regular_file(self.path)  # a FIFO or device is refused before it is opened
        try:
            with self.path.open("rb") as f:
                head = f.read(_HEAD_BYTES)
        except OSError as exc:
            raise self._os_error(exc) from exc
        if head.startswith(_XLSX_MAGIC):
            return "xlsx"  # an Excel workbook named .csv: read it as what it is
        if head.startswith(_OLE2_MAGIC) and _ENCRYPTED in head:
            raise SourceError(
                "This workbook is password-protected, so ContactBridge cannot read it. Open it "
                "in Excel, remove the password (File › Info › Protect Workbook) or save a copy "
                "as .csv, and pick that file.",
                self._where(),
            )
        if suffix in EXCEL_SUFFIXES:
            if head.startswith(_OLE2_MAGIC):
                raise SourceError(
                    f"This is an old-style Excel workbook (.xls) named {suffix}. Save it as "
                    ".xlsx or .csv from Excel (File › Save As) and pick that file.",
                    self._where(),
                )
            if _looks_delimited(head):
                return "text"  # a CSV named .xlsx: read it as what it is
            return "xlsx"  # damaged, or not a workbook at all: the reader says so
        if head.startswith(_OLE2_MAGIC):
            raise SourceError(
                "This is an old-style Excel workbook (.xls), not a CSV file. Save it as .xlsx "
                "or .csv from Excel (File › Save As) and pick that file.",
                self._where(),
            )
        return "text"

    def _raw_rows(self) -> Iterator[Row]:
        kind = self._kind()
        try:
            if kind == "xlsx":
                self._sheet_used = []
                yield from iter_xlsx_rows(self.path, self.sheet, self._sheet_used)
            else:
                fmt = detect_format(self.path, tab=self.path.suffix.lower() == ".tsv")
                self._delimiter = fmt.delimiter
                yield from iter_csv_rows(self.path, fmt, self._unreadable)
        except OSError as exc:
            raise self._os_error(exc) from exc

    def _os_error(self, exc: OSError) -> SourceError:
        if isinstance(exc, FileNotFoundError):
            text = "The file was not found. It may have been moved, renamed or deleted."
        elif isinstance(exc, PermissionError):
            text = (
                "ContactBridge is not allowed to read this file. If it is open in Excel, close "
                "it there; otherwise check that your account may open it."
            )
        elif isinstance(exc, IsADirectoryError):
            text = "This is a folder, not a file."
        else:
            text = f"The file could not be read ({exc.strerror or exc})."
        return SourceError(text, self._where(), details=repr(exc))

    def _where(self, row: int | None = None, column: str | None = None) -> SourceLocation:
        return SourceLocation(self.path.name, row, column, self._sheet() or None)

    def _sheet(self) -> str:
        """The name of the workbook sheet read, when the workbook has several; else ""."""
        return self._sheet_used[0] if self._sheet_used else ""


def _looks_delimited(head: bytes) -> bool:
    """The first line of ``head`` is text with a comma, semicolon, tab or pipe in it."""
    first = head.split(b"\n", 1)[0]
    if b"\x00" in first:
        return False
    return any(d in first for d in (b",", b";", b"\t", b"|"))


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
