"""Results a person can act on: an update says what changed, and a double-click on a row
opens that record's details (what was sent, what Constant Contact holds now)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.sync.facade.values import RecordDetails
from app.ui.results.record_details import RecordDetailsDialog
from app.ui.results.results_model import RunResultsModel
from app.ui.results.results_view import ResultsView
from tests.gui import managers_support

tasks = managers_support.tasks  # a BackgroundTasks fixture

XERO_ID = "4f1c2a9e-0b57-4a61-9d43-2c8f6e1b7a10"
UPDATED = RecordResult(
    3,
    XERO_ID,
    "ada@example.com",
    Outcome.UPDATED,
    reason="Changed since the last sync",
    contact_id="cc-ada",
    detail="City: Austin → Dallas",
    name="Ada Lovelace",
    source_id=XERO_ID,
)
SKIPPED = RecordResult(4, "C4", "gone@example.com", Outcome.SKIPPED, "Unsubscribed", name="Bo Li")
ROWS = (UPDATED, SKIPPED)
SUMMARY = RunSummary(
    run_id=7,
    profile_name="Xero customers",
    status=RunStatus.COMPLETED,
    counts=RunCounts.of(r.outcome for r in ROWS),
    started_at="2026-03-02T10:00:00+00:00",
    finished_at="2026-03-02T10:01:00+00:00",
)
DETAILS = RecordDetails(
    sent={"email": "ada@example.com", "first_name": "Ada", "city": "Dallas"},
    held={"email": "ada@example.com", "first_name": "Ada", "city": "Dallas", "company_name": "AE"},
    permission="implicit",
    list_count=2,
)


def view_with(qtbot, tasks, asked: list) -> ResultsView:
    def details(run_id: int, key: str, email: str) -> RecordDetails:
        asked.append((run_id, key, email))
        return DETAILS if key == XERO_ID else RecordDetails(None, None)

    view = ResultsView(tasks, details=details)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show_run(SUMMARY, ROWS)
    view.show()
    return view


def test_an_updated_row_says_what_changed(qtbot, tasks):
    view = view_with(qtbot, tasks, [])
    model = view.push_table.model
    reason = model.index(model.rows.index(UPDATED), RunResultsModel.COL_REASON).data()
    assert reason == "Changed since the last sync: City: Austin → Dallas"
    skipped = model.index(model.rows.index(SKIPPED), RunResultsModel.COL_REASON).data()
    assert skipped == "Unsubscribed"
    # What changed is searchable too.
    qtbot.keyClicks(view.push_table.search, "Dallas")
    assert view.push_table.visible_rows() == (UPDATED,)


def double_click(qtbot, view: ResultsView, record: RecordResult) -> RecordDetailsDialog:
    table = view.push_table
    source = table.model.index(table.model.rows.index(record), RunResultsModel.COL_NAME)
    index = table.proxy.mapFromSource(source)
    rect = table.view.visualRect(index)
    qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    assert view.dialog is not None
    return view.dialog


def test_double_clicking_a_row_shows_what_was_sent_and_what_constant_contact_holds(qtbot, tasks):
    asked: list = []
    view = view_with(qtbot, tasks, asked)
    dialog = double_click(qtbot, view, UPDATED)
    assert asked == [(7, XERO_ID, "ada@example.com")]
    facts = {k: label.text() for k, label in dialog.facts.items()}
    assert facts["name"] == "Ada Lovelace"
    assert facts["source_id"] == XERO_ID
    assert facts["row"] == "3"
    assert facts["reason"] == "Changed since the last sync"
    assert facts["detail"] == "City: Austin → Dallas"
    table = dialog.table
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }
    assert rows["City"] == ("Dallas", "Dallas")
    assert rows["Company"] == ("", "AE")  # held there, not sent by this run
    assert table.item(0, 0).text() == "Email address"
    assert "implicit" in dialog.note.text() and "on 2 lists." in dialog.note.text()
    # It fits the screen, with its Close button on it.
    free = dialog.screen().availableGeometry()
    assert dialog.width() <= free.width() and dialog.height() <= free.height()
    dialog.buttons.button(dialog.buttons.StandardButton.Close).click()
    qtbot.waitUntil(lambda: view.dialog is None)


def test_a_record_the_run_sent_nothing_for_says_so(qtbot, tasks):
    view = view_with(qtbot, tasks, [])
    dialog = double_click(qtbot, view, SKIPPED)
    assert dialog.table.rowCount() == 0
    assert "sent nothing" in dialog.note.text()
    assert "holds no contact" in dialog.note.text()
