"""Exports are safe in spreadsheets: a cell that looks like a formula never runs as one.

CSV cells starting with = + - @ tab or carriage return get a leading ' (OWASP's advice);
Excel cells are always stored as text.
"""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.outcomes import Outcome, RecordResult
from app.sync.exports import RESULT_HEADER, results_sheets, write_csv, write_xlsx

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1", "-2", "\t=1", "\r=2"]


def hostile_records() -> list[RecordResult]:
    return [
        RecordResult(
            n,
            f"K{n}",
            "a@example.com",
            Outcome.FAILED,
            reason=value,
            name=value,
            source_id=value,
        )
        for n, value in enumerate(HOSTILE, start=2)
    ]


def column(rows: list[list[str]], name: str) -> list[str]:
    index = RESULT_HEADER.index(name)
    return [row[index] for row in rows[1:]]


def test_a_results_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    from app.ui.results.export import write_results_csv  # the results screen's export

    path = tmp_path / "results.csv"
    write_results_csv(path, hostile_records())

    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for name in ("Name", "Record ID", "Reason"):
        assert column(rows, name) == ["'" + value for value in HOSTILE], name
    assert column(rows, "Row") == ["2", "3", "4", "5", "6", "7"]  # numbers stay numbers
    assert column(rows, "Email") == ["a@example.com"] * len(HOSTILE)  # ordinary text kept


def test_a_report_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    _results, errors = results_sheets(hostile_records())
    path = tmp_path / "errors.csv"
    write_csv(path, errors)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert column(rows, "Name") == ["'" + value for value in HOSTILE]


def test_an_excel_export_keeps_formula_looking_cells_as_text(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_xlsx(path, results_sheets(hostile_records()))

    book = load_workbook(path)  # not read-only: formulas would load as data_type "f"
    sheet = book.worksheets[0]
    name_col = RESULT_HEADER.index("Name") + 1
    cells = [sheet.cell(row=r, column=name_col) for r in range(2, 2 + len(HOSTILE))]
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)
    # Stored as written (a typed text cell needs no quote); XML reads a lone \r back as \n.
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in HOSTILE]
    book.close()


@pytest.mark.skipif(os.name != "posix", reason="Windows has no file modes")
def test_exports_are_private_files(tmp_path: Path) -> None:
    results, _ = results_sheets(hostile_records())
    old_umask = os.umask(0o022)
    try:
        write_csv(tmp_path / "a.csv", results)
        write_xlsx(tmp_path / "a.xlsx", [results])
    finally:
        os.umask(old_umask)
    for name in ("a.csv", "a.xlsx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
