"""The local mirror of each connection's Constant Contact contacts, kept fresh by watermark."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from peewee import EXCLUDED, Field, fn

from app.core.email_address import email_key
from app.core.records import (
    PENDING_ID_PREFIX,
    Permission,
    RemoteContact,
    known_contact_id,
    pending_contact_id,
)
from app.core.store_types import ContactSnapshot
from app.store import models as m
from app.store.connections_repo import purge_mirror
from app.store.convert import (
    BATCH,
    batched,
    executemany,
    from_text,
    insert_sql,
    to_text,
    tuple_rows,
)
from app.store.db import db

C = m.RemoteContactRow
S = m.MirrorState

_FIELDS: list[Field[Any]] = [
    C.connection,
    C.contact_id,
    C.email,
    C.permission,
    C.list_ids,
    C.updated_at,
    C.deleted,
    C.fields,
]

_UPSERT = insert_sql(
    C,
    _FIELDS,
    ' ON CONFLICT ("connection_id", "contact_id") DO UPDATE SET '
    + ", ".join(f'"{f.column_name}" = excluded."{f.column_name}"' for f in _FIELDS[2:]),
)

# (contact id, permission, list ids) for one email.
IndexEntry = tuple[str, Permission, frozenset[str]]

_PENDING = PENDING_ID_PREFIX + "%"
# A placeholder row gives way to the contact's real row once a read brings it...
_DROP_PENDING = f'DELETE FROM "{C._meta.table_name}" WHERE "connection_id" = ? AND "contact_id" = ?'
# ...and links made while the id was unknown (an import into the source) get the real id.
# (By profile and email, which the link table indexes: a million links are not scanned.)
_REPOINT_LINKS = (
    f'UPDATE "{m.Link._meta.table_name}" SET "contact_id" = ? WHERE "profile_id" IN '
    f'(SELECT "id" FROM "{m.Profile._meta.table_name}" WHERE "connection_id" = ?) '
    'AND "email" = ? AND "contact_id" = ?'
)


def _list_text(list_ids: Iterable[str]) -> str:
    return ",".join(sorted(list_ids))


class MirrorRepository:
    """Contacts by (connection, contact id); emails are stored as their ``email_key``."""

    def upsert_contacts(self, connection_id: int, contacts: Iterable[RemoteContact]) -> int:
        """Insert or refresh contacts in batches; returns how many were written."""
        written = 0
        for batch in batched(contacts, BATCH):
            rows = [
                (
                    connection_id,
                    c.contact_id,
                    email_key(c.email),
                    Permission(c.permission).value,
                    _list_text(c.list_ids),
                    to_text(c.updated_at),
                    c.deleted,
                    json.dumps(dict(c.fields), separators=(",", ":")) if c.fields else None,
                )
                for c in batch
            ]
            with db.atomic():
                executemany(_UPSERT, rows)
                self._settle_pending(connection_id, batch)
            written += len(rows)
        return written

    def _settle_pending(self, connection_id: int, contacts: list[RemoteContact]) -> None:
        """Replace placeholders of our own imports by the real contacts just read."""
        real = [
            (c.contact_id, email_key(c.email))
            for c in contacts
            if not c.contact_id.startswith(PENDING_ID_PREFIX)
        ]
        if not real or not self._has_pending(connection_id):
            return
        executemany(
            _DROP_PENDING, [(connection_id, pending_contact_id(email)) for _, email in real]
        )
        executemany(
            _REPOINT_LINKS,
            [(cid, connection_id, email, pending_contact_id(email)) for cid, email in real],
        )

    def _has_pending(self, connection_id: int) -> bool:
        query = C.select(C.id).where(
            (C.connection == connection_id) & C.contact_id.startswith(PENDING_ID_PREFIX)
        )
        return query.exists()

    def record_import(
        self,
        connection_id: int,
        items: Iterable[Mapping[str, str]],
        list_id: str,
        other_lists: Iterable[str] = (),
    ) -> int:
        """Record what a finished bulk import did, without reading it back.

        Each item (the flat import item, with ``email``) updates the contact with that email,
        or, for a contact the import created, adds a placeholder row (Constant Contact's
        import returns no ids) that the next read of that contact replaces. Either way the
        contact is on ``list_id`` (and ``other_lists``) now, and every profile on the account
        sees it at once.
        Returns how many of them are new (placeholders: their ids are not known yet).
        """
        new = 0
        other = {i for i in other_lists if i}
        for batch in batched(items, BATCH):
            by_email = {email_key(str(i["email"])): i for i in batch if i.get("email")}
            known = self._rows_by_email(connection_id, list(by_email))
            now = to_text(datetime.now(UTC))
            rows = []
            for email, item in by_email.items():
                sent = {k: str(v) for k, v in item.items() if k != "email" and v not in (None, "")}
                found = known.get(email)
                fields: dict[str, Any]
                if found is None:
                    cid, permission, lists, fields = pending_contact_id(email), "implicit", "", {}
                    new += 1
                else:
                    cid, permission, lists, fields = found
                ids = set(filter(None, lists.split(",")))
                if list_id:
                    ids.add(list_id)
                ids.update(other)
                merged = json.dumps({**fields, **sent}, separators=(",", ":"))
                rows.append(
                    (connection_id, cid, email, permission, _list_text(ids), now, False, merged)
                )
            with db.atomic():
                executemany(_UPSERT, rows)
        return new

    def _rows_by_email(
        self, connection_id: int, emails: list[str]
    ) -> dict[str, tuple[str, str, str, dict[str, Any]]]:
        """``email -> (contact id, permission, list ids, fields)``; a live row beats a deleted."""
        query = tuple_rows(
            C.select(C.email, C.contact_id, C.permission, C.list_ids, C.fields, C.deleted)
            .where((C.connection == connection_id) & C.email.in_(emails))
            .order_by(C.deleted.desc(), C.updated_at.asc(nulls="first"))
        )
        return {
            email: (cid, permission, lists, fields or {})
            for email, cid, permission, lists, fields, _deleted in query
        }

    def snapshots(self, connection_id: int, emails: Iterable[str]) -> dict[str, ContactSnapshot]:
        """What the mirror holds for each of these emails (lowercased keys), for the undo
        journal: ``{"contact_id", "fields", "list_ids", "permission", "email"}``.

        Deleted contacts are left out; when two rows share an email, the one
        updated last wins.
        """
        found: dict[str, ContactSnapshot] = {}
        for batch in batched(sorted({email_key(e) for e in emails if e}), BATCH):
            query = (
                C.select(C.email, C.contact_id, C.permission, C.list_ids, C.fields)
                .where(
                    (C.connection == connection_id) & C.email.in_(batch) & (C.deleted == False)  # noqa: E712 - SQL expression
                )
                .order_by(C.updated_at.asc(nulls="first"), C.id)
                .tuples()
            )
            for email, cid, permission, lists, fields in db.execute(query):
                found[email] = {
                    "contact_id": known_contact_id(cid),
                    "email": email,
                    "permission": permission,
                    "list_ids": sorted(filter(None, lists.split(","))),
                    "fields": json.loads(fields) if fields else {},
                }
        return found

    def email_index(
        self, connection_id: int, include_deleted: bool = False
    ) -> dict[str, IndexEntry]:
        """Every contact by lowercased email, compact enough for a million contacts.

        Identical list-id sets share one frozenset. When two rows share an email, the
        one updated last wins.
        """
        query = C.select(C.email, C.contact_id, C.permission, C.list_ids).where(
            C.connection == connection_id
        )
        if not include_deleted:
            query = query.where(C.deleted == False)  # noqa: E712 - SQL expression
        query = query.order_by(C.updated_at.asc(nulls="first"), C.id)
        list_sets: dict[str, frozenset[str]] = {"": frozenset()}
        index: dict[str, IndexEntry] = {}
        for email, contact_id, permission, lists in db.execute(query):
            ids = list_sets.get(lists)
            if ids is None:
                ids = list_sets[lists] = frozenset(lists.split(","))
            index[email] = (known_contact_id(contact_id), Permission(permission), ids)
        return index

    def get_by_email(self, connection_id: int, email: str) -> RemoteContact | None:
        row = (
            C.select()
            .where((C.connection == connection_id) & (C.email == email_key(email)))
            .order_by(C.deleted, C.updated_at.desc(nulls="last"))
            .first()
        )
        if row is None:
            return None
        return RemoteContact(
            contact_id=known_contact_id(row.contact_id),
            email=row.email,
            permission=Permission(row.permission),
            list_ids=frozenset(filter(None, row.list_ids.split(","))),
            updated_at=from_text(row.updated_at),
            deleted=bool(row.deleted),
        )

    def contact_ids_by_email(self, connection_id: int, emails: Iterable[str]) -> dict[str, str]:
        """The real contact id of each of these emails that the mirror knows (lowercased keys).

        Deleted contacts and placeholders (a contact our import made, whose id no read has
        brought yet) are left out; when two rows share an email, the one updated last wins,
        as in ``email_index``.
        """
        found: dict[str, str] = {}
        for batch in batched(sorted({email_key(e) for e in emails if e}), BATCH):
            query = (
                C.select(C.email, C.contact_id)
                .where(
                    (C.connection == connection_id)
                    & C.email.in_(batch)
                    & (C.deleted == False)  # noqa: E712 - SQL expression
                    & ~C.contact_id.startswith(PENDING_ID_PREFIX)
                )
                .order_by(C.updated_at.asc(nulls="first"), C.id)
                .tuples()
            )
            found.update(db.execute(query))
        return found

    def iter_contacts(self, connection_id: int) -> Iterator[RemoteContact]:
        """Every mirrored contact (deleted ones too), with its fields, page by page."""
        last = 0
        while True:
            page = list(
                tuple_rows(
                    C.select(
                        C.id, C.contact_id, C.email, C.permission, C.list_ids, C.deleted, C.fields
                    )
                    .where((C.connection == connection_id) & (C.id > last))
                    .order_by(C.id)
                    .limit(5 * BATCH)
                )
            )
            if not page:
                return
            for _id, cid, email, permission, lists, deleted, fields in page:
                yield RemoteContact(
                    contact_id=cid,
                    email=email,
                    permission=Permission(permission),
                    list_ids=frozenset(filter(None, lists.split(","))),
                    fields=fields or {},
                    deleted=bool(deleted),
                )
            last = page[-1][0]

    def add_to_list(self, connection_id: int, contact_ids: Iterable[str], list_id: str) -> int:
        """Record that these contacts joined a list (after our own membership activity)."""
        return self._change_list(connection_id, contact_ids, list_id, join=True)

    def remove_from_list(self, connection_id: int, contact_ids: Iterable[str], list_id: str) -> int:
        """Record that these contacts left a list (after our own removal)."""
        return self._change_list(connection_id, contact_ids, list_id, join=False)

    def _change_list(
        self, connection_id: int, contact_ids: Iterable[str], list_id: str, *, join: bool
    ) -> int:
        changed = 0
        for batch in batched(contact_ids, BATCH):
            rows = tuple_rows(
                C.select(C.id, C.list_ids).where(
                    (C.connection == connection_id) & (C.contact_id.in_(batch))
                )
            )
            updates = []
            for row_id, lists in rows:
                ids = set(filter(None, lists.split(",")))
                if join and list_id not in ids:
                    updates.append((_list_text(ids | {list_id}), row_id))
                elif not join and list_id in ids:
                    updates.append((_list_text(ids - {list_id}), row_id))
            if updates:
                with db.atomic():
                    executemany(
                        f'UPDATE "{C._meta.table_name}" SET "list_ids" = ? WHERE "id" = ?', updates
                    )
                changed += len(updates)
        return changed

    def count(self, connection_id: int) -> int:
        return int(C.select(fn.COUNT(C.id)).where(C.connection == connection_id).scalar())

    def watermark(self, connection_id: int) -> datetime | None:
        """The ``updated_after`` for the next incremental refresh (None: do a full one)."""
        row = S.select(S.watermark).where(S.connection == connection_id).first()
        return from_text(row.watermark) if row else None

    def full_sync_done(self, connection_id: int) -> bool:
        row = S.select(S.full_sync_done).where(S.connection == connection_id).first()
        return bool(row and row.full_sync_done)

    def set_watermark(self, connection_id: int, when: datetime, full: bool = True) -> None:
        """Record a finished refresh; ``full`` marks it as a complete download."""
        update: dict[Field[Any], Any] = {S.watermark: EXCLUDED.watermark}
        if full:
            update[S.full_sync_done] = EXCLUDED.full_sync_done
        S.insert(
            connection=connection_id, watermark=to_text(when), full_sync_done=full
        ).on_conflict(conflict_target=[S.connection], update=update).execute()

    def clear(self, connection_id: int) -> None:
        """Forget the mirror and its watermark (the next refresh is a full one)."""
        with db.atomic():
            purge_mirror(connection_id)
