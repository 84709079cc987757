"""Step 4's Salesforce part: which Campaign Member field each event registrant detail fills.

Shown when the profile writes Constant Contact events to Salesforce (SyncApps' "allow mapping
Event Registrant details to Campaign Member custom fields"). With the details in one field,
it offers that field ("Email Events") and the details that are not in it (the order total,
checked in); with separate fields, one row per detail. The org's Campaign Member fields are
read in the background; a field is suggested by its label ("Registration Date" for the
registration date). The choices go to the source settings ``event_field`` and ``event_map``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.connectors.salesforce import connector as sf_connector
from app.connectors.salesforce.objects import Field
from app.connectors.salesforce.settings import (
    EVENT_DETAILS,
    EVENTS_FIELD,
    SUMMARY_DETAILS,
    EventFields,
)
from app.core.errors import AppError, Cancelled
from app.ui.profile_wizard.tasks import Task
from app.ui.profile_wizard.widgets import heading, hint_label

if TYPE_CHECKING:
    from app.ui.profile_wizard.pages.base import WizardContext

SUMMARY = "summary"
NOT_SENT = ""


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def suggest(detail: str, fields: list[Field]) -> str:
    """The field whose label is the detail's name ("Registration Date"), else none."""
    wanted = _words("email events" if detail == SUMMARY else EVENT_DETAILS[detail])
    wanted = wanted.replace(" (tickets)", "")
    for f in fields:
        if _words(f.label) == wanted:
            return f.name
    return EVENTS_FIELD if detail == SUMMARY and any(f.name == EVENTS_FIELD for f in fields) else ""


class MappingSection(QWidget):
    """The registrant details and a Campaign Member field for each."""

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        self.fields: list[Field] | None = None
        self._fields_for: int | None = None
        self._task: Task | None = None
        self.combos: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(heading(self.tr("Event registrants in Salesforce"), self))
        layout.addWidget(
            hint_label(
                self.tr(
                    "The Campaign Member field each registration detail goes to. A field "
                    "Salesforce lacks is added in Setup (Object Manager, Campaign Member)."
                ),
                self,
            )
        )
        self.status = hint_label("", self)
        layout.addWidget(self.status)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setColumnStretch(1, 1)
        layout.addLayout(self.grid)

    @property
    def _settings(self) -> dict:  # type: ignore[type-arg]
        return self.ctx.draft.source_settings

    def load(self) -> None:
        """Show the rows the profile's choices need, reading the fields when not read yet."""
        settings = self._settings
        self.setVisible(bool(settings.get("events")))
        if not settings.get("events"):
            return
        conn_id = settings.get("connection_id")
        if conn_id is not None and conn_id != self._fields_for and self._task is None:
            self._read(int(conn_id))
        self._fill()

    def _read(self, connection_id: int) -> None:
        service = self.ctx.service
        self.status.setText(self.tr("Reading the Campaign Member fields from Salesforce…"))
        self._task = self.ctx.runner.run(
            lambda _cancel: sf_connector.campaign_member_fields(service.connections, connection_id),
            lambda found: self._read_done(connection_id, found),
            self._read_failed,
        )

    def _read_done(self, connection_id: int, found: list[Field]) -> None:
        self._task = None
        self._fields_for = connection_id
        self.fields = found
        self.status.setText("")
        self._fill()

    def _read_failed(self, error: Exception) -> None:
        self._task = None
        if isinstance(error, Cancelled):
            return
        problem = error.message if isinstance(error, AppError) else str(error)
        self.status.setText(
            self.tr("Could not read the Campaign Member fields: {problem}").format(problem=problem)
        )

    def _rows(self) -> list[str]:
        one = self._settings.get("event_fields") != EventFields.SEPARATE.value
        details = [d for d in EVENT_DETAILS if not (one and d in SUMMARY_DETAILS)]
        return [SUMMARY, *details] if one else details

    def _fill(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos.clear()
        if self.fields is None:
            return
        settings = self._settings
        mapped = dict(settings.get("event_map") or {})
        for row, detail in enumerate(self._rows()):
            text = (
                self.tr("Registration date, status, payment and guests")
                if detail == SUMMARY
                else self.tr(EVENT_DETAILS[detail])
            )
            label = QLabel(text, self)
            combo = QComboBox(self)
            # Long field names must not widen the mapping past the window: they elide.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
            combo.setAccessibleName(
                self.tr("Campaign Member field for {detail}").format(detail=text)
            )
            combo.addItem(self.tr("— not sent —"), NOT_SENT)
            labels = [f.label for f in self.fields]
            for f in self.fields:
                shown = f.label if labels.count(f.label) == 1 else f"{f.label} ({f.name})"
                combo.addItem(shown, f.name)
                combo.setItemData(combo.count() - 1, f.name, Qt.ItemDataRole.ToolTipRole)
            if detail == SUMMARY:
                current = str(settings.get("event_field") or suggest(SUMMARY, self.fields))
            else:
                current = mapped.get(detail, suggest(detail, self.fields))
            combo.setCurrentIndex(max(combo.findData(current), 0))
            label.setBuddy(combo)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(combo, row, 1)
            self.combos[detail] = combo
            combo.activated.connect(lambda _i: self._store())
        self._store()

    def _store(self) -> None:
        settings = self._settings
        chosen = {d: str(c.currentData() or "") for d, c in self.combos.items()}
        if SUMMARY in chosen:
            settings["event_field"] = chosen.pop(SUMMARY)
        kept = {
            d: f
            for d, f in dict(settings.get("event_map") or {}).items()
            if d not in chosen and d in EVENT_DETAILS
        }
        settings["event_map"] = {**kept, **{d: f for d, f in chosen.items() if f}}
