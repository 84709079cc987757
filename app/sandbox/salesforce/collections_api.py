"""sObject Collections (``/composite/sobjects``): up to 200 records in one call.

Answers HTTP 200 with one result per record, in order, even when every record fails. A
failed result has **no** ``id`` key (live orgs leave it out), so a client matches results to
its records by position. With ``allOrNone`` the bad records keep their own errors and every
other record gets ``ALL_OR_NONE_OPERATION_ROLLED_BACK``. Whole-request problems (no
records, more than 200, an unknown field, a wrong JSON type) answer 400 with an error array.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.sandbox.salesforce import rules, shapes, upserts
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.calls import Call, Env, bad_request, sobject_or_404
from app.sandbox.salesforce.errors import (
    RecordError,
    SfError,
    json_parser_error,
    rolled_back,
)
from app.sandbox.salesforce.fields import ObjectSpec
from app.sandbox.salesforce.ids import to18
from app.sandbox.salesforce.rules import Write
from app.sandbox.salesforce.store import Stored
from app.sandbox.salesforce.values import json_values
from app.sandbox.wire import Reply

LIMIT = 200
NO_ATTRIBUTES = (
    "Nested object for polymorphic foreign key must have an attributes field before any other"
    " fields."
)

# One record's work: returns (stored record, created?) or raises RecordError.
Job = Callable[[Write], tuple[Stored, bool]]


def _too_many() -> SfError:
    return bad_request(
        "EXCEEDED_ID_LIMIT",
        "record limit reached. cannot submit more than 200 records into this call",
    )


def _body(call: Call) -> tuple[list[Any], bool]:
    body = call.json()
    if not isinstance(body, dict):
        raise json_parser_error("Cannot deserialize instance of request from non-object value")
    all_or_none = body.get("allOrNone", False)
    if not isinstance(all_or_none, bool):
        raise json_parser_error(
            f"Cannot deserialize instance of boolean from VALUE_STRING value {all_or_none} or"
            " request may be missing a required field"
        )
    items = body.get("records")
    if not isinstance(items, list) or not items:
        raise bad_request("REQUIRED_FIELD_MISSING", "At least 1 record is required")
    if len(items) > LIMIT:
        raise _too_many()
    return items, all_or_none


def _type_of(env: Env, item: Any) -> ObjectSpec | RecordError:
    attributes = item.get("attributes") if isinstance(item, dict) else None
    if not isinstance(attributes, dict) or not attributes.get("type"):
        return RecordError("JSON_PARSER_ERROR", NO_ATTRIBUTES)
    found = env.org.sobject(str(attributes["type"]))
    if found is None:
        raise bad_request("INVALID_TYPE", f"sObject type '{attributes['type']}' is not supported.")
    return found


def _run(env: Env, call: Call, jobs: list[Job | RecordError], all_or_none: bool, upsert: bool):
    results: list[dict[str, Any]] = []
    failed = False
    with env.org.state.tx() as conn:
        w = Write(conn, env.org, call.user_id, env.org.now_ms(), call.allow_duplicates)
        outcomes: list[tuple[Stored, bool] | RecordError] = []
        for index, job in enumerate(jobs):
            if isinstance(job, RecordError):
                outcomes.append(job)
                failed = True
                continue
            try:
                with env.org.state.savepoint(conn, f"record_{index}"):
                    outcomes.append(job(w))
            except RecordError as exc:
                outcomes.append(exc)
                failed = True
        if all_or_none and failed:
            conn.execute("ROLLBACK")
            conn.execute("BEGIN")
        for outcome in outcomes:
            if isinstance(outcome, RecordError):
                results.append(_failure(outcome, upsert))
            elif all_or_none and failed:
                results.append(_failure(rolled_back(), upsert))
            else:
                stored, created = outcome
                result: dict[str, Any] = {"id": stored.id, "success": True, "errors": []}
                if upsert:
                    result["created"] = created
                results.append(result)
    return Reply(200, results)


def _failure(error: RecordError, upsert: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"success": False, "errors": [error.item()]}
    if upsert:
        result["created"] = False
    return result


def _creating(sobject: ObjectSpec, values: dict[str, Any]) -> Job:
    def job(w: Write) -> tuple[Stored, bool]:
        return rules.create(w, sobject, values), True

    return job


def _updating(sobject: ObjectSpec, record_id: str, values: dict[str, Any]) -> Job:
    def job(w: Write) -> tuple[Stored, bool]:
        return rules.update(w, sobject, record_id, values), False

    return job


def create(env: Env, call: Call) -> Reply:
    items, all_or_none = _body(call)
    jobs: list[Job | RecordError] = []
    for item in items:
        sobject = _type_of(env, item)
        if isinstance(sobject, RecordError):
            jobs.append(sobject)
            continue
        jobs.append(_creating(sobject, json_values(sobject, item)))
    return _run(env, call, jobs, all_or_none, upsert=False)


def update(env: Env, call: Call, name: str | None = None) -> Reply:
    if name is not None:
        sobject_or_404(env.org, name)  # the Postman collection's form names the object
    items, all_or_none = _body(call)
    jobs: list[Job | RecordError] = []
    for item in items:
        sobject = _type_of(env, item)
        if isinstance(sobject, RecordError):
            jobs.append(sobject)
            continue
        values = json_values(sobject, item)
        jobs.append(_updating(sobject, str(values.pop("Id", "")), values))
    return _run(env, call, jobs, all_or_none, upsert=False)


def upsert(env: Env, call: Call, name: str, field: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    spec = upserts.key_field(sobject, field)
    items, all_or_none = _body(call)
    jobs: list[Job | RecordError] = []
    for item in items:
        typed = _type_of(env, item)
        if isinstance(typed, RecordError):
            jobs.append(typed)
            continue
        if typed.name != sobject.name:
            raise bad_request("INVALID_TYPE", "All records must be of the type named in the URL")
        values = json_values(sobject, item)

        def job(w: Write, v: dict[str, Any] = values) -> tuple[Stored, bool]:
            key = v.get(spec.name)
            if key in (None, ""):
                raise RecordError("MISSING_ARGUMENT", f"{spec.name} not specified", [spec.name])
            found = upserts.matches(w.conn, sobject, spec, key)
            if len(found) > 1:
                raise upserts.too_many(spec, found)
            if found:
                return rules.update(w, sobject, found[0].id, v), False
            return rules.create(w, sobject, v), True

        jobs.append(job)
    return _run(env, call, jobs, all_or_none, upsert=True)


def retrieve(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    ids = [i for i in call.request.args.get("ids", "").split(",") if i]
    fields = [f for f in call.request.args.get("fields", "").split(",") if f]
    if not ids or not fields:
        raise bad_request("MISSING_ARGUMENT", "ids and fields are required")
    if len(ids) > 2000:
        raise _too_many()
    for name_ in fields:
        if sobject.field(name_) is None:
            raise bad_request(
                "INVALID_FIELD", f"No such column '{name_}' on entity '{sobject.name}'"
            )
    with env.org.state.tx() as conn:
        found = records.load_many(conn, (to18(i) or "" for i in ids))
    out: list[Any] = []
    for record_id in ids:
        stored = found.get(to18(record_id) or "")
        if stored is None or stored.deleted or stored.sobject != sobject.name:
            out.append(None)
        else:
            out.append(shapes.full_record(env.org, stored, call.version, fields))
    return Reply(200, out)


def delete(env: Env, call: Call, name: str | None = None) -> Reply:
    ids = [i for i in call.request.args.get("ids", "").split(",") if i]
    if not ids:
        raise bad_request("MISSING_ARGUMENT", "ids is required")
    if len(ids) > LIMIT:
        raise _too_many()
    all_or_none = call.request.args.get("allOrNone", "false").lower() == "true"

    def job_for(record_id: str) -> Job:
        def job(w: Write) -> tuple[Stored, bool]:
            return rules.delete(w, None, record_id), False

        return job

    return _run(env, call, [job_for(i) for i in ids], all_or_none, upsert=False)
