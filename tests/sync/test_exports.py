"""app.sync.exports: CSV and Excel reports, read back with csv and openpyxl."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.errors import Cancelled
from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.vocabulary import FAILED_SUBSCRIPTION_REASON, RunTallies, row_label
from app.sync import exports
from app.sync.exports import (
    RESULT_HEADER,
    RUNS_HEADER,
    RUNS_TAIL,
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
        "Created in Constant Contact",
        "No",
        "",
        "cc-1",
        "",
    ]
    assert rows[2][2:6] == ["zoë@example.com", "", "Matched to an existing contact", "Yes"]
    assert [r[4] for r in rows[3:]] == ["Not pushed", "Failed"]
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
    assert rows[0] == [
        *RUNS_HEADER,
        "Created in Constant Contact",
        "Matched to existing contacts",
        "Updated in Constant Contact",
        "Unchanged",
        "Not pushed",
        "Failed subscriptions",
        "Failed",
        *RUNS_TAIL,
    ]
    assert rows[1][2:7] == ["Bakery", "Sync", "Completed", "3", "0"]
    assert rows[2][3] == "Dry run"
    assert rows[1][0].startswith("2026-03-0")  # local time, minutes

    ws = load_workbook(tmp_path / "runs.xlsx")["Runs"]
    assert isinstance(ws["A2"].value, datetime) and ws["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["L2"].value == 1 and ws["M2"].value == 4 and ws["N2"].value == "Created 3."


def test_a_two_way_run_exports_each_direction_in_its_own_words(tmp_path: Path) -> None:
    rows = [
        RecordResult(2, "C1", "ada@example.com", Outcome.CREATED, action="create"),
        RecordResult(3, "cc:9", "new@example.com", Outcome.CREATED, direction="import"),
        RecordResult(
            4, "C4", "bo@example.com", Outcome.UPDATED, direction="optout", action="opt_out"
        ),
        RecordResult(5, "C5", "al@example.com", Outcome.SKIPPED, reason=FAILED_SUBSCRIPTION_REASON),
    ]
    results, errors = results_sheets(rows, outcome_word=lambda r: row_label(r, False, "Xero"))
    outcome = RESULT_HEADER.index("Outcome")
    assert [line[outcome] for line in results.rows] == [
        "Created in Constant Contact",
        "Created in Xero",
        "Marked opted out in Xero",
        "Failed subscription",
    ]
    assert [line[outcome] for line in errors.rows] == ["Failed subscription"]

    tallies = RunTallies.of(rows)
    two_way = RunSummary(
        7,
        "Xero customers",
        RunStatus.COMPLETED,
        RunCounts.of(r.outcome for r in rows),
        extra=tallies.as_extra(),
        source_name="Xero",
    )
    sheet = runs_sheet([two_way, run(1)])
    header = list(sheet.header)
    values = dict(zip(header, sheet.rows[0], strict=True))
    assert values["Created in Constant Contact"] == 1
    assert values["Created in Xero"] == 1
    assert values["Marked opted out in Xero"] == 1
    assert values["Not pushed"] == values["Failed subscriptions"] == 1
    assert values["Total"] == 4
    counts = [n for h, n in values.items() if h not in ("Failed subscriptions", "Total")]
    assert sum(n for n in counts if isinstance(n, int)) == values["Total"]
    older = dict(zip(header, sheet.rows[1], strict=True))  # stored no tallies: its counts
    assert older["Created in Constant Contact"] == 3 and older["Created in Xero"] == 0


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
