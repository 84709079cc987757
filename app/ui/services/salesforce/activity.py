"""SyncApps' campaign response and event options on the Salesforce panel, each explained.

They write the Salesforce source settings (``responses``, ``events``, ``event_fields``);
which Campaign Member fields the registration details go to is chosen in step 4
(``event_mapping.MappingSection``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.connectors.salesforce.settings import EventFields, ResponseMode
from app.ui.profile_wizard.widgets import hint_label

if TYPE_CHECKING:
    from app.ui.profile_wizard.flow import ProfileDraft


class ActivityChoices(QWidget):
    """Email responses (off, members, tasks) and events, with their explanations.

    Signals:
        changed(): a choice changed the draft.
    """

    changed = Signal()

    def __init__(self, draft_of: Callable[[], ProfileDraft], parent: QWidget | None = None):
        super().__init__(parent)
        self._draft_of = draft_of
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        label = QLabel(self.tr("Email &responses:"), self)
        self.responses_combo = QComboBox(self)
        self.responses_combo.setAccessibleName(self.tr("Constant Contact email responses"))
        for mode, text in (
            (ResponseMode.OFF, self.tr("Don't write them to Salesforce")),
            (ResponseMode.MEMBERS, self.tr("A campaign for each email, its recipients as members")),
            (ResponseMode.TASKS, self.tr("A task for each open or click")),
        ):
            self.responses_combo.addItem(text, mode.value)
        label.setBuddy(self.responses_combo)
        row.addWidget(label)
        row.addWidget(self.responses_combo, 1)
        layout.addLayout(row)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Each email of the last 90 days becomes a Salesforce campaign of type "
                    "Email. A member's status is the furthest they went: Clicked, Opened, "
                    "Bounced, Unsubscribed or Sent. Or, instead, each open and click becomes "
                    "a completed task on the person's record. People Salesforce does not "
                    "have are left out."
                ),
                self,
            )
        )
        self.events_box = QCheckBox(self.tr("Write Constant Contact events as campaigns"), self)
        self.events_box.setAccessibleName(self.events_box.text())
        layout.addWidget(self.events_box)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Each event of the last 90 days, and those to come, becomes a campaign "
                    "with its registrants as members (Registered, Attended, Pending or "
                    "Cancelled). Registrants Salesforce does not have are added as leads."
                ),
                self,
            )
        )
        self.separate_box = QCheckBox(
            self.tr("Put each registration detail in a field of its own"), self
        )
        self.separate_box.setAccessibleName(self.separate_box.text())
        layout.addWidget(self.separate_box)
        self.separate_hint = hint_label(
            self.tr(
                "Unticked: the registration date, status, payment status and guest count "
                "go together into the Campaign Member field “Email Events”. Ticked: you "
                "choose a field for each in step 4, Field mapping, where the order total "
                "and check-in can go to fields too."
            ),
            self,
        )
        layout.addWidget(self.separate_hint)
        self.responses_combo.activated.connect(self._responses_chosen)
        self.events_box.toggled.connect(self._events_toggled)
        self.separate_box.toggled.connect(self._separate_toggled)

    def load(self) -> None:
        settings = self._draft_of().source_settings
        mode = str(settings.get("responses") or ResponseMode.OFF.value)
        self.responses_combo.setCurrentIndex(max(self.responses_combo.findData(mode), 0))
        for box, on in (
            (self.events_box, bool(settings.get("events"))),
            (self.separate_box, settings.get("event_fields") == EventFields.SEPARATE.value),
        ):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.separate_box.setEnabled(self.events_box.isChecked())

    def _responses_chosen(self, index: int) -> None:
        self._draft_of().source_settings["responses"] = str(self.responses_combo.itemData(index))
        self.changed.emit()

    def _events_toggled(self, on: bool) -> None:
        self._draft_of().source_settings["events"] = on
        self.separate_box.setEnabled(on)
        self.changed.emit()

    def _separate_toggled(self, on: bool) -> None:
        choice = EventFields.SEPARATE if on else EventFields.ONE
        self._draft_of().source_settings["event_fields"] = choice.value
        self.changed.emit()
