"""The contact_delete activity: POST /activities/contact_delete and its background half."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.contact_rules import Problems, check_uuid_array
from app.sandbox.constant_contact.errors import Reply, bad_request
from app.sandbox.constant_contact.util import iso, iso_date

if TYPE_CHECKING:
    from app.sandbox.constant_contact.activities import ActivityRunner

MAX_CONTACTS = 500  # ContactDelete.contact_ids maxItems
MAX_LISTS = 50  # ContactDelete.list_ids maxItems


def not_found_error(contact_id: str) -> str:
    """The activity's error for an id the account has no contact for (as DELETE's 404)."""
    return f"Contact {contact_id} was not found."


def start_delete(env: Env, call: Call) -> Reply:
    """Queue the deletion of up to 500 contacts by id, or of every member of up to 50 lists."""
    body = call.json_object()
    problems = Problems()
    given = [k for k in ("contact_ids", "list_ids") if body.get(k) not in (None, [])]
    if len(given) != 1:
        raise bad_request("exactly one of contact_ids, list_ids must be provided")
    key = given[0]
    ids = check_uuid_array(
        problems, body[key], key, MAX_CONTACTS if key == "contact_ids" else MAX_LISTS
    )
    problems.raise_if_any()
    assert ids is not None
    ids = list(dict.fromkeys(ids))  # the same id twice is deleted once
    with env.state.tx() as conn:
        if key == "list_ids":
            known = store.active_list_ids(conn)
            missing = [i for i in ids if i not in known]
            if missing:
                raise bad_request(*(f"list_ids {i} does not exist" for i in missing))
        status = {"items_total_count": len(ids) if key == "contact_ids" else 0}
        if key == "list_ids":
            status["list_count"] = len(ids)
        doc = env.runner.submit(conn, "contact_delete", {key: ids}, status, call.now)
    return Reply(201, doc)


def process_delete(
    runner: ActivityRunner, activity_id: str, payload: dict[str, Any]
) -> tuple[dict[str, int], list[str]]:
    """Soft-delete the contacts as DELETE /contacts/{id} does (deleted_at set, off every
    list). One deleted already stays as it is and counts as done; an unknown id is an
    error naming it, and the others are still deleted."""
    now = runner.clock()
    errors: list[str] = []
    with runner.state.tx() as conn:
        if "list_ids" in payload:
            marks = ",".join("?" * len(payload["list_ids"]))
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT m.contact_id FROM memberships m JOIN contacts c"
                    f" USING (contact_id) WHERE m.list_id IN ({marks}) AND c.deleted_at IS NULL",
                    payload["list_ids"],
                )
            ]
        else:
            ids = payload["contact_ids"]
        done = 0
        for contact_id in ids:
            doc = store.load(conn, contact_id)
            if doc is None:
                errors.append(not_found_error(contact_id))
                continue
            done += 1
            if doc.get("deleted_at"):
                continue
            doc["deleted_at"] = iso_date(now)  # a date, not a date-time, as the service has it
            doc["updated_at"] = iso(now)
            store.update(conn, contact_id, doc)
            store.clear_memberships(conn, contact_id)
    status = {"items_total_count": len(ids), "items_completed_count": done}
    if "list_ids" in payload:
        status["list_count"] = len(payload["list_ids"])
    return status, errors  # the spec's status has no error count: errors are in activity_errors
