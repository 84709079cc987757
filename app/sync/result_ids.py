"""Constant Contact ids for results that lack one (contacts made by a bulk import)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.core.outcomes import RecordResult
from app.store.mirror_repo import MirrorRepository


def with_contact_ids(
    rows: Sequence[RecordResult], mirror: MirrorRepository, connection_id: int | None
) -> list[RecordResult]:
    """``rows`` with each blank Constant Contact id filled from the local mirror, by email.

    A bulk import answers with counts, not ids, so a record it created has none stored;
    the mirror learns the contact afterwards. A row whose email the mirror does not know
    (a dry run's "would create", an address Constant Contact refused) stays blank.
    """
    if connection_id is None:
        return list(rows)
    wanted = {r.email.lower() for r in rows if not r.contact_id and r.email}
    if not wanted:
        return list(rows)
    ids = mirror.contact_ids_by_email(connection_id, wanted)
    if not ids:
        return list(rows)
    out = []
    for r in rows:
        found = None if r.contact_id or not r.email else ids.get(r.email.lower())
        out.append(r if found is None else replace(r, contact_id=found))
    return out
