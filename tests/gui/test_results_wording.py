"""Results read naturally for rows that did not go to Constant Contact (import, opt-out)."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.ui.results.results_model import RunResultsModel
from app.ui.wording import record_words

pytestmark = pytest.mark.gui

ROWS = (
    RecordResult(1, "c1", "ada@example.com", Outcome.CREATED),
    RecordResult(
        2, "", "new@example.com", Outcome.CREATED, direction="import", action="import_create"
    ),
    RecordResult(
        3,
        "",
        "twin@example.com",
        Outcome.SKIPPED,
        reason="Two Xero contacts share this name and email",
        direction="import",
        action="skip",
    ),
    RecordResult(
        4, "c4", "gone@example.com", Outcome.UPDATED, direction="optout", action="opt_out"
    ),
)


def outcome_column(model: RunResultsModel) -> list[str]:
    return [
        model.data(model.index(i, model.COL_OUTCOME), Qt.ItemDataRole.DisplayRole)
        for i in range(model.rowCount())
    ]


def test_import_and_optout_rows_read_naturally(qapp):
    model = RunResultsModel()
    model.source_name = "Xero"
    model.set_rows(ROWS)
    assert outcome_column(model) == ["Created", "Added to Xero", "Not added", "Marked opted out"]
    reason = model.data(model.index(2, model.COL_REASON), Qt.ItemDataRole.DisplayRole)
    assert reason == "Two Xero contacts share this name and email"
    model.set_rows(ROWS, dry_run=True)
    assert outcome_column(model)[1:] == [
        "Would add to Xero",
        "Would not add",
        "Would mark opted out",
    ]


def test_generic_words_without_a_source_name():
    assert record_words(Outcome.CREATED, False, "import", "import_create") == "Added to the source"
    assert record_words(Outcome.UPDATED, False, "optout", "opt_in") == "Opt-out mark cleared"
    assert record_words(Outcome.UPDATED, False, "push", "remove") == "Removed from the main list"
    assert record_words(Outcome.SKIPPED, False) == "Not pushed"


def test_tiles_and_filters_do_not_call_import_rows_not_pushed(qtbot):
    from app.sync.workers import BackgroundTasks
    from app.ui.results.results_view import ResultsView

    tasks = BackgroundTasks()
    view = ResultsView(tasks)
    qtbot.addWidget(view)
    summary = RunSummary(
        1, "Xero customers", RunStatus.COMPLETED, RunCounts(created=2, updated=1, skipped=1)
    )
    view.show_run(summary, ROWS)
    assert view.tiles["skipped"].caption.text() == "Skipped"
    for table in (view.push_table, view.error_table):
        texts = [table.category.itemText(i) for i in range(table.category.count())]
        assert "Not pushed" not in texts and "Skipped" in texts
    push_only = tuple(r for r in ROWS if r.direction == "push")
    view.show_run(RunSummary(2, "File", RunStatus.COMPLETED, RunCounts(created=1)), push_only)
    assert view.tiles["skipped"].caption.text() == "Not pushed"
    tasks.shutdown()
