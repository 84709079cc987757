"""The statistics tables: rows sorted in Python by the column's own key, a proxy for the
search box and the "Show" choice, and the table view over them.

A campaign can have 100,000 people. Sorting them through Qt's proxy would call back into
Python for every comparison; here one ``sorted()`` orders them (as the results table does),
and the search reads each row's words once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView, QWidget

from app.ui.lists.rows_model import Column, RowsModel, make_table

R = TypeVar("R")


class SortedRowsModel(RowsModel[R]):
    """``RowsModel`` that sorts itself by a column's ``sort`` key, keeping selections, and
    keeps that order when its rows are replaced."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self._order: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[R], columns: Sequence[Column[R]] | None = None) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        if columns is not None:
            self.columns = tuple(columns)
        if self._order is not None:
            self._rows = tuple(self._sorted(self._rows, *self._order))
        self.endResetModel()

    def _sorted(self, rows: Sequence[R], column: int, order: Qt.SortOrder) -> list[R]:
        key = self._key(column)
        if key is None:
            return list(rows)
        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def _key(self, column: int) -> Callable[[R], Any] | None:
        if not 0 <= column < len(self.columns):
            return None
        col = self.columns[column]
        return col.sort or (lambda r: col.text(r).casefold())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self._key(column)
        if key is None:
            return
        self._order = (column, order)
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        rows = self._rows
        moved = sorted(
            range(len(rows)),
            key=lambda i: key(rows[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_pos = [0] * len(rows)
        for new, old in enumerate(moved):
            new_pos[old] = new
        self._rows = tuple(rows[i] for i in moved)
        old_indexes = self.persistentIndexList()
        self.changePersistentIndexList(
            old_indexes, [self.index(new_pos[i.row()], i.column()) for i in old_indexes]
        )
        self.layoutChanged.emit()


class RowFilterProxy(QSortFilterProxyModel):
    """Shows the rows whose words hold every word searched for and that pass ``keep``;
    sorting is the source model's (``SortedRowsModel``)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._keep: Callable[[Any], bool] | None = None
        self._texts: dict[int, str] = {}  # id(row) -> its words, read once

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._texts.clear)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def _refilter(self) -> None:
        # Qt 6.9 replaced invalidateFilter() by this pair.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.endFilterChange()
        else:  # pragma: no cover - Qt 6.8
            self.invalidateFilter()

    def set_search(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            self._words = words
            self._refilter()

    def set_keep(self, keep: Callable[[Any], bool] | None) -> None:
        self._keep = keep
        self._refilter()

    def is_filtering(self) -> bool:
        return bool(self._words) or self._keep is not None

    def _text(self, model: RowsModel[Any], row: Any) -> str:
        found = self._texts.get(id(row))
        if found is None:
            found = " ".join(c.text(row) for c in model.columns).casefold()
            self._texts[id(row)] = found
        return found

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RowsModel) or not self.is_filtering():
            return True
        row = model.rows[source_row]
        if self._keep is not None and not self._keep(row):
            return False
        text = self._text(model, row) if self._words else ""
        return all(word in text for word in self._words)

    def shown_rows(self) -> list[Any]:
        """The row objects shown, in the order shown."""
        model = self.sourceModel()
        assert isinstance(model, RowsModel)
        rows = model.rows
        if not self.is_filtering():
            return list(rows)
        return [rows[self.mapToSource(self.index(i, 0)).row()] for i in range(self.rowCount())]


def stats_table(
    columns: Sequence[Column[R]],
    name: str,
    *,
    sort_column: int = 0,
    descending: bool = False,
    parent: QWidget | None = None,
) -> tuple[SortedRowsModel[R], RowFilterProxy, QTableView]:
    """A sorted, searchable table of ``columns``: its model, proxy and view."""
    model: SortedRowsModel[R] = SortedRowsModel(columns, parent)
    proxy = RowFilterProxy(parent)
    view, _ = make_table(
        model, name, sort_column=sort_column, descending=descending, parent=parent, proxy=proxy
    )
    # A fixed row height keeps 100,000 rows cheap: the view never measures them.
    view.verticalHeader().setSectionResizeMode(view.verticalHeader().ResizeMode.Fixed)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return model, proxy, view
