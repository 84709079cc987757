"""Membership activities: add_list_memberships, remove_list_memberships and list deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.contact_rules import MAX_LISTS, Problems, check_uuid_array
from app.sandbox.constant_contact.errors import Reply, bad_request
from app.sandbox.constant_contact.util import iso

if TYPE_CHECKING:
    from app.sandbox.constant_contact.activities import ActivityRunner

SOURCE_KEYS = (
    "list_ids",
    "contact_ids",
    "all_active_contacts",
    "tag_ids",
    "engagement_level",
    "segment_id",
)
SUPPORTED = ("list_ids", "contact_ids", "all_active_contacts")
ADDABLE = "c.deleted_at IS NULL AND c.permission != 'unsubscribed'"


def _payload(call: Call, env: Env) -> dict[str, Any]:
    body = call.json_object()
    problems = Problems()
    source = body.get("source")
    if not isinstance(source, dict):
        raise bad_request("source is required.")
    given = [k for k in SOURCE_KEYS if source.get(k) not in (None, False, [])]
    if len(given) != 1:
        raise bad_request(f"source must contain exactly one of: {', '.join(SUPPORTED)}.")
    if given[0] not in SUPPORTED:
        raise bad_request(f"source.{given[0]} is not supported by the sandbox.")
    payload: dict[str, Any] = {"source": given[0]}
    if given[0] == "list_ids":
        payload["from_lists"] = check_uuid_array(
            problems, source["list_ids"], "source.list_ids", MAX_LISTS
        )
    elif given[0] == "contact_ids":
        payload["contact_ids"] = check_uuid_array(
            problems, source["contact_ids"], "source.contact_ids", 500
        )
    elif source["all_active_contacts"] is not True:
        problems.add("source[all_active_contacts] does not have a valid value")
    list_ids = body.get("list_ids")
    if not isinstance(list_ids, list) or not list_ids:
        problems.add("list_ids is missing")
    else:
        payload["list_ids"] = check_uuid_array(problems, list_ids, "list_ids", MAX_LISTS)
    exclude = (body.get("exclude") or {}).get("contact_ids") or []
    payload["exclude"] = check_uuid_array(problems, exclude, "exclude.contact_ids", 10_000) or []
    problems.raise_if_any()
    return payload


def _start(env: Env, call: Call, kind: str) -> Reply:
    payload = _payload(call, env)
    with env.state.tx() as conn:
        known = store.active_list_ids(conn)
        missing = [i for i in payload["list_ids"] + payload.get("from_lists", []) if i not in known]
        if missing:
            raise bad_request(*(f"list_ids {i} does not exist" for i in missing))
        status = {
            "items_total_count": 0,
            "items_completed_count": 0,
            "list_count": len(payload["list_ids"]),
        }
        doc = env.runner.submit(conn, kind, payload, status, call.now)
    return Reply(201, doc)


def add_memberships(env: Env, call: Call) -> Reply:
    return _start(env, call, "add_list_memberships")


def remove_memberships(env: Env, call: Call) -> Reply:
    return _start(env, call, "remove_list_memberships")


def _source_sql(payload: dict[str, Any], only_addable: bool) -> tuple[str, list[Any]]:
    """SQL selecting the source contact ids, and its parameters."""
    values: list[Any] = []
    if payload["source"] == "list_ids":
        marks = ",".join("?" * len(payload["from_lists"]))
        sql = (
            "SELECT DISTINCT m.contact_id FROM memberships m JOIN contacts c USING (contact_id)"
            f" WHERE m.list_id IN ({marks})"
        )
        values.extend(payload["from_lists"])
    elif payload["source"] == "contact_ids":
        marks = ",".join("?" * len(payload["contact_ids"]))
        sql = f"SELECT c.contact_id FROM contacts c WHERE c.contact_id IN ({marks})"
        values.extend(payload["contact_ids"])
    else:
        sql = (
            "SELECT c.contact_id FROM contacts c"
            " WHERE c.deleted_at IS NULL AND c.permission IN ('explicit', 'implicit')"
        )
    if only_addable:
        sql += f" AND {ADDABLE}"
    if payload["exclude"]:
        sql += f" AND c.contact_id NOT IN ({','.join('?' * len(payload['exclude']))})"
        values.extend(payload["exclude"])
    return sql, values


def process_add(
    runner: ActivityRunner, activity_id: str, payload: dict[str, Any]
) -> tuple[dict[str, int], list[str]]:
    sql, values = _source_sql(payload, only_addable=True)
    now = iso(runner.clock())
    with runner.state.tx() as conn:
        contact_ids = [r[0] for r in conn.execute(sql, values)]
        pairs = [(cid, lid) for cid in contact_ids for lid in payload["list_ids"]]
        store.add_memberships(conn, pairs)
        _touch_all(conn, contact_ids, now)
    return _status(len(contact_ids), payload), []


def process_remove(
    runner: ActivityRunner, activity_id: str, payload: dict[str, Any]
) -> tuple[dict[str, int], list[str]]:
    sql, values = _source_sql(payload, only_addable=False)
    now = iso(runner.clock())
    with runner.state.tx() as conn:
        contact_ids = [r[0] for r in conn.execute(sql, values)]
        marks = ",".join("?" * len(payload["list_ids"]))
        conn.executemany(
            f"DELETE FROM memberships WHERE contact_id = ? AND list_id IN ({marks})",
            ((cid, *payload["list_ids"]) for cid in contact_ids),
        )
        _touch_all(conn, contact_ids, now)
    return _status(len(contact_ids), payload), []


def process_list_delete(
    runner: ActivityRunner, activity_id: str, payload: dict[str, Any]
) -> tuple[dict[str, int], list[str]]:
    now = runner.clock()
    with runner.state.tx() as conn:
        conn.execute("DELETE FROM memberships WHERE list_id = ?", (payload["list_id"],))
        conn.execute(
            "UPDATE lists SET deleted_at = ?, updated_at = ? WHERE list_id = ?",
            (iso(now), iso(now), payload["list_id"]),
        )
    return {"items_total_count": 1, "items_completed_count": 1, "list_count": 1}, []


def _touch_all(conn: Any, contact_ids: list[str], stamp: str) -> None:
    """Membership changes count as contact updates (they show up in updated_after)."""
    conn.executemany(
        "UPDATE contacts SET updated_at = ?, doc = json_set(doc, '$.updated_at', ?)"
        " WHERE contact_id = ?",
        ((stamp, stamp, cid) for cid in contact_ids),
    )


def _status(count: int, payload: dict[str, Any]) -> dict[str, int]:
    return {
        "items_total_count": count,
        "items_completed_count": count,
        "list_count": len(payload["list_ids"]),
    }
