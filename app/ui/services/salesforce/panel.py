"""The Salesforce part of step 1: connect to an org, choose the object type and the
campaigns to sync as lists, SyncApps' options, and a preview.

Every call to Salesforce (signing in, reading campaigns, reading the first records) runs in
the wizard's ``TaskRunner``, so the window never freezes. The panel writes its choices to
the draft's source settings (``connection_id``, ``object_type``, ``campaigns``,
``list_map``, ``converted_leads``, the "Unknown" defaults, the campaign activity written
back) and the profile's options, and
emits ``source_changed`` once the first records are read again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.connectors.salesforce import Campaign, ObjectType
from app.connectors.salesforce import connector as sf_connector
from app.connectors.salesforce.account import KIND
from app.connectors.salesforce.objects import TYPE_WORDS
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label
from app.ui.services.connect_flow import ConnectFlow, ConnectWords
from app.ui.services.preview import Numbered, take_preview
from app.ui.services.salesforce.activity import ActivityChoices
from app.ui.services.salesforce.choices import SalesforceChoices, start_new
from app.ui.services.salesforce.connection import account_name, usage_words
from app.ui.services.salesforce.form import ConnectionForm

if TYPE_CHECKING:
    from app.ui.profile_wizard.pages.base import WizardContext

PREVIEW_ROWS = 20


def campaign_words(campaign: Campaign) -> str:
    """``Spring Gala — 12 contacts, 3 leads``."""
    counts = []
    if campaign.contacts or not campaign.leads:
        counts.append(f"{campaign.contacts:,} contact{'s' if campaign.contacts != 1 else ''}")
    if campaign.leads:
        counts.append(f"{campaign.leads:,} lead{'s' if campaign.leads != 1 else ''}")
    inactive = "" if campaign.active else " (inactive)"
    return f"{campaign.name}{inactive} — {', '.join(counts)}"


class SalesforceSourcePanel(QWidget):
    """Connection, object type, campaigns as lists, SyncApps' options, for a Salesforce
    source.

    Signals:
        source_changed(): the draft's Salesforce choices or preview changed.
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
                name="Salesforce",
                expired=lambda conn: self.tr(
                    "Salesforce asks you to connect again to “{name}”."
                ).format(name=account_name(conn)),
                connected=self._connected_words,
                recheck=self.tr("&Sign in again"),
            ),
            on_connected=self._use_connection,
            refresh=self._set_busy,
            changed=self.source_changed.emit,
            forget=lambda: self.form.forget_secrets(),  # the form is made in its place below
            forget_in_sandbox=True,  # its sandbox fills in no secrets to keep
            per_account=("campaigns", "list_map"),  # another org's campaigns
        )
        self.status_label = self.connect_flow.status_label
        self.connect_button = self.connect_flow.connect_button
        self.cancel_button = self.connect_flow.cancel_button
        self._campaigns_task: Task | None = None
        self._preview_task: Task | None = None
        self.campaigns: list[Campaign] | None = None
        sandbox = context.service.sandbox

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading(self.tr("Salesforce org"), self))
        layout.addWidget(self.status_label)
        self.form = ConnectionForm(self, sandbox=sandbox)
        layout.addWidget(self.form)
        layout.addLayout(self.connect_flow.row)
        if sandbox:
            how = self.tr(
                "Sandbox mode: ContactBridge connects to its built-in practice Salesforce "
                "org. Nothing is read from or written to the real Salesforce."
            )
        else:
            how = self.tr(
                "Your browser opens Salesforce's sign-in page: sign in, press Allow, then "
                "come back here. ContactBridge keeps the permission in your system's "
                "keyring, never your password."
            )
        layout.addWidget(hint_label(how, self))

        layout.addWidget(heading(self.tr("What to sync"), self))
        type_row = QHBoxLayout()
        type_label = QLabel(self.tr("&Records:"), self)
        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName(self.tr("Salesforce object type"))
        for kind, words in TYPE_WORDS.items():
            self.type_combo.addItem(self.tr(words), kind.value)
        type_label.setBuddy(self.type_combo)
        type_row.addWidget(type_label)
        type_row.addWidget(self.type_combo)
        type_row.addStretch(1)
        layout.addLayout(type_row)
        layout.addWidget(
            hint_label(
                self.tr(
                    "One kind of record per profile. Person Accounts only in orgs that use "
                    "them; converted leads are followed to the contact they became."
                ),
                self,
            )
        )

        layout.addWidget(heading(self.tr("Campaigns as Constant Contact lists"), self))
        self.campaigns_box = QCheckBox(
            self.tr("Sync only the members of the campaigns I tick, each to a list of its own"),
            self,
        )
        self.campaigns_box.setAccessibleName(self.campaigns_box.text())
        layout.addWidget(self.campaigns_box)
        self.campaign_list = QListWidget(self)
        self.campaign_list.setAccessibleName(self.tr("Salesforce campaigns"))
        self.campaign_list.setMaximumHeight(140)
        layout.addWidget(self.campaign_list)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Each ticked campaign becomes a Constant Contact list with its name, and "
                    "only its members sync (to the main list too). Unticked: every record "
                    "of the type syncs to the main list."
                ),
                self,
            )
        )

        layout.addWidget(heading(self.tr("Options"), self))
        self.choices = SalesforceChoices(lambda: self.ctx.draft, self)
        layout.addWidget(self.choices)

        layout.addWidget(heading(self.tr("Constant Contact activity in Salesforce"), self))
        self.activity = ActivityChoices(lambda: self.ctx.draft, self)
        layout.addWidget(self.activity)

        self.connect_button.clicked.connect(self.start_connect)
        self.type_combo.activated.connect(self._type_chosen)
        self.campaigns_box.toggled.connect(self._campaigns_toggled)
        self.campaign_list.itemChanged.connect(self._campaign_ticked)
        self.choices.changed.connect(self.source_changed.emit)
        self.activity.changed.connect(self.source_changed.emit)

    # -- state -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        tasks = (self._campaigns_task, self._preview_task)
        return self.connect_flow.connecting or any(t is not None for t in tasks)

    def problems(self) -> dict[str, str]:
        """What the draft cannot tell: work under way, or campaigns asked for but none ticked."""
        found = self.connect_flow.problems()
        if found:
            return found
        if self._preview_task is not None:
            return {"source_connection": self.tr("Reading the first records from Salesforce…")}
        settings = self.ctx.draft.source_settings
        if settings.get("by_campaign") and not settings.get("campaigns"):
            return {
                "source_connection": self.tr(
                    "Tick at least one campaign, or untick “Sync only the members…”."
                )
            }
        return {}

    def activate(self) -> None:
        """The user chose Salesforce (or such a profile is edited): show its connection."""
        d = self.ctx.draft
        settings = d.source_settings
        if "object_type" not in settings:  # a new Salesforce profile: SyncApps' ways
            settings["object_type"] = ObjectType.CONTACT.value
            start_new(d)
        settings["by_campaign"] = bool(settings.get("campaigns")) or bool(
            settings.get("by_campaign")
        )
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(settings["object_type"]), 0))
        self.campaigns_box.blockSignals(True)
        self.campaigns_box.setChecked(bool(settings["by_campaign"]))
        self.campaigns_box.blockSignals(False)
        self.choices.load()
        self.activity.load()
        chosen = self.connect_flow.saved()
        if chosen is not None:
            self.form.fill(chosen.settings, saved=True)
        self._use_connection(chosen)

    def shutdown(self) -> None:
        self.connect_flow.stop()
        for task in (self._campaigns_task, self._preview_task):
            if task is not None:
                task.cancel()
        self._campaigns_task = self._preview_task = None
        self._set_busy()

    # -- connecting --------------------------------------------------------------------------

    def start_connect(self) -> None:
        """Sign in, in a worker: the same org reconnects its connection, another is new."""
        options = self.form.options()
        conn = self.connect_flow.connection
        self.connect_flow.start(
            sf_connector.LABEL,
            conn.id if conn is not None and self.form.same_org(conn.settings) else None,
            options=options,
        )

    def cancel_connect(self) -> None:
        self.connect_flow.cancel()

    # -- the connection in use ---------------------------------------------------------------

    def _use_connection(self, conn: Connection | None) -> None:
        self.connect_flow.use(conn)
        self.campaigns = None
        self._fill_campaigns()
        self._set_busy()
        if conn is not None and conn.status == ConnectionStatus.CONNECTED:
            self.load_campaigns()
            self.load_preview()
        else:
            self.source_changed.emit()

    def _connected_words(self, conn: Connection) -> str:
        text = self.tr("✔ Connected to Salesforce: {name}").format(name=account_name(conn))
        usage = usage_words(conn)
        return f"{text}. {usage}" if usage else text

    # -- campaigns --------------------------------------------------------------------------------

    def load_campaigns(self) -> None:
        """Read the org's campaigns and their member counts in a worker."""
        conn = self.connect_flow.connection
        if conn is None:
            return
        service = self.ctx.service
        if self._campaigns_task is not None:
            self._campaigns_task.cancel()
        self._campaigns_task = self.ctx.runner.run(
            lambda _cancel: sf_connector.campaigns(service.connections, conn.id),
            self._campaigns_done,
            self._campaigns_failed,
        )
        self._set_busy()

    def _campaigns_done(self, found: list[Campaign]) -> None:
        self._campaigns_task = None
        self.campaigns = found
        conn = self.connect_flow.connection
        if conn is not None:  # it now knows the org's API usage: show it
            self.connect_flow.connection = self.ctx.service.connections.connection(conn.id) or conn
            self.connect_flow.show_status()
        self._fill_campaigns()
        self._set_busy()

    def _campaigns_failed(self, error: Exception) -> None:
        self._campaigns_task = None
        self._fill_campaigns()
        self._set_busy()
        self.connect_flow.show_failure(error)

    def _fill_campaigns(self) -> None:
        ticked = set(self.ctx.draft.source_settings.get("campaigns") or ())
        self.campaign_list.blockSignals(True)
        self.campaign_list.clear()
        known = set()
        for campaign in self.campaigns or ():
            known.add(campaign.campaign_id)
            item = QListWidgetItem(campaign_words(campaign), self.campaign_list)
            item.setData(Qt.ItemDataRole.UserRole, campaign.campaign_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, campaign.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = campaign.campaign_id in ticked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for missing in sorted(ticked - known) if self.campaigns is not None else ():
            item = QListWidgetItem(
                self.tr("(a campaign no longer in Salesforce)"), self.campaign_list
            )
            item.setData(Qt.ItemDataRole.UserRole, missing)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.campaign_list.blockSignals(False)

    def _campaigns_toggled(self, on: bool) -> None:
        settings = self.ctx.draft.source_settings
        settings["by_campaign"] = on
        if not on:
            settings.pop("campaigns", None)
            settings.pop("list_map", None)
        else:
            self._take_ticked()
        self._set_busy()
        self.load_preview()

    def _campaign_ticked(self, _item: QListWidgetItem) -> None:
        if not self.campaigns_box.isChecked():
            self.campaigns_box.setChecked(True)  # ticking a campaign asks for campaigns
            return
        self._take_ticked()
        self.load_preview()

    def _take_ticked(self) -> None:
        """The ticked campaigns into the draft: their Ids, and each one's list (its name)."""
        settings = self.ctx.draft.source_settings
        old_map = dict(settings.get("list_map") or {})
        ids, names = [], {}
        for index in range(self.campaign_list.count()):
            item = self.campaign_list.item(index)
            if item.checkState() != Qt.CheckState.Checked:
                continue
            campaign_id = str(item.data(Qt.ItemDataRole.UserRole))
            ids.append(campaign_id)
            name = item.data(Qt.ItemDataRole.UserRole + 1)
            names[campaign_id] = old_map.get(campaign_id) or str(name or campaign_id)
        settings["campaigns"] = ids
        settings["list_map"] = names

    def _type_chosen(self, index: int) -> None:
        self.ctx.draft.source_settings["object_type"] = str(self.type_combo.itemData(index))
        self.choices.load()
        self.load_preview()

    # -- the preview ---------------------------------------------------------------------------

    def load_preview(self) -> None:
        """Read the first records with the current choices (cancelling an older read)."""
        d = self.ctx.draft
        if d.source_settings.get("connection_id") is None or self.connect_flow.connection is None:
            return
        if d.source_settings.get("by_campaign") and not d.source_settings.get("campaigns"):
            self.source_changed.emit()
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

    def _set_busy(self, *_args: Any) -> None:
        self.connect_flow.show_busy(self.busy, self.form)
        connected = self.connect_flow.ready
        self.type_combo.setEnabled(connected)
        self.campaigns_box.setEnabled(connected)
        self.campaign_list.setEnabled(connected and self.campaigns is not None)
        self.choices.setEnabled(connected)
        self.activity.setEnabled(connected)
