"""The WellnessLiving part of step 1: connect with the business's keys, choose which clients.

Every call to WellnessLiving (connecting, reading the client types and groups, reading the
first clients) runs in the wizard's ``TaskRunner``, so the window never freezes. The panel
writes its choices to the draft's source settings (``connection_id``, ``clients``,
``client_types``, ``groups``, ``withdrawn``, as ``WellnessLivingSourceSettings`` reads them)
and emits ``source_changed`` once the first clients are read again.

A new profile starts as WellnessLiving's own integration works: subscribed clients only, a
withdrawal unsubscribes the client in Constant Contact, a Constant Contact unsubscribe is
written back, and nothing else made in Constant Contact is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.wellnessliving import ClientType, WellnessLivingSource
from app.connectors.wellnessliving import connector as wl_connector
from app.connectors.wellnessliving.source import ClientsChoice, Withdrawn
from app.core.profiles import OptOutHandling
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label
from app.ui.services.connect_flow import ConnectFlow, ConnectWords
from app.ui.services.preview import Numbered, take_preview
from app.ui.services.wellnessliving.form import ConnectionForm, sample_options

if TYPE_CHECKING:
    from app.ui.profile_wizard.pages.base import WizardContext

PREVIEW_ROWS = 20
KIND = wl_connector.KIND


def _first(values: Any) -> str:
    found = list(values or ())
    return str(found[0]) if found else ""


class WellnessLivingSourcePanel(QWidget):
    """Connection, "Which clients", optional client type and group, what a withdrawal does.

    Signals:
        source_changed(): the draft's WellnessLiving choices or preview changed.
    """

    source_changed = Signal()

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        self.connect_flow = ConnectFlow(
            self,
            context,
            KIND,
            ConnectWords(
                name="WellnessLiving",
                expired=lambda conn: self.tr(
                    "WellnessLiving asks you to connect again to “{name}”: enter the "
                    "authorization code and the staff password."
                ).format(name=conn.account_name or conn.label),
                connected=self._connected_words,
                recheck=self.tr("Check the &connection again"),
            ),
            on_connected=self._use_connection,
            refresh=self._set_busy,
            changed=self.source_changed.emit,
            forget=lambda: self.form.forget_secrets(),  # the form is made in its place below
            per_account=("client_types", "groups"),  # another business's types and groups
        )
        self.status_label = self.connect_flow.status_label
        self.connect_button = self.connect_flow.connect_button
        self.cancel_button = self.connect_flow.cancel_button
        self._choices_task: Task | None = None
        self._preview_task: Task | None = None
        self.client_types: list[ClientType] | None = None
        self.groups: list[str] | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading(self.tr("WellnessLiving business"), self))
        layout.addWidget(self.status_label)
        self.form = ConnectionForm(self)
        layout.addWidget(self.form)
        layout.addLayout(self.connect_flow.row)
        if context.service.sandbox:
            how = self.tr(
                "Sandbox mode: the sample business's keys are filled in, and ContactBridge "
                "connects to its built-in practice WellnessLiving. Nothing is read from or "
                "written to the real WellnessLiving. To try its “All Clients” export "
                "instead, pick {name} in the sandbox folder's “samples” folder."
            ).format(name=wl_connector.EXPORT_SAMPLE)
        else:
            how = self.tr(
                "WellnessLiving Support issues the business key, the application ID and its "
                "authorization code when it gives your business API access. Sign in as a "
                "staff member who can see your clients. ContactBridge keeps the authorization "
                "code and the password in your system's keyring, never in its files."
            )
        layout.addWidget(hint_label(how, self))
        layout.addWidget(
            hint_label(
                self.tr(
                    "No API access yet? Choose “CSV or Excel file” above and pick "
                    "WellnessLiving's “All Clients” export: on the Options step, choose its "
                    "“Email: News and Updates” column, which says who subscribed (consent)."
                ),
                self,
            )
        )

        layout.addWidget(heading(self.tr("Which clients"), self))
        self.clients_group = QButtonGroup(self)
        self.subscribed_radio = QRadioButton(
            self.tr("Clients who subscribed to your news and updates"), self
        )
        self.all_radio = QRadioButton(self.tr("All clients"), self)
        for button, choice in (
            (self.subscribed_radio, ClientsChoice.SUBSCRIBED),
            (self.all_radio, ClientsChoice.ALL),
        ):
            button.setAccessibleName(button.text())
            button.setProperty("choice", choice.value)
            self.clients_group.addButton(button)
        layout.addWidget(self.subscribed_radio)
        layout.addWidget(
            hint_label(
                self.tr(
                    "As WellnessLiving's own Constant Contact integration does: clients who "
                    "turned the subscription off come in marked opted out; clients never "
                    "asked are left out."
                ),
                self,
            )
        )
        layout.addWidget(self.all_radio)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Also clients never asked, for when you have their consent some other "
                    "way. Clients who turned the subscription off still count as opted out."
                ),
                self,
            )
        )

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        type_label = QLabel(self.tr("Client &type:"), self)
        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName(self.tr("WellnessLiving client type"))
        self.type_combo.setMinimumContentsLength(24)
        type_label.setBuddy(self.type_combo)
        group_label = QLabel(self.tr("Client &group:"), self)
        self.group_combo = QComboBox(self)
        self.group_combo.setAccessibleName(self.tr("WellnessLiving client group"))
        self.group_combo.setMinimumContentsLength(24)
        group_label.setBuddy(self.group_combo)
        grid.addWidget(type_label, 0, 0)
        grid.addWidget(self.type_combo, 0, 1)
        grid.addWidget(group_label, 1, 0)
        grid.addWidget(self.group_combo, 1, 1)
        layout.addLayout(grid)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Optional: take only one client type or one group. WellnessLiving's own "
                    "integration cannot. WellnessLiving names groups by number only."
                ),
                self,
            )
        )

        layout.addWidget(
            QLabel(self.tr("When a client turns the subscription off in WellnessLiving:"), self)
        )
        self.withdrawn_group = QButtonGroup(self)
        self.unsubscribe_radio = QRadioButton(self.tr("Unsubscribe them in Constant Contact"), self)
        self.remove_radio = QRadioButton(self.tr("Take them off this profile's list only"), self)
        for button, withdrawn in (
            (self.unsubscribe_radio, Withdrawn.UNSUBSCRIBE),
            (self.remove_radio, Withdrawn.REMOVE),
        ):
            button.setAccessibleName(button.text())
            button.setProperty("choice", withdrawn.value)
            self.withdrawn_group.addButton(button)
            layout.addWidget(button)
        self.note_label = hint_label(
            self.tr(
                "ContactBridge never removes people from your other Constant Contact lists "
                "(WellnessLiving's own integration does). An unsubscribe in Constant Contact "
                "turns the client's subscription off in WellnessLiving; nothing else made in "
                "Constant Contact is written back."
            ),
            self,
        )
        layout.addWidget(self.note_label)

        self.connect_button.clicked.connect(self.start_connect)
        self.clients_group.buttonToggled.connect(self._clients_toggled)
        self.withdrawn_group.buttonToggled.connect(self._withdrawn_toggled)
        self.type_combo.activated.connect(self._type_chosen)
        self.group_combo.activated.connect(self._group_chosen)

    # -- state -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.connect_flow.connecting or any(
            t is not None for t in (self._choices_task, self._preview_task)
        )

    def problems(self) -> dict[str, str]:
        """What the draft cannot tell: work still under way with WellnessLiving."""
        found = self.connect_flow.problems()
        if found:
            return found
        if self._preview_task is not None:
            return {"source_connection": self.tr("Reading the first clients from WellnessLiving…")}
        return {}

    def activate(self) -> None:
        """The user chose WellnessLiving (or such a profile is edited): show its connection."""
        d = self.ctx.draft
        settings = d.source_settings
        if "withdrawn" not in settings:  # first time for this draft: the integration's ways
            settings["withdrawn"] = Withdrawn.UNSUBSCRIBE.value
            d.options = replace(
                d.options,
                opt_out_handling=OptOutHandling.UNSUBSCRIBE,
                optout_to_source=True,
                import_from_cc=False,
            )
        settings.setdefault("clients", ClientsChoice.SUBSCRIBED.value)
        for group, key in ((self.clients_group, "clients"), (self.withdrawn_group, "withdrawn")):
            group.blockSignals(True)
            for button in group.buttons():
                button.setChecked(button.property("choice") == settings[key])
            group.blockSignals(False)
        chosen = self.connect_flow.saved()
        sandbox = self.ctx.service.sandbox
        if chosen is not None:
            self.form.fill(chosen.settings, sample_options() if sandbox else None)
        elif sandbox:
            self.form.fill(sample_options(), sample_options())
        self._use_connection(chosen)

    def shutdown(self) -> None:
        self.connect_flow.stop()
        for task in (self._choices_task, self._preview_task):
            if task is not None:
                task.cancel()
        self._choices_task = self._preview_task = None
        self._set_busy()

    # -- connecting --------------------------------------------------------------------------

    def start_connect(self) -> None:
        """Check the typed keys and sign in, in a worker; the same business reconnects its
        connection, another one is a new connection."""
        options = self.form.options()
        conn = self.connect_flow.connection
        self.connect_flow.start(
            options.get("business_name") or wl_connector.LABEL,
            conn.id if conn is not None and self.form.same_business(conn.settings) else None,
            options=options,
        )

    def cancel_connect(self) -> None:
        self.connect_flow.cancel()

    # -- the connection in use ---------------------------------------------------------------

    def _use_connection(self, conn: Connection | None) -> None:
        self.connect_flow.use(conn)
        self.client_types = self.groups = None
        self._fill_choices()
        self._set_busy()
        if conn is not None and conn.status == ConnectionStatus.CONNECTED:
            self.load_choices()
            self.load_preview()
        else:
            self.source_changed.emit()

    def _connected_words(self, conn: Connection) -> str:
        clients = int(conn.settings.get("clients") or 0)
        return self.tr("✔ Connected to WellnessLiving: {name}, {clients} clients").format(
            name=conn.account_name, clients=f"{clients:,}"
        )

    # -- client types, groups, and the preview -------------------------------------------------

    def load_choices(self) -> None:
        """Read the business's client types and groups (for the two filters) in a worker."""
        conn = self.connect_flow.connection
        if conn is None:
            return
        service = self.ctx.service
        if self._choices_task is not None:
            self._choices_task.cancel()

        def choices(_cancel: object) -> tuple[list[ClientType], list[str]]:
            with wl_connector.client(service.connections, conn.id) as client:
                source = WellnessLivingSource(client)
                return source.available_client_types(), source.available_groups()

        self._choices_task = self.ctx.runner.run(choices, self._choices_done, self._choices_failed)
        self._set_busy()

    def _choices_done(self, found: tuple[list[ClientType], list[str]]) -> None:
        self._choices_task = None
        self.client_types, self.groups = found
        self._fill_choices()
        self._set_busy()

    def _choices_failed(self, error: Exception) -> None:
        self._choices_task = None
        self._fill_choices()
        self._set_busy()
        self.connect_flow.show_failure(error)

    def _fill_choices(self) -> None:
        settings = self.ctx.draft.source_settings
        chosen_type, chosen_group = (
            _first(settings.get("client_types")),
            _first(settings.get("groups")),
        )
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem(self.tr("— every client type —"), "")
        for kind in self.client_types or ():
            self.type_combo.addItem(kind.title, kind.key)
        if chosen_type and self.type_combo.findData(chosen_type) < 0:
            self.type_combo.addItem(self.tr("(a client type not found)"), chosen_type)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(chosen_type), 0))
        self.type_combo.blockSignals(False)
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(self.tr("— every client, in any group or none —"), "")
        for group in self.groups or ():
            self.group_combo.addItem(self.tr("Group {key}").format(key=group), group)
        if chosen_group and self.group_combo.findData(chosen_group) < 0:
            self.group_combo.addItem(self.tr("(a group not found)"), chosen_group)
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(chosen_group), 0))
        self.group_combo.blockSignals(False)

    def _type_chosen(self, index: int) -> None:
        self._set_filter("client_types", str(self.type_combo.itemData(index) or ""))

    def _group_chosen(self, index: int) -> None:
        self._set_filter("groups", str(self.group_combo.itemData(index) or ""))

    def _set_filter(self, key: str, value: str) -> None:
        settings = self.ctx.draft.source_settings
        if value:
            settings[key] = [value]
        else:
            settings.pop(key, None)
        self.load_preview()

    def _clients_toggled(self, button: QRadioButton, checked: bool) -> None:
        if checked:
            self.ctx.draft.source_settings["clients"] = str(button.property("choice"))
            self.load_preview()

    def _withdrawn_toggled(self, button: QRadioButton, checked: bool) -> None:
        """Unsubscribe: the profile unsubscribes the opted out. Off the list: the source
        leaves them out, and the profile takes people who leave it off its list."""
        if not checked:
            return
        d = self.ctx.draft
        withdrawn = Withdrawn(str(button.property("choice")))
        d.source_settings["withdrawn"] = withdrawn.value
        if withdrawn is Withdrawn.UNSUBSCRIBE:
            d.options = replace(d.options, opt_out_handling=OptOutHandling.UNSUBSCRIBE)
        else:
            d.options = replace(d.options, remove_deleted=True)
        self.load_preview()

    def load_preview(self) -> None:
        """Read the first clients with the current choices (cancelling an older read)."""
        d = self.ctx.draft
        if d.source_settings.get("connection_id") is None or self.connect_flow.connection is None:
            return
        service = self.ctx.service
        spec = d.source_spec()
        if self._preview_task is not None:
            self._preview_task.cancel()
        self._preview_task = self.ctx.runner.run(
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

    def _set_busy(self) -> None:
        self.connect_flow.show_busy(self.busy, self.form)
        connected = self.connect_flow.ready
        for widget in (self.subscribed_radio, self.all_radio):
            widget.setEnabled(connected)
        self.type_combo.setEnabled(connected and self.client_types is not None)
        self.group_combo.setEnabled(connected and self.groups is not None)
