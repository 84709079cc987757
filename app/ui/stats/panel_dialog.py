"""Customizing the "Recent campaigns" panel, as NeonCRM's widget is set up: the columns, the
number of rows and the order."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.dialog_fit import fit_to_screen
from app.ui.i18n import tr
from app.ui.stats.columns import campaign_fields
from app.ui.stats.dashboard_choices import MAX_ROWS, MIN_ROWS, PANEL_KEYS, SORTS, PanelChoices


class PanelChoicesDialog(QDialog):
    """The panel's choices; OK emits them.

    Signals:
        choices_chosen(object): the ``PanelChoices`` picked.
    """

    choices_chosen = Signal(object)

    def __init__(self, choices: PanelChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Customize recent campaigns"))
        self.setAccessibleName(self.windowTitle())
        title = QLabel(tr("Recent campaigns on the main window"))
        title.setObjectName("sectionTitle")
        hint = QLabel(tr("Choose what the panel beside your profiles shows."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        self.shown = QCheckBox(tr("Show the panel on the main window"))
        self.rows = QSpinBox()
        self.rows.setRange(MIN_ROWS, MAX_ROWS)
        self.rows.setAccessibleName(tr("Number of campaigns"))
        self.sort = QComboBox()
        self.sort.setAccessibleName(tr("Order"))
        for key, words in SORTS.items():
            self.sort.addItem(tr(words), key)
        form = QFormLayout()
        form.addRow(tr("Number of &campaigns:"), self.rows)
        form.addRow(tr("&Order:"), self.sort)

        fields = campaign_fields()
        self.columns: dict[str, QCheckBox] = {}
        box = QGroupBox(tr("Columns"))
        grid = QGridLayout(box)
        for n, key in enumerate(PANEL_KEYS):
            check = QCheckBox(fields[key].header)
            check.setToolTip(fields[key].header_tip)
            if key == "name":
                check.setEnabled(False)  # the campaign is always named
            self.columns[key] = check
            grid.addWidget(check, n // 2, n % 2)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.clicked.connect(lambda: self.show_choices(PanelChoices()))
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.shown)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addStretch(1)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(480, 460))
        self.show_choices(choices)

    def show_choices(self, choices: PanelChoices) -> None:
        self.shown.setChecked(choices.shown)
        self.rows.setValue(choices.rows)
        self.sort.setCurrentIndex(max(0, self.sort.findData(choices.sort)))
        for key, check in self.columns.items():
            check.setChecked(key == "name" or key in choices.columns)

    def choices(self) -> PanelChoices:
        return PanelChoices(
            tuple(k for k, check in self.columns.items() if check.isChecked()),
            self.rows.value(),
            str(self.sort.currentData()),
            self.shown.isChecked(),
        ).normalized()

    def accept(self) -> None:
        self.choices_chosen.emit(self.choices())
        super().accept()
