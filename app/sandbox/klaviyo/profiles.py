"""Profiles: ``/api/profiles``, one profile, and the upsert ``/api/profile-import``.

``POST /api/profiles`` answers 201, or 409 ``duplicate_profile`` naming the existing profile
when an identifier is taken [R]; ``PATCH`` answers 409 too when the new email or phone belongs
to another profile [R api-node#74]; ``POST /api/profile-import`` creates (201) or updates (200)
and gives 409 only when the identifiers sent belong to different profiles [R api-node#75].
``GET /api/profiles`` pages by id (ULIDs, so creation order) [R], 20 a page, at most 100.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import profile_store
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import duplicate_profile, invalid, not_found
from app.sandbox.klaviyo.filters import Field, to_sql
from app.sandbox.klaviyo.jsonapi import attributes, collection, keyset_page, require_type, single

MAX_BYTES = 100 * 1024
_TIME_OPS = frozenset({"greater-than", "less-than"})
_SUPPRESSION_OPS = frozenset({"greater-or-equal", "greater-than", "less-or-equal", "less-than"})
FILTERS = {
    "id": Field("p.id", frozenset({"any", "equals"})),
    "email": Field("p.email_key", frozenset({"any", "equals"}), "text_ci"),
    "phone_number": Field("p.phone", frozenset({"any", "equals"})),
    "external_id": Field("p.external_id", frozenset({"any", "equals"})),
    "created": Field("p.created", _TIME_OPS, "time"),
    "updated": Field("p.updated", _TIME_OPS, "time"),
    "subscriptions.email.marketing.suppression.reason": Field(
        "(SELECT MIN(s.reason) FROM suppressions s WHERE s.profile_id = p.id)",
        frozenset({"equals"}),
    ),
    "subscriptions.email.marketing.suppression.timestamp": Field(
        "(SELECT MIN(s.at) FROM suppressions s WHERE s.profile_id = p.id)", _SUPPRESSION_OPS, "time"
    ),
}
SORTS = {
    "id": "p.id",
    "created": "p.created",
    "updated": "p.updated",
    "email": "COALESCE(p.email_key, '')",
    "subscriptions.email.marketing.suppression.timestamp": (
        "COALESCE((SELECT MIN(s.at) FROM suppressions s WHERE s.profile_id = p.id), '')"
    ),
}


def _wants_subscriptions(call: Call) -> bool:
    extra = call.list_arg("additional-fields[profile]")
    for name in extra:
        if name not in ("subscriptions", "predictive_analytics"):
            raise invalid(
                f"'{name}' is not a valid value for 'additional-fields[profile]'.",
                None,
                "additional-fields[profile]",
            )
    return "subscriptions" in extra


def get_profiles(env: Env, call: Call) -> Reply:
    sort = call.arg("sort") or "id"
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise invalid(f"'{sort}' is not a valid sort for this endpoint.", None, "sort")
    where, params = to_sql(call.arg("filter"), FILTERS)
    size = call.page_size(20, 100)
    subscriptions = _wants_subscriptions(call)
    order = ("p.id",) if column == "p.id" else (column, "p.id")
    keys = ", ".join(f"{c} AS k{i}" for i, c in enumerate(order))
    with env.state.tx() as conn:
        rows, nxt, prev = keyset_page(
            conn,
            call,
            f"SELECT p.*, {keys} FROM profiles p WHERE 1 = 1{where}",
            params,
            order,
            descending=sort.startswith("-"),
            size=size,
        )
        data = [profile_store.resource(call, conn, r, subscriptions=subscriptions) for r in rows]
    return Reply(200, collection(call, data, nxt, prev))


def get_profile(env: Env, call: Call) -> Reply:
    subscriptions = _wants_subscriptions(call)
    with env.state.tx() as conn:
        row = profile_store.row_by_id(conn, call.params["id"])
        if row is None:
            raise not_found(f"A profile with id {call.params['id']} does not exist.")
        data = profile_store.resource(call, conn, row, subscriptions=subscriptions)
    return Reply(200, single(call, data))


def _profile_attrs(call: Call, *, need_identifier: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    if len(call.request.get_data()) > MAX_BYTES:
        raise invalid("The maximum allowed payload size is 100KB.")
    data = require_type(call.document()["data"], "profile")
    attrs = dict(attributes(data))
    attrs.pop("_kx", None)
    if "subscriptions" in attrs:
        raise invalid(
            "'subscriptions' is not a valid field for the resource 'profile'.",
            "/data/attributes/subscriptions",
        )
    profile_store.check(attrs, "/data/attributes", need_identifier=need_identifier)
    return data, attrs


def create_profile(env: Env, call: Call) -> Reply:
    _, attrs = _profile_attrs(call, need_identifier=True)
    subscriptions = _wants_subscriptions(call)
    with env.state.tx() as conn:
        taken = profile_store.matches(conn, attrs)
        if taken:
            raise duplicate_profile(next(iter(taken.values())))
        profile_id = profile_store.create(conn, env, call.now, attrs)
        row = profile_store.row_by_id(conn, profile_id)
        assert row is not None
        data = profile_store.resource(call, conn, row, subscriptions=subscriptions, written=True)
    return Reply(201, single(call, data))


def update_profile(env: Env, call: Call) -> Reply:
    data, attrs = _profile_attrs(call, need_identifier=False)
    if data.get("id") != call.params["id"]:
        raise invalid("The id in the payload must match the id in the URL.", "/data/id")
    subscriptions = _wants_subscriptions(call)
    with env.state.tx() as conn:
        if profile_store.row_by_id(conn, call.params["id"]) is None:
            raise not_found(f"A profile with id {call.params['id']} does not exist.")
        for owner in profile_store.matches(conn, attrs).values():
            if owner != call.params["id"]:
                raise duplicate_profile(owner)
        profile_store.apply(conn, call.params["id"], attrs, call.now)
        row = profile_store.row_by_id(conn, call.params["id"])
        assert row is not None
        body = profile_store.resource(call, conn, row, subscriptions=subscriptions, written=True)
    return Reply(200, single(call, body))


def import_profile(env: Env, call: Call) -> Reply:
    raw = call.document()["data"]
    data, attrs = _profile_attrs(
        call, need_identifier=not (isinstance(raw, dict) and raw.get("id"))
    )
    subscriptions = _wants_subscriptions(call)
    with env.state.tx() as conn:
        profile_id, created = profile_store.upsert(conn, env, call.now, attrs, data.get("id"))
        row = profile_store.row_by_id(conn, profile_id)
        assert row is not None
        body = profile_store.resource(call, conn, row, subscriptions=subscriptions, written=True)
    return Reply(201 if created else 200, single(call, body))
