"""Step 3, Options: what ContactBridge sends, and what it does with people who opted out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.connectors import registry
from app.core.countries import all_countries
from app.core.profiles import (
    OPTION_HELP,
    AmbiguousMatch,
    ImportScope,
    OptOutHandling,
)
from app.core.transforms import CountryFormat, PhoneFormat, StateFormat
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext
from app.ui.profile_wizard.widgets import heading, hint_label, separator

# The boolean options, in the order shown, with their checkbox texts (marked for lupdate;
# translated by self.tr() in the OptionsPage context).
CHECKBOXES = (
    (
        "update_existing",
        QT_TRANSLATE_NOOP("OptionsPage", "Update contacts that are already in Constant Contact"),
    ),
    ("sync_addresses", QT_TRANSLATE_NOOP("OptionsPage", "Send addresses")),
    ("sync_phones", QT_TRANSLATE_NOOP("OptionsPage", "Send phone numbers")),
    (
        "unknown_for_blank_names",
        QT_TRANSLATE_NOOP("OptionsPage", "Use “Unknown” when a first or last name is blank"),
    ),
)
HANDLING_TEXT = {
    OptOutHandling.SKIP: QT_TRANSLATE_NOOP("OptionsPage", "Leave them out of the sync"),
    OptOutHandling.UNSUBSCRIBE: QT_TRANSLATE_NOOP(
        "OptionsPage", "Leave them out, and unsubscribe them in Constant Contact too"
    ),
}
# What a file's opt-out column says: "opted out" (yes = do not email) or consent (yes = may
# email; a no or a blank = no consent, so they count as opted out).
OPTED_OUT, CONSENT = "opted_out", "consent"
CONSENT_HELP = QT_TRANSLATE_NOOP(
    "OptionsPage",
    "A consent column: only people marked yes (subscribed, opted in, true, 1 or x) may be "
    "emailed. A no or a blank counts as opted out; unsubscribing them too also unsubscribes "
    "those whose cell is blank.",
)

# The two-way checkboxes (only for a source ContactBridge can write to, such as Xero).
IMPORT_TEXT = QT_TRANSLATE_NOOP("OptionsPage", "Add new Constant Contact contacts to the source")
UPDATES_TEXT = QT_TRANSLATE_NOOP(
    "OptionsPage", "Also update existing source records with changes made in Constant Contact"
)
OPTOUT_TEXT = QT_TRANSLATE_NOOP(
    "OptionsPage", "Mark people who unsubscribe in Constant Contact as opted out in the source"
)
CLEAR_TEXT = QT_TRANSLATE_NOOP("OptionsPage", "Clear the mark when they opt back in")
REMOVE_TEXT = QT_TRANSLATE_NOOP(
    "OptionsPage",
    "Remove deleted or filtered-out records from the main list (never deletes contacts)",
)
SCOPE_TEXT = {
    ImportScope.MAIN_LIST: QT_TRANSLATE_NOOP("OptionsPage", "Contacts on the main list"),
    ImportScope.ALL_ACTIVE: QT_TRANSLATE_NOOP("OptionsPage", "All active contacts"),
}
AMBIGUOUS_TEXT = {
    AmbiguousMatch.SKIP: QT_TRANSLATE_NOOP("OptionsPage", "Skip it and tell me"),
    AmbiguousMatch.CREATE: QT_TRANSLATE_NOOP("OptionsPage", "Add a new record"),
    AmbiguousMatch.LINK: QT_TRANSLATE_NOOP("OptionsPage", "Link it to the first of them"),
}
CONSENT_QUESTION = QT_TRANSLATE_NOOP(
    "OptionsPage", "Did the people in this file agree to receive email from you?"
)
CONSENT_WHY = QT_TRANSLATE_NOOP(
    "OptionsPage",
    "Constant Contact asks this of every upload. Choose the column that says whether each "
    "person agreed (only those marked yes are sent; the others are skipped, with the "
    "reason), or confirm that everyone agreed.",
)
ATTEST_TEXT = QT_TRANSLATE_NOOP(
    "OptionsPage", "I confirm everyone in this file agreed to receive email from my business"
)
READ_ONLY_TEXT = QT_TRANSLATE_NOOP(
    "OptionsPage", "A file source is read only: contacts go one way, to Constant Contact."
)

# The value transforms: option -> (label, ((value, text), ...)), shown as combos.
FORMATS = {
    "state_format": (
        QT_TRANSLATE_NOOP("OptionsPage", "S&tates and provinces:"),
        (
            (StateFormat.AS_IS, QT_TRANSLATE_NOOP("OptionsPage", "As they are in the source")),
            (StateFormat.CODE, QT_TRANSLATE_NOOP("OptionsPage", "Codes (OR, ON, NSW)")),
            (
                StateFormat.NAME,
                QT_TRANSLATE_NOOP("OptionsPage", "Full names (Oregon, Ontario, New South Wales)"),
            ),
        ),
    ),
    "country_format": (
        QT_TRANSLATE_NOOP("OptionsPage", "Cou&ntries:"),
        (
            (CountryFormat.AS_IS, QT_TRANSLATE_NOOP("OptionsPage", "As they are in the source")),
            (CountryFormat.NAME, QT_TRANSLATE_NOOP("OptionsPage", "Names (United States)")),
            (CountryFormat.CODE, QT_TRANSLATE_NOOP("OptionsPage", "ISO codes (US)")),
        ),
    ),
    "phone_format": (
        QT_TRANSLATE_NOOP("OptionsPage", "P&hone numbers:"),
        (
            (PhoneFormat.AS_IS, QT_TRANSLATE_NOOP("OptionsPage", "As they are in the source")),
            (PhoneFormat.E164, QT_TRANSLATE_NOOP("OptionsPage", "E.164 (+15035550101)")),
            (
                PhoneFormat.INTERNATIONAL,
                QT_TRANSLATE_NOOP("OptionsPage", "International (+1 503-555-0101)"),
            ),
            (PhoneFormat.NATIONAL, QT_TRANSLATE_NOOP("OptionsPage", "National ((503) 555-0101)")),
        ),
    ),
}


class OptionsPage(DraftPage):
    """Checkboxes for the push options and the opt-out column, each with a grey help line."""

    step = Step.OPTIONS

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setSubTitle(
            self.tr(
                "Choose what ContactBridge sends to Constant Contact. The grey line under "
                "each option says what it does."
            )
        )
        outer = self.page_layout()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(scroll)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(6)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self._build_consent(layout)
        self.checkboxes: dict[str, QCheckBox] = {}
        for name, text in CHECKBOXES:
            box = QCheckBox(self.tr(text), self)
            box.setAccessibleName(self.tr(text))
            help_text = self.tr(OPTION_HELP[name])
            box.setToolTip(help_text)
            box.setAccessibleDescription(help_text)
            help_label = hint_label(help_text, self)
            help_label.setContentsMargins(24, 0, 0, 6)  # under the checkbox's text
            layout.addWidget(box)
            layout.addWidget(help_label)
            box.toggled.connect(lambda checked, n=name: self._toggled(n, checked))
            self.checkboxes[name] = box

        layout.addSpacing(6)
        layout.addWidget(separator(self))
        layout.addWidget(heading(self.tr("Addresses and phone numbers"), self))
        layout.addLayout(self._build_formats())
        layout.addSpacing(6)
        layout.addWidget(separator(self))
        layout.addWidget(heading(self.tr("People who opted out"), self))
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        column_label = QLabel(self.tr("&Opted-out column:"), self)
        self.opt_out_combo = QComboBox(self)
        self.opt_out_combo.setAccessibleName(self.tr("Opted-out column"))
        self.opt_out_combo.setMinimumContentsLength(22)
        self.opt_out_combo.setToolTip(self.tr(OPTION_HELP["opt_out_column"]))
        column_label.setBuddy(self.opt_out_combo)
        grid.addWidget(column_label, 0, 0)
        grid.addWidget(self.opt_out_combo, 0, 1)
        # What the column says: "opted out" (yes = do not email) or consent (yes = may email).
        meaning_label = QLabel(self.tr("This column &says:"), self)
        self.meaning_combo = QComboBox(self)
        self.meaning_combo.setAccessibleName(self.tr("What the column says"))
        self.meaning_combo.addItem(self.tr("Yes means they opted out"), OPTED_OUT)
        self.meaning_combo.addItem(self.tr("Yes means they subscribed (consent)"), CONSENT)
        meaning_label.setBuddy(self.meaning_combo)
        grid.addWidget(meaning_label, 1, 0)
        grid.addWidget(self.meaning_combo, 1, 1)
        self.column_hint = hint_label(self.tr(OPTION_HELP["opt_out_column"]), self)
        grid.addWidget(self.column_hint, 2, 1, 1, 2)
        self._column_widgets = (
            column_label,
            self.opt_out_combo,
            meaning_label,
            self.meaning_combo,
            self.column_hint,
        )
        self.service_optout_hint = hint_label("", self)  # how the service marks opt-outs
        grid.addWidget(self.service_optout_hint, 0, 0, 1, 3)
        grid.addWidget(self.add_error_label("opt_out_column", self.opt_out_combo), 3, 1, 1, 2)
        handling_label = QLabel(self.tr("&What to do with them:"), self)
        self.handling_combo = QComboBox(self)
        self.handling_combo.setAccessibleName(self.tr("What to do with people who opted out"))
        self.handling_combo.setToolTip(self.tr(OPTION_HELP["opt_out_handling"]))
        for handling, text in HANDLING_TEXT.items():
            self.handling_combo.addItem(self.tr(text), handling.value)
        handling_label.setBuddy(self.handling_combo)
        grid.addWidget(handling_label, 4, 0)
        grid.addWidget(self.handling_combo, 4, 1)
        grid.addWidget(hint_label(self.tr(OPTION_HELP["opt_out_handling"]), self), 5, 1, 1, 2)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addWidget(separator(self))
        layout.addWidget(heading(self.tr("Two-way"), self))
        self._build_two_way(layout)
        layout.addStretch(1)
        outer.addWidget(self.page_error)
        self.opt_out_combo.currentIndexChanged.connect(self._column_chosen)
        self.meaning_combo.currentIndexChanged.connect(self._meaning_chosen)
        self.handling_combo.currentIndexChanged.connect(self._handling_chosen)

    def page_title(self) -> str:
        return self.tr("Options")

    def _build_consent(self, layout: QVBoxLayout) -> None:
        """The question Constant Contact's own upload asks: how did these people agree to
        hear from the business? A column that says yes or no, or the user's word for all."""
        self.consent_box = QFrame(self)
        self.consent_box.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.consent_box)
        box.addWidget(heading(self.tr(CONSENT_QUESTION), self.consent_box))
        box.addWidget(hint_label(self.tr(CONSENT_WHY), self.consent_box))
        row = QHBoxLayout()
        label = QLabel(self.tr("A &column that says yes or no:"), self.consent_box)
        self.consent_combo = QComboBox(self.consent_box)
        self.consent_combo.setAccessibleName(self.tr("Consent column"))
        self.consent_combo.setMinimumContentsLength(22)
        label.setBuddy(self.consent_combo)
        row.addWidget(label)
        row.addWidget(self.consent_combo)
        row.addStretch(1)
        box.addLayout(row)
        self.attest_check = QCheckBox(self.tr(ATTEST_TEXT), self.consent_box)
        self.attest_check.setAccessibleName(self.tr(ATTEST_TEXT))
        self.attest_check.setToolTip(self.tr(OPTION_HELP["consent_attested_at"]))
        box.addWidget(self.attest_check)
        self.attest_note = hint_label("", self.consent_box)
        self.attest_note.setContentsMargins(24, 0, 0, 0)
        box.addWidget(self.attest_note)
        box.addWidget(self.add_error_label("consent", self.consent_combo))
        layout.addWidget(self.consent_box)
        layout.addSpacing(6)
        self.consent_combo.currentIndexChanged.connect(self._consent_column_chosen)
        self.attest_check.toggled.connect(self._attested)

    def _init_consent(self) -> None:
        d = self.draft
        self.consent_box.setVisible(d.is_file)
        self.consent_combo.blockSignals(True)
        self.consent_combo.clear()
        self.consent_combo.addItem(self.tr("— no such column —"), "")
        for column in d.columns:
            self.consent_combo.addItem(column, column)
        if d.consent_column and self.consent_combo.findData(d.consent_column) < 0:
            self.consent_combo.addItem(d.consent_column, d.consent_column)
        found = self.consent_combo.findData(d.consent_column) if d.consent_column else 0
        self.consent_combo.setCurrentIndex(max(found, 0))
        self.consent_combo.blockSignals(False)
        self.attest_check.blockSignals(True)
        self.attest_check.setChecked(bool(d.options.consent_attested_at))
        self.attest_check.blockSignals(False)
        self._show_attestation()

    def _show_attestation(self) -> None:
        given = self.draft.options.consent_attested_at
        when = QDateTime.fromString(given, Qt.DateFormat.ISODate) if given else None
        self.attest_note.setText(
            self.tr("Confirmed {when}; kept with the profile.").format(
                when=QLocale().toString(when.toLocalTime(), QLocale.FormatType.ShortFormat)
            )
            if when is not None and when.isValid()
            else ""
        )

    def _consent_column_chosen(self, index: int) -> None:
        column = str(self.consent_combo.itemData(index) or "")
        self.draft.consent_column = column
        if column:
            self.draft.opt_out_column = ""  # one column, one meaning (see ProfileDraft)
        self.opt_out_combo.blockSignals(True)
        self.meaning_combo.blockSignals(True)
        chosen = column or self.draft.opt_out_column
        self.opt_out_combo.setCurrentIndex(max(self.opt_out_combo.findData(chosen), 0))
        if column:
            self.meaning_combo.setCurrentIndex(self.meaning_combo.findData(CONSENT))
        self.meaning_combo.blockSignals(False)
        self.opt_out_combo.blockSignals(False)
        self.handling_combo.setEnabled(bool(chosen))
        self._show_meaning()
        self.changed("consent")

    def _attested(self, checked: bool) -> None:
        now = datetime.now(UTC).replace(microsecond=0).isoformat() if checked else ""
        self.draft.options = replace(self.draft.options, consent_attested_at=now)
        self._show_attestation()
        self.changed("consent")

    def _add_checkbox(self, layout: QVBoxLayout, name: str, text: str, indent: int = 0) -> None:
        box = QCheckBox(self.tr(text), self)
        box.setAccessibleName(self.tr(text))
        help_text = self.tr(OPTION_HELP[name])
        box.setToolTip(help_text)
        box.setAccessibleDescription(help_text)
        box.setContentsMargins(indent, 0, 0, 0)
        help_label = hint_label(help_text, self)
        help_label.setContentsMargins(24 + indent, 0, 0, 6)
        row = QHBoxLayout()
        row.addSpacing(indent)
        row.addWidget(box, 1)
        layout.addLayout(row)
        layout.addWidget(help_label)
        box.toggled.connect(lambda checked, n=name: self._toggled(n, checked))
        self.checkboxes[name] = box

    def _add_choice(
        self, grid: QGridLayout, row: int, name: str, label_text: str, choices: dict
    ) -> QComboBox:
        label = QLabel(label_text, self)
        combo = QComboBox(self)
        combo.setAccessibleName(label_text.replace("&", "").rstrip(":"))
        help_text = self.tr(OPTION_HELP[name])
        combo.setToolTip(help_text)
        combo.setAccessibleDescription(help_text)
        for value, text in choices.items():
            combo.addItem(self.tr(text), value.value)
        label.setBuddy(combo)
        grid.addWidget(label, row, 0)
        grid.addWidget(combo, row, 1)
        grid.addWidget(hint_label(help_text, self), row + 1, 1, 1, 2)
        combo.currentIndexChanged.connect(lambda _i, n=name: self._choice_made(n))
        self.choice_combos[name] = combo
        return combo

    def _spin(self, name: str, low: int, high: int, suffix: str = "") -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        help_text = self.tr(OPTION_HELP[name])
        spin.setToolTip(help_text)
        spin.setAccessibleDescription(help_text)
        return spin

    def _build_two_way(self, layout: QVBoxLayout) -> None:
        """The two-way options; the ones that write to the source sit in ``two_way_box``."""
        self.choice_combos: dict[str, QComboBox] = {}
        self.read_only_note = hint_label(self.tr(READ_ONLY_TEXT), self)
        self.read_only_note.setAccessibleName(self.tr("Two-way sync"))
        layout.addWidget(self.read_only_note)
        self.two_way_box = QWidget(self)
        box_layout = QVBoxLayout(self.two_way_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(6)
        self._add_checkbox(box_layout, "import_from_cc", IMPORT_TEXT)
        grid = QGridLayout()
        grid.setContentsMargins(24, 0, 0, 0)
        grid.setColumnStretch(2, 1)
        self._add_choice(grid, 0, "import_scope", self.tr("&Which contacts:"), SCOPE_TEXT)
        self._add_choice(
            grid, 2, "import_ambiguous", self.tr("When several records &match:"), AMBIGUOUS_TEXT
        )
        box_layout.addLayout(grid)
        self._add_checkbox(box_layout, "import_updates_existing", UPDATES_TEXT, indent=24)
        self._add_checkbox(box_layout, "optout_to_source", OPTOUT_TEXT)
        self._add_checkbox(box_layout, "clear_optout_on_resubscribe", CLEAR_TEXT, indent=24)
        poll_row = QHBoxLayout()
        poll_label = QLabel(self.tr("Look for unsubscribes and changes every"), self)
        self.poll_spin = self._spin("poll_minutes", 5, 24 * 60, self.tr(" minutes"))
        self.poll_spin.setAccessibleName(self.tr("Minutes between checks for unsubscribes"))
        poll_label.setBuddy(self.poll_spin)
        poll_row.addWidget(poll_label)
        poll_row.addWidget(self.poll_spin)
        poll_row.addStretch(1)
        box_layout.addLayout(poll_row)
        box_layout.addWidget(hint_label(self.tr(OPTION_HELP["poll_minutes"]), self))
        layout.addWidget(self.two_way_box)

        self._add_checkbox(layout, "remove_deleted", REMOVE_TEXT)
        guard = QHBoxLayout()
        guard.addWidget(
            QLabel(self.tr("Ask me first when a sync would unsubscribe or remove more than"), self)
        )
        self.guard_share_spin = self._spin("guard_share", 1, 100, "%")
        self.guard_share_spin.setAccessibleName(self.tr("Ask first above this share"))
        self.guard_count_spin = self._spin("guard_count", 1, 1_000_000)
        self.guard_count_spin.setAccessibleName(self.tr("Ask first above this many contacts"))
        guard.addWidget(self.guard_share_spin)
        guard.addWidget(QLabel(self.tr("or"), self))
        guard.addWidget(self.guard_count_spin)
        guard.addWidget(QLabel(self.tr("contacts"), self))
        guard.addStretch(1)
        layout.addLayout(guard)
        layout.addWidget(
            hint_label(
                self.tr(OPTION_HELP["guard_share"]) + " " + self.tr(OPTION_HELP["guard_count"]),
                self,
            )
        )
        layout.addWidget(self.add_error_label("guard_share", self.guard_share_spin))
        layout.addWidget(self.add_error_label("guard_count", self.guard_count_spin))
        self.poll_spin.valueChanged.connect(self._poll_changed)
        self.guard_share_spin.valueChanged.connect(self._guard_share_changed)
        self.guard_count_spin.valueChanged.connect(self._guard_count_changed)

    def _build_formats(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        self.format_combos: dict[str, QComboBox] = {}
        for row, (name, (label_text, choices)) in enumerate(FORMATS.items()):
            label = QLabel(self.tr(label_text), self)
            combo = QComboBox(self)
            combo.setAccessibleName(self.tr(label_text).replace("&", "").rstrip(":"))
            help_text = self.tr(OPTION_HELP[name])
            combo.setToolTip(help_text)
            combo.setAccessibleDescription(help_text)
            for value, text in choices:
                combo.addItem(self.tr(text), value.value)
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            combo.currentIndexChanged.connect(lambda _i, n=name: self._format_chosen(n))
            self.format_combos[name] = combo
        region_label = QLabel(self.tr("Default phone &region:"), self)
        self.region_combo = QComboBox(self)
        self.region_combo.setAccessibleName(self.tr("Default phone region"))
        self.region_combo.setToolTip(self.tr(OPTION_HELP["phone_region"]))
        self.region_combo.addItem(self.tr("— each contact's own country —"), "")
        for code, name in all_countries():
            self.region_combo.addItem(f"{name} ({code})", code)
        region_label.setBuddy(self.region_combo)
        row = len(FORMATS)
        grid.addWidget(region_label, row, 0)
        grid.addWidget(self.region_combo, row, 1)
        grid.addWidget(hint_label(self.tr(OPTION_HELP["phone_region"]), self), row + 1, 1, 1, 2)
        self.region_combo.currentIndexChanged.connect(self._region_chosen)
        return grid

    def initializePage(self) -> None:
        d = self.draft
        for name, combo in self.format_combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(str(getattr(d.options, name))), 0))
            combo.blockSignals(False)
        self.region_combo.blockSignals(True)
        region_index = self.region_combo.findData(d.options.phone_region)
        self.region_combo.setCurrentIndex(max(region_index, 0))
        self.region_combo.blockSignals(False)
        for name, box in self.checkboxes.items():
            box.blockSignals(True)
            box.setChecked(bool(getattr(d.options, name)))
            box.blockSignals(False)
        self.opt_out_combo.blockSignals(True)
        self.opt_out_combo.clear()
        self.opt_out_combo.addItem(self.tr("— none: everyone in the file may be emailed —"), "")
        for column in d.columns:
            self.opt_out_combo.addItem(column, column)
        chosen = d.consent_column or d.opt_out_column
        if chosen and self.opt_out_combo.findData(chosen) < 0:
            self.opt_out_combo.addItem(chosen, chosen)  # shows its error
        self.opt_out_combo.setCurrentIndex(max(self.opt_out_combo.findData(chosen), 0))
        self.opt_out_combo.blockSignals(False)
        self.meaning_combo.blockSignals(True)
        self.meaning_combo.setCurrentIndex(
            self.meaning_combo.findData(CONSENT if d.consent_column else OPTED_OUT)
        )
        self.meaning_combo.blockSignals(False)
        self._show_meaning()
        self.handling_combo.blockSignals(True)
        self.handling_combo.setCurrentIndex(
            max(self.handling_combo.findData(d.options.opt_out_handling.value), 0)
        )
        self.handling_combo.blockSignals(False)
        found = registry.find(d.source_kind)
        note = found.opt_out_note if found else ""
        for widget in self._column_widgets:
            widget.setVisible(not note)
        self.service_optout_hint.setText(self.tr(note))
        self.service_optout_hint.setVisible(bool(note))
        self.handling_combo.setEnabled(bool(note) or bool(chosen))
        self._init_consent()
        self._init_two_way()
        self.refresh()

    def _init_two_way(self) -> None:
        d = self.draft
        writable = d.writable_source
        self.two_way_box.setVisible(writable)
        self.read_only_note.setVisible(not writable)
        for name, combo in self.choice_combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(str(getattr(d.options, name))), 0))
            combo.blockSignals(False)
        for spin, value in (
            (self.poll_spin, d.options.poll_minutes),
            (self.guard_share_spin, round(d.options.guard_share * 100)),
            (self.guard_count_spin, d.options.guard_count),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._enable_dependents()

    def _enable_dependents(self) -> None:
        """Options that depend on another, or on what the source can take: a source that
        takes only opt-outs (no new or changed records) has no import to set up."""
        options = self.draft.options
        found = registry.find(self.draft.source_kind)
        caps = found.capabilities if found is not None else None
        creates = caps is not None and caps.create
        updates = caps is not None and caps.update
        self.checkboxes["import_from_cc"].setEnabled(creates)
        for combo in self.choice_combos.values():
            combo.setEnabled(creates and options.import_from_cc)
        self.checkboxes["import_updates_existing"].setEnabled(updates and options.import_from_cc)
        self.checkboxes["clear_optout_on_resubscribe"].setEnabled(options.optout_to_source)

    def _choice_made(self, name: str) -> None:
        kind = type(getattr(self.draft.options, name))
        value = kind(str(self.choice_combos[name].currentData()))
        self.draft.options = replace(self.draft.options, **{name: value})
        self.changed(name)

    def _poll_changed(self, value: int) -> None:
        self.draft.options = replace(self.draft.options, poll_minutes=value)
        self.changed("poll_minutes")

    def _guard_share_changed(self, value: int) -> None:
        self.draft.options = replace(self.draft.options, guard_share=value / 100)
        self.changed("guard_share")

    def _guard_count_changed(self, value: int) -> None:
        self.draft.options = replace(self.draft.options, guard_count=value)
        self.changed("guard_count")

    def _toggled(self, name: str, checked: bool) -> None:
        self.draft.options = replace(self.draft.options, **{name: checked})
        self._enable_dependents()
        self.changed(name)

    def _format_chosen(self, name: str) -> None:
        kind = type(getattr(self.draft.options, name))
        value = kind(str(self.format_combos[name].currentData()))
        self.draft.options = replace(self.draft.options, **{name: value})
        self.changed(name)

    def _region_chosen(self, index: int) -> None:
        region = str(self.region_combo.itemData(index) or "")
        self.draft.options = replace(self.draft.options, phone_region=region)
        self.changed("phone_region")

    def _column_chosen(self, index: int) -> None:
        self._set_column(str(self.opt_out_combo.itemData(index) or ""))

    def _meaning_chosen(self, _index: int) -> None:
        self._set_column(str(self.opt_out_combo.currentData() or ""))

    def _set_column(self, column: str) -> None:
        """The chosen column, as an opt-out column or a consent column (never both)."""
        consent = self.meaning_combo.currentData() == CONSENT
        self.draft.opt_out_column = "" if consent else column
        self.draft.consent_column = column if consent else ""
        self.handling_combo.setEnabled(bool(column))
        self._show_meaning()
        self.consent_combo.blockSignals(True)
        found = self.consent_combo.findData(self.draft.consent_column)
        self.consent_combo.setCurrentIndex(max(found, 0) if self.draft.consent_column else 0)
        self.consent_combo.blockSignals(False)
        self.changed("opt_out_column")

    def _show_meaning(self) -> None:
        column = str(self.opt_out_combo.currentData() or "")
        self.meaning_combo.setEnabled(bool(column))
        if self.meaning_combo.currentData() == CONSENT:
            self.column_hint.setText(self.tr(CONSENT_HELP))
        else:
            self.column_hint.setText(self.tr(OPTION_HELP["opt_out_column"]))

    def _handling_chosen(self, index: int) -> None:
        handling = OptOutHandling(str(self.handling_combo.itemData(index)))
        self.draft.options = replace(self.draft.options, opt_out_handling=handling)
        self.changed("opt_out_handling")
