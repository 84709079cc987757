"""The connections manager: each account with its status; Connect, Reconnect, Disconnect."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QSize, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import Cancelled
from app.core.store_types import Connection, ConnectionStatus
from app.sync.facade.api import ContactBridgeApi
from app.sync.facade.connections import CC_SERVICE
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks, Task
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.lists.confirm import Confirm, Confirmation, ask_confirmation
from app.ui.lists.rows_model import Column, RowsModel, make_table, selected_rows
from app.ui.lists.tasks import run_task
from app.ui.service_views import all_views, views
from app.ui.settings import UiSettings
from app.ui.theme import Tone, icon, tone_icon


def service_name(service: str) -> str:
    if service == CC_SERVICE:
        return tr("Constant Contact")
    found = views(service)
    return tr(found.connector.label) if found else service.replace("_", " ").title()


def status_words(status: ConnectionStatus) -> tuple[str, Tone]:
    return {
        ConnectionStatus.CONNECTED: (tr("Connected"), Tone.SUCCESS),
        ConnectionStatus.NEEDS_RECONNECT: (tr("Needs reconnect"), Tone.ERROR),
        ConnectionStatus.DISCONNECTED: (tr("Disconnected"), Tone.NEUTRAL),
    }[ConnectionStatus(status)]


def account_name(conn: Connection) -> str:
    """The account's name, as its service names it (an organisation: "Bakery (NZ)")."""
    found = views(conn.service)
    return found.account_name(conn) if found else conn.account_name or conn.label


def account_tooltip(conn: Connection) -> str:
    found = views(conn.service)
    return found.account_details(conn) if found else conn.label


def connection_columns() -> tuple[Column[Connection], ...]:
    return (
        Column(tr("Service"), lambda c: service_name(c.service)),
        Column(tr("Account"), account_name, tooltip=account_tooltip),
        Column(
            tr("Status"),
            lambda c: status_words(c.status)[0],
            icon=lambda c: tone_icon(status_words(c.status)[1]),
        ),
    )


class ConnectionsDialog(QDialog):
    """The saved connections and what can be done with each.

    Signals:
        connections_changed(): a connection was added, reconnected or disconnected.
        busy_changed(bool): a connect or disconnect started (True) or ended (False).
    """

    connections_changed = Signal()
    busy_changed = Signal(bool)

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        confirm: Confirm = ask_confirmation,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.confirm = confirm
        self._task: Task | None = None
        self.setWindowTitle(tr("Connections"))
        self.setAccessibleName(self.windowTitle())
        self.setObjectName("connectionsDialog")

        title = QLabel(tr("Connected accounts"))
        title.setObjectName("pageTitle")
        hint = QLabel(
            tr(
                "ContactBridge signs in to these accounts for you. Disconnecting signs out and "
                "forgets the account's lists and contacts kept on this computer; your profiles "
                "and run history stay."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        self.model: RowsModel[Connection] = RowsModel(connection_columns(), self)
        self.view, self.proxy = make_table(self.model, tr("Connections"), parent=self)
        header = self.view.horizontalHeader()
        header.resizeSection(0, 170)
        header.resizeSection(1, 260)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.doubleClicked.connect(lambda _index: self.reconnect())

        self.connect_button = self._button("new-profile", tr("&Connect an account"))
        self.connect_button.setToolTip(tr("Sign in to an account in your browser and connect it"))
        menu = QMenu(self.connect_button)
        self.connect_cc_action = menu.addAction(
            tr("Constant Contact account…"), lambda: self._sign_in(None, CC_SERVICE)
        )
        self.connect_actions = {CC_SERVICE: self.connect_cc_action}
        for found in all_views():
            if found.connector.connect is not None:
                kind = found.connector.kind
                self.connect_actions[kind] = menu.addAction(
                    found.connect_action, lambda kind=kind: self._sign_in(None, kind)
                )
        self.connect_button.setMenu(menu)
        self.reconnect_button = self._button("sync", tr("&Reconnect"))
        self.reconnect_button.setToolTip(tr("Sign in again to the selected account"))
        self.disconnect_button = self._button("delete", tr("&Disconnect…"))
        self.disconnect_button.setToolTip(
            tr("Sign out of the selected account and forget its data on this computer")
        )
        self.cancel_button = self._button("cancel", tr("Cancel sign-in"))
        self.cancel_button.hide()
        self.reconnect_button.clicked.connect(self.reconnect)
        self.disconnect_button.clicked.connect(self.disconnect)
        self.cancel_button.clicked.connect(self.cancel)

        # Which account of its service the selected connection reads (an organisation), for
        # services that have several per sign-in; hidden otherwise.
        self.organisation = QLabel()
        self.organisation.setWordWrap(True)
        self.organisation.setAccessibleName(tr("Account of the selected connection"))
        self.organisation.hide()

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Connection status"))

        actions = QHBoxLayout()
        for button in (self.connect_button, self.reconnect_button, self.disconnect_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.cancel_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.organisation)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(720, 400), settings, "connections")
        self.reload()

    def _button(self, icon_name: str, text: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        return button

    # -- state -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the connections again, keeping the selection."""
        chosen = self.selected()
        self.model.set_rows(self.service.connections.all())
        row = next((i for i, c in enumerate(self.model.rows) if chosen and c.id == chosen.id), 0)
        if self.model.rowCount():
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._update_buttons()

    def selected(self) -> Connection | None:
        rows = selected_rows(self.view)
        return rows[0] if rows else None

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        conn = self.selected()
        idle = self._task is None
        self.connect_button.setEnabled(idle)
        self.reconnect_button.setEnabled(idle and conn is not None)
        self.disconnect_button.setEnabled(
            idle and conn is not None and conn.status is not ConnectionStatus.DISCONNECTED
        )
        self.reconnect_button.setText(
            tr("&Reconnect")
            if conn is None or conn.status is not ConnectionStatus.DISCONNECTED
            else tr("&Connect again")
        )
        self.cancel_button.setVisible(not idle)
        found = views(conn.service) if conn is not None else None
        line = found.account_line(conn) if found is not None and conn is not None else ""
        self.organisation.setText(line)
        self.organisation.setVisible(bool(line))

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def connect_new(self) -> None:
        """Connect another Constant Contact account."""
        self._sign_in(None, CC_SERVICE)

    @Slot()
    def reconnect(self) -> None:
        conn = self.selected()
        if conn is not None and self._task is None:
            self._sign_in(conn, conn.service)

    def _sign_in(self, conn: Connection | None, kind: str) -> None:
        if self._task is not None:
            return
        service = self.service
        label = conn.label if conn else service_name(kind)
        conn_id = conn.id if conn else None
        found = views(kind)
        options = found.connect_options(self, service, conn) if found is not None else {}
        if options is None:
            return  # the service's form was cancelled

        def sign_in(cancel: CancelToken) -> Connection:
            if kind == CC_SERVICE:
                return service.connections.connect_constant_contact(
                    label, cancel=cancel, connection_id=conn_id
                )
            return service.connections.connect_source(
                kind, label, cancel=cancel, connection_id=conn_id, options=options
            )

        if found is not None and found.signs_in_with_a_form:
            waiting = tr("Connecting to %1…")
        else:
            waiting = tr(
                "Waiting for you to sign in to %1 in your browser and allow ContactBridge…"
            )
        self._start(sign_in, waiting.replace("%1", service_name(kind)))

    @Slot()
    def disconnect(self) -> None:
        conn = self.selected()
        if conn is None or self._task is not None:
            return
        name = account_name(conn)
        confirmation = Confirmation(
            title=tr("Disconnect account"),
            text=tr("Disconnect %1?").replace("%1", name),
            details=tr(
                "ContactBridge will forget its lists and contact data stored on this computer. "
                "Your profiles, run history and the records you imported stay. Nothing is "
                "deleted in %1."
            ).replace("%1", service_name(conn.service)),
            action=tr("Disconnect"),
        )
        self.confirm(self, confirmation, lambda: self._disconnect(conn))

    def _disconnect(self, conn: Connection) -> None:
        service = self.service

        def disconnect(cancel: CancelToken) -> Connection:
            service.connections.disconnect(conn.id)
            return conn

        self._start(disconnect, tr("Disconnecting %1…").replace("%1", account_name(conn)))

    @Slot()
    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _start(self, fn: Any, message: str) -> None:
        self.status.setText(message)
        self._task = run_task(self, self.tasks, fn, self._on_finished, self._on_failed)
        self._update_buttons()
        self.busy_changed.emit(True)

    def _on_finished(self, conn: Connection) -> None:
        self._task = None
        self.reload()
        fresh = self.service.connections.connection(conn.id)
        if fresh is not None and fresh.status is ConnectionStatus.CONNECTED:
            self.status.setText(tr("Connected to %1.").replace("%1", account_name(fresh)))
        else:
            self.status.setText(tr("Disconnected %1.").replace("%1", account_name(conn)))
        self.busy_changed.emit(False)
        self.connections_changed.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._task = None
        self.reload()
        self.status.setText(
            tr("Sign-in cancelled.") if isinstance(exc, Cancelled) else tr("That did not work.")
        )
        self.busy_changed.emit(False)
        show_error(self, exc)

    def done(self, result: int) -> None:
        self.cancel()  # a sign-in waiting on the browser stops; its task ends on its own
        super().done(result)
