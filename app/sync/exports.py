"""Writing reports to CSV and Excel (.xlsx) files: plain Python, run in a worker thread.

A report is a list of ``Sheet``s: a title, a header row and value rows. CSV holds one sheet;
an Excel workbook holds one sheet each (a run's results and its error report, or a list of
runs), with a bold header row, frozen panes under it and column widths that fit the text.
Words come from the caller (the UI translates them); the English defaults suit the CLI.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.core.outcomes import Outcome, RecordResult, RunStatus, RunSummary
from app.core.vocabulary import RunTallies, label, row_label, shown_terms
from app.file_modes import private_file
from app.sync.progress import CancelToken

CHECK_EVERY = 5000  # rows between checks of the cancel token
WIDTH_SAMPLE = 500  # rows measured for column widths
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters
DATE_FORMAT = "yyyy-mm-dd hh:mm"
_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection

RESULT_HEADER = (
    "Row",
    "Name",
    "Email",
    "Record ID",
    "Outcome",
    "Matched existing contact",
    "Reason",
    "Constant Contact ID",
    "Details",
)
# A runs sheet: these, then a column for each count (the vocabulary's), then RUNS_TAIL.
RUNS_HEADER = ("Started", "Finished", "Profile", "Kind", "Result")
RUNS_TAIL = ("Total", "Message")


@dataclass(frozen=True)
class Sheet:
    """One table of a report. Values are str, int, float, bool, datetime or None."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def results_sheets(
    rows: Sequence[RecordResult],
    *,
    titles: tuple[str, str] = ("Results", "Errors"),
    header: Sequence[str] = RESULT_HEADER,
    outcome_word: Callable[[RecordResult], str] | None = None,
    yes_no: tuple[str, str] = ("Yes", "No"),
) -> tuple[Sheet, Sheet]:
    """A run's records, and its error report (the records not pushed or failed).

    Each record is named as the user knows it: its row in the source (blank for a contact
    not in the source), the person's name, the email, the source's own id (a Xero
    ContactID, a file's ID column; blank when the source has none, as the row then is)
    and its Constant Contact id.

    ``outcome_word`` words a record's outcome; by default as its tally reads in English
    (``app.core.vocabulary.row_label``: "Created in Constant Contact", "Not pushed"...).
    """
    yes, no = yes_no
    word_of = outcome_word or (lambda r: row_label(r, dry_run=False))

    def line(r: RecordResult) -> tuple[Any, ...]:
        matched = yes if r.matched_existing else no
        word = word_of(r)
        row = r.row or None
        return (row, r.name, r.email, r.source_id, word, matched, r.reason, r.contact_id, r.detail)

    problems = (Outcome.SKIPPED, Outcome.FAILED)
    return (
        Sheet(titles[0], tuple(header), [line(r) for r in rows]),
        Sheet(titles[1], tuple(header), [line(r) for r in rows if r.outcome in problems]),
    )


def runs_sheet(
    runs: Sequence[RunSummary],
    *,
    title: str = "Runs",
    header: Sequence[str] = RUNS_HEADER,
    tail: Sequence[str] = RUNS_TAIL,
    status_words: Callable[[RunSummary], str] = lambda r: str(r.status),
    kind_words: tuple[str, str] = ("Sync", "Dry run"),
    translate: Callable[[str], str] = lambda text: text,
) -> Sheet:
    """A list of runs with their counts in the results' words; times are local.

    The counts are those the results screen shows for these runs (``shown_terms``), each
    headed by its caption ("Created in Constant Contact", "Failed subscriptions", "Created
    in Xero"...), then the total and the message.
    """
    tallies = [RunTallies.of_summary(r) for r in runs]
    terms = shown_terms(tallies)
    sources = {r.source_name for r, t in zip(runs, tallies, strict=True) if t.two_way}
    source = next(iter(sources)) if len(sources) == 1 else ""

    def line(r: RunSummary, t: RunTallies) -> tuple[Any, ...]:
        dry = r.dry_run or r.status is RunStatus.DRY_RUN
        return (
            local_time(r.started_at),
            local_time(r.finished_at),
            r.profile_name,
            kind_words[1] if dry else kind_words[0],
            status_words(r),
            *(t.side(term.side).get(term.tally) for term in terms),
            t.total,
            r.message,
        )

    counts_header = tuple(label(term, False, source, translate) for term in terms)
    return Sheet(
        title,
        (*header, *counts_header, *tail),
        [line(r, t) for r, t in zip(runs, tallies, strict=True)],
    )


def local_time(text: str) -> datetime | None:
    """A stored ISO 8601 time as naive local time (what Excel shows), None when blank."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def spreadsheet_safe(value: Any) -> str:
    """A CSV cell's text that a spreadsheet shows as text, never runs as a formula.

    As OWASP recommends for CSV injection, text starting with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return gets a leading single quote (``=HYPERLINK(...)`` becomes
    ``'=HYPERLINK(...)``). Numbers the app itself writes (row numbers, counts) stay numbers.
    """
    text = _text(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _replace_when_done(path: Path, write: Callable[[Path], int]) -> int:
    """Write next to ``path`` and rename at the end: a failed or cancelled export never
    leaves half a file under the chosen name. The file is owner-only (0600): it holds
    customers' names and emails."""
    tmp = path.with_name(path.name + ".part")
    try:
        private_file(tmp)
        count = write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def write_csv(path: Path, sheet: Sheet, cancel: CancelToken | None = None) -> int:
    """Write one sheet as CSV (UTF-8 with a byte-order mark, which Excel needs for accents);
    returns the number of rows written, header excluded."""

    def write(tmp: Path) -> int:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([spreadsheet_safe(h) for h in sheet.header])
            for n, row in enumerate(sheet.rows, 1):
                writer.writerow([spreadsheet_safe(v) for v in row])
                if cancel is not None and n % CHECK_EVERY == 0:
                    cancel.raise_if_cancelled()
        return len(sheet.rows)

    return _replace_when_done(path, write)


def column_widths(sheet: Sheet) -> list[int]:
    """Widths in characters that fit the header and the first rows, within 8 to 60."""
    widths = [len(h) for h in sheet.header]
    for row in sheet.rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(_text(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    base = " ".join(title.translate(_BAD_TITLE).split())[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_xlsx(path: Path, sheets: Sequence[Sheet], cancel: CancelToken | None = None) -> int:
    """Write an Excel workbook with one worksheet per sheet; returns the rows written.

    Streams (openpyxl's write-only mode), so 100,000 rows stay within memory. Text is always
    stored as text, so a value such as "=SUM(A1)" from a source file never runs as a formula.
    """

    def write(tmp: Path) -> int:
        book = Workbook(write_only=True)
        try:
            return _fill(book, tmp)
        except BaseException:
            # Finish the streamed sheets now, or their writers fail later, when collected.
            for ws in book.worksheets:
                if not ws.closed:
                    ws.close()
            raise

    def _fill(book: Workbook, tmp: Path) -> int:
        taken: set[str] = set()
        written = 0
        for sheet in sheets:
            ws = book.create_sheet(sheet_title(sheet.title, taken))
            ws.freeze_panes = "A2"
            for i, width in enumerate(column_widths(sheet), 1):
                ws.column_dimensions[get_column_letter(i)].width = width
            ws.append([_header_cell(ws, h) for h in sheet.header])
            for n, row in enumerate(sheet.rows, 1):
                ws.append([_cell(ws, v) for v in row])
                if cancel is not None and n % CHECK_EVERY == 0:
                    cancel.raise_if_cancelled()
            written += len(sheet.rows)
        if not sheets:
            book.create_sheet("Sheet")
        book.save(tmp)
        return written

    return _replace_when_done(path, write)


_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E5E7EB")
_HEADER_ALIGN = Alignment(vertical="center")


def _header_cell(ws: Any, text: str) -> Cell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _HEADER_ALIGN
    cell.data_type = "s"
    return cell


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, str):
        # Control characters are not allowed in a workbook; they carry no meaning here.
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value
