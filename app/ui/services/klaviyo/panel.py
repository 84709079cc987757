"""The Klaviyo part of step 1: a migration from Constant Contact into a Klaviyo account.

What the panel asks, as Klaviyo's own Constant Contact integration did, each with a line that
says what it means:

- the Klaviyo account (its private API key, checked, then kept in the keyring);
- the Constant Contact account and which of its lists to bring (none ticked: everyone);
- "Create Klaviyo lists from Constant Contact lists";
- "Collect open and click data" (received, opened and clicked emails, 90 days back);
- what unsubscribed and bounced contacts become: suppressions or unsubscribes;
- the field mapping: each Constant Contact field to a Klaviyo field, a property, or nothing.

Every call to a service runs in the wizard's ``TaskRunner``, so the window never freezes.
The choices go to the draft's settings (``KlaviyoSettings`` plus the Constant Contact side
under ``flow.FROM_CONSTANT_CONTACT``), and the first contacts to move show as the preview.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.connectors.constant_contact_source import ConstantContactSource
from app.connectors.klaviyo import connector as kl_connector
from app.connectors.klaviyo.settings import (
    FIELD_CHOICES,
    FIXED,
    KlaviyoSettings,
    OptedOutAs,
)
from app.core.records import ContactList
from app.core.store_types import Connection
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label
from app.ui.services.connect_flow import ConnectFlow, ConnectWords
from app.ui.services.klaviyo.connection import KEY_HELP, KeyForm
from app.ui.services.preview import Numbered, take_preview

if TYPE_CHECKING:
    from app.ui.profile_wizard.pages.base import WizardContext

KIND = kl_connector.KIND
PREVIEW_ROWS = 20
LIST_IDS = "list_ids"


class KlaviyoMigrationPanel(QWidget):
    """Klaviyo account, Constant Contact lists, options and field mapping.

    Signals:
        source_changed(): the draft's choices or preview changed.
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
                name="Klaviyo",
                expired=lambda conn: self.tr(
                    "Klaviyo asks for “{name}”'s private API key again."
                ).format(name=conn.account_name or conn.label),
                connected=lambda conn: self.tr("✔ Connected to Klaviyo: {name}").format(
                    name=conn.account_name
                ),
                recheck=self.tr("Check the &key again"),
                waiting=self.tr("Checking the key with Klaviyo…"),
                again=self.tr("Klaviyo asks for the private API key again."),
                working=self.tr("Working with Klaviyo and Constant Contact"),
            ),
            on_connected=self._use_connection,
            refresh=self._set_busy,
            changed=self.source_changed.emit,
            forget=lambda: self.form.forget_key(),  # the form is made in its place below
            cancellable=False,  # checking a key is one quick call
        )
        self.status_label = self.connect_flow.status_label
        self.connect_button = self.connect_flow.connect_button
        self._load_task: Task | None = None
        self.cc_lists: list[ContactList] | None = None
        self.columns: list[str] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Moves your Constant Contact account into Klaviyo, as Klaviyo's own "
                    "Constant Contact integration did: contacts, lists on request, unsubscribed "
                    "and bounced people as suppressions, and 90 days of email activity. After "
                    "your first sync it copies what changed every hour. Nothing is changed in "
                    "Constant Contact."
                ),
                self,
            )
        )

        # -- Klaviyo ---------------------------------------------------------------------------
        layout.addWidget(heading(self.tr("Klaviyo account"), self))
        layout.addWidget(self.status_label)
        self.form = KeyForm(self)
        layout.addWidget(self.form)
        layout.addLayout(self.connect_flow.row)
        how = (
            self.tr(
                "Sandbox mode: the sample account's key is filled in, and ContactBridge "
                "connects to its built-in practice Klaviyo. Nothing reaches the real Klaviyo."
            )
            if context.service.sandbox
            else self.tr(KEY_HELP)
        )
        layout.addWidget(hint_label(how, self))

        # -- Constant Contact ------------------------------------------------------------------
        layout.addWidget(heading(self.tr("From Constant Contact"), self))
        self.cc_label = QLabel(self)
        self.cc_label.setAccessibleName(self.tr("Constant Contact account to move"))
        self.cc_label.setWordWrap(True)
        layout.addWidget(self.cc_label)
        lists_label = QLabel(self.tr("Constant Contact &lists to bring:"), self)
        layout.addWidget(lists_label)
        self.lists_widget = QListWidget(self)
        lists_label.setBuddy(self.lists_widget)  # else the "&" shows
        self.lists_widget.setAccessibleName(self.tr("Constant Contact lists to bring"))
        self.lists_widget.setMaximumHeight(120)
        layout.addWidget(self.lists_widget)
        layout.addWidget(
            hint_label(
                self.tr(
                    "No list ticked: every contact. Whoever unsubscribed in Constant Contact "
                    "is brought as suppressed even when no longer on these lists (Constant "
                    "Contact takes them off every list), so they are never emailed from "
                    "Klaviyo."
                ),
                self,
            )
        )

        # -- options -----------------------------------------------------------------------------
        layout.addWidget(heading(self.tr("What to bring"), self))
        self.lists_check = QCheckBox(self.tr("Create Klaviyo lists from Constant Contact lists"))
        self.lists_check.setAccessibleName(self.lists_check.text())
        layout.addWidget(self.lists_check)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Each contact joins the Klaviyo lists named as its Constant Contact lists "
                    "(made when missing; Klaviyo allows 150 new lists a day, so a larger "
                    "account's first sync pauses and finishes the next day). Joining a list "
                    "gives no consent."
                ),
                self,
            )
        )
        self.activity_check = QCheckBox(self.tr("Collect open and click data"))
        self.activity_check.setAccessibleName(self.activity_check.text())
        layout.addWidget(self.activity_check)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Received, opened and clicked emails of your Constant Contact campaigns, "
                    "90 days back, then what is new each hour, on each profile as events from "
                    "Constant Contact. They start no Klaviyo flow, and are never counted twice."
                ),
                self,
            )
        )
        layout.addWidget(
            QLabel(self.tr("Contacts who unsubscribed or bounced in Constant Contact:"), self)
        )
        self.opted_out_group = QButtonGroup(self)
        self.suppress_radio = QRadioButton(self.tr("Suppress them in Klaviyo (recommended)"))
        self.unsubscribe_radio = QRadioButton(self.tr("Unsubscribe them in Klaviyo"))
        for button, choice in (
            (self.suppress_radio, OptedOutAs.SUPPRESS),
            (self.unsubscribe_radio, OptedOutAs.UNSUBSCRIBE),
        ):
            button.setAccessibleName(button.text())
            button.setProperty("choice", choice.value)
            self.opted_out_group.addButton(button)
            layout.addWidget(button)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Either way Klaviyo never emails them, and ContactBridge never subscribes "
                    "them again, whatever later changes in Constant Contact: only the person "
                    "can opt back in. Subscribers are subscribed once, as a historical import "
                    "(no confirmation email). Contacts deleted in Constant Contact are kept in "
                    "Klaviyo and listed in the run's results."
                ),
                self,
            )
        )

        # -- mapping ---------------------------------------------------------------------------
        layout.addWidget(heading(self.tr("Field mapping"), self))
        self.mapping_table = QTableWidget(0, 2, self)
        self.mapping_table.setAccessibleName(self.tr("Constant Contact field to Klaviyo field"))
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("Constant Contact"), self.tr("Klaviyo")]
        )
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setMinimumHeight(160)
        layout.addWidget(self.mapping_table)
        layout.addWidget(
            hint_label(
                self.tr(
                    "The email and the contact's Constant Contact ID always go (the ID as "
                    "Klaviyo's external ID, so a changed email never makes a second profile). "
                    "Phone numbers go as properties: Klaviyo matches people by phone number, "
                    "and two people sharing one would become one profile. Use Preview first "
                    "(a dry run) to see what each run would create."
                ),
                self,
            )
        )

        self.connect_button.clicked.connect(self.start_connect)
        self.lists_widget.itemChanged.connect(self._list_ticked)
        self.lists_check.toggled.connect(lambda _: self._write_settings())
        self.activity_check.toggled.connect(lambda _: self._write_settings())
        self.opted_out_group.buttonToggled.connect(lambda *_: self._write_settings())

    # -- state -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.connect_flow.connecting or self._load_task is not None

    def problems(self) -> dict[str, str]:
        found = self.connect_flow.problems()
        if found:
            return found
        if self._load_task is not None:
            return {"source_connection": self.tr("Reading your Constant Contact lists…")}
        return {}

    def settings(self) -> KlaviyoSettings:
        return KlaviyoSettings.from_settings(self.ctx.draft.source_settings)

    def activate(self) -> None:
        """The user chose a Klaviyo migration (or such a profile is edited)."""
        d = self.ctx.draft
        saved = d.source_settings
        chosen = KlaviyoSettings.from_settings(saved)
        saved.update({k: v for k, v in chosen.to_settings().items() if k not in saved})
        saved.setdefault(flow.FROM_CONSTANT_CONTACT, {LIST_IDS: []})
        for widget, value in (
            (self.lists_check, chosen.create_lists),
            (self.activity_check, chosen.collect_activity),
        ):
            widget.blockSignals(True)
            widget.setChecked(value)
            widget.blockSignals(False)
        self.opted_out_group.blockSignals(True)
        for button in self.opted_out_group.buttons():
            button.setChecked(button.property("choice") == chosen.opted_out_as.value)
        self.opted_out_group.blockSignals(False)
        if d.connection_id is None:  # the Constant Contact account to move
            found = self.ctx.service.connections.default_connection()
            d.connection_id = found.id if found is not None else None
        self._show_cc()
        conn = self.connect_flow.saved()
        self.form.fill(conn, self.ctx.service.sandbox)
        self._use_connection(conn)
        self.load()

    def shutdown(self) -> None:
        self.connect_flow.stop()
        if self._load_task is not None:
            self._load_task.cancel()
        self._load_task = None
        self._set_busy()

    # -- Klaviyo ---------------------------------------------------------------------------

    def start_connect(self) -> None:
        """Check the typed key in a worker; the account it names is connected (again)."""
        options = self.form.options()
        conn = self.connect_flow.connection
        same = conn is not None and options["account_name"] in ("", conn.account_name)
        self.connect_flow.start(
            options["account_name"] or kl_connector.LABEL,
            conn.id if same and conn else None,
            options=options,
        )

    def _use_connection(self, conn: Connection | None) -> None:
        self.connect_flow.use(conn)
        self._set_busy()
        self.source_changed.emit()

    # -- Constant Contact: lists, columns, the first contacts --------------------------------------

    def _show_cc(self) -> None:
        d = self.ctx.draft
        conn = (
            self.ctx.service.connections.connection(d.connection_id)
            if d.connection_id is not None
            else None
        )
        if conn is None:
            self.cc_label.setText(
                self.tr(
                    "Connect your Constant Contact account first (Connections > Constant "
                    "Contact account…): it is the account to move."
                )
            )
        else:
            self.cc_label.setText(
                self.tr("Constant Contact account: {name}").format(
                    name=conn.account_name or conn.label
                )
            )

    def load(self) -> None:
        """Read the account's lists and fields, and the first contacts to move, in a worker."""
        d = self.ctx.draft
        if d.connection_id is None:
            return
        service, cc_id = self.ctx.service, d.connection_id
        wanted = list(self._list_ids())
        if self._load_task is not None:
            self._load_task.cancel()

        def read(_cancel: object) -> tuple[list[ContactList], list[str], Numbered]:
            cc = service.connections.cc_client(cc_id)
            labels = {f"cf:{f.name}": f.label for f in cc.list_custom_fields()}
            source = ConstantContactSource(cc, list_ids=wanted, custom_fields=labels)
            return cc.list_contact_lists(), source.columns(), source.numbered_preview(PREVIEW_ROWS)

        self._load_task = self.ctx.runner.run(read, self._loaded, self._load_failed)
        self._set_busy()
        self.source_changed.emit()

    def _loaded(self, found: tuple[list[ContactList], list[str], Numbered]) -> None:
        self._load_task = None
        self.cc_lists, self.columns, preview = found
        self._fill_lists()
        self._fill_mapping()
        take_preview(self.ctx, preview)
        self._set_busy()
        self.source_changed.emit()

    def _load_failed(self, error: Exception) -> None:
        self._load_task = None
        self._set_busy()
        self.connect_flow.show_failure(error)

    def _list_ids(self) -> list[str]:
        side = self.ctx.draft.source_settings.get(flow.FROM_CONSTANT_CONTACT) or {}
        return [str(i) for i in side.get(LIST_IDS) or ()]

    def _fill_lists(self) -> None:
        chosen = set(self._list_ids())
        self.lists_widget.blockSignals(True)
        self.lists_widget.clear()
        for found in self.cc_lists or ():
            count = f" ({found.membership_count:,})" if found.membership_count is not None else ""
            item = QListWidgetItem(f"{found.name}{count}", self.lists_widget)
            item.setData(Qt.ItemDataRole.UserRole, found.list_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = found.list_id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        if not self.cc_lists:
            QListWidgetItem(self.tr("(no lists: every contact is brought)"), self.lists_widget)
        self.lists_widget.blockSignals(False)

    def _list_ticked(self, _item: QListWidgetItem) -> None:
        ids = []
        for row in range(self.lists_widget.count()):
            item = self.lists_widget.item(row)
            list_id = item.data(Qt.ItemDataRole.UserRole)
            if list_id and item.checkState() == Qt.CheckState.Checked:
                ids.append(str(list_id))
        self.ctx.draft.source_settings[flow.FROM_CONSTANT_CONTACT] = {LIST_IDS: ids}
        self.load()  # the first contacts of the lists now chosen

    def _fill_mapping(self) -> None:
        chosen = self.settings()
        shown = [c for c in self.columns if c not in FIXED]
        self.mapping_table.setRowCount(len(shown))
        for row, column in enumerate(shown):
            label = QLabel(column, self.mapping_table)
            self.mapping_table.setCellWidget(row, 0, label)
            combo = QComboBox(self.mapping_table)
            combo.setAccessibleName(self.tr("Klaviyo field for {column}").format(column=column))
            for key, words in FIELD_CHOICES.items():
                combo.addItem(self.tr(words), key)
            combo.setCurrentIndex(max(combo.findData(chosen.target(column)), 0))
            combo.currentIndexChanged.connect(
                lambda _i, c=column, box=combo: self._map(c, str(box.currentData()))
            )
            self.mapping_table.setCellWidget(row, 1, combo)

    def _map(self, column: str, target: str) -> None:
        fields = dict(self.ctx.draft.source_settings.get("fields") or {})
        fields[column] = target
        self.ctx.draft.source_settings["fields"] = fields
        self.source_changed.emit()

    def mapping_combo(self, column: str) -> QComboBox | None:
        """The mapping row of a column (for tests and accessibility tools)."""
        for row in range(self.mapping_table.rowCount()):
            label = self.mapping_table.cellWidget(row, 0)
            if isinstance(label, QLabel) and label.text() == column:
                found = self.mapping_table.cellWidget(row, 1)
                return found if isinstance(found, QComboBox) else None
        return None

    # -- helpers -------------------------------------------------------------------------------

    def _write_settings(self) -> None:
        settings = self.ctx.draft.source_settings
        button = self.opted_out_group.checkedButton()
        settings["create_lists"] = self.lists_check.isChecked()
        settings["collect_activity"] = self.activity_check.isChecked()
        if button is not None:
            settings["opted_out_as"] = str(button.property("choice"))
        self.source_changed.emit()

    def _set_busy(self) -> None:
        self.connect_flow.show_busy(self.busy, self.form)
