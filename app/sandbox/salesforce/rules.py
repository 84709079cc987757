"""Creating, updating and deleting one record, with the checks a live org makes.

Every problem raises a ``RecordError``: a Collections call reports it for that record and
goes on with the next; a single-record call answers it as the whole request's error. What
each object adds (person accounts, campaign members, converted leads, duplicate rules) is
in ``hooks``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.sandbox.salesforce import addresses, hooks
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.errors import (
    RecordError,
    cross_reference,
    entity_deleted,
    read_only,
    required_missing,
)
from app.sandbox.salesforce.fields import FieldSpec, ObjectSpec
from app.sandbox.salesforce.ids import to18
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.store import Stored
from app.sandbox.salesforce.values import check_reference, check_text


@dataclass
class Write:
    """One call's context: where to write, as whom, when, and the duplicate-rule header."""

    conn: sqlite3.Connection
    org: Org
    user_id: str
    now_ms: int
    allow_duplicates: bool = False


def create(w: Write, sobject: ObjectSpec, values: dict[str, Any]) -> Stored:
    if not sobject.createable:
        raise RecordError(
            "INVALID_TYPE_FOR_OPERATION", f"entity type {sobject.name} does not support insert"
        )
    if "Id" in values:
        raise read_only(["Id"])
    refused = [n for n in values if not sobject.fields[n].createable]
    if refused:
        raise read_only(refused)
    data: dict[str, Any] = _defaults(sobject, w)
    data.update(values)
    hooks.before_create(w, sobject, data)
    _check(w, sobject, data, set(values))
    addresses.sync(w.org, sobject, data, values, None)
    missing = [
        f.name for f in sobject.fields.values() if f.required and data.get(f.name) in (None, "")
    ]
    if missing:
        raise required_missing(missing)
    hooks.before_insert(w, sobject, data)
    record_id = records.new_ids(w.conn, sobject.prefix)[0]
    records.stamp_new(data, record_id, w.now_ms, w.user_id)
    records.insert(w.conn, sobject.name, data, w.now_ms)
    stored = Stored(record_id, sobject.name, data)
    hooks.after_insert(w, sobject, stored)
    return stored


def update(w: Write, sobject: ObjectSpec, record_id: str, values: dict[str, Any]) -> Stored:
    stored = find(w, sobject, record_id)
    redirected = hooks.redirect_update(w, sobject, stored, values)
    if redirected is not None:
        return redirected
    values = {k: v for k, v in values.items() if k != "Id"}
    refused = [n for n in values if not sobject.fields[n].updateable]
    if refused:
        raise read_only(refused)
    hooks.before_update(w, sobject, stored, values)
    old = dict(stored.data)
    stored.data.update(values)
    _check(w, sobject, stored.data, set(values))
    addresses.sync(w.org, sobject, stored.data, values, old)
    missing = [n for n in values if sobject.fields[n].required and stored.data.get(n) in (None, "")]
    if missing:
        raise required_missing(missing)
    hooks.derive(w, sobject, stored.data)
    records.save(w.conn, stored, w.now_ms, w.user_id)
    hooks.after_update(w, sobject, stored, old)
    return stored


def delete(w: Write, sobject: ObjectSpec | None, record_id: str) -> Stored:
    full = to18(record_id)
    stored = records.load(w.conn, full) if full else None
    if stored is None or (sobject is not None and stored.sobject != sobject.name):
        raise cross_reference()
    if stored.deleted:
        raise entity_deleted()
    target = w.org.sobject(stored.sobject)
    if target is None or not target.deletable:
        raise RecordError("INVALID_TYPE_FOR_OPERATION", "entity type cannot be deleted")
    hooks.before_delete(w, target, stored)
    records.mark_deleted(w.conn, stored, w.now_ms)
    return stored


def find(w: Write, sobject: ObjectSpec, record_id: str) -> Stored:
    """The live record ``record_id`` of ``sobject``, or the error an update of it gets."""
    if not record_id:
        raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call")
    full = to18(record_id)
    if full is None:
        raise RecordError(
            "MALFORMED_ID", f"{sobject.label} ID: id value of incorrect type: {record_id}", ["Id"]
        )
    stored = records.load(w.conn, full)
    if stored is None or stored.sobject != sobject.name:
        raise cross_reference()
    if stored.deleted:
        raise entity_deleted()
    return stored


def _defaults(sobject: ObjectSpec, w: Write) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for spec in sobject.fields.values():
        if spec.default is not None:
            data[spec.name] = spec.default
    if "OwnerId" in sobject.fields:
        data["OwnerId"] = w.user_id
    return data


def _check(w: Write, sobject: ObjectSpec, data: dict[str, Any], changed: set[str]) -> None:
    for name in changed:
        spec = sobject.fields[name]
        value = data.get(name)
        if value is None:
            continue
        check_text(spec, value)
        if spec.type == "reference":
            data[name] = _reference(w, spec, value)


def _reference(w: Write, spec: FieldSpec, value: str) -> str:
    full = check_reference(spec, value)
    target = w.org.object_for_id(full)
    if target is None or target.name not in spec.reference_to:
        raise RecordError(
            "FIELD_INTEGRITY_EXCEPTION",
            f"{spec.label}: id value of incorrect type: {value}",
            [spec.name],
        )
    found = records.load(w.conn, full)
    if found is None or found.deleted:
        raise cross_reference()
    return full
