"""The results tables name each record as the user knows it: row, name, email, own id."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.ui.results.results_model import RunResultsModel
from app.ui.results.results_view import ResultsView
from tests.gui import managers_support

tasks = managers_support.tasks  # a BackgroundTasks fixture

XERO_ID = "4f1c2a9e-0b57-4a61-9d43-2c8f6e1b7a10"
ROWS = (
    RecordResult(
        1,
        XERO_ID,
        "ada@example.com",
        Outcome.CREATED,
        contact_id="cc-ada",
        name="Ada Lovelace",
        source_id=XERO_ID,
    ),
    RecordResult(
        14,
        "C0000014",
        "bad@example.com",
        Outcome.FAILED,
        reason="Row 14: Constant Contact refused it: invalid email address",
        name="Brian O'Neill",
        source_id="C0000014",
    ),
    RecordResult(0, "cc:cc-9", "new@example.com", Outcome.SKIPPED, "Unsubscribed", "cc-9"),
)


def summary(rows: tuple[RecordResult, ...]) -> RunSummary:
    return RunSummary(
        run_id=1,
        profile_name="Xero customers",
        status=RunStatus.COMPLETED_WITH_ERRORS,
        counts=RunCounts.of(r.outcome for r in rows),
        started_at="2026-03-02T10:00:00+00:00",
        finished_at="2026-03-02T10:01:00+00:00",
    )


def cells(model: RunResultsModel, record: RecordResult) -> list[object]:
    row = model.rows.index(record)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_results_and_error_report_show_name_email_and_the_sources_own_id(qtbot, tasks):
    view = ResultsView(tasks)
    qtbot.addWidget(view)
    view.show_run(summary(ROWS), ROWS)

    push, errors = view.push_table, view.error_table
    model = push.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Row", "Name", "Email", "Record ID", "Outcome", "Reason"]
    assert cells(model, ROWS[0])[:4] == [1, "Ada Lovelace", "ada@example.com", XERO_ID]
    # A contact that is not in the source has no row number to show.
    assert cells(model, ROWS[2])[:4] == [None, "", "new@example.com", ""]
    assert not push.view.isColumnHidden(RunResultsModel.COL_ID)
    email = model.index(model.rows.index(ROWS[0]), RunResultsModel.COL_EMAIL)
    assert email.data(Qt.ItemDataRole.ToolTipRole) == "Constant Contact ID: cc-ada"

    refused = cells(errors.model, ROWS[1])
    assert refused[:4] == [14, "Brian O'Neill", "bad@example.com", "C0000014"]
    assert refused[5].startswith("Row 14: Constant Contact refused it:")

    # Searching finds a record by name or by its own id.
    qtbot.keyClicks(push.search, "lovelace")
    assert push.visible_rows() == (ROWS[0],)
    push.search.clear()
    qtbot.keyClicks(push.search, "C0000014")
    assert push.visible_rows() == (ROWS[1],)


def test_without_the_sources_own_ids_the_id_column_is_hidden(qtbot, tasks):
    # A file with no ID column: the row number is what identifies a record.
    rows = (RecordResult(2, "ada@example.com", "ada@example.com", Outcome.CREATED, name="Ada"),)
    view = ResultsView(tasks)
    qtbot.addWidget(view)
    view.show_run(summary(rows), rows)
    assert view.push_table.view.isColumnHidden(RunResultsModel.COL_ID)
    assert not view.push_table.view.isColumnHidden(RunResultsModel.COL_NAME)
    view.show_run(summary(ROWS), ROWS)
    assert not view.push_table.view.isColumnHidden(RunResultsModel.COL_ID)
