"""A validation message in the wizard moves nothing under the pointer."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.ui.profile_wizard.flow import Step


def place(widget: QWidget) -> QRect:
    QApplication.sendPostedEvents()  # the layouts' pending requests
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def test_a_name_message_does_not_move_browse(qtbot, make_wizard, tmp_path) -> None:
    wizard = make_wizard()
    qtbot.waitExposed(wizard)
    page = wizard.page_for(Step.SOURCE)
    name_error = page.findChild(QLabel, "error_name")
    file_error = page.findChild(QLabel, "error_file_path")
    before = place(page.browse_button)
    wizard.next()  # pressing Next early shows every problem, next to its field
    assert name_error.isVisible() and "name" in name_error.text()
    assert file_error.isVisible()
    assert place(page.browse_button) == before
    page.name_edit.setText("Bakery")  # the message goes: nothing moves back either
    assert not name_error.isVisible()
    assert place(page.browse_button) == before
    page.set_file(str(tmp_path / "missing.csv"))
    assert "missing.csv" in file_error.text()
    assert place(page.browse_button) == before
