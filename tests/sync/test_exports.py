"""app.sync.exports: CSV and Excel reports, read back with csv and openpyxl."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.errors import Cancelled
from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.sync import exports
from app.sync.exports import (
    RESULT_HEADER,
    RUNS_HEADER,
    Sheet,
    results_sheets,
    runs_sheet,
    sheet_title,
    write_csv,
    write_xlsx,
)
from app.sync.progress import CancelToken


def records() -> list[RecordResult]:
    return [
        RecordResult(
            2,
            "C1",
            "ada@example.com",
            Outcome.CREATED,
            contact_id="cc-1",
            name="Ada Lovelace",
            source_id="C1",
        ),
        RecordResult(3, "C2", "zoë@example.com", Outcome.UPDATED, matched_existing=True),
        RecordResult(4, "C3", "", Outcome.SKIPPED, reason="No email address"),
        RecordResult(5, "C4", "=HYPERLINK(1)", Outcome.FAILED, reason="Refused\x07 by CC"),
    ]


def run(run_id: int, status: RunStatus = RunStatus.COMPLETED) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        profile_name="Bakery",
        status=status,
        counts=RunCounts(created=3, failed=1),
        dry_run=status is RunStatus.DRY_RUN,
        message="Created 3.",
        started_at="2026-03-02T10:00:00+00:00",
        finished_at="2026-03-02T10:01:00+00:00",
    )


def test_results_csv_has_a_header_and_every_row(tmp_path: Path) -> None:
    results, errors = results_sheets(records())
    path = tmp_path / "results.csv"

    assert write_csv(path, results) == 4

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads accents only with the BOM
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(RESULT_HEADER)
    assert rows[0][:4] == ["Row", "Name", "Email", "Record ID"]
    assert rows[0][7] == "Constant Contact ID"
    assert rows[1] == [
        "2",
        "Ada Lovelace",
        "ada@example.com",
        "C1",
        "Created",
        "No",
        "",
        "cc-1",
        "",
    ]
    assert rows[2][2:6] == ["zoë@example.com", "", "Updated", "Yes"]
    assert [r[4] for r in rows[1:]] == ["Created", "Updated", "Not pushed", "Failed"]
    assert len(errors.rows) == 2


def test_xlsx_has_results_and_errors_sheets_with_frozen_header(tmp_path: Path) -> None:
    path = tmp_path / "run.xlsx"

    assert write_xlsx(path, results_sheets(records())) == 6

    book = load_workbook(path)
    assert book.sheetnames == ["Results", "Errors"]
    results, errors = book["Results"], book["Errors"]
    assert [c.value for c in results[1]] == list(RESULT_HEADER)
    assert results["A1"].font.bold
    assert results.freeze_panes == "A2" and errors.freeze_panes == "A2"
    assert results.max_row == 5 and errors.max_row == 3
    assert results["A2"].value == 2 and results["C2"].value == "ada@example.com"
    assert (results["B2"].value, results["D2"].value) == ("Ada Lovelace", "C1")
    assert results["H2"].value == "cc-1"
    assert [c.value for c in errors["E"][1:]] == ["Not pushed", "Failed"]
    # Text stays text: no formula, and control characters are dropped.
    assert results["C5"].value == "=HYPERLINK(1)" and results["C5"].data_type == "s"
    assert results["G5"].value == "Refused by CC"
    widths = {k: d.width for k, d in results.column_dimensions.items()}
    assert widths["C"] >= len("ada@example.com") and widths["A"] >= exports.MIN_WIDTH
    assert all(w <= exports.MAX_WIDTH for w in widths.values())


def test_runs_sheet_in_csv_and_xlsx(tmp_path: Path) -> None:
    sheet = runs_sheet(
        [run(2), run(1, RunStatus.DRY_RUN)], status_words=lambda r: r.status.value.title()
    )
    write_csv(tmp_path / "runs.csv", sheet)
    write_xlsx(tmp_path / "runs.xlsx", [sheet])

    with (tmp_path / "runs.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(RUNS_HEADER)
    assert rows[1][2:7] == ["Bakery", "Sync", "Completed", "3", "0"]
    assert rows[2][3] == "Dry run"
    assert rows[1][0].startswith("2026-03-0")  # local time, minutes

    ws = load_workbook(tmp_path / "runs.xlsx")["Runs"]
    assert isinstance(ws["A2"].value, datetime) and ws["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["K2"].value == 4 and ws["L2"].value == "Created 3."


def test_a_cancelled_export_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(exports, "CHECK_EVERY", 1)
    cancel = CancelToken()
    cancel.cancel()
    sheet = Sheet("Results", ("A",), [("x",), ("y",)])
    for writer in (lambda p: write_csv(p, sheet, cancel), lambda p: write_xlsx(p, [sheet], cancel)):
        path = tmp_path / "out.file"
        with pytest.raises(Cancelled):
            writer(path)
        assert list(tmp_path.iterdir()) == []


def test_sheet_titles_are_excel_safe_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("Errors: 2026/03", taken) == "Errors  2026 03".replace("  ", " ")
    assert sheet_title("A" * 40, taken) == "A" * 31
    assert sheet_title("a" * 40, taken) == "A" * 0 + "a" * 27 + " (2)"
    assert sheet_title("", taken) == "Sheet"
