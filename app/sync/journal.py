"""What a run's planned writes will replace, journalled for undo (see ``journal_repo``)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.store_types import PlannedRow, RecordAction
from app.store.journal_repo import JournalItem
from app.sync.engine_push import EMAIL_CHANGED_FROM

# Actions that write to Constant Contact, and those that write to the source.
REMOTE_WRITES = frozenset(
    {
        RecordAction.CREATE,
        RecordAction.UPDATE,
        RecordAction.CHANGE_EMAIL,
        RecordAction.UNSUBSCRIBE,
        RecordAction.REMOVE,
    }
)
SOURCE_WRITES = frozenset(
    {
        RecordAction.IMPORT_CREATE,
        RecordAction.IMPORT_UPDATE,
        RecordAction.OPT_OUT,
        RecordAction.OPT_IN,
    }
)


def previous_email(row: PlannedRow) -> str:
    """The address a change-email record replaces (the planner names it in the reason)."""
    if row.reason.startswith(EMAIL_CHANGED_FROM):
        return row.reason[len(EMAIL_CHANGED_FROM) :].strip().lower()
    return ""


def journal_items(
    rows: Sequence[PlannedRow], mirror: object, connection_id: int
) -> list[JournalItem]:
    """One entry per row that will write, with the mirror's "before" for Constant Contact
    writes (None: the contact does not exist yet) and the row's values for source writes."""
    writes = [r for r in rows if r.outcome is None and _action(r) in REMOTE_WRITES | SOURCE_WRITES]
    lookup = {previous_email(r) or r.email.lower() for r in writes if _action(r) in REMOTE_WRITES}
    before = mirror.snapshots(connection_id, lookup) if lookup else {}  # type: ignore[attr-defined]
    items = []
    for r in writes:
        action = _action(r)
        if action in REMOTE_WRITES:
            found = before.get(previous_email(r) or r.email.lower())
            contact_id = (found or {}).get("contact_id") or r.contact_id
            items.append(JournalItem(r.key, action.value, r.email, contact_id, found))
        else:
            payload = dict(r.payload) if r.payload is not None else None
            items.append(JournalItem(r.key, action.value, r.email, r.contact_id, {"sent": payload}))
    return items


def _action(row: PlannedRow) -> RecordAction | None:
    try:
        return RecordAction(row.action)
    except ValueError:
        return None
