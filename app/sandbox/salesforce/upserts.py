"""Finding a record by an external id field, for upserts (single and Collections)."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.errors import RecordError, SfError
from app.sandbox.salesforce.fields import FieldSpec, ObjectSpec
from app.sandbox.salesforce.ids import to18
from app.sandbox.salesforce.store import Stored, lookup_key


def key_field(sobject: ObjectSpec, name: str) -> FieldSpec:
    """The field an upsert matches on: an id lookup or external id field."""
    spec = sobject.field(name)
    if spec is None or not (spec.id_lookup or spec.external_id):
        raise SfError(
            404,
            "NOT_FOUND",
            f"Provided external ID field does not exist or is not accessible: {name}",
        )
    return spec


def matches(
    conn: sqlite3.Connection, sobject: ObjectSpec, spec: FieldSpec, value: Any
) -> list[Stored]:
    if value in (None, ""):
        return []
    if spec.name == "Id":
        full = to18(str(value))
        found = records.load(conn, full) if full else None
        live = found is not None and not found.deleted and found.sobject == sobject.name
        return [found] if live and found is not None else []
    probe = {spec.name: value}
    key = lookup_key(sobject.name, probe) if spec.name == "Email" else None
    if key is not None:
        return records.by_lookup(conn, sobject.name, key)
    wanted = str(value).lower()
    return [
        r
        for r in records.scan(conn, sobject.name)
        if str(r.data.get(spec.name) or "").lower() == wanted
    ]


def too_many(spec: FieldSpec, found: list[Stored]) -> RecordError:
    ids = ", ".join(r.id for r in found)
    return RecordError(
        "DUPLICATE_EXTERNAL_ID",
        f"{spec.label}: more than one record found for external id field: [{ids}]",
        [spec.name],
    )
