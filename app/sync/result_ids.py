"""Constant Contact ids for results that lack one (contacts made by a bulk import)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.core.email_address import email_key
from app.core.outcomes import RecordResult
from app.core.records import known_contact_id
from app.store.mirror_repo import MirrorRepository


def with_contact_ids(
    rows: Sequence[RecordResult], mirror: MirrorRepository, connection_id: int | None
) -> list[RecordResult]:
    """``rows`` with each missing Constant Contact id filled from the local mirror, by email.

    A bulk import answers with counts, not ids, so a record it created has none stored;
    the mirror learns the contact's id later. Until it does (it may hold only a
    placeholder), and for an email it does not know (a dry run's "would create", an
    address Constant Contact refused), the id is left blank: a placeholder is never shown.
    """
    missing = {email_key(r.email) for r in rows if r.email and not known_contact_id(r.contact_id)}
    ids: dict[str, str] = {}
    if missing and connection_id is not None:
        found = mirror.contact_ids_by_email(connection_id, missing)
        ids = {email: cid for email, cid in found.items() if known_contact_id(cid)}
    out = []
    for r in rows:
        if known_contact_id(r.contact_id):
            out.append(r)
            continue
        filled = ids.get(email_key(r.email), "") if r.email else ""
        out.append(r if filled == r.contact_id else replace(r, contact_id=filled))
    return out
