"""NeonCRM's three settings pages for its Constant Contact integration, in its words:
Unsubscribe Settings, Import Settings and Push Settings.

Shared by the wizard's panel (a new or edited profile) and the NeonCRM window's Settings
tab (a saved profile). The form reads and writes a profile's options (``SyncOptions``) and
the source settings that belong to pushes (the Additional Contact Fields, the Source mark).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.settings import extras_of
from app.core.fields import label as field_label
from app.core.profiles import AmbiguousMatch, ImportScope, OptOutHandling, SyncOptions
from app.core.records import ContactList
from app.ui.profile_wizard.widgets import heading, hint_label

RESYNC_NOTE = (
    "Unsubscribe and resubscribe information, and opt-outs from NeonCRM accounts, are resynced "
    "every 30 minutes while ContactBridge (or its background job) runs, whatever your push "
    "schedule. Contact details reach Constant Contact only when you push them yourself; from "
    "Constant Contact, only unsubscribes and resubscribes come back to NeonCRM."
)
MATCH_NOTE = (
    "The import looks for existing Individual accounts with the contact's email address; a "
    "match is linked to the contact. Where several individuals share the address, it looks "
    "for the one whose name matches too. Organization accounts are never matched."
)
ORIGIN_NOTE = (
    "Accounts created by an import get Origin Category “API” and Origin Detail “Constant "
    "Contact”. Contacts who unsubscribed in Constant Contact are never imported."
)
RULES: tuple[tuple[AmbiguousMatch, str], ...] = (
    (AmbiguousMatch.CREATE, "Import the contact to a new account"),
    (AmbiguousMatch.LINK, "Link the contact to one of the matching accounts"),
    (AmbiguousMatch.SKIP, "Ignore the contact (do not import it)"),
)


def _yes_no(parent: QWidget, question: str, name: str) -> tuple[QLabel, QButtonGroup, QWidget]:
    """A question with Yes and No, as NeonCRM's settings ask them."""
    label = QLabel(question, parent)
    label.setWordWrap(True)
    box = QWidget(parent)
    row = QVBoxLayout(box)
    row.setContentsMargins(12, 0, 0, 6)
    group = QButtonGroup(box)
    for value, text in ((True, "Yes"), (False, "No")):
        button = QRadioButton(parent.tr(text), box)
        button.setAccessibleName(f"{name}: {text}")
        button.setProperty("value", value)
        group.addButton(button)
        row.addWidget(button)
    return label, group, box


def _choose(group: QButtonGroup, value: bool) -> None:
    group.blockSignals(True)
    for button in group.buttons():
        button.setChecked(button.property("value") is value)
    group.blockSignals(False)


def _chosen(group: QButtonGroup) -> bool:
    button = group.checkedButton()
    return bool(button.property("value")) if button is not None else False


class NeonSettingsForm(QTabWidget):
    """Unsubscribe, Import and Push Settings; ``changed`` after each choice."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("NeonCRM settings for Constant Contact"))
        self._options = SyncOptions()
        self._extras: list[c.ExtraField] = []
        self._chosen_extras: list[c.ExtraField] = []
        self._lists_known = False
        self._build_unsubscribe()
        self._build_import()
        self._build_push()

    # -- Unsubscribe Settings ----------------------------------------------------------------

    def _build_unsubscribe(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Unsubscribe Settings"), page))
        label, self.cc_to_neon, box = _yes_no(
            page,
            self.tr(
                "When a contact in Constant Contact unsubscribes from receiving emails, opt out "
                "their account in NeonCRM?"
            ),
            self.tr("Opt out in NeonCRM"),
        )
        layout.addWidget(label)
        layout.addWidget(box)
        label, self.resubscribe, self.resubscribe_box = _yes_no(
            page,
            self.tr(
                "Remove the NeonCRM opt-out when the contact resubscribes in Constant Contact?"
            ),
            self.tr("Remove the NeonCRM opt-out"),
        )
        self.resubscribe_label = label
        layout.addWidget(label)
        layout.addWidget(self.resubscribe_box)
        label, self.neon_to_cc, box = _yes_no(
            page,
            self.tr(
                "When an account in NeonCRM is opted out of emails, unsubscribe the contact in "
                "Constant Contact?"
            ),
            self.tr("Unsubscribe in Constant Contact"),
        )
        layout.addWidget(label)
        layout.addWidget(box)
        self.resync_note = hint_label(self.tr(RESYNC_NOTE), page)
        layout.addWidget(self.resync_note)
        layout.addStretch(1)
        for group in (self.cc_to_neon, self.resubscribe, self.neon_to_cc):
            group.buttonToggled.connect(self._on_toggled)
        self.addTab(page, self.tr("Unsubscribe Settings"))

    # -- Import Settings ---------------------------------------------------------------------

    def _build_import(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Import Settings"), page))
        self.import_check = QCheckBox(
            self.tr("Import contacts from Constant Contact into NeonCRM when you sync"), page
        )
        self.import_check.setAccessibleName(self.tr("Import contacts from Constant Contact"))
        layout.addWidget(self.import_check)
        layout.addWidget(hint_label(self.tr(MATCH_NOTE), page))
        form = QFormLayout()
        self.rule_combo = QComboBox(page)
        self.rule_combo.setAccessibleName(self.tr("When several accounts match by name and email"))
        for rule, text in RULES:
            self.rule_combo.addItem(self.tr(text), rule.value)
        form.addRow(self.tr("If more than one account matches by name + email:"), self.rule_combo)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Import from these Constant Contact lists:"), page))
        self.lists_widget = QListWidget(page)
        self.lists_widget.setAccessibleName(self.tr("Constant Contact lists to import from"))
        self.lists_widget.setMaximumHeight(140)
        layout.addWidget(self.lists_widget)
        self.lists_hint = hint_label(self.tr("All lists are selected by default."), page)
        layout.addWidget(self.lists_hint)
        layout.addWidget(hint_label(self.tr(ORIGIN_NOTE), page))
        layout.addStretch(1)
        self.import_check.toggled.connect(self._on_toggled)
        self.rule_combo.currentIndexChanged.connect(self._on_toggled)
        self.lists_widget.itemChanged.connect(self._on_toggled)
        self.addTab(page, self.tr("Import Settings"))

    # -- Push Settings -----------------------------------------------------------------------

    def _build_push(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(heading(self.tr("Push Settings"), page))
        layout.addWidget(
            hint_label(
                self.tr(
                    "Standard fields are mapped as NeonCRM maps them; addresses go to Constant "
                    "Contact as a Personal (home) address:"
                ),
                page,
            )
        )
        rows = [
            f"{column} → {field_label(target)}" for column, target in c.STANDARD_MAPPING.items()
        ]
        self.standard_label = QLabel("\n".join(rows), page)
        self.standard_label.setAccessibleName(self.tr("The standard mapping"))
        self.standard_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.standard_label)
        self.source_check = QCheckBox(
            self.tr("Mark pushed contacts with Source “NeonCRM” (a custom field named Source)"),
            page,
        )
        self.source_check.setAccessibleName(self.tr("Mark contacts with Source NeonCRM"))
        layout.addWidget(self.source_check)
        layout.addWidget(
            QLabel(
                self.tr("Additional Contact Fields (up to 15), each a custom field there:"), page
            )
        )
        self.extras_widget = QListWidget(page)
        self.extras_widget.setAccessibleName(self.tr("Additional Contact Fields"))
        self.extras_widget.setMaximumHeight(160)
        layout.addWidget(self.extras_widget)
        self.extras_count = hint_label("", page)
        layout.addWidget(self.extras_count)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Additional Contact Field data only goes from NeonCRM to Constant Contact, "
                    "never back."
                ),
                page,
            )
        )
        layout.addStretch(1)
        self.source_check.toggled.connect(self._on_toggled)
        self.extras_widget.itemChanged.connect(self._extra_changed)
        self.addTab(page, self.tr("Push Settings"))

    # -- loading and reading ------------------------------------------------------------------

    def load(self, options: SyncOptions, settings: Mapping[str, Any]) -> None:
        """Show a profile's choices (``settings``: its NeonCRM source settings)."""
        self._options = options
        _choose(self.cc_to_neon, options.optout_to_source)
        _choose(self.resubscribe, options.clear_optout_on_resubscribe)
        _choose(self.neon_to_cc, options.opt_out_handling is OptOutHandling.UNSUBSCRIBE)
        for widget in (self.import_check, self.rule_combo, self.source_check):
            widget.blockSignals(True)
        self.import_check.setChecked(options.import_from_cc)
        self.rule_combo.setCurrentIndex(max(self.rule_combo.findData(options.import_ambiguous), 0))
        self.source_check.setChecked(bool(settings.get("mark_source", True)))
        for widget in (self.import_check, self.rule_combo, self.source_check):
            widget.blockSignals(False)
        self._chosen_extras = list(extras_of(settings.get("extras")))
        self._fill_extras()
        self._check_lists(options.import_lists)
        self._enable()

    def set_lists(self, lists: Sequence[ContactList]) -> None:
        """The Constant Contact account's lists, to choose which to import from."""
        self.lists_widget.blockSignals(True)
        self.lists_widget.clear()
        for cl in lists:
            item = QListWidgetItem(cl.name, self.lists_widget)
            item.setData(Qt.ItemDataRole.UserRole, cl.list_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        self.lists_widget.blockSignals(False)
        self._lists_known = True
        self._check_lists(self._options.import_lists)

    def _check_lists(self, chosen: Sequence[str]) -> None:
        self.lists_widget.blockSignals(True)
        for i in range(self.lists_widget.count()):
            item = self.lists_widget.item(i)
            on = not chosen or item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.lists_widget.blockSignals(False)

    def set_extras(self, available: Sequence[c.ExtraField]) -> None:
        """The fields Push Settings may offer (Middle Name, Individual Type, custom fields)."""
        self._extras = list(available)
        self._fill_extras()

    def _fill_extras(self) -> None:
        chosen = {e.key for e in self._chosen_extras}
        offered = list(self._extras) or [c.MIDDLE, c.TYPES]
        for extra in self._chosen_extras:
            if extra.key not in {e.key for e in offered}:
                offered.append(extra)
        self.extras_widget.blockSignals(True)
        self.extras_widget.clear()
        for extra in offered:
            item = QListWidgetItem(extra.column, self.extras_widget)
            item.setData(Qt.ItemDataRole.UserRole, extra)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if extra.key in chosen else Qt.CheckState.Unchecked
            )
        self.extras_widget.blockSignals(False)
        self._count_extras()

    def _extra_changed(self, item: QListWidgetItem) -> None:
        extra: c.ExtraField = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            if len(self._chosen_extras) >= c.MAX_EXTRA:
                self.extras_widget.blockSignals(True)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.extras_widget.blockSignals(False)
                self.extras_count.setText(
                    self.tr("At most 15 Additional Contact Fields: take one off first.")
                )
                return
            if extra.key not in {e.key for e in self._chosen_extras}:
                self._chosen_extras.append(extra)
        else:
            self._chosen_extras = [e for e in self._chosen_extras if e.key != extra.key]
        self._count_extras()
        self.changed.emit()

    def _count_extras(self) -> None:
        self.extras_count.setText(
            self.tr("%1 of 15 chosen").replace("%1", str(len(self._chosen_extras)))
        )

    def _on_toggled(self, *_args: Any) -> None:
        self._enable()
        self.changed.emit()

    def _enable(self) -> None:
        on = _chosen(self.cc_to_neon)
        self.resubscribe_label.setEnabled(on)
        self.resubscribe_box.setEnabled(on)
        importing = self.import_check.isChecked()
        self.rule_combo.setEnabled(importing)
        self.lists_widget.setEnabled(importing)

    def chosen_lists(self) -> tuple[str, ...]:
        """The lists to import from; () when all are (or the lists were never read)."""
        if not self._lists_known:
            return self._options.import_lists
        ids = []
        for i in range(self.lists_widget.count()):
            item = self.lists_widget.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return () if len(ids) == self.lists_widget.count() else tuple(ids)

    def options(self, base: SyncOptions) -> SyncOptions:
        """``base`` with the choices made here."""
        cc_to_neon = _chosen(self.cc_to_neon)
        return replace(
            base,
            optout_to_source=cc_to_neon,
            clear_optout_on_resubscribe=cc_to_neon and _chosen(self.resubscribe),
            opt_out_handling=(
                OptOutHandling.UNSUBSCRIBE if _chosen(self.neon_to_cc) else OptOutHandling.SKIP
            ),
            import_from_cc=self.import_check.isChecked(),
            import_ambiguous=AmbiguousMatch(str(self.rule_combo.currentData())),
            import_scope=ImportScope.ALL_ACTIVE,
            import_lists=self.chosen_lists(),
            import_updates_existing=False,
            scheduled_optouts_only=True,
            poll_minutes=30,
        )

    def extras(self) -> list[c.ExtraField]:
        return list(self._chosen_extras)

    def push_settings(self) -> dict[str, Any]:
        """The source settings Push Settings own."""
        return {
            "extras": [{"key": e.key, "column": e.column} for e in self._chosen_extras],
            "mark_source": self.source_check.isChecked(),
        }
