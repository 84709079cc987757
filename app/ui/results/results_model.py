"""A fast table model over a run's ``RecordResult``s, plus the proxy that filters it.

Built for 100,000 rows: ``data()`` only indexes tuples and dicts; sorting happens once in
Python's ``sorted`` (not through a comparison per cell pair); filtering is one C++ regular
expression over a search key per row, built the first time a filter is set.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)

from app.core.outcomes import Outcome, RecordResult
from app.core.vocabulary import (
    FAILED_SUBSCRIPTION_REASON,
    Side,
    Tally,
    record_tally,
    tally_of,
)
from app.ui.i18n import tr
from app.ui.table_model import RowTableModel
from app.ui.theme import tone_icon
from app.ui.wording import OUTCOME_TONES, row_words_of

FILTER_ROLE = Qt.ItemDataRole.UserRole + 1
OUTCOME_ROLE = Qt.ItemDataRole.UserRole + 2
_SEP = "\x1f"  # separates the fields of a search key; no one types it
_OUTCOME_ORDER = {o: i for i, o in enumerate(Outcome)}


class Category(StrEnum):
    """The filter's whole-run groups; the others are ``tally_category`` values, one for each
    tile ("to_constant_contact.created", "to_source.opted_out"...)."""

    ALL = "all"
    PROBLEMS = "problems"  # skipped or failed, either way: the error report


def tally_category(side: Side, tally: Tally) -> str:
    """The filter value that shows the records of one tally (the tile's records)."""
    return f"{side.value}.{tally.value}"


def _category_pattern(category: str) -> str:
    if category == Category.ALL:
        return r"[^\x1f]*"
    if category == Category.PROBLEMS:
        return r"[a-z_]+\.(?:skipped|failed_subscriptions|failed)"
    side, _, tally = category.partition(".")
    if tally == Tally.SKIPPED:  # failed subscriptions are among those not pushed
        return side + r"\.(?:skipped|failed_subscriptions)"
    return QRegularExpression.escape(category)


def is_matched(r: RecordResult) -> bool:
    """Matched to a contact already in Constant Contact by email (in this run)."""
    return record_tally(r) == (Side.TO_CONSTANT_CONTACT, Tally.MATCHED)


def is_problem(r: RecordResult) -> bool:
    return r.outcome in (Outcome.SKIPPED, Outcome.FAILED)


def _search_key(r: RecordResult, tokens: dict[tuple, str]) -> str:
    kind = (
        r.direction,
        r.action,
        r.outcome,
        r.matched_existing,
        r.reason == FAILED_SUBSCRIPTION_REASON,
    )
    token = tokens.get(kind)
    if token is None:
        token = tokens[kind] = tally_category(*tally_of(*kind))
    return (
        f"{token}{_SEP}{r.row}{_SEP}{r.name}{_SEP}{r.email}{_SEP}{r.source_id}{_SEP}"
        f"{r.contact_id}{_SEP}{r.reason}{_SEP}{r.detail}"
    )


def reason_text(r: RecordResult) -> str:
    """The reason column's words: an update says what changed ("Changed since the last sync:
    City: Austin → Dallas"); other rows their reason."""
    if r.detail and r.outcome is Outcome.UPDATED and not r.detail.startswith("Sends "):
        return f"{r.reason}: {r.detail}" if r.reason else r.detail
    return r.reason


class RunResultsModel(RowTableModel[RecordResult]):
    """One row per source record: its row, the person's name, email, the source's own id,
    the outcome and the reason."""

    COL_ROW, COL_NAME, COL_EMAIL, COL_ID, COL_OUTCOME, COL_REASON = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._keys: list[str] | None = None  # search keys, built on the first filter
        self.dry_run = False
        self._row_words = row_words_of(False)
        self.source_name = ""  # the source's name for import rows ("Xero"); blank: generic
        self._icons: dict[Outcome, Any] = {}
        self.headers = (
            tr("Row"),
            tr("Name"),
            tr("Email"),
            tr("Record ID"),
            tr("Outcome"),
            tr("Reason"),
        )

    def set_rows(self, rows: tuple[RecordResult, ...], dry_run: bool = False) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._keys = None
        self.dry_run = dry_run
        self._row_words = row_words_of(dry_run, self.source_name)
        self._icons = {o: tone_icon(tone) for o, tone in OUTCOME_TONES.items()}
        self.endResetModel()

    # -- Qt overrides ----------------------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_ROW:
                return r.row or None  # 0: a contact not in the source (yet)
            if col == self.COL_NAME:
                return r.name
            if col == self.COL_EMAIL:
                return r.email
            if col == self.COL_ID:
                return r.source_id
            if col == self.COL_OUTCOME:
                return self.outcome_text(r)
            if col == self.COL_REASON:
                return reason_text(r)
            return None
        if role == FILTER_ROLE:
            if self._keys is None:
                tokens: dict[tuple, str] = {}  # one tally lookup per kind of row
                self._keys = [_search_key(x, tokens) for x in self._rows]
            return self._keys[index.row()]
        if role == Qt.ItemDataRole.DecorationRole and col == self.COL_OUTCOME:
            return self._icons.get(r.outcome)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_OUTCOME and is_matched(r):
                return tr("Matched to a contact already in Constant Contact by email")
            if col == self.COL_REASON and (r.reason or r.detail):
                return "\n".join(x for x in (r.reason, r.detail) if x)
            if col == self.COL_EMAIL and r.contact_id:
                return tr("Constant Contact ID: %1").replace("%1", r.contact_id)
            if col == self.COL_ID and r.source_id:
                return r.source_id  # whole, where the column cuts it short
            return None
        if role == OUTCOME_ROLE:
            return r.outcome.value
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == self.COL_ID
        ):
            return tr(
                "The record's own ID in the source: the service's own ID, or the file's ID column"
            )
        return super().headerData(section, orientation, role)

    def has_source_ids(self) -> bool:
        """Whether any row has the source's own id (else the row number is the only one)."""
        return any(r.source_id for r in self._rows)

    def outcome_text(self, r: RecordResult) -> str:
        """The outcome column's words for a row: its tally's (``app.core.vocabulary``)."""
        return self._row_words(r)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in one pass of Python's sort, keeping selections in place."""
        key = self._sort_key(column)
        if key is None or not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        rows = self._rows
        order_ = sorted(
            range(len(rows)),
            key=lambda i: key(rows[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_pos = [0] * len(rows)
        for new, old in enumerate(order_):
            new_pos[old] = new
        self._rows = tuple(rows[i] for i in order_)
        if self._keys is not None:
            keys = self._keys
            self._keys = [keys[i] for i in order_]
        old = self.persistentIndexList()
        self.changePersistentIndexList(old, [self.index(new_pos[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def _sort_key(self, column: int) -> Callable[[RecordResult], Any] | None:
        return {
            self.COL_ROW: lambda r: r.row,
            self.COL_NAME: lambda r: r.name.casefold(),
            self.COL_EMAIL: lambda r: r.email.casefold(),
            self.COL_ID: lambda r: r.source_id.casefold(),
            self.COL_OUTCOME: lambda r: (_OUTCOME_ORDER[r.outcome], not r.matched_existing),
            self.COL_REASON: lambda r: r.reason.casefold(),
        }.get(column)


class ResultsFilterProxy(QSortFilterProxyModel):
    """Filters by outcome category and search text; sorting is left to the source model."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        self.category: str = Category.ALL
        self.text = ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_filter(self, category: str | None = None, text: str | None = None) -> None:
        if category is not None:
            self.category = category
        if text is not None:
            self.text = text.strip()
        self._apply()

    def is_filtering(self) -> bool:
        return self.category != Category.ALL or bool(self.text)

    def _apply(self) -> None:
        if not self.is_filtering():
            self.setFilterRegularExpression(QRegularExpression())
            return
        pattern = f"^(?:{_category_pattern(self.category)}){_SEP}"
        if self.text:
            pattern += ".*" + QRegularExpression.escape(self.text)
        expr = QRegularExpression(pattern, QRegularExpression.PatternOption.CaseInsensitiveOption)
        self.setFilterRegularExpression(expr)
