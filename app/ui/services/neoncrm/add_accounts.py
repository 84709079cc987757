"""NeonCRM's "Add Accounts": a search of individual accounts to add to a list.

NeonCRM's own pre-set criteria always leave out organization accounts and accounts marked
deceased, Do Not Contact or Email Opt-Out; the user adds criteria of their own, with Neon's
fields and operators, sees how many accounts match, and adds them all or those selected.
An account already linked to a Constant Contact contact gets its subscription updated; one
not linked yet is matched by email or created, under the profile's Push Settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.account_search import LEFT_OUT_WORDS, RESERVED, Found, add_accounts
from app.connectors.neoncrm.client import SearchFields
from app.core.records import SourceRecord
from app.sync.facade.values import MAX_LIST_ADD
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.lists.rows_model import Column, RowsModel, make_table, selected_rows
from app.ui.profile_wizard.widgets import hint_label
from app.ui.services.neoncrm.context import NeonScreens
from app.ui.services.neoncrm.criteria import CriteriaEditor

SHOWN = 1000  # accounts shown to choose from


def account_columns() -> tuple[Column[SourceRecord], ...]:
    return (
        Column(tr("Account ID"), lambda r: r.key, sort=lambda r: int(r.key), numeric=True),
        Column(tr("First Name"), lambda r: r.values.get(c.FIRST_NAME, "")),
        Column(tr("Last Name"), lambda r: r.values.get(c.LAST_NAME, "")),
        Column(tr("Email 1"), lambda r: r.values.get(c.EMAIL, "")),
    )


class AddAccountsDialog(QDialog):
    """Search NeonCRM, then add all matching accounts, or the selected ones, to a list.

    Signals:
        searched(): a search's answer is on screen.
        records_chosen(int, object): the profile id and the ``list[SourceRecord]`` to add.
    """

    searched = Signal()
    records_chosen = Signal(int, object)

    def __init__(self, screens: NeonScreens, list_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.screens = screens
        self.list_name = list_name
        self.found: Found | None = None
        self._busy = False
        self.setWindowTitle(tr("Add accounts to “%1”").replace("%1", list_name))
        self.setAccessibleName(self.windowTitle())
        self.intro = intro = hint_label(
            tr(
                "Find the NeonCRM accounts to add. %1 Add criteria of your own to narrow the "
                "search. Accounts already linked to a Constant Contact contact get their "
                "subscription updated; the others are matched by email or created, with the "
                "Push Settings of “%2”."
            )
            .replace("%1", tr(LEFT_OUT_WORDS))
            .replace("%2", screens.profile.name),
            self,
        )
        self.criteria = CriteriaEditor(self, reserved=RESERVED)
        self.search_button = QPushButton(tr("&Search"), self)
        self.search_button.setAccessibleName(tr("Search NeonCRM"))
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(tr("How many accounts match"))
        self.model: RowsModel[SourceRecord] = RowsModel(account_columns(), self)
        self.view, self.proxy = make_table(
            self.model, tr("Matching accounts"), multi=True, parent=self
        )
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.add_all_button = QPushButton(tr("Add &all to the list"), self)
        self.add_selected_button = QPushButton(tr("Add &selected"), self)
        self.add_all_button.clicked.connect(self.add_all)
        self.add_selected_button.clicked.connect(self.add_selected)
        self.search_button.clicked.connect(self.search)
        top = QHBoxLayout()
        top.addWidget(self.search_button)
        top.addWidget(self.count_label, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.add_all_button)
        actions.addWidget(self.add_selected_button)
        actions.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.criteria)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(760, 560), screens.settings, "neoncrm-add-accounts")
        self._update_buttons()
        self._load_fields()

    def _update_buttons(self) -> None:
        total = self.found.total if self.found else 0
        self.search_button.setEnabled(not self._busy)
        self.add_all_button.setEnabled(not self._busy and 0 < total <= MAX_LIST_ADD)
        self.add_all_button.setText(tr("Add &all %1 to the list").replace("%1", f"{total:,}"))
        self.add_selected_button.setEnabled(not self._busy and bool(selected_rows(self.view)))

    def _run(self, fn: Any, on_done: Any, message: str) -> None:
        self._busy = True
        self.count_label.setText(message)
        self._update_buttons()

        def done(result: Any) -> None:
            self._busy = False
            on_done(result)
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self.count_label.setText(tr("That did not work; nothing was changed."))
            self._update_buttons()
            show_error(self, exc)

        self.screens.run(self, fn, done, failed)

    def _load_fields(self) -> None:
        screens = self.screens

        def load(_token: object) -> SearchFields:
            source = screens.open_source()
            try:
                return source.client.search_fields()
            finally:
                source.close()

        self._run(load, self.criteria.set_fields, tr("Reading NeonCRM's search fields…"))

    @Slot()
    def search(self, limit: int = SHOWN) -> None:
        criteria = self.criteria.criteria()
        screens = self.screens

        def find(_token: object) -> Found:
            source = screens.open_source()
            try:
                return add_accounts(source, criteria, limit)
            finally:
                source.close()

        self._run(find, self._show, tr("Searching NeonCRM…"))

    def _show(self, found: Found) -> None:
        self.found = found
        self.model.set_rows(found.records)
        words = tr("%1 accounts match").replace("%1", f"{found.total:,}")
        if not found.complete:
            words += tr(" (the first %1 are shown)").replace("%1", f"{len(found.records):,}")
        if found.total > MAX_LIST_ADD:
            words += tr("; add at most %1 at a time: narrow the search").replace(
                "%1", f"{MAX_LIST_ADD:,}"
            )
        self.count_label.setText(words)
        self.searched.emit()

    @Slot()
    def add_all(self) -> None:
        found = self.found
        if found is None or not found.total:
            return
        if found.complete:
            self._choose(found.records)
            return
        criteria = self.criteria.criteria()
        screens = self.screens

        def everything(_token: object) -> Found:
            source = screens.open_source()
            try:
                return add_accounts(source, criteria, MAX_LIST_ADD)
            finally:
                source.close()

        self._run(everything, lambda f: self._choose(f.records), tr("Reading every match…"))

    @Slot()
    def add_selected(self) -> None:
        chosen = selected_rows(self.view)
        if chosen:
            self._choose(chosen)

    def _choose(self, records: list[SourceRecord]) -> None:
        self.records_chosen.emit(self.screens.profile_id, list(records))
        self.accept()
