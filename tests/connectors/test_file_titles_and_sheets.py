"""Headings below title lines, and the workbook sheet read: what the user sees in the preview
and in the records' row numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.connectors.file_source import FileSource
from app.core.errors import SourceError
from tests.connectors.hostile.builders import write
from tests.connectors.hostile.workbooks import save, workbook_bytes


def book(sheets: dict[str, dict[int, list[object]]]) -> bytes:
    """A workbook whose sheets hold rows at the given row numbers (others left blank)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        sheet = wb.create_sheet(title)
        for number, cells in rows.items():
            for column, value in enumerate(cells, start=1):
                sheet.cell(number, column, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- title lines -----------------------------------------------------------------------------


def test_title_lines_of_a_till_export_are_not_the_headings(tmp_path: Path) -> None:
    text = "Customer export\nPrinted 3/4/2025\n\nEmail,First name,Last name\na@x.com,Ann,Lee\n"
    source = FileSource(write(tmp_path, text))
    look = source.look()
    assert look.columns == ["Email", "First name", "Last name"]
    assert look.rows == [(5, ["a@x.com", "Ann", "Lee"])]
    assert look.title_hint() == (
        "The column headings are on row 4; the first 3 lines were titles and are not read."
    )


def test_title_lines_above_semicolon_headings(tmp_path: Path) -> None:
    text = "Kundenexport\nGedruckt 3.4.2025\nEmail;Name;Ort\na@x.com;Ann;Köln\nb@x.com;Bo;Bonn\n"
    records = list(FileSource(write(tmp_path, text)).iter_records())
    assert [(r.row, r.values["Ort"]) for r in records] == [(4, "Köln"), (5, "Bonn")]


def test_a_wider_title_row_still_loses_to_the_real_headings(tmp_path: Path) -> None:
    # Two filled cells, but narrower than the rows under it, then the named headings.
    text = "Shop report,2025\nEmail,Name,City\na@x.com,Ann,Paris\nb@x.com,Bo,Rome\n"
    look = FileSource(write(tmp_path, text)).look()
    assert look.columns == ["Email", "Name", "City"] and look.header_row == 2
    assert look.title_hint().endswith("the first line was a title and is not read.")


def test_a_one_column_list_with_a_title(tmp_path: Path) -> None:
    look = FileSource(write(tmp_path, "Newsletter sign-ups\n\nEmail\na@x.com\n")).look()
    assert look.columns == ["Email"] and look.rows == [(4, ["a@x.com"])]


@pytest.mark.parametrize(
    "text",
    [
        "Email,Name\na@x.com,Ann\n",  # no titles
        "\n\nEmail,Name\na@x.com,Ann\n",  # blank lines only: nothing was a title
        "Customer,City\nAnn Lee,Paris\nBo Chan,Rome\n",  # headings no field name matches
    ],
    ids=["plain", "blank-lines", "unknown-headings"],
)
def test_files_without_titles_say_nothing_about_titles(tmp_path: Path, text: str) -> None:
    source = FileSource(write(tmp_path, text))
    look = source.look()
    assert look.title_hint() == "" and look.title_lines == 0
    assert len(list(source.iter_records())) == len(look.rows)


def test_a_record_is_never_taken_for_a_title(tmp_path: Path) -> None:
    # No headings at all: the first row is the headings as before, and no record after a
    # row with an email address is ever skipped as a title.
    text = "a@x.com,Ann,London\nBob,Smith,Paris\nc@x.com,Cy,Rome\n"
    source = FileSource(write(tmp_path, text))
    assert source.columns() == ["a@x.com", "Ann", "London"]
    assert [r.row for r in source.iter_records()] == [2, 3]


def test_a_quoted_address_below_a_title_is_not_taken_for_swallowed_rows(tmp_path: Path) -> None:
    text = 'Customer export\nEmail,Name,Address\na@x.com,Ann,"2 High St, Flat 1\nLeeds, UK"\n'
    source = FileSource(write(tmp_path, text))
    (record,) = source.iter_records()
    assert record.values["Address"] == "2 High St, Flat 1\nLeeds, UK" and source.problems == []


def test_title_lines_in_a_workbook(tmp_path: Path) -> None:
    data = book(
        {
            "Export": {
                1: ["Customer export"],
                2: ["Printed 3/4/2025"],
                4: ["Email", "Name"],
                5: ["a@x.com", "Ann"],
                7: ["b@x.com", "Bo"],
            }
        }
    )
    source = FileSource(save(tmp_path, data))
    look = source.look()
    assert look.columns == ["Email", "Name"] and look.title_lines == 3
    assert [(r.row, r.key) for r in source.iter_records()] == [(5, "a@x.com"), (7, "b@x.com")]


# -- sheets ----------------------------------------------------------------------------------


def test_the_sheet_with_an_email_column_below_titles_is_picked(tmp_path: Path) -> None:
    data = book(
        {
            "Read me": {1: ["This export was made on Monday"], 2: ["Ask Sam before editing"]},
            "Contacts": {1: ["Customer export"], 3: ["Email", "Name"], 4: ["a@x.com", "Ann"]},
        }
    )
    look = FileSource(save(tmp_path, data)).look()
    assert look.sheets == ("Read me", "Contacts") and look.sheet == "Contacts"
    assert look.sheet_hint() == 'ContactBridge picked "Contacts" because it has an email column.'
    assert look.rows == [(4, ["a@x.com", "Ann"])]


def test_a_chosen_sheet_is_read_and_named_in_row_messages(tmp_path: Path) -> None:
    data = workbook_bytes(
        {
            "Contacts": [["Email", "Name"], ["a@x.com", "Ann"]],
            "Old": [["Email", "Name"], ["old@x.com", "Olga", "extra"]],
        }
    )
    source = FileSource(save(tmp_path, data), sheet="Old")
    assert list(source.iter_records()) == []
    (problem,) = source.problems
    assert 'sheet "Old", row 2' in problem.text
    assert source.look().sheet_hint() == 'Reading the sheet "Old".'


def test_no_sheet_with_an_email_column_names_the_sheets_looked_at(tmp_path: Path) -> None:
    data = workbook_bytes(
        {"Notes": [["Read me first"]], "Totals": [["Month", "Sales"], ["May", 3]], "Empty": []}
    )
    look = FileSource(save(tmp_path, data)).look()
    assert look.sheet == "Notes" and not look.sheet_has_email
    assert look.sheet_hint() == (
        'No sheet of this workbook has an email column (ContactBridge looked at "Notes" and '
        '"Totals"), so it shows "Notes", the first with data. Choose the sheet that holds your '
        "contacts."
    )


def test_a_chosen_sheet_without_an_email_column_says_so(tmp_path: Path) -> None:
    data = workbook_bytes({"Contacts": [["Email"], ["a@x.com"]], "Notes": [["Read me"]]})
    look = FileSource(save(tmp_path, data), sheet="Notes").look()
    assert look.sheet_hint() == (
        'The sheet "Notes" has no email column. Choose the sheet that holds your contacts.'
    )


def test_a_sheet_that_is_gone_names_the_sheets_there_are(tmp_path: Path) -> None:
    data = workbook_bytes({"Contacts": [["Email"], ["a@x.com"]], "Notes": [["Read me"]]})
    with pytest.raises(SourceError) as info:
        FileSource(save(tmp_path, data), sheet="Customers").look()
    assert 'no sheet called "Customers". Its sheets are: "Contacts", "Notes"' in str(info.value)


def test_a_text_file_has_no_sheets(tmp_path: Path) -> None:
    look = FileSource(write(tmp_path, "Email\na@x.com\n")).look()
    assert look.sheets == () and look.sheet_hint() == ""


# -- unreadable rows in the preview -----------------------------------------------------------


def test_the_preview_names_the_rows_a_sync_will_leave_out(tmp_path: Path) -> None:
    text = (
        b"Email,Name\n"
        b"a@x.com,Ann\n"
        b"b@x.com,Ren\xe9e\n"  # not UTF-8, in a file whose other names are
        + "c@x.com,Zoë\nd@x.com,Anaïs\ne@x.com,Chloé\n".encode()
        + b"f@x.com,Emma,Leeds,LS1 4AB\n"  # more values than headings
    )
    look = FileSource(write(tmp_path, text)).look()
    assert look.unreadable_rows == (3, 7)
    assert look.unreadable_hint() == (
        "Rows 3 and 7 cannot be read: a sync leaves them out and says why for each."
    )
