"""``/accounts``: list, create, get, replace (PUT) and patch (PATCH) accounts.

Live behaviour followed (shared/notes/neoncrm-real-behaviour.md, connector-facts.md §2):
- ``GET /accounts/{id}`` of an unknown id (also ``-1``, ``0``, ``invalid``) answers 404 with
  an empty body; the id of an account merged into another answers **222** with the
  surviving account (whose ``accountId`` is the new id); PUT and PATCH on it answer 222
  with ``{"accountId": <new id>}`` and change the survivor;
- ``PATCH`` changes only what it sends (a lone ``accountCustomFields`` item sets that field
  and leaves the others) and answers 200 with an empty body (practitioners could not parse
  it as JSON; ``Settings.patch_json_body`` gives the spec's body instead);
- ``POST /accounts`` answers 200 ``{"id": ...}``; ``PUT`` replaces the whole account:
  what it leaves out is cleared, custom fields included;
- ``GET /accounts`` pages without the search's 200-row cap (5,000 was used live).
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.neoncrm import custom_fields, errors, records
from app.sandbox.neoncrm.account_store import AccountRow, individual_types
from app.sandbox.neoncrm.calls import Call, Env
from app.sandbox.neoncrm.errors import bad_request, not_found
from app.sandbox.neoncrm.records import INDIVIDUAL
from app.sandbox.neoncrm.state import next_id

MERGED = 222
ID_STARTS = {"contact": 5000, "address": 8000}


def list_accounts(env: Env, call: Call) -> Reply:
    params = call.params
    user_type = params.get("userType")
    if user_type not in (None, "", "INDIVIDUAL", "COMPANY"):
        raise bad_request(errors.value_invalid("userType"))
    page = _whole(params.get("currentPage"), 0, "currentPage")
    size = _whole(params.get("pageSize"), 20, "pageSize")
    if size < 1:
        raise bad_request(errors.PAGE_SIZE_INVALID)
    email = (params.get("email") or "").strip().lower()
    first = (params.get("firstName") or "").strip().lower()
    last = (params.get("lastName") or "").strip().lower()
    found = []
    for row in env.store.live(call.org_id):
        contact = row.record.get("primaryContact") or {}
        if user_type and row.kind != user_type:
            continue
        if email and (contact.get("email1") or "").lower() != email:
            continue
        if first and (contact.get("firstName") or "").lower() != first:
            continue
        if last and (contact.get("lastName") or "").lower() != last:
            continue
        found.append(row)
    chosen = found[page * size : (page + 1) * size]
    return Reply(
        200,
        {
            "accounts": [_list_item(row) for row in chosen],
            "pagination": {
                "currentPage": page,
                "pageSize": size,
                "sortColumn": None,
                "sortDirection": None,
                "totalPages": math.ceil(len(found) / size),
                "totalResults": len(found),
            },
        },
    )


def _whole(value: str | None, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request(errors.value_invalid(name)) from None
    if number < 0:
        raise bad_request(errors.value_invalid(name))
    return number


def _list_item(row: AccountRow) -> dict[str, Any]:
    contact = row.record.get("primaryContact") or {}
    company = row.record.get("company") or {}
    return {
        "accountId": row.id,
        "firstName": contact.get("firstName"),
        "lastName": contact.get("lastName"),
        "companyName": company.get("name") if row.kind == INDIVIDUAL else row.record.get("name"),
        "email": contact.get("email1"),
        "userType": row.kind,
    }


def create(env: Env, call: Call) -> Reply:
    kind, data = records.body_kind(call.json())
    with env.state.tx() as conn:
        account_id = write_new(env, conn, call.org_id, kind, data, call.user_name)
    return Reply(200, {"id": account_id})


def get(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row, merged = _resolve(env, call, conn)
        body = render(conn, row)
    return Reply(MERGED if merged else 200, body)


def replace(env: Env, call: Call) -> Reply:
    return _update(env, call, replace=True)


def patch(env: Env, call: Call) -> Reply:
    return _update(env, call, replace=False)


def _update(env: Env, call: Call, *, replace: bool) -> Reply:
    body = call.json()
    with env.state.tx() as conn:
        row, merged = _resolve(env, call, conn)
        kind, data = records.body_kind(body)
        if kind != row.kind:
            raise bad_request(errors.WRONG_ACCOUNT_TYPE)
        write_over(env, conn, row, data, call.user_name, replace=replace)
    if merged:
        return Reply(MERGED, {"accountId": row.id})
    if replace or env.settings.patch_json_body:
        return Reply(200, {"accountId": row.id})
    return Reply(200, raw=b"", content_type="text/plain")


def _resolve(env: Env, call: Call, conn: sqlite3.Connection) -> tuple[AccountRow, bool]:
    found = env.store.resolve(conn, call.org_id, call.params["id"])
    if found is None:
        raise not_found()
    return found


def write_new(
    env: Env,
    conn: sqlite3.Connection,
    org_id: str,
    kind: str,
    data: dict[str, Any],
    by: str,
    *,
    when_ms: int | None = None,
) -> str:
    """Create an account from an API account object; its id."""
    record = prepare(env, conn, org_id, kind, {}, _incoming(data), replace=True)
    stamp = env.now_ms() if when_ms is None else when_ms
    return str(env.store.insert(conn, org_id, kind, record, stamp, by))


def write_over(
    env: Env,
    conn: sqlite3.Connection,
    row: AccountRow,
    data: dict[str, Any],
    by: str,
    *,
    replace: bool,
) -> None:
    """Change an account with an API account object, as PUT (``replace``) or PATCH does."""
    record = prepare(env, conn, row.org_id, row.kind, row.record, _incoming(data), replace=replace)
    env.store.replace(conn, row, record, env.now_ms(), by)


def _incoming(data: dict[str, Any]) -> dict[str, Any]:
    """A write's account object without what a client may not set."""
    return {k: v for k, v in data.items() if k not in records.READ_ONLY and not k.startswith("_")}


def prepare(
    env: Env,
    conn: sqlite3.Connection,
    org_id: str,
    kind: str,
    current: dict[str, Any],
    data: dict[str, Any],
    *,
    replace: bool,
) -> dict[str, Any]:
    """The record to store after a create (``current`` empty), a PUT or a PATCH."""
    fields = custom_fields.by_id(custom_fields.load(conn, org_id))
    changes = custom_fields.parse_values(data.pop("accountCustomFields", None), fields, kind)
    if replace:
        merged = dict(data)
        contact = merged.get("primaryContact")
        if isinstance(contact, dict) and "contactId" not in contact and current:
            contact["contactId"] = (current.get("primaryContact") or {}).get("contactId")
        values: dict[str, Any] = {}
    else:
        merged = records.merge(current, data)
        values = dict(current.get("_custom") or {})
    for field_id, value in changes.items():
        if value is None:
            values.pop(field_id, None)
        else:
            values[field_id] = value
    merged["_custom"] = values
    if current.get("_email1OptOutDate"):
        merged["_email1OptOutDate"] = current["_email1OptOutDate"]
    record = records.clean(
        kind,
        merged,
        individual_types=individual_types(conn, org_id),
        new_id=lambda what: str(next_id(conn, what, ID_STARTS[what])),
    )
    stamp_opt_out(record, bool(current.get("email1OptOut")), env.clock().strftime("%Y-%m-%d"))
    return record


def stamp_opt_out(record: dict[str, Any], was_opted_out: bool, today: str) -> None:
    """Keep the date Email 1 was opted out (the search's ``Email 1 Block Date``)."""
    if not record.get("email1OptOut"):
        record.pop("_email1OptOutDate", None)
    elif not was_opted_out or not record.get("_email1OptOutDate"):
        record["_email1OptOutDate"] = today


def render(conn: sqlite3.Connection, row: AccountRow) -> dict[str, Any]:
    """The body of ``GET /accounts/{id}`` for a stored account."""
    fields = custom_fields.by_id(custom_fields.load(conn, row.org_id))
    custom = custom_fields.render_values(row.record.get("_custom") or {}, fields)
    return records.render(row.kind, row.id, row.record, row.timestamps(), custom)
