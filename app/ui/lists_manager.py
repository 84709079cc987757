"""The lists manager: the Constant Contact lists with their member counts; create, rename,
delete, and open one to see and change its members (``app.ui.lists.members``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.list_rules import ListRules
from app.core.records import ContactList
from app.core.store_types import ConnectionStatus
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks, TaskToken
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr, tr_n
from app.ui.lists.confirm import AskText, Confirm, Confirmation, ask_confirmation, ask_text
from app.ui.lists.members import MembersDialog
from app.ui.lists.rows_model import Column, RowsModel, make_table, selected_rows
from app.ui.lists.tasks import QueuedTasks
from app.ui.settings import UiSettings
from app.ui.theme import icon


@dataclass(frozen=True)
class ListRow:
    """A list with the names of the profiles that send to it."""

    contact_list: ContactList
    used_by: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.contact_list.name

    @property
    def count(self) -> int:
        return self.contact_list.membership_count or 0


def list_columns() -> tuple[Column[ListRow], ...]:
    return (
        Column(tr("List"), lambda r: r.name, tooltip=lambda r: r.contact_list.description),
        Column(tr("Members"), lambda r: f"{r.count:,}", sort=lambda r: r.count, numeric=True),
        Column(
            tr("Kept in sync by"),
            lambda r: ", ".join(r.used_by) or "—",
            tooltip=lambda r: (
                tr("Profiles that send their contacts to this list") if r.used_by else ""
            ),
        ),
    )


def members_words(count: int) -> str:
    return tr_n("%n member", "%n members", count)


class ListsDialog(QDialog):
    """Every list of one Constant Contact account. Network work runs in ``tasks``.

    Signals:
        lists_loaded(): the lists were read (again) and are on screen.
        action_finished(str): a create, rename or delete is done; the message says which.
    """

    lists_loaded = Signal()
    action_finished = Signal(str)

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        confirm: Confirm = ask_confirmation,
        ask_name: AskText = ask_text,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.confirm = confirm
        self.ask_name = ask_name
        self._busy = 0
        self._queued = QueuedTasks()  # a deletion waits while a sync holds the account
        self.members_dialog: MembersDialog | None = None
        self.setWindowTitle(tr("Constant Contact lists"))
        self.setAccessibleName(self.windowTitle())

        title = QLabel(tr("Constant Contact lists"))
        title.setObjectName("pageTitle")
        hint = QLabel(
            tr(
                "Open a list to see who is on it, add people from a profile's records, or take "
                "people off it. Changes reach Constant Contact at once."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        self.account = QComboBox()
        self.account.setAccessibleName(tr("Constant Contact account"))
        for conn in service.connections.cc_connections():
            if conn.status is ConnectionStatus.CONNECTED:
                self.account.addItem(conn.account_name or conn.label, conn.id)
        self.account.currentIndexChanged.connect(lambda _i: self.reload())
        account_label = QLabel(tr("&Account:"))
        account_label.setBuddy(self.account)

        self.model: RowsModel[ListRow] = RowsModel(list_columns(), self)
        self.view, self.proxy = make_table(self.model, tr("Lists"), parent=self)
        header = self.view.horizontalHeader()
        header.resizeSection(0, 260)
        header.resizeSection(1, 100)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.activated.connect(lambda _index: self.open_list())
        self.view.doubleClicked.connect(lambda _index: self.open_list())

        self.open_button = self._button("history", tr("&Open list…"), tr("See who is on it"))
        self.new_button = self._button("new-profile", tr("&New list…"), tr("Create a list"))
        self.rename_button = self._button("edit", tr("&Rename…"), tr("Rename the list"))
        self.delete_button = self._button(
            "delete", tr("&Delete…"), tr("Delete the list; its contacts stay in Constant Contact")
        )
        self.refresh_button = self._button("sync", tr("Re&fresh"), tr("Read the lists again"))
        self.open_button.clicked.connect(self.open_list)
        self.new_button.clicked.connect(self.new_list)
        self.rename_button.clicked.connect(self.rename_list)
        self.delete_button.clicked.connect(self.delete_list)
        self.refresh_button.clicked.connect(self.reload)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Status"))

        top = QHBoxLayout()
        top.addWidget(account_label)
        top.addWidget(self.account, 1)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        for button in (self.open_button, self.new_button, self.rename_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(760, 520), settings, "lists")
        if settings is not None:
            settings.restore_header("lists/table", header)
        self.reload()

    def _button(self, icon_name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        return button

    # -- state -----------------------------------------------------------------------------

    def connection_id(self) -> int | None:
        data = self.account.currentData()
        return int(data) if data is not None else None

    def selected(self) -> ListRow | None:
        rows = selected_rows(self.view)
        return rows[0] if rows else None

    def row_named(self, name: str) -> ListRow | None:
        return next((r for r in self.model.rows if r.name == name), None)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_account = self.connection_id() is not None
        one = self.selected() is not None and not self._busy
        self.open_button.setEnabled(one)
        self.rename_button.setEnabled(one)
        self.delete_button.setEnabled(one)
        self.new_button.setEnabled(has_account and not self._busy)
        self.refresh_button.setEnabled(has_account and not self._busy)

    def _run(
        self,
        fn: Callable[[TaskToken], Any],
        message: str,
        on_done: Callable[[Any], None],
    ) -> None:
        """Run ``fn`` in the background with ``message`` showing; ``on_done`` gets its result."""
        self._busy += 1
        self.status.setText(message)
        self._update_buttons()
        self._queued.run(
            self,
            self.tasks,
            fn,
            lambda result: self._finish(on_done, result),
            self._on_failed,
            self.status,
            message,
        )

    def _finish(self, on_done: Callable[[Any], None], result: Any) -> None:
        self._busy -= 1
        on_done(result)
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        self._busy -= 1
        self.status.setText(tr("That did not work; nothing was changed."))
        self._update_buttons()
        show_error(self, exc)

    # -- reading ---------------------------------------------------------------------------

    @Slot()
    def reload(self, then_select: str = "") -> None:
        """Read the lists in the background, then select ``then_select`` (or keep the row)."""
        conn_id = self.connection_id()
        if conn_id is None:
            self.model.set_rows(())
            self.status.setText(
                tr("Connect a Constant Contact account first (File > Connections…).")
            )
            self._update_buttons()
            return
        keep = then_select or (self.selected().name if self.selected() else "")
        service = self.service

        def load(cancel: CancelToken) -> list[ListRow]:
            # A profile keeps its main list in sync, and the other lists its list map
            # names (a Salesforce campaign's, a Xero group's); names compare as CC does.
            lists_of = {
                p.name: {
                    n.casefold()
                    for n in (p.main_list, *ListRules.from_settings(p.source.settings).list_names)
                }
                for p in service.profiles.list()
                if p.connection_id == conn_id
            }
            return [
                ListRow(
                    cl,
                    tuple(n for n, names in lists_of.items() if cl.name.casefold() in names),
                )
                for cl in service.lists.contact_lists(conn_id)
            ]

        self._run(
            load,
            tr("Reading your lists from Constant Contact…"),
            lambda rows: self._show(rows, keep),
        )

    def _show(self, rows: list[ListRow], keep: str) -> None:
        self.model.set_rows(rows)
        self.status.setText(tr_n("%n list", "%n lists", len(rows)))
        target = self.row_named(keep) if keep else None
        index = self.model.rows.index(target) if target else 0
        if rows:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(index, 0)).row())
        self.lists_loaded.emit()

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def new_list(self) -> None:
        if self.connection_id() is None or self._busy:
            return
        self.ask_name(self, tr("New list"), tr("Name of the new list:"), "", self._create)

    def _create(self, name: str) -> None:
        name = " ".join(name.split())
        conn_id = self.connection_id()
        if not name or conn_id is None:
            return
        service = self.service
        self._run(
            lambda cancel: service.lists.create(conn_id, name),
            tr("Creating the list “%1”…").replace("%1", name),
            lambda created: self._done(tr("Created the list “%1”.").replace("%1", name), name),
        )

    @Slot()
    def rename_list(self) -> None:
        row = self.selected()
        if row is None or self._busy:
            return
        self.ask_name(
            self,
            tr("Rename list"),
            tr("New name for “%1”:").replace("%1", row.name),
            row.name,
            lambda name: self._rename(row, name),
        )

    def _rename(self, row: ListRow, name: str) -> None:
        name = " ".join(name.split())
        conn_id = self.connection_id()
        if not name or name == row.name or conn_id is None:
            return
        service = self.service
        self._run(
            lambda cancel: service.lists.rename(conn_id, row.contact_list.list_id, row.name, name),
            tr("Renaming “%1”…").replace("%1", row.name),
            lambda renamed: self._done(
                tr("Renamed “%1” to “%2”.").replace("%1", row.name).replace("%2", name), name
            ),
        )

    @Slot()
    def delete_list(self) -> None:
        row = self.selected()
        if row is None or self._busy:
            return
        details = tr(
            "Its %1 contacts stay in your Constant Contact account; they are only taken off "
            "this list. This cannot be undone."
        ).replace("%1", f"{row.count:,}")
        if row.used_by:
            details += "\n\n" + tr(
                "“%1” sends its contacts to this list: its next sync creates the list again."
            ).replace("%1", "”, “".join(row.used_by))
        confirmation = Confirmation(
            title=tr("Delete list"),
            text=tr("Delete the list “%1” and its %2?")
            .replace("%1", row.name)
            .replace("%2", members_words(row.count)),
            details=details,
            action=tr("Delete list"),
        )
        self.confirm(self, confirmation, lambda: self._delete(row))

    def _delete(self, row: ListRow) -> None:
        conn_id = self.connection_id()
        if conn_id is None:
            return
        service = self.service
        self._run(
            lambda cancel: service.lists.delete(
                conn_id,
                row.contact_list.list_id,
                cancel,
                list_name=row.name,
                on_wait=cancel.note,
            ),
            tr("Deleting “%1”…").replace("%1", row.name),
            lambda _result: self._done(tr("Deleted the list “%1”.").replace("%1", row.name)),
        )

    def _done(self, message: str, select: str = "") -> None:
        self.reload(then_select=select)
        self.status.setText(message)
        self.action_finished.emit(message)

    @Slot()
    def open_list(self) -> None:
        row = self.selected()
        conn_id = self.connection_id()
        if row is None or conn_id is None:
            return
        dialog = MembersDialog(
            self.service,
            self.tasks,
            conn_id,
            row.contact_list,
            self.settings,
            self,
            confirm=self.confirm,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.members_changed.connect(lambda: self.reload(then_select=row.name))
        self.members_dialog = dialog
        dialog.show()

    def done(self, result: int) -> None:
        self._queued.cancel_waiting()  # nothing was sent for them yet
        if self.settings is not None:
            self.settings.save_header("lists/table", self.view.horizontalHeader())
        super().done(result)
