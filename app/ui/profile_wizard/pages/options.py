"""Step 3, Options: what ContactBridge sends, and what it does with people who opted out."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QWidget

from app.core.countries import all_countries
from app.core.profiles import OPTION_HELP, OptOutHandling
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

# The value transforms: option -> (label, ((value, text), ...)), shown as combos.
FORMATS = {
    "state_format": (
        QT_TRANSLATE_NOOP("OptionsPage", "S&tates and provinces:"),
        (
            (StateFormat.AS_IS, QT_TRANSLATE_NOOP("OptionsPage", "As they are in the file")),
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
            (CountryFormat.AS_IS, QT_TRANSLATE_NOOP("OptionsPage", "As they are in the file")),
            (CountryFormat.NAME, QT_TRANSLATE_NOOP("OptionsPage", "Names (United States)")),
            (CountryFormat.CODE, QT_TRANSLATE_NOOP("OptionsPage", "ISO codes (US)")),
        ),
    ),
    "phone_format": (
        QT_TRANSLATE_NOOP("OptionsPage", "P&hone numbers:"),
        (
            (PhoneFormat.AS_IS, QT_TRANSLATE_NOOP("OptionsPage", "As they are in the file")),
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
        layout = self.page_layout()
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
        grid.addWidget(hint_label(self.tr(OPTION_HELP["opt_out_column"]), self), 1, 1, 1, 2)
        grid.addWidget(self.add_error_label("opt_out_column", self.opt_out_combo), 2, 1, 1, 2)
        handling_label = QLabel(self.tr("&What to do with them:"), self)
        self.handling_combo = QComboBox(self)
        self.handling_combo.setAccessibleName(self.tr("What to do with people who opted out"))
        self.handling_combo.setToolTip(self.tr(OPTION_HELP["opt_out_handling"]))
        for handling, text in HANDLING_TEXT.items():
            self.handling_combo.addItem(self.tr(text), handling.value)
        handling_label.setBuddy(self.handling_combo)
        grid.addWidget(handling_label, 3, 0)
        grid.addWidget(self.handling_combo, 3, 1)
        grid.addWidget(hint_label(self.tr(OPTION_HELP["opt_out_handling"]), self), 4, 1, 1, 2)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.page_error)
        self.opt_out_combo.currentIndexChanged.connect(self._column_chosen)
        self.handling_combo.currentIndexChanged.connect(self._handling_chosen)

    def page_title(self) -> str:
        return self.tr("Options")

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
        if d.opt_out_column and self.opt_out_combo.findData(d.opt_out_column) < 0:
            self.opt_out_combo.addItem(d.opt_out_column, d.opt_out_column)  # shows its error
        self.opt_out_combo.setCurrentIndex(max(self.opt_out_combo.findData(d.opt_out_column), 0))
        self.opt_out_combo.blockSignals(False)
        self.handling_combo.blockSignals(True)
        self.handling_combo.setCurrentIndex(
            max(self.handling_combo.findData(d.options.opt_out_handling.value), 0)
        )
        self.handling_combo.blockSignals(False)
        self.handling_combo.setEnabled(bool(d.opt_out_column))
        self.refresh()

    def _toggled(self, name: str, checked: bool) -> None:
        self.draft.options = replace(self.draft.options, **{name: checked})
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
        self.draft.opt_out_column = str(self.opt_out_combo.itemData(index) or "")
        self.handling_combo.setEnabled(bool(self.draft.opt_out_column))
        self.changed("opt_out_column")

    def _handling_chosen(self, index: int) -> None:
        handling = OptOutHandling(str(self.handling_combo.itemData(index)))
        self.draft.options = replace(self.draft.options, opt_out_handling=handling)
        self.changed("opt_out_handling")
