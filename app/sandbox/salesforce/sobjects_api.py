"""Single records: ``/sobjects/{S}`` (create, basic information), ``/sobjects/{S}/{id}`` and
upserts by external id ``/sobjects/{S}/{field}/{value}``."""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce import describe, rules, shapes, upserts
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.calls import Call, Env, sobject_or_404
from app.sandbox.salesforce.errors import RecordError, SfError, not_found
from app.sandbox.salesforce.ids import to18
from app.sandbox.salesforce.rules import Write
from app.sandbox.salesforce.values import json_values
from app.sandbox.wire import Reply


def _write(env: Env, call: Call, conn: Any) -> Write:
    return Write(conn, env.org, call.user_id, env.org.now_ms(), call.allow_duplicates)


def _deleted() -> SfError:
    return SfError(404, "ENTITY_IS_DELETED", "entity is deleted", [])


def basic_info(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    return Reply(
        200, {"objectDescribe": describe.global_entry(sobject, call.version), "recentItems": []}
    )


def create(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    values = json_values(sobject, call.json())
    with env.org.state.tx() as conn:
        try:
            stored = rules.create(_write(env, call, conn), sobject, values)
        except RecordError as exc:
            raise exc.as_request_error() from None
    location = f"{call.base}/sobjects/{sobject.name}/{stored.id}"
    return Reply(
        201, {"id": stored.id, "success": True, "errors": []}, headers=[("Location", location)]
    )


def _load(env: Env, name: str, record_id: str) -> Any:
    sobject = sobject_or_404(env.org, name)
    full = to18(record_id)
    with env.org.state.tx() as conn:
        stored = records.load(conn, full) if full else None
    if stored is None or stored.sobject != sobject.name:
        raise not_found()
    if stored.deleted:
        raise _deleted()
    return sobject, stored


def get_record(env: Env, call: Call, name: str, record_id: str) -> Reply:
    _, stored = _load(env, name, record_id)
    wanted = call.request.args.get("fields")
    names = [f.strip() for f in wanted.split(",") if f.strip()] if wanted else None
    return Reply(200, shapes.full_record(env.org, stored, call.version, names))


def update_record(env: Env, call: Call, name: str, record_id: str) -> Reply:
    sobject, stored = _load(env, name, record_id)
    values = json_values(sobject, call.json())
    with env.org.state.tx() as conn:
        try:
            rules.update(_write(env, call, conn), sobject, stored.id, values)
        except RecordError as exc:
            raise exc.as_request_error() from None
    return Reply(204)


def delete_record(env: Env, call: Call, name: str, record_id: str) -> Reply:
    sobject, stored = _load(env, name, record_id)
    with env.org.state.tx() as conn:
        try:
            rules.delete(_write(env, call, conn), sobject, stored.id)
        except RecordError as exc:
            raise exc.as_request_error() from None
    return Reply(204)


def by_external_id(env: Env, call: Call, name: str, field: str, value: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    spec = upserts.key_field(sobject, field)
    method = call.request.method
    with env.org.state.tx() as conn:
        found = upserts.matches(conn, sobject, spec, value)
        if len(found) > 1:
            urls = [f"{call.base}/sobjects/{sobject.name}/{r.id}" for r in found]
            return Reply(300, urls)
        if method == "GET":
            if not found:
                raise not_found()
            return Reply(200, shapes.full_record(env.org, found[0], call.version))
        w = _write(env, call, conn)
        if method == "DELETE":
            if not found:
                raise not_found()
            rules.delete(w, sobject, found[0].id)
            return Reply(204)
        values = json_values(sobject, call.json())
        try:
            if found:
                stored = rules.update(w, sobject, found[0].id, values)
                return Reply(
                    200, {"id": stored.id, "success": True, "errors": [], "created": False}
                )
            if call.request.args.get("updateOnly", "").lower() == "true":
                raise not_found()
            values.setdefault(spec.name, value)
            stored = rules.create(w, sobject, values)
        except RecordError as exc:
            raise exc.as_request_error() from None
    location = f"{call.base}/sobjects/{sobject.name}/{stored.id}"
    return Reply(
        201,
        {"id": stored.id, "success": True, "errors": [], "created": True},
        headers=[("Location", location)],
    )
