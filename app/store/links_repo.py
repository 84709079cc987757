"""Links: per profile, what the last sync sent for each source record (up to millions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from peewee import fn

from app.core.store_types import Link
from app.store import models as m
from app.store.convert import BATCH, batched, executemany, insert_sql, now_text
from app.store.db import db

L = m.Link

_FIELDS = [L.profile, L.source_key, L.contact_id, L.email, L.fingerprint, L.synced_at]

# A new link without a contact id (bulk imports return none) keeps the stored id, unless
# the email changed: then the import matched or made another contact.
_UPSERT = insert_sql(
    L,
    _FIELDS,
    ' ON CONFLICT ("profile_id", "source_key") DO UPDATE SET'
    ' "contact_id" = CASE WHEN excluded."contact_id" IS NOT NULL THEN excluded."contact_id"'
    ' WHEN "email" = excluded."email" THEN "contact_id" END,'
    ' "email" = excluded."email", "fingerprint" = excluded."fingerprint",'
    ' "synced_at" = excluded."synced_at"',
)

_SET_CONTACT_ID = 'UPDATE "link" SET "contact_id" = ? WHERE "profile_id" = ? AND "email" = ?'


class LinkRepository:
    """Links keyed by (profile, source key). Emails are stored lowercased."""

    def load(self, profile_id: int) -> dict[str, Link]:
        """All links of a profile by source key.

        Runs the query on the raw cursor (no per-row model or converter work) and builds
        NamedTuples. Measured for a million links: ~5 s and ~370 MB on a slow CI box.
        """
        query = L.select(L.source_key, L.contact_id, L.email, L.fingerprint).where(
            L.profile == profile_id
        )
        make = Link._make
        return {row[0]: make(row) for row in db.execute(query)}

    def count(self, profile_id: int) -> int:
        return int(L.select(fn.COUNT(L.id)).where(L.profile == profile_id).scalar())

    def upsert_many(self, profile_id: int, links: Iterable[Link]) -> int:
        """Insert or update links in batches; returns how many were written."""
        now = now_text()
        written = 0
        for batch in batched(links, BATCH):
            rows = [
                (
                    profile_id,
                    k.source_key,
                    k.contact_id or None,
                    k.email.lower(),
                    k.fingerprint,
                    now,
                )
                for k in batch
            ]
            with db.atomic():
                executemany(_UPSERT, rows)
            written += len(rows)
        return written

    def delete_keys(self, profile_id: int, keys: Iterable[str]) -> int:
        deleted = 0
        for batch in batched(keys, 900):
            with db.atomic():
                query = L.delete().where((L.profile == profile_id) & L.source_key.in_(batch))
                deleted += int(query.execute())
        return deleted

    def set_contact_ids(self, profile_id: int, ids_by_email: Mapping[str, str]) -> int:
        """Fill in contact ids by email (e.g. from the mirror); returns links changed."""
        params = [(cid, profile_id, email.lower()) for email, cid in ids_by_email.items()]
        changed = 0
        for batch in batched(params, 5 * BATCH):
            with db.atomic():
                changed += executemany(_SET_CONTACT_ID, batch)
        return changed

    def clear(self, profile_id: int) -> int:
        """Forget every link of a profile (the next sync treats all records as new)."""
        return int(L.delete().where(L.profile == profile_id).execute())
