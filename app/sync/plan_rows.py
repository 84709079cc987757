"""Helpers of the engine's planning: run rows from plans, links and remote state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.connectors.base import SourceCapabilities
from app.core.email_address import email_key, validate_email
from app.core.profiles import SyncProfile
from app.core.records import SourceRecord
from app.core.store_types import ACTION_OUTCOME, PlannedRow, RecordAction
from app.store.links_repo import LinkDetail
from app.store.mirror_repo import IndexEntry
from app.sync.import_planner import SourceEntry
from app.sync.planner import Action, LinkInfo, PlannedRecord, Reason, RemoteInfo


def two_way(profile: SyncProfile, caps: SourceCapabilities) -> bool:
    """Whether the run plans more than the push (and so must remember every source record)."""
    opts = profile.options
    return (
        (opts.remove_deleted and opts.push_to_cc)
        or (opts.import_from_cc and caps.create)
        or (opts.import_from_cc and opts.import_updates_existing and caps.update)
        or (caps.opt_out and (opts.optout_to_source or opts.clear_optout_on_resubscribe))
    )


def entry(
    record: SourceRecord, p: PlannedRecord, first: str, last: str, columns: Iterable[str] = ()
) -> SourceEntry:
    """The record as the back planner needs it; ``columns``: values to keep (see
    ``SourceEntry.values``)."""
    valid = validate_email(p.email) if p.email else None
    return SourceEntry(
        key=record.key,
        row=record.row,
        email=email_key(valid) if valid else "",
        first_name=(record.values.get(first) or "").strip() if first else "",
        last_name=(record.values.get(last) or "").strip() if last else "",
        opted_out=record.opted_out,
        push_action=p.action,
        filtered=p.reason == Reason.FILTERED,
        name=p.name,
        values={c: str(record.values.get(c) or "") for c in columns},
    )


def unread_entries(
    details: Mapping[str, Any], read: Sequence[SourceEntry], deleted: frozenset[str]
) -> list[SourceEntry]:
    """Entries for the linked records a read of the changes did not bring (nor deleted), as
    the links last saw them: a Constant Contact unsubscribe is still written back for them,
    and they are not taken for deleted."""
    seen = {e.key for e in read}
    return [
        SourceEntry(
            key=key,
            row=0,
            email=email_key(detail.email) if detail.email else "",
            first_name="",
            last_name="",
            opted_out=bool(detail.source_opted_out),
            push_action=RecordAction.UNCHANGED,
        )
        for key, detail in details.items()
        if key not in seen and key not in deleted and detail.origin != "removed"
    ]


def settled_row(row: PlannedRow, dry_run: bool) -> PlannedRow:
    """A back-direction row with its outcome when nothing will be sent for it."""
    if dry_run or row.action == Action.SKIP.value:
        return replace(row, outcome=ACTION_OUTCOME[RecordAction(row.action)])
    return row


def batched(items: Iterable[PlannedRecord], size: int) -> Iterator[list[PlannedRecord]]:
    batch: list[PlannedRecord] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def planned_row(p: PlannedRecord, chunk: int | None, final: bool) -> PlannedRow:
    detail = "; ".join(x for x in (p.detail, *p.warnings) if x)
    return PlannedRow(
        row=p.row,
        key=p.key,
        email=p.email,
        action=p.action.value,
        outcome=p.outcome if final else None,
        reason=p.reason,
        contact_id=p.contact_id,
        matched_existing=p.matched_existing,
        detail=detail,
        payload=dict(p.item) if p.item is not None else None,
        chunk=chunk,
        fingerprint=p.fingerprint,
        state=p.state,
        name=p.name,
        source_id=p.source_id,
    )


def link_infos(links: Mapping[str, LinkDetail]) -> dict[str, LinkInfo]:
    return {k: LinkInfo(v[0], v[1], v[2], v[3], v[4], v[5]) for k, v in links.items()}


def remote_infos(index: Mapping[str, IndexEntry], list_id: str) -> dict[str, RemoteInfo]:
    out = {}
    for email, (contact_id, permission, list_ids) in index.items():
        out[email] = RemoteInfo(contact_id, permission, bool(list_id) and list_id in list_ids)
    return out
