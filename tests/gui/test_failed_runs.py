"""A run that fails looks failed: the panel, the table and history agree, and a moved file
can be located again without losing the profile (issue 11, "Failures look like failures")."""

from __future__ import annotations

import shutil

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.core.advice import ErrorKind
from app.core.outcomes import RunStatus
from app.ui.main_window import MainWindow
from app.ui.wording import message_words, status_words

RUN_TIMEOUT = 60_000
BAKERY = "Bakery customers → Newsletter"


@pytest.fixture
def window(qtbot, sandbox):
    window = MainWindow(sandbox.service)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()


def test_moved_file_fails_plainly_and_locate_file_keeps_the_profile(qtbot, window, sandbox):
    service = sandbox.service
    profile = service.profiles.get_by_name(BAKERY)
    window.select_profile(profile.id)
    with qtbot.waitSignal(window.panel.results_shown, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
    first = window.panel.results.summary
    assert window.panel.results.banner.title.text().startswith("Sync finished")
    links_before = first.counts.created + first.counts.updated + first.counts.unchanged

    old = sandbox.sample_csv
    moved = old.parent.parent / "moved away" / old.name
    moved.parent.mkdir()
    shutil.move(old, moved)

    with qtbot.waitSignal(window.runner.run_failed, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
    # The panel: no "up to date" left over from the run before; the full path; Locate file…
    panel = window.panel
    assert panel.stack.currentIndex() == panel.PAGE_IDLE
    text = panel.idle.text()
    assert "did not finish" in text
    assert str(old) in text  # the folder too, not just the file's name
    assert "Sync again" not in text and "Locate file" in text
    assert panel.locate_button.isVisible()
    # No "Sync finished" notice left over from the run before says otherwise.
    assert not window.notice_banner.isVisible()
    # The error dialog offers Locate file… too.
    box = window.findChild(QMessageBox, "errorDialog")
    assert box is not None and box.findChild(QPushButton, "locateFile") is not None
    assert str(old) in box.informativeText()
    box.close()
    # The table and history say the same: it did not finish, and why, without "Sync again".
    last = service.runs.history(profile.id)[0]
    assert last.status is RunStatus.FAILED
    assert last.error_kind == ErrorKind.MISSING_FILE
    assert status_words(last)[0] == "Did not finish"
    assert "sync again" not in message_words(last).lower()
    assert "Locate file" in message_words(last)

    # Locate file…: the dialog starts in the nearest folder that still exists.
    asked: list[str] = []

    def pick(parent, start):
        asked.append(start)
        return str(moved)

    window.pick_source_file = pick
    qtbot.mouseClick(panel.locate_button, Qt.MouseButton.LeftButton)
    assert asked == [str(old.parent)]
    located = service.profiles.get(profile.id)
    assert located is not None and located.source.path == str(moved)
    assert located.name == profile.name and located.main_list == profile.main_list
    assert not panel.locate_button.isVisible()

    with qtbot.waitSignal(window.panel.results_shown, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
    again = window.panel.results.summary
    assert again.status in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS)
    assert again.counts.created == 0  # the links were kept: nobody is created twice
    assert again.counts.updated + again.counts.unchanged >= links_before
    # The history was kept: the first run, and the failed one, now resumed to its end.
    assert [r.run_id for r in service.runs.history(profile.id)] == [last.run_id, first.run_id]
