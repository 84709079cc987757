"""The NeonCRM part of step 1: connect with the org ID and API key, choose which accounts,
and NeonCRM's Unsubscribe, Import and Push Settings.

Every call to NeonCRM (connecting, reading its search fields and custom fields, the first
accounts) runs in the wizard's ``TaskRunner``, so the window never freezes. The panel writes
its choices to the draft: the source settings (``connection_id``, ``criteria``, ``extras``,
``mark_source``, as ``NeonSourceSettings`` reads them), the options (the settings pages), and
the mapping (NeonCRM's fixed standard mapping and the Additional Contact Fields).

A new profile starts as NeonCRM's own integration does: unsubscribes go both ways, a
resubscribe removes the NeonCRM opt-out, they are resynced every 30 minutes, and contact
details go to Constant Contact only with a push.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm import connector as neon_connector
from app.connectors.neoncrm.client import SearchFields
from app.connectors.neoncrm.settings import NeonSourceSettings
from app.connectors.neoncrm.source import NeonSource
from app.core.errors import Cancelled
from app.core.records import ContactList
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label
from app.ui.services.connect_flow import ConnectFlow, ConnectWords
from app.ui.services.neoncrm.context import ensure_custom_fields
from app.ui.services.neoncrm.criteria import CriteriaEditor
from app.ui.services.neoncrm.form import ConnectionForm, sample_options
from app.ui.services.neoncrm.settings_form import NeonSettingsForm
from app.ui.services.preview import Numbered

if TYPE_CHECKING:
    from app.ui.profile_wizard.pages.base import WizardContext

PREVIEW_ROWS = 20
KIND = neon_connector.KIND

Choices = tuple[SearchFields, list[c.ExtraField], list[ContactList]]


class NeonSourcePanel(QWidget):
    """Connection, "Which accounts" (Neon's search criteria), and the three settings pages.

    Signals:
        source_changed(): the draft's NeonCRM choices or preview changed.
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
                name="NeonCRM",
                expired=lambda conn: self.tr(
                    "NeonCRM asks you to connect again to “{name}”: enter the API key."
                ).format(name=conn.account_name or conn.label),
                connected=self._connected_words,
                recheck=self.tr("Check the &connection again"),
            ),
            on_connected=self._use_connection,
            refresh=self._set_busy,
            changed=self.source_changed.emit,
            forget=lambda: self.form.forget_secrets(),  # the form is made in its place below
        )
        self.status_label = self.connect_flow.status_label
        self.connect_button = self.connect_flow.connect_button
        self.cancel_button = self.connect_flow.cancel_button
        self._choices_task: Task | None = None
        self._preview_task: Task | None = None
        self._fields_task: Task | None = None
        self.search_fields: SearchFields | None = None
        self.matching: int | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading(self.tr("NeonCRM org"), self))
        layout.addWidget(self.status_label)
        self.form = ConnectionForm(self)
        layout.addWidget(self.form)
        layout.addLayout(self.connect_flow.row)
        if context.service.sandbox:
            how = self.tr(
                "Sandbox mode: the sample nonprofit's org ID and key are filled in, and "
                "ContactBridge connects to its built-in practice NeonCRM. Nothing is read from "
                "or written to the real NeonCRM."
            )
        else:
            how = self.tr(
                "Use the org ID (Settings > Organization Profile) and the API key of a NeonCRM "
                "API user (Settings > User Management). ContactBridge keeps the key in your "
                "system's keyring, never in its files."
            )
        layout.addWidget(hint_label(how, self))

        layout.addWidget(heading(self.tr("Which accounts"), self))
        layout.addWidget(
            hint_label(
                self.tr(
                    "All accounts, or those your search criteria find, with NeonCRM's own "
                    "fields and operators. As in NeonCRM's integration, only Individual "
                    "accounts are pushed: organizations, and accounts marked deceased or Do "
                    "Not Contact, are shown as skipped with the reason. Opted-out accounts "
                    "come in marked opted out, so they are never added to a list."
                ),
                self,
            )
        )
        self.criteria = CriteriaEditor(self)
        layout.addWidget(self.criteria)
        apply_row = QHBoxLayout()
        self.apply_button = QPushButton(self.tr("&Show these accounts"), self)
        self.apply_button.setAccessibleName(self.tr("Search NeonCRM with these criteria"))
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(self.tr("How many accounts match"))
        apply_row.addWidget(self.apply_button)
        apply_row.addWidget(self.count_label, 1)
        layout.addLayout(apply_row)

        layout.addWidget(heading(self.tr("Constant Contact settings"), self))
        self.settings_form = NeonSettingsForm(self)
        layout.addWidget(self.settings_form)

        self.connect_button.clicked.connect(self.start_connect)
        self.apply_button.clicked.connect(self._apply_criteria)
        self.settings_form.changed.connect(self._settings_changed)

    # -- state -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.connect_flow.connecting or any(
            t is not None for t in (self._choices_task, self._preview_task, self._fields_task)
        )

    def problems(self) -> dict[str, str]:
        found = self.connect_flow.problems()
        if found:
            return found
        if self._preview_task is not None:
            return {"source_connection": self.tr("Reading the first accounts from NeonCRM…")}
        return {}

    def activate(self) -> None:
        """The user chose NeonCRM (or such a profile is edited): show its connection."""
        d = self.ctx.draft
        settings = d.source_settings
        if "mark_source" not in settings:  # first time for this draft: NeonCRM's own ways
            settings.update(NeonSourceSettings().to_settings())
            d.options = neon_connector.neon_options(d.options)
        self.settings_form.load(d.options, settings)
        chosen = self.connect_flow.saved()
        sandbox = self.ctx.service.sandbox
        if chosen is not None:
            self.form.fill(chosen.settings, sample_options() if sandbox else None)
        elif sandbox:
            self.form.fill(sample_options(), sample_options())
        self._use_connection(chosen)

    def shutdown(self) -> None:
        self.connect_flow.stop()
        for task in (self._choices_task, self._preview_task, self._fields_task):
            if task is not None:
                task.cancel()
        self._choices_task = self._preview_task = self._fields_task = None
        self._set_busy()

    # -- connecting --------------------------------------------------------------------------

    def start_connect(self) -> None:
        options = self.form.options()
        conn = self.connect_flow.connection
        self.connect_flow.start(
            neon_connector.LABEL,
            conn.id if conn is not None and self.form.same_org(conn.settings) else None,
            options=options,
        )

    def cancel_connect(self) -> None:
        self.connect_flow.cancel()

    def _use_connection(self, conn: Connection | None) -> None:
        self.connect_flow.use(conn)
        self._set_busy()
        if conn is not None and conn.status == ConnectionStatus.CONNECTED:
            self.load_choices()
            self.load_preview()
        else:
            self.source_changed.emit()

    def _connected_words(self, conn: Connection) -> str:
        owner = neon_connector.owner_words(conn.settings)
        text = self.tr("✔ Connected to NeonCRM: {name}").format(name=conn.account_name)
        return f"{text}. {owner}." if owner else text

    # -- search fields, custom fields, lists -----------------------------------------------------

    def _cc_connection_id(self) -> int | None:
        d = self.ctx.draft
        if d.connection_id is not None:
            return d.connection_id
        found = self.ctx.service.connections.default_connection()
        return found.id if found is not None else None

    def load_choices(self) -> None:
        """Read Neon's search fields and custom fields, and the Constant Contact lists."""
        conn = self.connect_flow.connection
        if conn is None:
            return
        service = self.ctx.service
        cc_id = self._cc_connection_id()
        if self._choices_task is not None:
            self._choices_task.cancel()

        def choices(_cancel: object) -> Choices:
            with neon_connector.client(service.connections, conn.id) as neon:
                fields = neon.search_fields()
                extras = neon_connector.offered_extras(neon)
            lists = service.lists.contact_lists(cc_id) if cc_id is not None else []
            return fields, extras, lists

        self._choices_task = self.ctx.runner.run(choices, self._choices_done, self._choices_failed)
        self._set_busy()

    def _choices_done(self, found: Choices) -> None:
        self._choices_task = None
        self.search_fields, extras, lists = found
        self.criteria.set_fields(self.search_fields)
        self.criteria.set_criteria(self.ctx.draft.source_settings.get("criteria") or [])
        self.settings_form.set_extras(extras)
        self.settings_form.set_lists(lists)
        self._set_busy()

    def _choices_failed(self, error: Exception) -> None:
        self._choices_task = None
        self._set_busy()
        if not isinstance(error, Cancelled):
            self.connect_flow.show_failure(error)

    # -- choices --------------------------------------------------------------------------------

    def _apply_criteria(self) -> None:
        self.ctx.draft.source_settings["criteria"] = self.criteria.criteria()
        self.load_preview()

    def _settings_changed(self) -> None:
        d = self.ctx.draft
        extras_before = d.source_settings.get("extras")
        mark_before = d.source_settings.get("mark_source")
        d.options = self.settings_form.options(d.options)
        d.source_settings.update(self.settings_form.push_settings())
        if (d.source_settings.get("extras"), d.source_settings.get("mark_source")) != (
            extras_before,
            mark_before,
        ):
            self.load_preview()  # the columns change with the Additional Contact Fields
        else:
            self.source_changed.emit()

    # -- the preview -----------------------------------------------------------------------------

    def load_preview(self) -> None:
        d = self.ctx.draft
        if d.source_settings.get("connection_id") is None or self.connect_flow.connection is None:
            return
        service = self.ctx.service
        spec = d.source_spec()
        if self._preview_task is not None:
            self._preview_task.cancel()

        def preview(_cancel: object) -> tuple[Numbered, int]:
            source = service.profiles.open_source(spec)
            assert isinstance(source, NeonSource)
            try:
                return source.numbered_preview(PREVIEW_ROWS), source.count()
            finally:
                source.close()

        self._preview_task = self.ctx.runner.run(preview, self._preview_done, self._preview_failed)
        self.count_label.setText(self.tr("Searching NeonCRM…"))
        self._set_busy()
        self.source_changed.emit()

    def _preview_done(self, result: tuple[Numbered, int]) -> None:
        self._preview_task = None
        (columns, numbered), self.matching = result
        d = self.ctx.draft
        chosen = NeonSourceSettings.from_settings(d.source_settings)
        mapping = c.push_mapping(chosen.extras, mark_source=chosen.mark_source)
        flow.apply_source_preview(
            d,
            columns,
            [cells for _, cells in numbered],
            suggested=mapping,
            opt_out_column="",
            key_column="",
            row_numbers=[number for number, _ in numbered],
        )
        # NeonCRM's mapping is fixed: the standard fields and the chosen extras.
        d.mapping = {target: column for column, target in mapping.as_dict().items()}
        self.count_label.setText(self.tr("%1 accounts match").replace("%1", f"{self.matching:,}"))
        self.ensure_custom_fields()
        self._set_busy()
        self.source_changed.emit()

    def _preview_failed(self, error: Exception) -> None:
        self._preview_task = None
        self.count_label.setText("")
        self._set_busy()
        if not isinstance(error, Cancelled):
            self.connect_flow.show_failure(error)

    def ensure_custom_fields(self) -> None:
        """Create the Constant Contact custom fields the push fills (Source, the extras)."""
        cc_id = self._cc_connection_id()
        d = self.ctx.draft
        labels = [t[len("cf:") :] for t in d.mapping if t.startswith("cf:") and d.mapping.get(t)]
        if cc_id is None or not labels or self._fields_task is not None:
            return
        service = self.ctx.service

        def make(_cancel: object) -> None:
            ensure_custom_fields(service, cc_id, labels)

        self._fields_task = self.ctx.runner.run(make, self._fields_done, self._fields_failed)

    def _fields_done(self, _result: Any) -> None:
        self._fields_task = None
        self._set_busy()
        self.source_changed.emit()

    def _fields_failed(self, error: Exception) -> None:
        self._fields_task = None
        self._set_busy()
        if not isinstance(error, Cancelled):
            self.count_label.setText(self.connect_flow.message(error))

    def _set_busy(self) -> None:
        self.connect_flow.show_busy(self.busy, self.form)
        connected = self.connect_flow.ready
        self.apply_button.setEnabled(connected and self._preview_task is None)
        self.criteria.setEnabled(connected and self.search_fields is not None)
        self.settings_form.setEnabled(connected)
