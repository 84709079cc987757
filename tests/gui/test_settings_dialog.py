"""The Settings dialog: built from the option registry, saved in SQLite, log folder, menus."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.core.profiles import AmbiguousMatch, ImportScope, OptOutHandling
from app.core.settings import (
    CLEAR_ON_RESUBSCRIBE,
    IMPORT_SCOPE,
    MULTIPLE_MATCH,
    OPTIONS,
    PUSH_PHONES,
    UNSUBSCRIBE_FROM_CC,
    UNSUBSCRIBE_TO_CC,
    Preferences,
)
from app.ui.main_window import MainWindow
from app.ui.settings import UiSettings
from app.ui.settings_dialog import SettingsDialog


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def dialog(qtbot, sandbox, opened, tmp_path):
    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    dialog = SettingsDialog(sandbox.service, open_url=open_url, log_dir=lambda: tmp_path / "logs")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_every_option_has_a_labelled_control_showing_its_default(dialog) -> None:
    assert set(dialog.checkboxes) | set(dialog.combos) == {o.key for o in OPTIONS}
    for option in OPTIONS:
        control = dialog.checkboxes.get(option.key) or dialog.combos[option.key]
        assert control.accessibleName() and control.toolTip()
    assert dialog.preferences() == Preferences()
    assert dialog.combos[MULTIPLE_MATCH.key].currentData() == AmbiguousMatch.SKIP.value


def test_clearing_on_resubscribe_needs_the_opt_out_mark(dialog) -> None:
    mark = dialog.checkboxes[UNSUBSCRIBE_FROM_CC.key]
    clear = dialog.checkboxes[CLEAR_ON_RESUBSCRIBE.key]
    assert clear.isEnabled()
    mark.setChecked(False)
    assert not clear.isEnabled()
    mark.setChecked(True)
    assert clear.isEnabled()


def test_settings_are_saved_and_read_back(qtbot, dialog, sandbox) -> None:
    dialog.checkboxes[PUSH_PHONES.key].setChecked(False)
    dialog.checkboxes[UNSUBSCRIBE_TO_CC.key].setChecked(False)
    combo = dialog.combos[IMPORT_SCOPE.key]
    combo.setCurrentIndex(combo.findData(ImportScope.ALL_ACTIVE.value))
    with qtbot.waitSignal(dialog.preferences_saved):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    prefs = sandbox.service.profiles.preferences()
    assert prefs.get(PUSH_PHONES) is False
    assert prefs.get(IMPORT_SCOPE) == ImportScope.ALL_ACTIVE.value
    options = sandbox.service.profiles.new_options()
    assert options.sync_phones is False
    assert options.opt_out_handling is OptOutHandling.SKIP
    assert options.import_scope is ImportScope.ALL_ACTIVE

    again = SettingsDialog(sandbox.service)
    qtbot.addWidget(again)
    assert again.preferences() == prefs
    again.defaults_button.click()
    assert again.preferences() == Preferences()
    again.reject()  # cancelled: the saved values stay
    assert sandbox.service.profiles.preferences() == prefs


def test_open_log_folder_in_one_click(dialog, opened, tmp_path) -> None:
    dialog.log_button.click()
    assert opened == [QUrl.fromLocalFile(str(tmp_path / "logs"))]


def test_open_log_folder_opens_the_folder_the_log_is_written_in(qtbot, sandbox) -> None:
    opened: list[QUrl] = []
    dialog = SettingsDialog(sandbox.service, open_url=lambda url: opened.append(url) or True)
    qtbot.addWidget(dialog)
    dialog.log_button.click()
    folder = sandbox.home / "logs"
    assert opened == [QUrl.fromLocalFile(str(folder))]
    assert sandbox.log_path is not None and sandbox.log_path.parent == folder
    assert sandbox.log_path.is_file()  # the run's lines go there


def test_a_folder_that_cannot_be_opened_says_where_it_is(qtbot, sandbox, tmp_path) -> None:
    dialog = SettingsDialog(sandbox.service, open_url=lambda url: False, log_dir=lambda: tmp_path)
    qtbot.addWidget(dialog)
    dialog.open_log_folder()
    box = dialog.findChild(QMessageBox, "errorDialog")
    assert box is not None and str(tmp_path) in box.informativeText()
    box.close()


def test_main_window_menu_opens_each_screen(qtbot, sandbox, tmp_path: Path) -> None:
    window = MainWindow(sandbox.service, settings=UiSettings.for_home(tmp_path))
    qtbot.addWidget(window)
    try:
        texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
        for text in ("&Connections…", "&Lists…", "&Reports…", "Se&ttings…"):
            assert text in texts
        for action, kind in (
            (window.connections_action, "ConnectionsDialog"),
            (window.lists_action, "ListsDialog"),
            (window.reports_action, "ReportsDialog"),
            (window.settings_action, "SettingsDialog"),
        ):
            action.trigger()
            assert type(window.dialog).__name__ == kind
            window.dialog.close()
    finally:
        window.shutdown()


def test_window_sizes_are_remembered(qtbot, sandbox, tmp_path: Path) -> None:
    settings = UiSettings.for_home(tmp_path)
    first = SettingsDialog(sandbox.service, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(610, 700)
    first.reject()
    again = SettingsDialog(sandbox.service, settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (610, 700)
