"""What a run's planned writes will replace, journalled for undo (see ``journal_repo``).

Constant Contact writes keep the mirror's snapshot of the contact (None: it does not exist
yet); a removal from the list also keeps how the record's link came to be (its origin).
Source writes keep what the back planner saw: for an import update, the source record's
values of the columns it changes and what the link remembered; for an opt-out or opt-in,
the mark it replaces; for a record created in the source, what was sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.store_types import PlannedRow, RecordAction
from app.store.journal_repo import JournalItem
from app.store.mirror_repo import MirrorRepository
from app.sync.engine_push import EMAIL_CHANGED_FROM

# Actions that write to Constant Contact, and those that write to the source.
REMOTE_WRITES = frozenset(
    {
        RecordAction.CREATE,
        RecordAction.UPDATE,
        RecordAction.CHANGE_EMAIL,
        RecordAction.UNSUBSCRIBE,
        RecordAction.REMOVE,
        RecordAction.LISTS,
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
# Keys of an import update's payload that say what it replaces (journalled apart).
UPDATE_BEFORE = ("before", "link_before")


def previous_email(row: PlannedRow) -> str:
    """The address a change-email record replaces (the planner names it in the reason)."""
    if row.reason.startswith(EMAIL_CHANGED_FROM):
        return row.reason[len(EMAIL_CHANGED_FROM) :].strip().lower()
    return ""


def journal_items(
    rows: Sequence[PlannedRow], mirror: MirrorRepository, connection_id: int
) -> list[JournalItem]:
    """One entry per row that will write, with the mirror's "before" for Constant Contact
    writes (None: the contact does not exist yet) and the source's for source writes."""
    writes = [r for r in rows if r.outcome is None and _action(r) in REMOTE_WRITES | SOURCE_WRITES]
    lookup = {previous_email(r) or r.email.lower() for r in writes if _action(r) in REMOTE_WRITES}
    before = mirror.snapshots(connection_id, lookup) if lookup else {}
    items = []
    for r in writes:
        action = _action(r)
        assert action is not None
        if action in REMOTE_WRITES:
            # A record to be created has no contact yet. The mirror may still show its
            # address on another record's contact, which this run moves off it first
            # (``handover``): that contact's state is not what this write replaces.
            found = (
                None
                if action is RecordAction.CREATE
                else before.get(previous_email(r) or r.email.lower())
            )
            contact_id = (found["contact_id"] if found else "") or r.contact_id
            kept: Mapping[str, Any] | None = found
            if action is RecordAction.REMOVE:
                origin = str((r.payload or {}).get("origin") or "push")
                kept = {**found, "origin": origin} if found else {"origin": origin}
            items.append(JournalItem(r.key, action.value, r.email, contact_id, kept))
        else:
            items.append(
                JournalItem(r.key, action.value, r.email, r.contact_id, _source(r, action))
            )
    return items


def _source(row: PlannedRow, action: RecordAction) -> dict[str, Any]:
    """What a source write replaces (``sent``: what it writes, as before)."""
    payload = dict(row.payload) if row.payload is not None else None
    replaced = {k: payload.pop(k) for k in UPDATE_BEFORE if k in payload} if payload else {}
    out: dict[str, Any] = {"sent": payload}
    if action is RecordAction.IMPORT_UPDATE and payload is not None:
        out["source_key"] = payload.get("source_key", "")
        out["written"] = dict(payload.get("values") or {})
        if "before" in replaced:
            out["fields"] = dict(replaced["before"])
            out["link"] = replaced.get("link_before")
    elif action in (RecordAction.OPT_OUT, RecordAction.OPT_IN):
        out["opted_out"] = action is RecordAction.OPT_IN  # the mark as it was
    return out


def _action(row: PlannedRow) -> RecordAction | None:
    try:
        return RecordAction(row.action)
    except ValueError:
        return None
