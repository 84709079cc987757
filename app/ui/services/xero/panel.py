"""The Xero part of step 1: connect, pick the organisation, choose which contacts to take.

Every call to Xero (signing in, switching organisation, reading contact groups and the first
contacts) runs in the wizard's ``TaskRunner``, so the window never freezes. The panel writes
the choices to the draft's source settings (``connection_id``, ``customers_only``,
``group_ids``, as ``XeroSource`` reads them) and emits ``source_changed`` once the first
contacts are read again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.connectors.xero import connector as xero_connector
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label
from app.ui.services.connect_flow import ConnectFlow, ConnectWords
from app.ui.services.preview import Numbered, take_preview
from app.ui.services.xero.organisation import (
    organisation_details,
    organisation_name,
    reconnect_hint,
)

if TYPE_CHECKING:
    from app.connectors.xero.client import ContactGroup
    from app.ui.profile_wizard.pages.base import WizardContext

PREVIEW_ROWS = 20
OPT_OUT_GROUP = "email opt-out"  # Xero's opt-out group is not a group to sync from


def _customers_only(draft: flow.ProfileDraft) -> bool:
    """Only contacts Xero marks as customers (the default for a new profile)."""
    return bool(draft.source_settings.setdefault("customers_only", True))


def _group_id(draft: flow.ProfileDraft) -> str:
    """The one contact group the profile reads ("" = every contact)."""
    groups = list(draft.source_settings.get("group_ids") or ())
    return str(groups[0]) if groups else ""


class XeroSourcePanel(QWidget):
    """Connection, organisation, "Only customers" and a contact group, for a Xero source.

    Signals:
        source_changed(): the draft's Xero choices or preview changed (re-check the page).
    """

    source_changed = Signal()

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        sandbox = context.service.sandbox
        self.connect_flow = ConnectFlow(
            self,
            context,
            xero_connector.KIND,
            ConnectWords(
                name="Xero",
                expired=lambda conn: self.tr("Xero asks you to sign in again to “{name}”.").format(
                    name=organisation_name(conn) or conn.account_name or conn.label
                ),
                connected=self._connected_words,
                recheck=self.tr("Sign in to &Xero again"),
                waiting=self.tr("Connecting to the sandbox Xero…")
                if sandbox
                else self.tr("Waiting for you to approve ContactBridge in your browser…"),
                details=organisation_details,
            ),
            on_connected=self._use_connection,
            refresh=self._set_busy,
            changed=self.source_changed.emit,
        )
        self.status_label = self.connect_flow.status_label
        self.connect_button = self.connect_flow.connect_button
        self.cancel_button = self.connect_flow.cancel_button
        self._tenant_task: Task | None = None
        self._groups_task: Task | None = None
        self._preview_task: Task | None = None
        self.groups: list[ContactGroup] | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading(self.tr("Xero organisation"), self))
        layout.addWidget(self.status_label)
        layout.addLayout(self.connect_flow.row)
        if sandbox:
            how = self.tr(
                "Sandbox mode: ContactBridge connects to its built-in practice Xero "
                "organisation. Nothing is read from or written to the real Xero."
            )
        else:
            how = self.tr(
                "Your browser opens Xero's sign-in page. Sign in, choose the organisation, "
                "press Allow, then come back here. ContactBridge keeps the permission in "
                "your system's keyring, never your password."
            )
        layout.addWidget(hint_label(how, self))

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        self.tenant_label = QLabel(self.tr("O&rganisation:"), self)
        self.tenant_combo = QComboBox(self)
        self.tenant_combo.setAccessibleName(self.tr("Xero organisation"))
        self.tenant_combo.setMinimumContentsLength(24)
        self.tenant_label.setBuddy(self.tenant_combo)
        grid.addWidget(self.tenant_label, 0, 0)
        grid.addWidget(self.tenant_combo, 0, 1)
        self.customers_check = QCheckBox(self.tr("Only &customers"), self)
        self.customers_check.setAccessibleName(self.tr("Only customers"))
        customers_help = self.tr(
            "Take only contacts Xero marks as customers (they have a sales invoice); "
            "suppliers and other contacts are left out."
        )
        self.customers_check.setToolTip(customers_help)
        self.customers_check.setAccessibleDescription(customers_help)
        grid.addWidget(self.customers_check, 1, 0, 1, 2)
        grid.addWidget(hint_label(customers_help, self), 2, 0, 1, 3)
        group_label = QLabel(self.tr("Contact &group:"), self)
        self.group_combo = QComboBox(self)
        self.group_combo.setAccessibleName(self.tr("Xero contact group"))
        self.group_combo.setMinimumContentsLength(24)
        group_help = self.tr(
            "Take only the members of one of your Xero contact groups, or every contact."
        )
        self.group_combo.setToolTip(group_help)
        self.group_combo.setAccessibleDescription(group_help)
        group_label.setBuddy(self.group_combo)
        grid.addWidget(group_label, 3, 0)
        grid.addWidget(self.group_combo, 3, 1)
        grid.addWidget(hint_label(group_help, self), 4, 0, 1, 3)
        layout.addLayout(grid)
        layout.addWidget(
            hint_label(
                self.tr(
                    "People in Xero's “Email opt-out” contact group count as opted out. "
                    "ContactBridge never deletes anything in Xero."
                ),
                self,
            )
        )

        self.connect_button.clicked.connect(self.start_connect)
        self.tenant_combo.activated.connect(self._tenant_chosen)
        self.customers_check.toggled.connect(self._customers_toggled)
        self.group_combo.activated.connect(self._group_chosen)

    # -- state -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.connect_flow.connecting or any(
            t is not None for t in (self._tenant_task, self._groups_task, self._preview_task)
        )

    def problems(self) -> dict[str, str]:
        """What the draft cannot tell: work still under way with Xero."""
        found = self.connect_flow.problems()
        if found:
            return found
        if self._tenant_task is not None or self._preview_task is not None:
            return {"source_connection": self.tr("Reading the first contacts from Xero…")}
        return {}

    def activate(self) -> None:
        """The user chose Xero (or a Xero profile is edited): show its connection and read it."""
        self.customers_check.blockSignals(True)
        self.customers_check.setChecked(_customers_only(self.ctx.draft))
        self.customers_check.blockSignals(False)
        self._use_connection(self.connect_flow.saved())

    def shutdown(self) -> None:
        self.connect_flow.stop()
        for task in (self._tenant_task, self._groups_task, self._preview_task):
            if task is not None:
                task.cancel()
        self._tenant_task = self._groups_task = self._preview_task = None
        self._set_busy()

    # -- connecting --------------------------------------------------------------------------

    def start_connect(self) -> None:
        """Sign in to Xero in a worker (again, for the connection in use, if there is one)."""
        conn = self.connect_flow.connection
        self.connect_flow.start(
            "Sandbox Xero" if self.ctx.service.sandbox else "Xero",
            conn.id if conn is not None else None,
            account_id=(str(conn.settings.get("tenant_id") or "") or None) if conn else None,
        )

    def cancel_connect(self) -> None:
        self.connect_flow.cancel()

    # -- the connection in use ---------------------------------------------------------------

    def _use_connection(self, conn: Connection | None) -> None:
        self.connect_flow.use(conn)
        self._fill_tenants()
        self._set_busy()
        self.groups = None
        self._fill_groups()
        if conn is not None and conn.status == ConnectionStatus.CONNECTED:
            self.load_groups()
            self.load_preview()
        else:
            self.source_changed.emit()

    def _connected_words(self, conn: Connection) -> str:
        # The organisation as Xero's GET /Organisation names it; a connection made before
        # ContactBridge asked for the settings scope says how to get it instead.
        name = organisation_name(conn)
        if name:
            return self.tr("✔ Connected to Xero: {name}").format(name=name)
        return self.tr("✔ Connected to Xero.") + " " + reconnect_hint()

    def _fill_tenants(self) -> None:
        conn = self.connect_flow.connection
        tenants: list[Any] = list(conn.settings.get("tenants") or ()) if conn else []
        current = str(conn.settings.get("tenant_id") or "") if conn else ""
        self.tenant_combo.blockSignals(True)
        self.tenant_combo.clear()
        for tenant in tenants:
            self.tenant_combo.addItem(str(tenant.get("name", "")), str(tenant.get("tenant_id")))
        self.tenant_combo.setCurrentIndex(max(self.tenant_combo.findData(current), 0))
        self.tenant_combo.blockSignals(False)
        several = len(tenants) > 1
        self.tenant_combo.setVisible(several)
        self.tenant_label.setVisible(several)

    def _tenant_chosen(self, index: int) -> None:
        conn = self.connect_flow.connection
        tenant_id = str(self.tenant_combo.itemData(index) or "")
        if conn is None or not tenant_id or tenant_id == conn.settings.get("tenant_id"):
            return
        service = self.ctx.service
        if self._tenant_task is not None:
            self._tenant_task.cancel()
        self._tenant_task = self._run(
            lambda _cancel: service.connections.select_source_account(conn.id, tenant_id),
            self._tenant_done,
            self._tenant_failed,
        )
        self._set_busy()
        self.source_changed.emit()

    def _tenant_done(self, conn: Connection) -> None:
        self._tenant_task = None
        self.ctx.draft.source_settings.pop("group_ids", None)  # groups are per organisation
        self._use_connection(conn)

    def _tenant_failed(self, error: Exception) -> None:
        self._tenant_task = None
        self._fill_tenants()
        self._set_busy()
        self.connect_flow.show_failure(error)

    # -- groups and preview --------------------------------------------------------------------

    def load_groups(self) -> None:
        conn = self.connect_flow.connection
        if conn is None:
            return
        service = self.ctx.service
        if self._groups_task is not None:
            self._groups_task.cancel()

        def groups(_cancel: object) -> list[ContactGroup]:
            with xero_connector.client(service.connections, conn.id) as client:
                return client.list_contact_groups()

        self._groups_task = self._run(groups, self._groups_done, self._groups_failed)
        self._set_busy()

    def _groups_done(self, groups: list[ContactGroup]) -> None:
        self._groups_task = None
        self.groups = [
            g
            for g in groups
            if g.status.upper() == "ACTIVE" and g.name.strip().lower() != OPT_OUT_GROUP
        ]
        self._fill_groups()
        self._set_busy()

    def _groups_failed(self, error: Exception) -> None:
        self._groups_task = None
        self.groups = None
        self._fill_groups()
        self._set_busy()
        self.connect_flow.show_failure(error)

    def _fill_groups(self) -> None:
        d = self.ctx.draft
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(self.tr("— every contact, in any group or none —"), "")
        for group in self.groups or ():
            self.group_combo.addItem(group.name, group.group_id)
        group_id = _group_id(d)
        if group_id and self.group_combo.findData(group_id) < 0:
            # Not loaded yet, or gone from Xero: keep the choice visible.
            self.group_combo.addItem(self.tr("(a group not found in Xero)"), group_id)
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(group_id), 0))
        self.group_combo.blockSignals(False)
        self.group_combo.setEnabled(self.groups is not None)

    def _group_chosen(self, index: int) -> None:
        group_id = str(self.group_combo.itemData(index) or "")
        settings = self.ctx.draft.source_settings
        if group_id:
            settings["group_ids"] = [group_id]
        else:
            settings.pop("group_ids", None)
        self.load_preview()

    def _customers_toggled(self, checked: bool) -> None:
        self.ctx.draft.source_settings["customers_only"] = checked
        self.load_preview()

    def load_preview(self) -> None:
        """Read the first contacts with the current choices (cancelling an older read)."""
        d = self.ctx.draft
        if d.source_settings.get("connection_id") is None:
            return
        service = self.ctx.service
        spec = d.source_spec()
        if self._preview_task is not None:
            self._preview_task.cancel()
        self._preview_task = self._run(
            lambda _cancel: service.profiles.numbered_preview(spec, PREVIEW_ROWS),
            self._preview_done,
            self._preview_failed,
        )
        self._set_busy()
        self.source_changed.emit()

    def _preview_done(self, result: Numbered) -> None:
        self._preview_task = None
        take_preview(self.ctx, result)
        self._set_busy()
        self.source_changed.emit()

    def _preview_failed(self, error: Exception) -> None:
        self._preview_task = None
        self._set_busy()
        self.connect_flow.show_failure(error)

    # -- helpers -------------------------------------------------------------------------------

    def _run(
        self,
        fn: Callable[[Any], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
    ) -> Task:
        return self.ctx.runner.run(fn, on_done, on_failed)

    def _set_busy(self) -> None:
        self.connect_flow.show_busy(self.busy)
        connected = self.connect_flow.ready
        self.tenant_combo.setEnabled(connected and self._tenant_task is None)
        self.customers_check.setEnabled(connected)
        self.group_combo.setEnabled(connected and self.groups is not None)
