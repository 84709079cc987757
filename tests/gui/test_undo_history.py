"""Run history: "Undo this run…" shows what it will restore, then undoes the run."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.history import HistoryDialog
from tests.gui import managers_support
from tests.gui.managers_support import TIMEOUT

tasks = managers_support.tasks
synced = managers_support.synced
fast_client = managers_support.fast_client


def newsletter(sandbox) -> set[str]:  # type: ignore[no-untyped-def]
    return sandbox.emulator.contacts_on_list("Newsletter")


def test_undo_this_run_previews_then_undoes(qtbot, synced, tasks) -> None:
    service = synced.service
    pushed = newsletter(synced)
    assert pushed
    dialog = HistoryDialog(service, service.get_profile(SAMPLE_PROFILE_NAME), tasks)
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
