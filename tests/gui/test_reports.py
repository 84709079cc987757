"""Reports: runs across profiles with filters, a run's results, and exports read back."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.outcomes import RunStatus
from app.sync.facade.values import RunFilter
from app.ui.lists.rows_model import RowsModel
from app.ui.reports import (
    CUSTOM,
    PERIODS,
    RESULT_CHOICES,
    ReportsDialog,
    run_columns,
    run_filter_of,
)
from app.ui.wording import parse_time
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT
from tests.helpers.builders import make_results, summary_of

TODAY = date(2026, 3, 10)

# The shared fixtures (tests/gui/conftest.py is not ours to extend).
fast_client = managers_support.fast_client
tasks = managers_support.tasks


def period(words: str) -> int:
    return [w for w, _ in PERIODS].index(words)


def result(words: str) -> int:
    return [w for w, _ in RESULT_CHOICES].index(words)


def test_filters_from_the_controls() -> None:
    since, until = date(2026, 3, 5), date(2026, 3, 1)
    assert run_filter_of(None, 0, period("Any time"), since, until, TODAY) == RunFilter()
    assert run_filter_of(3, result("Dry runs"), period("Last 7 days"), since, until, TODAY) == (
        RunFilter(3, frozenset({RunStatus.DRY_RUN}), date(2026, 3, 4), TODAY)
    )
    custom = run_filter_of(None, 0, CUSTOM, since, until, TODAY)
    assert (custom.since, custom.until) == (until, since)  # a reversed range is put right


def test_run_filter_matches_status_and_local_days() -> None:
    run = summary_of(1, make_results(3))  # started 2026-03-02 10:00 UTC
    day = date.fromisoformat("2026-03-02")
    assert RunFilter(statuses=frozenset({RunStatus.COMPLETED})).matches(run)
    assert not RunFilter(statuses=frozenset({RunStatus.FAILED})).matches(run)
    assert RunFilter(since=day, until=day).matches(run)
    assert not RunFilter(since=date(2026, 3, 4)).matches(run)


def test_runs_model_passes_modeltester(qtmodeltester) -> None:
    rows = make_results(10)
    model = RowsModel(run_columns())
    model.set_rows(
        [summary_of(2, rows), summary_of(1, rows, status=RunStatus.DRY_RUN, dry_run=True)]
    )
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Shop customers"
    assert [model.index(r, 2).data() for r in range(2)] == ["Sync", "Dry run"]


@pytest.fixture
def reports(qtbot, sandbox, fast_client, tasks):
    service = sandbox.service
    profile = service.profiles.overviews()[0].profile
    service.runs.sync(profile.id, dry_run=True)
    service.runs.sync(profile.id)
    chosen: list[Path] = []
    suggestions: list[str] = []

    def choose_file(parent, title, name_filter, suggested, on_chosen) -> None:
        suggestions.append(suggested)
        on_chosen(str(chosen[-1] if chosen else Path(sandbox.home) / Path(suggested).name))

    dialog = ReportsDialog(service, tasks, choose_file=choose_file)
    dialog.chosen = chosen
    dialog.suggestions = suggestions
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.results_shown, timeout=TIMEOUT):
        dialog.show()
    return dialog


def test_runs_newest_first_with_the_selected_runs_results(reports) -> None:
    runs = reports.shown_runs()
    assert [r.status for r in runs][:2] == [RunStatus.COMPLETED, RunStatus.DRY_RUN]
    run, rows = reports._loaded
    assert run == runs[0]
    assert reports.results.push_table.model.rowCount() == run.counts.total == len(rows)
    assert reports.results.error_table.model.rowCount() == run.counts.skipped + run.counts.failed


def test_filters_narrow_the_runs(qtbot, reports) -> None:
    with qtbot.waitSignal(reports.runs_loaded, timeout=TIMEOUT):
        reports.result.setCurrentIndex(result("Dry runs"))
    assert [r.status for r in reports.shown_runs()] == [RunStatus.DRY_RUN]

    with qtbot.waitSignal(reports.runs_loaded, timeout=TIMEOUT):
        reports.result.setCurrentIndex(0)
    with qtbot.waitSignal(reports.runs_loaded, timeout=TIMEOUT):
        reports.period.setCurrentIndex(CUSTOM)
    assert reports.since.isVisible() and reports.until.isVisible()
    with qtbot.waitSignal(reports.runs_loaded, timeout=TIMEOUT):
        reports.until.setDate(reports.since.date().addDays(-1))  # both days before today
    assert reports.shown_runs() == []
    assert reports.status.text() == "No runs match these filters."

    with qtbot.waitSignal(reports.runs_loaded, timeout=TIMEOUT):
        reports.period.setCurrentIndex(period("Today"))
    with qtbot.waitSignal(reports.runs_loaded, timeout=TIMEOUT):
        reports.profile.setCurrentIndex(reports.profile.count() - 1)
    names = {r.profile_name for r in reports.shown_runs()}
    assert names <= {reports.profile.currentText()}


def test_export_a_run_to_excel_with_results_and_errors(qtbot, reports, tmp_path) -> None:
    reports.chosen.append(tmp_path / "run.xlsx")
    run, rows = reports._loaded
    with qtbot.waitSignal(reports.export_finished, timeout=TIMEOUT) as done:
        reports.export_run_xlsx.trigger()
    path, count = done.args
    problems = run.counts.skipped + run.counts.failed
    assert count == len(rows) + problems

    book = load_workbook(path)
    assert book.sheetnames == ["Results", "Errors"]
    results, errors = book["Results"], book["Errors"]
    assert [c.value for c in results[1]][:5] == ["Row", "Name", "Email", "Record ID", "Outcome"]
    assert results.freeze_panes == "A2"
    assert results.max_row == len(rows) + 1 and errors.max_row == problems + 1
    assert {c.value for c in errors["E"][1:]} <= {"Not pushed", "Failed subscription", "Failed"}
    assert "Saved" in reports.export_note.text()


def test_export_the_runs_and_an_error_report_to_csv(qtbot, reports, tmp_path) -> None:
    reports.chosen.append(tmp_path / "runs.csv")
    with qtbot.waitSignal(reports.export_finished, timeout=TIMEOUT):
        reports.export("runs", "csv")
    with (tmp_path / "runs.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][:5] == ["Started", "Finished", "Profile", "Kind", "Result"]
    assert [line[3] for line in lines[1:3]] == ["Sync", "Dry run"]
    assert lines[1][4] == "Synced"

    reports.chosen.append(tmp_path / "errors.csv")
    with qtbot.waitSignal(reports.export_finished, timeout=TIMEOUT) as done:
        reports.export_errors_csv.trigger()
    run, _rows = reports._loaded
    with (tmp_path / "errors.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert len(lines) - 1 == done.args[1] == run.counts.skipped + run.counts.failed


def test_exports_are_named_for_the_profile_and_date_in_the_documents_folder(
    qtbot, reports, tmp_path, monkeypatch
) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr("app.ui.export_path.user_documents_dir", lambda: str(documents))
    run, _rows = reports._loaded
    day = parse_time(run.started_at).date().isoformat()
    with qtbot.waitSignal(reports.export_finished, timeout=TIMEOUT):
        reports.export_errors_csv.trigger()
    assert reports.suggestions[-1] == str(
        documents / f"{run.profile_name} – {day} error report.csv"
    )
    with qtbot.waitSignal(reports.export_finished, timeout=TIMEOUT):
        reports.export("runs", "xlsx")
    assert Path(reports.suggestions[-1]).parent == documents
    assert Path(reports.suggestions[-1]).name.startswith("ContactBridge – ")
