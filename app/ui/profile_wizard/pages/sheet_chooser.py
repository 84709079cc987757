"""The "Sheet:" chooser of the Source step, shown for a workbook with more than one sheet."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.profile_wizard.widgets import hint_label, set_error, warning_label


class SheetChooser(QWidget):
    """A label, a combo box of the workbook's sheets, and why the current one is read.

    Signals:
        sheet_chosen(str): the user picked another sheet (its name).
    """

    sheet_chosen = Signal(str)
    """The user picked the sheet with this name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        label = QLabel(self.tr("&Sheet:"), self)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(self.tr("Sheet"))
        self.combo.setMinimumContentsLength(24)
        label.setBuddy(self.combo)
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addStretch(1)
        layout.addLayout(row)
        self.hint = hint_label("", self)
        self.hint.setAccessibleName(self.tr("Why this sheet"))
        self.warning = warning_label(self.tr("Sheet problem"), self)
        layout.addWidget(self.hint)
        layout.addWidget(self.warning)
        self.combo.activated.connect(self._activated)

    def show_sheets(self, sheets: list[str], current: str, hint: str, *, warn: bool) -> None:
        """List ``sheets`` with ``current`` selected; hidden unless there are several.

        ``hint`` says why ``current`` is read; ``warn`` shows it as a warning (no email
        column there).
        """
        self.setVisible(len(sheets) > 1)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(sheets)
        self.combo.setCurrentIndex(self.combo.findText(current, Qt.MatchFlag.MatchExactly))
        self.combo.blockSignals(False)
        self.hint.setText("" if warn else hint)
        self.hint.setVisible(bool(hint) and not warn)
        set_error(self.warning, hint if warn else "")

    def _activated(self, index: int) -> None:
        if index >= 0:
            self.sheet_chosen.emit(self.combo.itemText(index))
