"""The main window's list of profiles: a thin table model over frozen ``ProfileRow``s."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.connectors.registry import describe_source, label
from app.core.outcomes import RunSummary
from app.sync.due import schedule_words
from app.sync.facade.values import ProfileOverview
from app.ui.i18n import tr
from app.ui.table_model import RowTableModel
from app.ui.theme import Tone, tone_icon
from app.ui.wording import status_words, when_words

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """One line of the profiles list, with every display string computed once."""

    profile_id: int
    name: str
    source: str
    main_list: str
    schedule: str
    status: str
    tone: Tone
    status_detail: str
    last_run: str
    last_run_at: str  # ISO 8601, sorts in time order
    running: bool = False
    dry_run_note: str = ""  # "Dry run: Today 10:02", when one came after the last sync


def profile_rows(
    overviews: Iterable[ProfileOverview],
    running: frozenset[int] = frozenset(),
    now: datetime | None = None,
    waiting: Mapping[int, str] | None = None,
    synced: Set[int] | None = None,
) -> tuple[ProfileRow, ...]:
    """Turn the service's overviews into rows; ``running`` are the profiles syncing now,
    ``waiting`` those of them waiting for their Constant Contact account (id -> what for),
    and ``synced`` those that have ever synced for real (None: their last run says)."""
    waiting = waiting or {}
    rows = []
    for ov in overviews:
        p, last = ov.profile, ov.last_run
        assert p.id is not None
        is_running = p.id in running
        status, tone = status_words(last, is_running)
        detail = _detail(last)
        if is_running and waiting.get(p.id):
            status, tone, detail = tr("Waiting for another sync…"), Tone.INFO, waiting[p.id]
        rows.append(
            ProfileRow(
                profile_id=p.id,
                name=p.name,
                source=describe_source(p.source),
                # A migration fills no list: it says where its contacts go instead.
                main_list=p.main_list
                if p.into_constant_contact
                else tr("(into %1)").replace("%1", label(p.destination.kind)),
                schedule=schedule_words(
                    p,
                    synced=(p.id in synced)
                    if synced is not None
                    else (last is not None and not last.dry_run),
                ),
                status=status,
                tone=tone,
                status_detail=detail,
                last_run=when_words(last.started_at, now) if last else tr("Never"),
                last_run_at=last.started_at if last else "",
                running=is_running,
                dry_run_note=dry_run_words(ov.last_dry_run, now),
            )
        )
    return tuple(rows)


def dry_run_words(dry: RunSummary | None, now: datetime | None = None) -> str:
    """A dry run, shown apart from the last sync: "Dry run: Today 10:02" ("" for none)."""
    if dry is None:
        return ""
    return tr("Dry run: %1").replace("%1", when_words(dry.started_at, now))


def _detail(last: RunSummary | None) -> str:
    if last is None:
        return tr("Press Sync Now to send this profile's contacts to Constant Contact.")
    return last.message


class ProfilesModel(RowTableModel[ProfileRow]):
    """Profiles with their source, list, schedule and last run."""

    COL_NAME, COL_SOURCE, COL_LIST, COL_SCHEDULE, COL_STATUS, COL_LAST_RUN = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = (
            tr("Profile"),
            tr("Source"),
            tr("Constant Contact list"),
            tr("Schedule"),
            tr("Last run"),
            tr("When"),
        )

    def row_of(self, profile_id: int) -> int:
        """The model row of a profile, or -1."""
        for i, row in enumerate(self._rows):
            if row.profile_id == profile_id:
                return i
        return -1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, col)
        if role == SORT_ROLE:
            if col == self.COL_LAST_RUN:
                return row.last_run_at
            return self._text(row, col).casefold()
        if role == Qt.ItemDataRole.DecorationRole and col == self.COL_STATUS:
            return tone_icon(row.tone)
        if role == Qt.ItemDataRole.ToolTipRole:
            # A dry run changes nothing: it is said apart, never in the last sync's cells.
            dry = f"{row.dry_run_note} ({tr('nothing changed')})" if row.dry_run_note else ""
            if col == self.COL_STATUS:
                return "\n".join(t for t in (row.status_detail, dry) if t)
            if col == self.COL_LAST_RUN:
                return "\n".join(t for t in (row.last_run_at, dry) if t)
            return self._text(row, col)
        if role == ID_ROLE:
            return row.profile_id
        return None

    def _text(self, row: ProfileRow, col: int) -> str:
        return (
            row.name,
            row.source,
            row.main_list,
            row.schedule,
            row.status,
            row.last_run,
        )[col]
