"""NeonCRM's Lists page: the Constant Contact lists linked with NeonCRM accounts.

Each list shows its name, its status (Active or Hidden) and its member count; a list can be
created (with a status), renamed or given another status, and deleted; opening one shows its
members, where "Add accounts" searches NeonCRM and "Remove" takes the selected people off.
The lists' changes go through the app's lists service (``service.lists``): they wait while a
sync holds the Constant Contact account, and never put back anyone who unsubscribed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm import connector as neon_connector
from app.connectors.neoncrm.linked_lists import LinkedList, ListStatus, linked, set_status
from app.ui.errors import show_error
from app.ui.i18n import tr, tr_n
from app.ui.lists.confirm import Confirm, Confirmation, ask_confirmation
from app.ui.lists.members import MembersDialog
from app.ui.lists.rows_model import Column, RowsModel, make_table, selected_rows
from app.ui.lists.tasks import QueuedTasks
from app.ui.services.neoncrm.add_accounts import AddAccountsDialog
from app.ui.services.neoncrm.context import NeonScreens

# (parent, title, name, status, on_ok(name, status)): asks a list's name and status.
AskList = Callable[[QWidget, str, str, ListStatus, Callable[[str, ListStatus], None]], None]


def list_columns() -> tuple[Column[LinkedList], ...]:
    return (
        Column(tr("List"), lambda r: r.name),
        Column(tr("Status"), lambda r: tr(r.status.value)),
        Column(tr("Members"), lambda r: f"{r.count:,}", sort=lambda r: r.count, numeric=True),
    )


class ListDialog(QDialog):
    """A list's name, and whether it is Active or Hidden (NeonCRM's New List window)."""

    def __init__(self, parent: QWidget | None, title: str, name: str, status: ListStatus):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setAccessibleName(tr("List name"))
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        for value in ListStatus:
            button = QRadioButton(tr(value.value), self)
            button.setProperty("status", value.value)
            button.setChecked(value is status)
            self.group.addButton(button)
            row.addWidget(button)
        form = QFormLayout()
        form.addRow(tr("&Name:"), self.name_edit)
        form.addRow(tr("Status:"), row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(tr("A hidden list stays in Constant Contact but is not offered for pushes."))
        )
        layout.addWidget(buttons)

    def status(self) -> ListStatus:
        button = self.group.checkedButton()
        return ListStatus(str(button.property("status"))) if button else ListStatus.ACTIVE


def ask_list(
    parent: QWidget,
    title: str,
    name: str,
    status: ListStatus,
    on_ok: Callable[[str, ListStatus], None],
) -> None:
    dialog = ListDialog(parent, title, name, status)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: on_ok(dialog.name_edit.text(), dialog.status()))
    dialog.open()


class NeonMembersDialog(MembersDialog):
    """A linked list's members; "Add accounts" searches NeonCRM instead of a profile's rows."""

    def __init__(self, screens: NeonScreens, linked_list: LinkedList, parent: QWidget, **kw: Any):
        self.screens = screens
        super().__init__(
            screens.service,
            screens.tasks,
            screens.cc_id,
            linked_list.contact_list,
            screens.settings,
            parent,
            **kw,
        )
        self.add_button.setText(tr("&Add accounts…"))
        self.add_button.setAccessibleName(tr("Add accounts"))
        self.add_button.setToolTip(tr("Search NeonCRM and add the accounts found to this list"))
        self.remove_button.setText(tr("&Remove accounts…"))
        self.add_dialog: AddAccountsDialog | None = None

    @Slot()
    def choose_records(self) -> None:
        dialog = AddAccountsDialog(self.screens, self.contact_list.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.records_chosen.connect(self.add_records)
        self.add_dialog = dialog
        dialog.open()


class NeonListsPage(QWidget):
    """The linked lists and what can be done with each.

    Signals:
        lists_loaded(): the lists were read (again) and are on screen.
        action_finished(str): a create, an edit or a delete is done; the words say which.
    """

    lists_loaded = Signal()
    action_finished = Signal(str)

    def __init__(
        self,
        screens: NeonScreens,
        parent: QWidget | None = None,
        *,
        confirm: Confirm = ask_confirmation,
        ask: AskList = ask_list,
    ) -> None:
        super().__init__(parent)
        self.screens = screens
        self.confirm = confirm
        self.ask = ask
        self._busy = 0
        self._queued = QueuedTasks()
        self.members_dialog: NeonMembersDialog | None = None
        hint = QLabel(
            tr(
                "The Constant Contact lists linked with your NeonCRM accounts. Open a list to "
                "see who is on it, add NeonCRM accounts, or remove some. Changes reach "
                "Constant Contact at once."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.model: RowsModel[LinkedList] = RowsModel(list_columns(), self)
        self.view, self.proxy = make_table(self.model, tr("Linked lists"), parent=self)
        header = self.view.horizontalHeader()
        header.resizeSection(0, 280)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.doubleClicked.connect(lambda _i: self.open_list())
        self.open_button = QPushButton(tr("&Open list…"))
        self.new_button = QPushButton(tr("&New list…"))
        self.edit_button = QPushButton(tr("&Edit name and status…"))
        self.delete_button = QPushButton(tr("&Delete…"))
        self.refresh_button = QPushButton(tr("Re&fresh"))
        for button, slot in (
            (self.open_button, self.open_list),
            (self.new_button, self.new_list),
            (self.edit_button, self.edit_list),
            (self.delete_button, self.delete_list),
            (self.refresh_button, self.reload),
        ):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            button.clicked.connect(slot)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Status"))
        actions = QHBoxLayout()
        for button in (self.open_button, self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.reload()

    # -- state -----------------------------------------------------------------------------

    def selected(self) -> LinkedList | None:
        rows = selected_rows(self.view)
        return rows[0] if rows else None

    def row_named(self, name: str) -> LinkedList | None:
        return next((r for r in self.model.rows if r.name == name), None)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        one = self.selected() is not None and not self._busy
        for button in (self.open_button, self.edit_button, self.delete_button):
            button.setEnabled(one)
        self.new_button.setEnabled(not self._busy)
        self.refresh_button.setEnabled(not self._busy)

    def _run(self, fn: Callable[[Any], Any], message: str, on_done: Callable[[Any], None]) -> None:
        self._busy += 1
        self.status.setText(message)
        self._update_buttons()

        def done(result: Any) -> None:
            self._busy -= 1
            on_done(result)
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            self.status.setText(tr("That did not work; nothing was changed."))
            self._update_buttons()
            show_error(self, exc)

        self._queued.run(self, self.screens.tasks, fn, done, failed, self.status, message)

    # -- reading ---------------------------------------------------------------------------

    @Slot()
    def reload(self, then_select: str = "") -> None:
        screens = self.screens
        keep = then_select or (self.selected().name if self.selected() else "")

        def load(_token: object) -> list[LinkedList]:
            service = screens.service
            conn = screens.neon_connection()
            mains = [
                p.main_list
                for p in service.profiles.list()
                if p.source.kind == neon_connector.KIND and p.connection_id == screens.cc_id
            ]
            lists = service.lists.contact_lists(screens.cc_id)
            return linked(conn.settings if conn else {}, lists, mains)

        self._run(
            load, tr("Reading your lists from Constant Contact…"), lambda r: self._show(r, keep)
        )

    def _show(self, rows: list[LinkedList], keep: str) -> None:
        self.model.set_rows(rows)
        self.status.setText(
            tr_n("%n list linked with NeonCRM", "%n lists linked with NeonCRM", len(rows))
        )
        target = self.row_named(keep) if keep else None
        index = self.model.rows.index(target) if target else 0
        if rows:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(index, 0)).row())
        self.lists_loaded.emit()

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def new_list(self) -> None:
        if not self._busy:
            self.ask(self, tr("New list"), "", ListStatus.ACTIVE, self._create)

    def _create(self, name: str, status: ListStatus) -> None:
        name = " ".join(name.split())
        if not name:
            return
        screens = self.screens

        def create(_token: object) -> None:
            made = screens.service.lists.create(screens.cc_id, name)
            set_status(screens.service.connections, screens.neon_id, made.list_id, status)

        self._run(
            create,
            tr("Creating the list “%1”…").replace("%1", name),
            lambda _r: self._done(tr("Created the list “%1”.").replace("%1", name), name),
        )

    @Slot()
    def edit_list(self) -> None:
        row = self.selected()
        if row is None or self._busy:
            return
        self.ask(
            self,
            tr("Edit list"),
            row.name,
            row.status,
            lambda name, status: self._edit(row, name, status),
        )

    def _edit(self, row: LinkedList, name: str, status: ListStatus) -> None:
        name = " ".join(name.split()) or row.name
        screens = self.screens
        list_id = row.contact_list.list_id

        def edit(_token: object) -> None:
            if name != row.name:
                screens.service.lists.rename(screens.cc_id, list_id, row.name, name)
            set_status(screens.service.connections, screens.neon_id, list_id, status)

        words = tr("Saved “%1”: %2.").replace("%1", name).replace("%2", tr(status.value))
        self._run(
            edit, tr("Saving “%1”…").replace("%1", row.name), lambda _r: self._done(words, name)
        )

    @Slot()
    def delete_list(self) -> None:
        row = self.selected()
        if row is None or self._busy:
            return
        confirmation = Confirmation(
            title=tr("Delete list"),
            text=tr("Delete the list “%1”?").replace("%1", row.name),
            details=tr(
                "Its %1 contacts stay in your Constant Contact account and your NeonCRM "
                "accounts stay as they are; they are only taken off this list. This cannot be "
                "undone."
            ).replace("%1", f"{row.count:,}"),
            action=tr("Delete list"),
        )
        self.confirm(self, confirmation, lambda: self._delete(row))

    def _delete(self, row: LinkedList) -> None:
        screens = self.screens
        list_id = row.contact_list.list_id

        def delete(token: Any) -> None:
            screens.service.lists.delete(
                screens.cc_id, list_id, token, list_name=row.name, on_wait=token.note
            )
            set_status(screens.service.connections, screens.neon_id, list_id, None)

        self._run(
            delete,
            tr("Deleting “%1”…").replace("%1", row.name),
            lambda _r: self._done(tr("Deleted the list “%1”.").replace("%1", row.name)),
        )

    def _done(self, message: str, select: str = "") -> None:
        self.reload(then_select=select)
        self.status.setText(message)
        self.action_finished.emit(message)

    @Slot()
    def open_list(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = NeonMembersDialog(self.screens, row, self, confirm=self.confirm)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.members_changed.connect(lambda: self.reload(then_select=row.name))
        self.members_dialog = dialog
        dialog.show()

    def close_tasks(self) -> None:
        self._queued.cancel_waiting()
