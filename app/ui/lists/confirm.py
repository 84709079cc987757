"""Questions before destructive actions and small name prompts, asked without blocking.

Each screen takes these as arguments, so tests answer them directly and no test ever waits
on a modal dialog. The defaults open window-modal dialogs and call back on the answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from app.ui.i18n import tr


@dataclass(frozen=True)
class Confirmation:
    """A question: the first line in bold, what it means, and the destructive button's words."""

    title: str
    text: str
    details: str
    action: str


Confirm = Callable[[QWidget, Confirmation, Callable[[], None]], None]
AskText = Callable[[QWidget, str, str, str, Callable[[str], None]], None]
ChooseFile = Callable[[QWidget, str, str, str, Callable[[str], None]], None]


def ask_confirmation(
    parent: QWidget, confirmation: Confirmation, on_yes: Callable[[], None]
) -> None:
    """Ask; ``on_yes`` runs only if the destructive button is pressed (Cancel is default)."""
    box = QMessageBox(parent)
    box.setObjectName("confirmDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowTitle(confirmation.title)
    box.setText(confirmation.text)
    box.setInformativeText(confirmation.details)
    yes = box.addButton(confirmation.action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAccessibleName(confirmation.title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_yes() if button is yes else None)
    box.open()


def ask_text(
    parent: QWidget, title: str, label: str, initial: str, on_ok: Callable[[str], None]
) -> None:
    """Ask for one line of text (a list name); ``on_ok`` gets it when OK is pressed."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(initial)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText(tr("OK"))
    dialog.setAccessibleName(title)
    dialog.resize(420, dialog.sizeHint().height())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.textValueSelected.connect(on_ok)
    dialog.open()


def choose_save_file(
    parent: QWidget, title: str, name_filter: str, suggested: str, on_chosen: Callable[[str], None]
) -> None:
    """Ask where to save a file (``suggested``: a name, or a full path); ``on_chosen`` gets
    the path."""
    dialog = QFileDialog(parent, title)
    folder = os.path.dirname(suggested)
    if folder:
        dialog.setDirectory(folder)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix(suggested.rsplit(".", 1)[-1])
    dialog.selectFile(suggested)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(on_chosen)
    dialog.open()
