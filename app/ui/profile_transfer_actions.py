"""The Profiles menu's Duplicate, Export… and Import…: the command line's checks
(``app.sync.profile_transfer``), with file dialogs and a question when a name is taken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.errors import AppError
from app.core.profiles import SyncProfile
from app.sync.facade.api import ContactBridgeApi
from app.sync.profile_transfer import (
    WINDOW_HINT,
    copy_name,
    duplicate_profile,
    import_profile,
    read_profile_export,
    write_profile_export,
)
from app.ui.errors import show_error
from app.ui.export_path import documents_folder, export_path
from app.ui.i18n import tr

PROFILE_FILTER = "ContactBridge profiles (*.json);;All files (*)"


class Taken(Enum):
    """What to do when an imported profile's name is taken."""

    REPLACE = "replace"
    COPY = "copy"
    CANCEL = "cancel"


def ask_export_file(parent: QWidget | None, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent, tr("Export the profile"), suggested, tr(PROFILE_FILTER)
    )
    return path


def ask_import_file(parent: QWidget | None) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent, tr("Import a profile"), str(documents_folder()), tr(PROFILE_FILTER)
    )
    return path


def ask_name_taken(parent: QWidget | None, name: str, copy: str) -> Taken:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("A profile has this name"))
    box.setText(tr("A profile named “%1” already exists.").replace("%1", name))
    box.setInformativeText(
        tr(
            "Replace it with the imported settings (it keeps its history and its links to "
            "Constant Contact), or import this one as “%1”?"
        ).replace("%1", copy)
    )
    replace = box.addButton(tr("Replace"), QMessageBox.ButtonRole.DestructiveRole)
    as_copy = box.addButton(tr("Import as a copy"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(as_copy)
    box.exec()
    clicked = box.clickedButton()
    if clicked is replace:
        return Taken.REPLACE
    if clicked is as_copy:
        return Taken.COPY
    return Taken.CANCEL


class ProfileTransfer(QObject):
    """The three actions; ``selected`` gives the selected profile's id, ``done`` is told
    of the profile saved (to reload the list and select it). Tests replace the ``ask_*``."""

    def __init__(
        self,
        parent: QWidget,
        service: ContactBridgeApi,
        selected: Callable[[], int | None],
        done: Callable[[SyncProfile, str], None],
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.service = service
        self.selected = selected
        self.done = done
        self.ask_export_file = ask_export_file
        self.ask_import_file = ask_import_file
        self.ask_name_taken = ask_name_taken
        self.duplicate_action = QAction(tr("D&uplicate"), parent)
        self.duplicate_action.setStatusTip(
            tr("Make a copy of the selected profile with the same settings and no history")
        )
        self.export_action = QAction(tr("E&xport…"), parent)
        self.export_action.setStatusTip(
            tr("Save the selected profile's settings to a file (no passwords or sign-ins)")
        )
        self.import_action = QAction(tr("&Import…"), parent)
        self.import_action.setStatusTip(tr("Add a profile from a file exported by ContactBridge"))
        self.duplicate_action.triggered.connect(self.duplicate)
        self.export_action.triggered.connect(self.export)
        self.import_action.triggered.connect(self.import_)

    def set_enabled(self, has_selection: bool) -> None:
        self.duplicate_action.setEnabled(has_selection)
        self.export_action.setEnabled(has_selection)

    @Slot()
    def duplicate(self) -> None:
        pid = self.selected()
        if pid is None:
            return
        try:
            copy = duplicate_profile(self.service, pid)
        except AppError as exc:
            show_error(self.window, exc)
            return
        self.done(copy, tr("Made “%1”").replace("%1", copy.name))

    @Slot()
    def export(self) -> None:
        pid = self.selected()
        profile = self.service.profiles.get(pid) if pid is not None else None
        if profile is None:
            return
        suggested = export_path(profile.name, date.today(), tr("profile"), "json")
        chosen = self.ask_export_file(self.window, str(suggested))
        if not chosen:
            return
        try:
            write_profile_export(self.service, profile, Path(chosen))
        except AppError as exc:
            show_error(self.window, exc)
            return
        self.done(
            profile, tr("Exported “%1” to %2").replace("%1", profile.name).replace("%2", chosen)
        )

    @Slot()
    def import_(self) -> None:
        chosen = self.ask_import_file(self.window)
        if not chosen:
            return
        try:
            data, name = read_profile_export(Path(chosen), tr(WINDOW_HINT))
            existing = self.service.profiles.get_by_name(name)
            replace, new_name = False, None
            if existing is not None:
                taken = {p.name for p in self.service.profiles.list()}
                copy = copy_name(name, taken)
                answer = self.ask_name_taken(self.window, existing.name, copy)
                if answer is Taken.CANCEL:
                    return
                replace = answer is Taken.REPLACE
                new_name = None if replace else copy
            profile = import_profile(self.service, data, replace=replace, name=new_name)
        except AppError as exc:
            show_error(self.window, exc)
            return
        self.done(profile, tr("Imported “%1”").replace("%1", profile.name))
