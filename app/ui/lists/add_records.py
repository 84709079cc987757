"""Choosing records from a profile's source to add to a list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QSize, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.mapping import FieldMapping
from app.core.records import SourceRecord
from app.sync.facade.api import ContactBridgeApi
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr, tr_n
from app.ui.lists.rows_model import Column, RowsModel, make_table, selected_rows
from app.ui.lists.tasks import run_task
from app.ui.settings import UiSettings
from app.ui.theme import Tone, icon, tone_icon
from app.ui.widgets import reason_row, set_reason

MAX_RECORDS = 1000  # records shown to choose from


def record_columns(mapping: FieldMapping) -> tuple[Column[SourceRecord], ...]:
    """Row, email, names and the opt-out mark, read through the profile's mapping."""

    def value(target: str) -> Any:
        column = mapping.source_for(target)
        return lambda r: (r.values.get(column) or "") if column else ""

    return (
        Column(tr("Row"), lambda r: str(r.row), sort=lambda r: r.row, numeric=True),
        Column(tr("Email"), value("email")),
        Column(tr("First name"), value("first_name")),
        Column(tr("Last name"), value("last_name")),
        Column(
            tr("Opted out"),
            lambda r: tr("Opted out — will not be added") if r.opted_out else "",
            icon=lambda r: tone_icon(Tone.WARNING) if r.opted_out else None,
        ),
    )


class AddRecordsDialog(QDialog):
    """Pick a profile, then the records of its source to add to the list.

    Signals:
        records_loaded(): the chosen profile's records are on screen.
        records_chosen(int, object): the profile id and the ``list[SourceRecord]`` picked.
    """

    records_loaded = Signal()
    records_chosen = Signal(int, object)

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        list_name: str,
        parent: QWidget | None = None,
        settings: UiSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.list_name = list_name
        self.setWindowTitle(tr("Add people to “%1”").replace("%1", list_name))
        self.setAccessibleName(self.windowTitle())

        hint = QLabel(
            tr(
                "Choose the people to add. They are sent with the profile's field mapping, "
                "like a sync. People who opted out in your records or unsubscribed in Constant "
                "Contact are never added."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.profile = QComboBox()
        self.profile.setAccessibleName(tr("Profile"))
        for overview in service.profiles.overviews():
            self.profile.addItem(overview.profile.name, overview.profile.id)
        profile_label = QLabel(tr("&Records of profile:"))
        profile_label.setBuddy(self.profile)
        self.profile.currentIndexChanged.connect(lambda _i: self.load())

        self.model: RowsModel[SourceRecord] = RowsModel(record_columns(FieldMapping()), self)
        self.view, self.proxy = make_table(self.model, tr("Records"), multi=True, parent=self)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search email or name"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(tr("Search records"))
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.select_all = QPushButton(tr("Select &all shown"))
        self.select_all.setAccessibleName(tr("Select all shown records"))
        self.select_all.clicked.connect(self.view.selectAll)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setAccessibleName(tr("Status"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(
            tr("Add to list"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button.setObjectName("primaryButton")
        self.add_button.setAccessibleName(tr("Add the selected records to the list"))
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(profile_label)
        top.addWidget(self.profile, 1)
        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        tools.addWidget(self.select_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        button_row, self.add_blocked = reason_row(self.buttons, self)
        layout.addLayout(button_row)
        fit_to_screen(self, QSize(780, 540), settings, "add-records")
        self._profile_id: int | None = None
        self.load()

    def profile_id(self) -> int | None:
        data = self.profile.currentData()
        return int(data) if data is not None else None

    @Slot()
    def load(self) -> None:
        pid = self.profile_id()
        self._profile_id = None
        if pid is None:
            self.status.setText(tr("Create a profile first: its records are what you add."))
            self._on_selection_changed()
            return
        self.model.set_rows(())
        self._on_selection_changed()
        self.status.setText(tr("Reading the profile's records…"))
        service = self.service

        def load(cancel: Any) -> tuple[int, FieldMapping, list[SourceRecord]]:
            profile = service.profiles.get(pid)
            return pid, profile.mapping, service.profiles.source_records(pid, MAX_RECORDS)

        run_task(self, self.tasks, load, self._show, self._on_failed)

    def _show(self, loaded: tuple[int, FieldMapping, list[SourceRecord]]) -> None:
        pid, mapping, records = loaded
        if pid != self.profile_id():
            return  # another profile was chosen meanwhile
        self._profile_id = pid
        self.model.columns = record_columns(mapping)
        self.model.set_rows(records)
        header = self.view.horizontalHeader()
        for col, width in ((0, 60), (1, 260), (2, 120), (3, 120)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        shown = tr_n("%n record", "%n records", len(records))
        if len(records) >= MAX_RECORDS:
            shown = tr("The first %1 records").replace("%1", f"{MAX_RECORDS:,}")
        self.status.setText(shown)
        self._on_selection_changed()
        self.records_loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(tr("The profile's records could not be read."))
        show_error(self, exc)

    def chosen(self) -> list[SourceRecord]:
        return selected_rows(self.view)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        count = len(self.chosen())
        self.add_button.setEnabled(count > 0 and self._profile_id is not None)
        if self._profile_id is None:
            why = tr("Wait for the profile's records to be read.")
            if self.profile_id() is None:
                why = tr("Create a profile first: its records are what you add.")
        elif not count:
            why = tr("Select the records to add in the table above.")
        else:
            why = ""
        set_reason(self.add_blocked, why)
        self.add_button.setText(tr("Add %n to list", n=count) if count else tr("Add to list"))

    def accept(self) -> None:
        records = self.chosen()
        if records and self._profile_id is not None:
            self.records_chosen.emit(self._profile_id, records)
        super().accept()
