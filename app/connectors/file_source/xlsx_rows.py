"""Reading rows from an .xlsx workbook as text, streaming, with openpyxl in read-only mode."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from app.connectors.file_source.header_row import split_titles
from app.connectors.file_source.headers import clean_headers
from app.core.errors import SourceError, SourceLocation
from app.core.mapping_suggest import suggest_mapping

# openpyxl parses lazily while we iterate; rows are pulled in chunks inside a warnings guard
# (a ``catch_warnings`` block must not stay open across a ``yield``).
_CHUNK = 500
_ZEROS = re.compile(r"0+")  # a "00000" number format: Excel's zip code format

Row = tuple[int, list[str]]


@dataclass
class SheetPick:
    """Which sheet of a workbook was read, and why (filled in by ``iter_xlsx_rows``).

    Attributes:
        name: the sheet read.
        sheets: every worksheet of the workbook, in order.
        automatic: ContactBridge picked it (no sheet was named).
        has_email: its headings include an email column.
        looked_at: the sheets whose headings were looked at for an email column, in order.
    """

    name: str = ""
    sheets: tuple[str, ...] = ()
    automatic: bool = True
    has_email: bool = False
    looked_at: tuple[str, ...] = ()


def iter_xlsx_rows(path: Path, sheet: str | None, pick: SheetPick | None = None) -> Iterator[Row]:
    """Yield ``(row number, cell texts)`` from one sheet; row 1 is the sheet's first row.

    The sheet is ``sheet`` if given, else the first visible sheet whose headings (below any
    title lines) include an email column, else the first visible sheet with any value in it.
    What was picked and why goes into ``pick``.

    Raises:
        SourceError: the workbook cannot be opened, the sheet does not exist, its data is
            damaged (named with the sheet and the row where reading stopped), or its XML
            declares entities (refused for safety).
    """
    pick = pick if pick is not None else SheetPick()
    with _open(path) as workbook:
        pick.sheets = tuple(ws.title for ws in workbook.worksheets)
        worksheet = _pick_sheet(workbook, path, sheet, pick)
        if worksheet is not None:
            yield from _rows(worksheet, path.name)


def sheet_names(path: Path) -> list[str]:
    """The names of the worksheets in a workbook, in order."""
    with _open(path) as workbook:
        return [ws.title for ws in workbook.worksheets]


@contextmanager
def _open(path: Path) -> Iterator[Any]:
    """Open a workbook read-only, closing it and the file afterwards.

    openpyxl is given an open file rather than the path, because it refuses paths whose
    extension is not an Excel one (a workbook saved as "contacts.csv").
    """
    with path.open("rb") as handle:
        workbook = _load(handle, path.name)
        try:
            yield workbook
        finally:
            workbook.close()


def _load(handle: BinaryIO, name: str) -> Any:
    location = SourceLocation(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles or extensions openpyxl cannot keep
            return load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:
        if _unsafe_xml(exc):
            raise _refused(name, "", exc) from exc
        raise SourceError(
            "This file is not a readable Excel workbook; it may be damaged or not really an "
            ".xlsx file. Open it in Excel and save it again as .xlsx or .csv.",
            location,
            details=repr(exc),
        ) from exc


def _pick_sheet(workbook: Any, path: Path, sheet: str | None, pick: SheetPick) -> Any:
    sheets = workbook.worksheets
    if sheet is not None:
        for ws in sheets:
            if ws.title == sheet:
                pick.name, pick.automatic = ws.title, False
                pick.has_email, pick.looked_at = bool(_has_email(ws, path.name)), (ws.title,)
                return ws
        names = ", ".join(f'"{ws.title}"' for ws in sheets)
        raise SourceError(
            f'The workbook has no sheet called "{sheet}". Its sheets are: {names}.',
            SourceLocation(path.name),
        )
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    hidden = [ws for ws in sheets if ws.sheet_state != "visible"]
    first_with_data = None
    looked_at: list[str] = []
    for ws in visible + hidden:
        found = _has_email(ws, path.name)
        if found is None:
            continue
        looked_at.append(ws.title)
        if found:
            pick.name, pick.has_email, pick.looked_at = ws.title, True, tuple(looked_at)
            return ws
        first_with_data = first_with_data or ws
    pick.looked_at = tuple(looked_at)
    pick.name = first_with_data.title if first_with_data is not None else ""
    return first_with_data


def _has_email(worksheet: Any, name: str) -> bool | None:
    """Whether the sheet's headings name an email column; None for a sheet with no values."""
    header, _ = split_titles(_rows(worksheet, name))
    if header is None:
        return None
    return suggest_mapping(clean_headers(header[1])).source_for("email") is not None


def _rows(worksheet: Any, name: str) -> Iterator[Row]:
    worksheet.reset_dimensions()  # some writers record a wrong size; read what is there
    source = worksheet.iter_rows()
    number = 0
    while True:
        chunk: list[Row] = []
        failure: Exception | None = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                for cells in source:
                    number += 1
                    chunk.append((number, _texts(cells)))
                    if len(chunk) >= _CHUNK:
                        break
            except Exception as exc:
                failure = exc
        yield from chunk
        if failure is not None:
            raise _damaged_sheet(worksheet.title, name, number + 1, failure) from failure
        if not chunk:
            return


def _damaged_sheet(title: str, name: str, row: int, exc: Exception) -> SourceError:
    if _unsafe_xml(exc):
        return _refused(name, title, exc)
    return SourceError(
        f'The sheet "{title}" of this workbook is damaged from about row {row} on (its data '
        "cannot be read there; a cell may hold text such as #DIV/0! where a number belongs). "
        "Open the workbook in Excel, check that sheet, save it again and try once more.",
        SourceLocation(name, row, sheet=title),
        details=repr(exc),
    )


def _unsafe_xml(exc: BaseException) -> bool:
    """``exc``, or an error it was raised from, is defusedxml refusing entities or a DTD."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, DefusedXmlException):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _refused(name: str, sheet: str, exc: BaseException) -> SourceError:
    where = f'its sheet "{sheet}"' if sheet else "part of it"
    return SourceError(
        "This workbook contains XML that ContactBridge refuses to read for safety: "
        f"{where} declares entities, a trick that can make "
        "a file read other files on this computer or swell to gigabytes in memory. If you "
        "trust the file, open it in Excel, save it again as .xlsx (or as .csv) and pick that "
        "copy.",
        SourceLocation(name, sheet=sheet or None),
        details=repr(exc),
    )


def _texts(cells: tuple[Any, ...]) -> list[str]:
    out = [render_value(c.value, getattr(c, "number_format", None)) for c in cells]
    while out and not out[-1]:
        out.pop()
    return out


def render_value(value: object, number_format: str | None = None) -> str:
    """Render a cell value as the text a person expects to see.

    Dates become ``2024-03-05`` (with ``14:30`` or ``14:30:15`` if there is a time), whole
    numbers lose their ``.0``, other numbers keep up to 15 significant digits, and a number
    formatted ``00000`` (Excel's zip code format) keeps its leading zeros.
    """
    render = _RENDERERS.get(type(value))
    if render is not None:
        return render(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        text = _number(value)
        if number_format and _ZEROS.fullmatch(number_format) and text.isdigit():
            text = text.zfill(len(number_format))
        return text
    return str(value).strip()


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _datetime(value: datetime) -> str:
    if value.time() == time(0, 0):
        return value.date().isoformat()
    return f"{value.date().isoformat()} {_time(value.time())}"


def _time(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


_RENDERERS: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "",
    str: lambda v: v.strip(),
    datetime: _datetime,
    date: lambda v: v.isoformat(),
    time: _time,
    timedelta: str,
}
