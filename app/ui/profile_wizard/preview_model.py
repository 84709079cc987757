"""A read-only table model over the first rows of a source, for the Source page's preview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    """Columns are the source's column names; rows are tuples of cell texts.

    The vertical header shows each row's own number in the source (a spreadsheet's row,
    blank rows and the heading counted; a Xero contact's position), the same number a
    sync's results and messages give that record.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()
        self._numbers: tuple[int, ...] = ()

    def set_rows(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        numbers: Sequence[int] = (),
    ) -> None:
        """Show ``rows``; ``numbers`` are their row numbers (default: 2, 3... as under a
        heading in row 1)."""
        self.beginResetModel()
        self._columns = tuple(columns)
        width = len(self._columns)
        self._rows = tuple(tuple((list(r) + [""] * width)[:width]) for r in rows)
        self._numbers = tuple(numbers) if len(numbers) == len(rows) else ()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        if 0 <= section < len(self._numbers):
            return str(self._numbers[section])
        return str(section + 2)  # spreadsheet row numbers: the headings are row 1
