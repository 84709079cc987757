"""Step 2, Constant Contact: connect the account and name the Main List to sync into."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.core.errors import AppError, AuthError, Cancelled
from app.core.fields import LIST_NAME_MAX
from app.core.records import ContactList
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label, separator, set_error

LIST_HINT = QT_TRANSLATE_NOOP(
    "ConstantContactPage",
    "If a list with this name exists, ContactBridge uses it (Constant Contact ignores capitals "
    "in list names). Otherwise it creates it.",
)


class ConstantContactPage(DraftPage):
    """Connection status with a Connect button (run in a worker), and the Main List name.

    Signals:
        lists_loaded(object): the account's contact lists arrived (a list of ContactList).
        connected(object): a connection was made (the Connection).
    """

    step = Step.CONSTANT_CONTACT
    always_show = frozenset({"connection"})
    lists_loaded = Signal(object)
    connected = Signal(object)

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setSubTitle(
            self.tr(
                "Connect your Constant Contact account, then name the Main List: the list "
                "your contacts are synced into."
            )
        )
        self._connection: Connection | None = None
        self._connect_task: Task | None = None
        self._lists_task: Task | None = None
        self._lists: list[ContactList] | None = None
        self._lists_for: int | None = None
        self._advance_when_checked = False
        self._check_error = ""
        self._network_error = ""

        layout = self.page_layout()
        layout.addWidget(heading(self.tr("Constant Contact account"), self))
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName(self.tr("Connection status"))
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.account_combo = QComboBox(self)
        self.account_combo.setAccessibleName(self.tr("Constant Contact account"))
        self.account_combo.setVisible(False)
        layout.addWidget(self.account_combo)

        row = QHBoxLayout()
        self.connect_button = QPushButton(self.tr("&Connect to Constant Contact"), self)
        self.connect_button.setAccessibleName(self.tr("Connect to Constant Contact"))
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # indeterminate
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setAccessibleName(self.tr("Connecting"))
        self.busy_bar.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel connecting"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel connecting"))
        self.cancel_button.setVisible(False)
        row.addWidget(self.connect_button)
        row.addWidget(self.busy_bar)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.add_error_label("connection", self.connect_button))
        if context.service.sandbox:
            how = self.tr(
                "Sandbox mode: ContactBridge connects to its built-in practice Constant "
                "Contact account. Nothing is sent to the real Constant Contact."
            )
        else:
            how = self.tr(
                "Your browser opens Constant Contact's sign-in page. Sign in, press Allow, "
                "then come back here. ContactBridge keeps the permission in your system's "
                "keyring, never your password."
            )
        self.how_label = hint_label(how, self)
        layout.addWidget(self.how_label)

        layout.addSpacing(10)
        layout.addWidget(separator(self))
        layout.addSpacing(6)
        list_label = heading(self.tr("&Main List"), self)
        layout.addWidget(list_label)
        row = QHBoxLayout()
        self.list_edit = QLineEdit(self)
        self.list_edit.setAccessibleName(self.tr("Main List name"))
        self.list_edit.setPlaceholderText(self.tr("Newsletter"))
        self.list_edit.setMaxLength(LIST_NAME_MAX + 50)  # longer names get a clear error
        list_label.setBuddy(self.list_edit)
        self.list_picker = QComboBox(self)
        self.list_picker.setAccessibleName(self.tr("Choose an existing list"))
        self.list_picker.setMinimumContentsLength(22)
        row.addWidget(self.list_edit, 2)
        row.addWidget(self.list_picker, 1)
        layout.addLayout(row)
        layout.addWidget(self.add_error_label("main_list", self.list_edit))
        layout.addWidget(hint_label(self.tr(LIST_HINT), self))
        self.list_status = hint_label("", self)
        self.list_status.setAccessibleName(self.tr("Main List status"))
        layout.addWidget(self.list_status)
        layout.addStretch(1)
        layout.addWidget(self.page_error)

        self.connect_button.clicked.connect(self.start_connect)
        self.cancel_button.clicked.connect(self.cancel_connect)
        self.account_combo.currentIndexChanged.connect(self._account_chosen)
        self.list_edit.textChanged.connect(self._list_typed)
        self.list_picker.activated.connect(self._list_picked)
        self._fill_picker()

    def page_title(self) -> str:
        return self.tr("Constant Contact")

    @property
    def lists(self) -> list[ContactList] | None:
        """The connected account's lists, once loaded (None before, or after a failure)."""
        return self._lists

    # -- QWizardPage -----------------------------------------------------------------------

    def initializePage(self) -> None:
        connections = self.ctx.service.connections.cc_connections()
        chosen = next((c for c in connections if c.id == self.draft.connection_id), None)
        if chosen is None:
            chosen = next(
                (c for c in connections if c.status == ConnectionStatus.CONNECTED),
                connections[0] if connections else None,
            )
        self._fill_accounts(connections, chosen)
        self._use_connection(chosen)
        self.list_edit.setText(self.draft.main_list)
        self.refresh()

    def extra_problems(self) -> dict[str, str]:
        conn = self._connection
        if self._connect_task is not None:
            return {"connection": self.tr("Finish connecting to Constant Contact first.")}
        if conn is not None and conn.status != ConnectionStatus.CONNECTED:
            return {
                "connection": self.tr(
                    "Constant Contact asks you to connect again. Press “Connect again”."
                )
            }
        if self._check_error:
            return {"connection": self._check_error}
        return {}

    def refresh(self) -> None:
        super().refresh()
        label = self._errors["connection"]
        if self._network_error and not label.text():
            set_error(label, self._network_error)

    def validatePage(self) -> bool:
        """Go on only once the account answered: its lists are the check (run in a worker)."""
        if not super().validatePage():
            return False
        if self._lists_for == self.draft.connection_id and self._lists is not None:
            return True
        self._advance_when_checked = True
        if self._lists_task is None:
            self.load_lists()
        self.list_status.setText(self.tr("Checking your Constant Contact account…"))
        return False

    def cleanupPage(self) -> None:
        self._advance_when_checked = False
        super().cleanupPage()

    # -- connecting --------------------------------------------------------------------------

    def start_connect(self) -> None:
        """Run the sign-in in a worker; the window stays responsive and can cancel it."""
        if self._connect_task is not None:
            return
        service = self.ctx.service
        reconnect = self._connection
        reconnect_id = (
            reconnect.id
            if reconnect is not None and reconnect.status != ConnectionStatus.CONNECTED
            else None
        )
        label = "Sandbox Constant Contact" if service.sandbox else "Constant Contact"
        self._check_error = ""
        self._connect_task = self.ctx.runner.run(
            lambda cancel: service.connections.connect_constant_contact(
                label, cancel, connection_id=reconnect_id
            ),
            self._connect_done,
            self._connect_failed,
        )
        self._set_busy(True)
        self.status_label.setText(
            self.tr("Connecting to the sandbox…")
            if service.sandbox
            else self.tr("Waiting for you to approve ContactBridge in your browser…")
        )
        self.refresh()

    def cancel_connect(self) -> None:
        if self._connect_task is not None:
            self._connect_task.cancel()
            self._connect_task = None
        self._set_busy(False)
        self._show_status()
        self.refresh()

    def _connect_done(self, conn: Connection) -> None:
        self._connect_task = None
        self._set_busy(False)
        self._fill_accounts(self.ctx.service.connections.cc_connections(), conn)
        self._use_connection(conn)
        self.connected.emit(conn)
        self.changed("connection")

    def _connect_failed(self, error: Exception) -> None:
        self._connect_task = None
        self._set_busy(False)
        self._show_status()
        if not isinstance(error, Cancelled):
            self._check_error = _message(error)
        self.changed("connection")

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.connect_button.setEnabled(not busy)
        self.account_combo.setEnabled(not busy)

    # -- the connection in use ---------------------------------------------------------------

    def _fill_accounts(self, connections: list[Connection], chosen: Connection | None) -> None:
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        for conn in connections:
            self.account_combo.addItem(conn.account_name or conn.label, conn.id)
        if chosen is not None:
            self.account_combo.setCurrentIndex(max(self.account_combo.findData(chosen.id), 0))
        self.account_combo.setVisible(len(connections) > 1)
        self.account_combo.blockSignals(False)

    def _account_chosen(self, index: int) -> None:
        conn_id = self.account_combo.itemData(index)
        conn = next(
            (c for c in self.ctx.service.connections.cc_connections() if c.id == conn_id), None
        )
        self._use_connection(conn)
        self.changed("connection")

    def _use_connection(self, conn: Connection | None) -> None:
        self._connection = conn
        self._check_error = ""
        usable = conn is not None and conn.status == ConnectionStatus.CONNECTED
        self.draft.connection_id = conn.id if usable and conn else None
        self.draft.account_name = (conn.account_name or conn.label) if conn else ""
        self._show_status()
        if usable and self._lists_for != self.draft.connection_id:
            self.load_lists()
        elif not usable:
            self._lists, self._lists_for = None, None
            self._fill_picker()

    def _show_status(self) -> None:
        conn = self._connection
        if conn is None:
            self.status_label.setText(self.tr("Not connected yet."))
            self.connect_button.setText(self.tr("&Connect to Constant Contact"))
        elif conn.status == ConnectionStatus.CONNECTED:
            self.status_label.setText(
                self.tr("✔ Connected to {account}").format(account=conn.account_name or conn.label)
            )
            self.connect_button.setText(self.tr("&Connect another account"))
        else:
            self.status_label.setText(
                self.tr("The connection to {account} needs you to sign in again.").format(
                    account=conn.account_name or conn.label
                )
            )
            self.connect_button.setText(self.tr("&Connect again"))
        self.connect_button.setAccessibleName(self.connect_button.text().replace("&", ""))

    # -- lists ---------------------------------------------------------------------------------

    def load_lists(self) -> None:
        """Fetch the account's lists in a worker, for the picker and as a connection check."""
        conn_id = self.draft.connection_id
        if conn_id is None:
            return
        self._network_error = ""
        if self._lists_task is not None:
            self._lists_task.cancel()
        service = self.ctx.service
        self._lists_task = self.ctx.runner.run(
            lambda _cancel: service.lists.contact_lists(conn_id),
            lambda lists: self._lists_done(conn_id, lists),
            self._lists_failed,
        )
        self._fill_picker(loading=True)

    def _lists_done(self, conn_id: int, lists: list[ContactList]) -> None:
        self._lists_task = None
        self._lists = sorted(lists, key=lambda c: c.name.casefold())
        self._lists_for = conn_id
        self._check_error = self._network_error = ""
        self._fill_picker()
        if not self.list_edit.text().strip():
            # One less thing to type: the account's only list, or a new "Newsletter". With
            # several lists the user chooses: no guessing where people go.
            if len(self._lists) == 1:
                self.list_edit.setText(self._lists[0].name)
            elif not self._lists:
                self.list_edit.setText(self.tr("Newsletter"))
        self._use_list_name(self.list_edit.text())
        self.lists_loaded.emit(self._lists)
        self.refresh()
        if self._advance_when_checked:
            self._advance_when_checked = False
            wizard = self.wizard()
            if wizard is not None and wizard.currentPage() is self and self.isComplete():
                wizard.next()

    def _lists_failed(self, error: Exception) -> None:
        self._lists_task = None
        self._advance_when_checked = False
        self._lists, self._lists_for = None, None
        self._fill_picker()
        if isinstance(error, AuthError):
            self._connection = None
            self.draft.connection_id = None
            self._show_status()
            self._check_error = _message(error)
        else:
            # Not blocking: Next tries again, and an offline user can still look around.
            self._network_error = self.tr(
                "Constant Contact could not be reached: {reason} Check your internet "
                "connection, then press Next again."
            ).format(reason=_message(error))
        self.list_status.setText("")
        self.changed("connection")

    def _fill_picker(self, loading: bool = False) -> None:
        picker = self.list_picker
        picker.blockSignals(True)
        picker.clear()
        if loading:
            picker.addItem(self.tr("Loading your lists…"))
        elif self._lists is None:
            picker.addItem(self.tr("Choose an existing list…"))
        elif not self._lists:
            picker.addItem(self.tr("Your account has no lists yet"))
        else:
            picker.addItem(self.tr("Choose an existing list…"))
            for item in self._lists:
                text = item.name
                if item.membership_count is not None:
                    text = self.tr("{name} ({count} contacts)").format(
                        name=item.name, count=item.membership_count
                    )
                picker.addItem(text, item.name)
        picker.setCurrentIndex(0)
        picker.setEnabled(bool(self._lists) and not loading)
        picker.blockSignals(False)

    def _list_picked(self, index: int) -> None:
        name = self.list_picker.itemData(index)
        if name:
            self.list_edit.setText(str(name))

    def _list_typed(self, text: str) -> None:
        self._use_list_name(text)
        self.changed("main_list")

    def existing_list(self, name: str) -> ContactList | None:
        """The account's list of this name, capitals aside, as Constant Contact compares
        names (it refuses "newsletter" beside "Newsletter"); the exact spelling first."""
        if self._lists is None or not name:
            return None
        exact = next((c for c in self._lists if c.name == name), None)
        folded = name.casefold()
        return exact or next((c for c in self._lists if c.name.casefold() == folded), None)

    def _use_list_name(self, text: str) -> None:
        """Name the Main List: an existing list under its own spelling, shown chosen in the
        picker, with a line that says what the first sync will do."""
        typed = text.strip()
        existing = self.existing_list(typed)
        self.draft.main_list = existing.name if existing is not None else typed
        picker = self.list_picker
        picker.blockSignals(True)
        picker.setCurrentIndex(max(picker.findData(existing.name), 0) if existing else 0)
        picker.blockSignals(False)
        if not typed or self._lists is None:
            text = ""
        elif existing is not None and existing.name == typed:
            text = self.tr("✔ “{name}” exists in your account: ContactBridge adds to it.")
        elif existing is not None:
            # The hint above says why: Constant Contact ignores capitals in list names.
            text = self.tr("✔ “{name}” already exists — ContactBridge will use it.")
        else:
            text = self.tr(
                "There is no list named “{name}” yet: ContactBridge creates it on the first sync."
            )
        self.list_status.setText(text.replace("{name}", self.draft.main_list))


def _message(error: Exception) -> str:
    return error.message if isinstance(error, AppError) else str(error)
