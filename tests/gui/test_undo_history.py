"""Run history: "Undo this run…" shows what it will restore, then undoes the run."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.history import HistoryDialog
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT
from tests.sync.xero_two_way import NEW_CUSTOMER, NEWCOMERS, second_run, synced_xero

tasks = managers_support.tasks
synced = managers_support.synced
fast_client = managers_support.fast_client


def newsletter(sandbox) -> set[str]:  # type: ignore[no-untyped-def]
    return sandbox.emulator.contacts_on_list("Newsletter")


def test_undo_this_run_previews_then_undoes(qtbot, synced, tasks) -> None:
    service = synced.service
    pushed = newsletter(synced)
    assert pushed
    dialog = HistoryDialog(service, service.profiles.named(SAMPLE_PROFILE_NAME), tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.undo_button.isEnabled()  # the sync is selected

    with qtbot.waitSignal(dialog.undo_previewed, timeout=TIMEOUT) as previewed:
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    preview = previewed.args[0]

    assert preview.table.rowCount() == preview.report.tally()["total"]
    assert f"would restore {len(pushed)}" in preview.summary.text()
    assert preview.created == len(pushed) - 1  # Grace Hopper was there before the sync
    assert preview.delete_box.isVisible() and not preview.delete_box.isChecked()
    assert newsletter(synced) == pushed  # the preview changed nothing

    with qtbot.waitSignal(dialog.undo_finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(preview.undo_button, Qt.MouseButton.LeftButton)
    report = finished.args[0]

    assert report.tally()["restored"] == len(pushed)
    assert newsletter(synced) == set()
    newest = dialog.model.rows[0]
    assert newest.run_id == report.run_id and newest.extra["undo_of"] == report.undo_of
    kind = dialog.model.index(0, 1).data()
    assert kind == f"Undo of run {report.undo_of}"
    assert not dialog.undo_button.isEnabled()  # an undo is not undone


def test_the_preview_lists_what_goes_back_to_xero_and_the_choice_to_archive(
    qtbot, sandbox, fast_client, tasks, monkeypatch
) -> None:
    xero = synced_xero(sandbox, monkeypatch)
    before, run = second_run(xero)
    service = xero.service
    dialog = HistoryDialog(service, xero.profile, tasks)
    qtbot.addWidget(dialog)
    dialog.show()

    with qtbot.waitSignal(dialog.undo_previewed, timeout=TIMEOUT) as previewed:
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    preview = previewed.args[0]

    def said(email: str) -> str:
        return next(
            preview.table.item(r, 1).text()
            for r in range(preview.table.rowCount())
            if preview.table.item(r, 0).text() == email
        )

    renamed = run["during"][run["renamed"]]["EmailAddress"]
    assert said(renamed).startswith("FirstName back to “")
    assert said(renamed).endswith("” in Xero")
    created = len(run["created"])
    box = preview.delete_box
    assert box.isVisible() and not box.isChecked()
    assert created > 1
    assert box.text().startswith("Also delete the 1 contact this run created in Constant")
    assert f"and archive the {created} records it created in Xero" in box.text()
    assert said(NEWCOMERS[0]) == "Nothing"  # stays in Xero unless chosen
    assert preview.opt_outs.isVisible()  # the opt-out written to Xero stays, and it says so
    assert f"{created} records the sync created in Xero stay there" in preview.summary.text()

    box.setChecked(True)

    assert said(NEWCOMERS[0]) == "Archived in Xero (unless changed there since)"
    assert "archived (unless changed there since)" in preview.summary.text()
    with qtbot.waitSignal(dialog.undo_finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(preview.undo_button, Qt.MouseButton.LeftButton)
    report = finished.args[0]

    assert report.tally()["failed"] == 0, [s.reason for s in report.steps if s.outcome == "failed"]
    assert not xero.in_cc(NEW_CUSTOMER)  # deleted: the run created it
    state = xero.state()
    assert {state[k]["ContactStatus"] for k in run["created"]} == {"ARCHIVED"}
    assert state[run["renamed"]]["FirstName"] == before[run["renamed"]]["FirstName"]


def test_an_undo_with_nothing_to_put_back_says_why_its_button_is_off(qtbot) -> None:
    from app.sync.undo_report import UndoReport
    from app.ui.undo_dialog import UndoPreviewDialog

    preview = UndoPreviewDialog(UndoReport(undo_of=7, dry_run=True, steps=[]))
    qtbot.addWidget(preview)
    preview.show()
    assert not preview.undo_button.isEnabled()
    assert preview.undo_blocked.isVisible()
    assert preview.undo_blocked.text() == (
        "Nothing to undo: this run changed no contact that can be put back."
    )
