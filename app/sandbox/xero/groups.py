"""Contact groups: list, create, read with members, rename or delete, add and remove members."""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.xero import contact_store as store
from app.sandbox.xero.calls import Call, Env, envelope
from app.sandbox.xero.errors import Reply, not_found, query_error, validation
from app.sandbox.xero.util import new_id


def _group_json(row: sqlite3.Row, contacts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "ContactGroupID": row["group_id"],
        "Name": row["name"],
        "Status": row["status"],
        "Contacts": contacts or [],
        "HasValidationErrors": False,
    }


def list_groups(env: Env, call: Call) -> Reply:
    where = (call.arg("where") or "").replace(" ", "")
    if where and where not in ('Status=="ACTIVE"', 'Status==\\"ACTIVE\\"'):
        raise query_error('The emulator filters contact groups only by Status=="ACTIVE".')
    with env.state.tx() as conn:
        rows = store.groups(conn, call.tenant_id)
    return Reply(200, envelope(call.now, ContactGroups=[_group_json(r) for r in rows]))


def create_groups(env: Env, call: Call) -> Reply:
    items = call.json_items("ContactGroups")
    with env.state.tx() as conn:
        elements, names = [], set()
        for item in items:
            name = str(item.get("Name") or "").strip()
            errors = []
            if not name:
                errors.append("The contact group name must be specified.")
            elif store.group_by_name(conn, call.tenant_id, name) or name.lower() in names:
                errors.append(f"A contact group with the name {name} already exists.")
            names.add(name.lower())
            elements.append({**item, "ValidationErrors": [{"Message": m} for m in errors]})
        if any(e["ValidationErrors"] for e in elements):
            raise validation(elements)
        created = []
        for item in items:
            group_id = new_id()
            store.insert_group(conn, call.tenant_id, group_id, str(item["Name"]).strip())
            row = store.group(conn, call.tenant_id, group_id)
            assert row is not None
            created.append(_group_json(row))
    return Reply(200, envelope(call.now, ContactGroups=created))


def _active_group(conn: sqlite3.Connection, call: Call) -> sqlite3.Row:
    row = store.group(conn, call.tenant_id, call.params["ContactGroupID"])
    if row is None or row["status"] != "ACTIVE":
        raise not_found()
    return row


def get_group(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = _active_group(conn, call)
        members = store.load_contacts(conn, call.tenant_id, store.member_ids(conn, row["group_id"]))
    contacts = [store.brief(c) for c in members]
    return Reply(200, envelope(call.now, ContactGroups=[_group_json(row, contacts)]))


def update_group(env: Env, call: Call) -> Reply:
    """Rename the group, or delete it with ``Status: DELETED``."""
    items = call.json_items("ContactGroups")[:1]
    with env.state.tx() as conn:
        row = _active_group(conn, call)
        item = items[0] if items else {}
        name = str(item.get("Name") or row["name"]).strip()
        status = str(item.get("Status") or "ACTIVE")
        other = store.group_by_name(conn, call.tenant_id, name)
        if other is not None and other["group_id"] != row["group_id"] and status == "ACTIVE":
            message = f"A contact group with the name {name} already exists."
            raise validation([{**item, "ValidationErrors": [{"Message": message}]}])
        if status not in ("ACTIVE", "DELETED"):
            message = "Status must be ACTIVE or DELETED."
            raise validation([{**item, "ValidationErrors": [{"Message": message}]}])
        conn.execute(
            "UPDATE groups SET name = ?, status = ? WHERE group_id = ?",
            (name, status, row["group_id"]),
        )
        if status == "DELETED":
            store.remove_members(conn, row["group_id"])
        updated = store.group(conn, call.tenant_id, row["group_id"])
    assert updated is not None
    return Reply(200, envelope(call.now, ContactGroups=[_group_json(updated)]))


def add_members(env: Env, call: Call) -> Reply:
    items = call.json_items("Contacts")
    wanted = [str(i.get("ContactID") or "") for i in items]
    with env.state.tx() as conn:
        row = _active_group(conn, call)
        found = {c.contact_id: c for c in store.load_contacts(conn, call.tenant_id, wanted)}
        elements = [
            {
                **item,
                "ValidationErrors": (
                    [] if cid in found else [{"Message": f"The contact {cid} was not found."}]
                ),
            }
            for item, cid in zip(items, wanted, strict=True)
        ]
        if any(e["ValidationErrors"] for e in elements):
            raise validation(elements)
        store.add_members(conn, row["group_id"], wanted)
    added = [
        {**store.brief(found[cid]), "HasValidationErrors": False, "ValidationErrors": []}
        for cid in dict.fromkeys(wanted)
    ]
    return Reply(200, envelope(call.now, Contacts=added))


def remove_all_members(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = _active_group(conn, call)
        store.remove_members(conn, row["group_id"])
    return Reply(204)


def remove_member(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = _active_group(conn, call)
        store.remove_members(conn, row["group_id"], [call.params["ContactID"]])
    return Reply(204)
