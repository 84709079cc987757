"""Every dialog fits a 1366×768 laptop screen, keeps its buttons in sight, and reopens where
the user left it (app/ui/dialog_fit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QScrollArea,
    QWidget,
    QWizard,
)

from app.core.errors import AppError
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.undo_report import UndoReport
from app.ui.connections_manager import ConnectionsDialog
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import build_error_dialog
from app.ui.history import HistoryDialog
from app.ui.lists_manager import ListsDialog
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.reports import ReportsDialog
from app.ui.settings import UiSettings
from app.ui.settings_dialog import SettingsDialog
from app.ui.undo_dialog import UndoPreviewDialog
from tests.gui import managers_support

fast_client = managers_support.fast_client
tasks = managers_support.tasks
synced = managers_support.synced

LAPTOP = QRect(0, 0, 1366, 768)


def laptop_area(widget: QWidget) -> QRect:
    """The screen's available area, and never more than a 1366×768 laptop's."""
    return widget.screen().availableGeometry().intersected(LAPTOP)


def buttons_of(dialog: QWidget) -> list[QAbstractButton]:
    if isinstance(dialog, QWizard):
        kinds = (QWizard.WizardButton.NextButton, QWizard.WizardButton.CancelButton)
        return [dialog.button(kind) for kind in kinds]
    return [b for box in dialog.findChildren(QDialogButtonBox) for b in box.buttons()]


def assert_fits(dialog: QWidget) -> None:
    assert laptop_area(dialog).contains(dialog.frameGeometry()), dialog.frameGeometry()
    buttons = [b for b in buttons_of(dialog) if not b.isHidden()]
    assert buttons, "no buttons found"
    for button in buttons:
        assert button.isVisible()
        top_left = button.mapTo(dialog, QPoint(0, 0))
        assert dialog.rect().contains(QRect(top_left, button.size())), button.text()
        parent = button.parentWidget()
        while parent is not None and parent is not dialog:  # never scrolled out of sight
            assert not isinstance(parent, QScrollArea), button.text()
            parent = parent.parentWidget()


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings.for_home(tmp_path)


def test_the_managers_fit_with_their_buttons_in_sight(qtbot, synced, tasks, ui_settings) -> None:
    service = synced.service
    profile = service.profiles.named(SAMPLE_PROFILE_NAME)
    dialogs = [
        SettingsDialog(service, ui_settings),
        ReportsDialog(service, tasks, ui_settings),
        HistoryDialog(service, profile, tasks, ui_settings),
        ListsDialog(service, tasks, ui_settings),
        ConnectionsDialog(service, tasks, ui_settings),
        UndoPreviewDialog(UndoReport(undo_of=7, dry_run=True, steps=[]), settings=ui_settings),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert_fits(dialog)
    settings = dialogs[0]
    assert settings.height() < 860  # what it asks for is taller than the laptop
    assert settings.findChild(QScrollArea) is not None  # so its options scroll


def test_the_wizard_and_an_error_dialog_fit(qtbot, sandbox) -> None:
    wizard = ProfileWizard(sandbox.service)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert_fits(wizard)
    details = "\n".join(f"line {n} of a long explanation" for n in range(200))
    box = build_error_dialog(wizard, AppError("The file could not be read.\n" + details))
    assert box is not None
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    assert laptop_area(box).contains(box.frameGeometry())
    assert "line 199 of a long explanation" in box.detailedText()  # nothing lost


def test_the_main_window_opens_within_the_laptop_screen(qtbot, fake_service) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert laptop_area(window).contains(window.frameGeometry())
    window.shutdown()


def test_a_dialog_reopens_at_the_size_and_place_it_was_left(qtbot, sandbox, ui_settings) -> None:
    first = SettingsDialog(sandbox.service, ui_settings)
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(QRect(100, 90, 620, 500))
    first.reject()
    again = SettingsDialog(sandbox.service, ui_settings)
    qtbot.addWidget(again)
    again.show()
    assert again.geometry() == QRect(100, 90, 620, 500)


def test_a_place_no_longer_on_any_screen_is_not_used(qtbot, ui_settings: UiSettings) -> None:
    ui_settings.save_rect("far", QRect(5000, 4000, 500, 400))  # a monitor since unplugged
    dialog = QWidget()
    qtbot.addWidget(dialog)
    fit_to_screen(dialog, QSize(500, 400), ui_settings, "far")
    assert laptop_area(dialog).contains(dialog.geometry())
    assert dialog.size() == QSize(500, 400)


def test_a_remembered_size_larger_than_this_screen_is_cut_to_it(
    qtbot, ui_settings: UiSettings
) -> None:
    ui_settings.save_rect("big", QRect(0, 0, 2560, 1400))  # left so on a large monitor
    dialog = QWidget()
    qtbot.addWidget(dialog)
    fit_to_screen(dialog, QSize(500, 400), ui_settings, "big")
    dialog.show()
    assert laptop_area(dialog).contains(dialog.frameGeometry())
