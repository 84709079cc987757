"""Search criteria with NeonCRM's own fields and operators: a row per criterion.

The fields and each field's operators come from Neon's ``searchFields`` (standard fields by
name, custom fields by id); values are typed as Neon takes them (``In Range``: two values
separated by a comma).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm.account_search import NO_VALUE, RANGE, criterion
from app.connectors.neoncrm.client import SearchField, SearchFields

OPERATOR_WORDS = {
    "EQUAL": "Equal",
    "NOT_EQUAL": "Not Equal",
    "BLANK": "Blank",
    "NOT_BLANK": "Not Blank",
    "LESS_THAN": "Less Than",
    "GREATER_THAN": "Greater Than",
    "LESS_AND_EQUAL": "Less Than or Equal",
    "GREATER_AND_EQUAL": "Greater Than or Equal",
    "IN_RANGE": "In Range",
    "NOT_IN_RANGE": "Not In Range",
    "CONTAIN": "Contain",
    "NOT_CONTAIN": "Not Contain",
}


class CriterionRow(QWidget):
    """One criterion: field, operator, value, and a button to take it away."""

    changed = Signal()
    removed = Signal(object)

    def __init__(self, fields: Sequence[SearchField], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self.field_combo = QComboBox(self)
        self.field_combo.setAccessibleName(self.tr("Search field"))
        self.field_combo.setMinimumContentsLength(22)
        for field in self.fields:
            shown = field.name if not field.field_id else f"{field.name} (custom)"
            self.field_combo.addItem(shown, field.key)
        self.operator_combo = QComboBox(self)
        self.operator_combo.setAccessibleName(self.tr("Search operator"))
        self.value_edit = QLineEdit(self)
        self.value_edit.setAccessibleName(self.tr("Search value"))
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.setAccessibleName(self.tr("Remove this criterion"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field_combo, 2)
        row.addWidget(self.operator_combo, 1)
        row.addWidget(self.value_edit, 2)
        row.addWidget(self.remove_button)
        self.field_combo.currentIndexChanged.connect(self._field_chosen)
        self.operator_combo.currentIndexChanged.connect(self._operator_chosen)
        self.value_edit.textChanged.connect(lambda _t: self.changed.emit())
        self.remove_button.clicked.connect(lambda: self.removed.emit(self))
        self._field_chosen()

    def field(self) -> SearchField | None:
        index = self.field_combo.currentIndex()
        return self.fields[index] if 0 <= index < len(self.fields) else None

    def _field_chosen(self, *_args: Any) -> None:
        field = self.field()
        keep = self.operator_combo.currentData()
        self.operator_combo.blockSignals(True)
        self.operator_combo.clear()
        for operator in (field.operators if field else ()) or tuple(OPERATOR_WORDS):
            self.operator_combo.addItem(self.tr(OPERATOR_WORDS.get(operator, operator)), operator)
        self.operator_combo.setCurrentIndex(max(self.operator_combo.findData(keep), 0))
        self.operator_combo.blockSignals(False)
        self._operator_chosen()

    def _operator_chosen(self, *_args: Any) -> None:
        operator = str(self.operator_combo.currentData() or "")
        self.value_edit.setEnabled(operator not in NO_VALUE)
        self.value_edit.setPlaceholderText(
            self.tr("two values: low, high") if operator in RANGE else ""
        )
        self.changed.emit()

    def set(self, item: Mapping[str, Any]) -> None:
        index = self.field_combo.findData(str(item.get("field") or ""))
        if index < 0:
            self.field_combo.addItem(str(item.get("field")), str(item.get("field")))
            self.fields.append(SearchField(str(item.get("field")), tuple(OPERATOR_WORDS)))
            index = self.field_combo.count() - 1
        self.field_combo.setCurrentIndex(index)
        operator = str(item.get("operator") or "")
        self.operator_combo.setCurrentIndex(max(self.operator_combo.findData(operator), 0))
        values = item.get("valueList")
        self.value_edit.setText(", ".join(values) if values else str(item.get("value") or ""))

    def criterion(self) -> dict[str, Any] | None:
        field = self.field()
        operator = str(self.operator_combo.currentData() or "")
        if field is None or not operator:
            return None
        value = self.value_edit.text()
        if operator not in NO_VALUE and not value.strip():
            return None  # not finished yet
        return dict(criterion(field.key, operator, value))


class CriteriaEditor(QWidget):
    """Criteria rows and a button to add one; ``changed`` whenever a finished one changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, reserved: frozenset[str] = frozenset()):
        super().__init__(parent)
        self.reserved = reserved
        self.fields: list[SearchField] = []
        self.rows: list[CriterionRow] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(self.tr("Add a &criterion"), self)
        self.add_button.setAccessibleName(self.tr("Add a search criterion"))
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(lambda: self.add_row())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def set_fields(self, found: SearchFields) -> None:
        self.fields = [f for f in (*found.standard, *found.custom) if f.key not in self.reserved]
        self.add_button.setEnabled(bool(self.fields))

    def add_row(self, item: Mapping[str, Any] | None = None) -> CriterionRow:
        row = CriterionRow(self.fields, self)
        if item is not None:
            row.set(item)
        row.changed.connect(self.changed)
        row.removed.connect(self._remove)
        self._grid.addWidget(row, len(self.rows), 0)
        self.rows.append(row)
        self.changed.emit()
        return row

    def _remove(self, row: CriterionRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self.changed.emit()

    def set_criteria(self, items: Sequence[Mapping[str, Any]]) -> None:
        for row in list(self.rows):
            self._remove(row)
        for item in items:
            self.add_row(item)

    def criteria(self) -> list[dict[str, Any]]:
        return [c for c in (r.criterion() for r in self.rows) if c is not None]
