"""FileSource on Excel workbooks: sheets, dates, numbers, and damaged files."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.connectors.csv_file import FileSource
from app.connectors.file_source.xlsx_rows import render_value
from app.core.errors import SourceError


def make_book(
    path: Path, sheets: dict[str, list[list[object]]], hidden: frozenset[str] = frozenset()
) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    return path


def test_values_render_as_text(tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "people.xlsx",
        {
            "Contacts": [
                ["Email", "Zip", "Joined", "Visit", "Score", "Member", "Phone", "Big"],
                [
                    "a@x.com",
                    12345,
                    date(2024, 3, 5),
                    datetime(2024, 3, 5, 14, 30),
                    2.5,
                    True,
                    4155550123.0,
                    1234567890123,
                ],
            ]
        },
    )
    (rec,) = FileSource(path).iter_records()
    assert rec.values == {
        "Email": "a@x.com",
        "Zip": "12345",
        "Joined": "2024-03-05",
        "Visit": "2024-03-05 14:30",
        "Score": "2.5",
        "Member": "TRUE",
        "Phone": "4155550123",
        "Big": "1234567890123",
    }
    assert rec.row == 2


def test_zip_code_format_keeps_leading_zeros(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Email", "Zip"])
    ws.append(["a@x.com", 2134])
    ws["B2"].number_format = "00000"
    book.save(tmp_path / "zips.xlsx")
    (rec,) = FileSource(tmp_path / "zips.xlsx").iter_records()
    assert rec.values["Zip"] == "02134"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  padded ", "padded"),
        (12345.0, "12345"),
        (-3, "-3"),
        (0.1 + 0.2, "0.3"),
        (1e20, "1e+20"),
        (False, "FALSE"),
        (time(9, 5), "09:05"),
        (time(9, 5, 7), "09:05:07"),
        (datetime(2024, 1, 2), "2024-01-02"),
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05"),
    ],
)
def test_render_value(value: object, text: str) -> None:
    assert render_value(value) == text


def test_first_non_empty_visible_sheet_and_named_sheet(tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "book.xlsx",
        {
            "Empty": [],
            "Hidden": [["Email"], ["hidden@x.com"]],
            "Blank cells": [[None, None], [None]],
            "Main": [[], ["Email", "Name"], ["m@x.com", "M"]],
            "Other": [["Email"], ["o@x.com"]],
        },
        hidden=frozenset({"Hidden"}),
    )
    source = FileSource(path)
    assert source.sheet_names() == ["Empty", "Hidden", "Blank cells", "Main", "Other"]
    assert source.columns() == ["Email", "Name"]
    # The header is in the sheet's second row, so the first record is row 3.
    assert [(r.row, r.key) for r in source.iter_records()] == [(3, "m@x.com")]
    assert [r.key for r in FileSource(path, sheet="Other").iter_records()] == ["o@x.com"]
    assert [r.key for r in FileSource(path, sheet="Hidden").iter_records()] == ["hidden@x.com"]


def test_rows_are_the_sheets_own_with_gaps_counted(tmp_path: Path) -> None:
    # Cells written where they stand: rows 1-2, 5-6 and 8 do not exist in the file at all,
    # as Excel saves a sheet with empty rows.
    book = Workbook()
    ws = book.active
    for row, column, value in (
        (3, 1, "Email"),
        (3, 2, "Name"),
        (4, 1, "a@x.com"),
        (7, 1, "b@x.com"),
        (7, 2, "B"),
        (9, 2, "Only a name"),
    ):
        ws.cell(row=row, column=column, value=value)
    path = tmp_path / "gaps.xlsx"
    book.save(path)

    source = FileSource(path)
    assert [(r.row, r.values["Name"]) for r in source.iter_records()] == [
        (4, ""),
        (7, "B"),
        (9, "Only a name"),
    ]
    _, numbered = source.numbered_preview()
    assert [n for n, _ in numbered] == [4, 7, 9]


def test_unknown_sheet(tmp_path: Path) -> None:
    path = make_book(tmp_path / "book.xlsx", {"One": [["Email"]], "Two": [["Email"]]})
    with pytest.raises(SourceError, match=r'no sheet called "Three".*"One", "Two".*book\.xlsx'):
        FileSource(path, sheet="Three").columns()


def test_empty_workbook(tmp_path: Path) -> None:
    path = make_book(tmp_path / "empty.xlsx", {"Sheet": []})
    with pytest.raises(SourceError, match=r'empty.*file "empty\.xlsx"'):
        FileSource(path).columns()


def test_headers_rows_and_problems(tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "book.xlsx",
        {
            "S": [
                ["Email", None, "Email", None, None],
                ["a@x.com", "note", "dup", None, None],
                [None, None, None],
                ["b@x.com", None, None, None, "stray"],
            ]
        },
    )
    source = FileSource(path)
    assert source.columns() == ["Email", "Column 2", "Email (2)"]
    assert [(r.row, dict(r.values)) for r in source.iter_records()] == [
        (2, {"Email": "a@x.com", "Column 2": "note", "Email (2)": "dup"})
    ]
    (problem,) = source.problems
    assert (problem.row, problem.column, problem.file) == (4, "Column E", "book.xlsx")
    assert '"stray" is under no heading' in problem.message
    assert "quotes" not in problem.message  # the delimiter hint is for text files only
    assert source.count_rows() == 2
    assert source.preview(1) == (
        ["Email", "Column 2", "Email (2)"],
        [["a@x.com", "note", "dup"]],
    )


def test_opt_out_from_boolean_and_number_cells(tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "sf.xlsx",
        {"S": [["Email", "Email Opt Out"], ["a@x.com", True], ["b@x.com", 0], ["c@x.com", 1.0]]},
    )
    got = [r.opted_out for r in FileSource(path, opt_out_column="Email Opt Out").iter_records()]
    assert got == [True, False, True]


def test_workbook_named_csv_is_read_as_workbook(tmp_path: Path) -> None:
    path = make_book(tmp_path / "book.xlsx", {"S": [["Email"], ["a@x.com"]]})
    renamed = path.rename(tmp_path / "export.csv")
    assert [r.key for r in FileSource(renamed).iter_records()] == ["a@x.com"]


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04truncated", None],
    ids=["garbage", "truncated zip", "zip without a workbook"],
)
def test_corrupt_workbook(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "broken.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=r'not a readable Excel workbook.*file "broken\.xlsx"'):
        FileSource(path).columns()


def test_workbook_without_styles_does_not_warn(tmp_path: Path) -> None:
    # Some exporters write no stylesheet; openpyxl warns, and warnings are errors in tests.
    src = make_book(tmp_path / "src.xlsx", {"S": [["Email"], ["a@x.com"]]})
    path = tmp_path / "nostyle.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                continue
            if item.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                data = data.replace(b"styles.xml", b"missing.xml")
            zout.writestr(item, data)
    assert [r.key for r in FileSource(path).iter_records()] == ["a@x.com"]


def test_date_serial_out_of_range_does_not_warn(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Email", "When"])
    ws.append(["a@x.com", 10**9])
    ws["B2"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "dates.xlsx")
    (rec,) = FileSource(tmp_path / "dates.xlsx").iter_records()
    assert rec.values["When"] == "#VALUE!"
