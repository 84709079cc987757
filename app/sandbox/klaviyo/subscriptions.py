"""Subscription jobs: ``profile-subscription-bulk-create-jobs`` (consent) and
``profile-subscription-bulk-delete-jobs`` (unsubscribe). Both answer 202 with no body [R] and
take effect at once (there is no job to poll).

Subscribe: at most 1,000 profiles; with ``historical_import`` every subscribed channel needs a
``consented_at`` in the past (a date alone is accepted [P api-node#88]). Unsubscribe: at most
100 profiles. Either makes the profiles it does not find [S]. What each does to consent and
suppressions is in ``consent``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import consent, profile_store
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import invalid
from app.sandbox.klaviyo.ids import parse_time
from app.sandbox.klaviyo.jsonapi import attributes, require_type
from app.sandbox.klaviyo.lists import require_list

MAX_SUBSCRIBE = 1000
MAX_UNSUBSCRIBE = 100
SUBSCRIBE_TYPE = "profile-subscription-bulk-create-job"
UNSUBSCRIBE_TYPE = "profile-subscription-bulk-delete-job"


def _profiles(data: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    items = (attributes(data).get("profiles") or {}).get("data")
    pointer = "/data/attributes/profiles/data"
    if not isinstance(items, list) or not items:
        raise invalid("'profiles' must hold at least one profile.", pointer)
    if len(items) > limit:
        raise invalid(f"A maximum of {limit} profiles may be sent per call.", pointer)
    found = []
    for i, item in enumerate(items):
        item = require_type(item, "profile", f"{pointer}/{i}")
        attrs = attributes(item, f"{pointer}/{i}")
        if not attrs.get("email") and not attrs.get("phone_number"):
            raise invalid("Either email or phone_number is required.", f"{pointer}/{i}/attributes")
        if not isinstance(attrs.get("subscriptions"), dict):
            raise invalid("'subscriptions' is required.", f"{pointer}/{i}/attributes/subscriptions")
        found.append(item)
    return found


def _list(conn: sqlite3.Connection, data: dict[str, Any]) -> sqlite3.Row | None:
    rel = ((data.get("relationships") or {}).get("list") or {}).get("data")
    if not rel:
        return None
    rel = require_type(rel, "list", "/data/relationships/list/data")
    return require_list(conn, str(rel.get("id")))


def _identity(item: dict[str, Any], pointer: str) -> dict[str, Any]:
    attrs = item["attributes"]
    ids = {k: attrs[k] for k in ("email", "phone_number") if attrs.get(k)}
    profile_store.check(ids, f"{pointer}/attributes", need_identifier=True)
    return ids


def _find_or_make(
    conn: sqlite3.Connection, env: Env, now: datetime, item: dict[str, Any], ids: dict[str, Any]
) -> str:
    profile_id, _ = profile_store.upsert(conn, env, now, ids, item.get("id"))
    return profile_id


def subscribe(env: Env, call: Call) -> Reply:
    data = require_type(call.document()["data"], SUBSCRIBE_TYPE)
    attrs = attributes(data)
    historical = bool(attrs.get("historical_import"))
    items = _profiles(data, MAX_SUBSCRIBE)
    plans = []
    for i, item in enumerate(items):
        pointer = f"/data/attributes/profiles/data/{i}"
        subs = item["attributes"]["subscriptions"]
        email = (subs.get("email") or {}).get("marketing")
        sms = (subs.get("sms") or {}).get("marketing")
        if email is None and sms is None:
            raise invalid(
                "At least one channel must be subscribed.", f"{pointer}/attributes/subscriptions"
            )
        if sms is not None and not item["attributes"].get("phone_number"):
            raise invalid(
                "'phone_number' must not be empty when the sms channel is included in"
                " 'subscriptions'.",
                f"{pointer}/attributes/phone_number",
            )
        if email is not None and not item["attributes"].get("email"):
            raise invalid(
                "'email' must not be empty when the email channel is included in 'subscriptions'.",
                f"{pointer}/attributes/email",
            )
        times = {}
        for channel, holder in (("email", email), ("sms", sms)):
            if holder is None:
                continue
            if holder.get("consent") != "SUBSCRIBED":
                raise invalid(
                    "'consent' must be SUBSCRIBED.",
                    f"{pointer}/attributes/subscriptions/{channel}/marketing/consent",
                )
            times[channel] = _consented_at(
                holder,
                historical,
                call.now,
                f"{pointer}/attributes/subscriptions/{channel}/marketing/consented_at",
            )
        plans.append((item, _identity(item, pointer), email is not None, sms is not None, times))
    with env.state.tx() as conn:
        list_row = _list(conn, data)
        for item, ids, wants_email, wants_sms, times in plans:
            profile_id = _find_or_make(conn, env, call.now, item, ids)
            if wants_email:
                consent.subscribe_email(
                    conn,
                    env,
                    call.now,
                    profile_id,
                    list_row=list_row,
                    historical=historical,
                    consented_at=times.get("email"),
                    source=SUBSCRIBE_TYPE,
                )
            if wants_sms:
                consent.subscribe_sms(conn, call.now, profile_id, times.get("sms"), SUBSCRIBE_TYPE)
    return Reply(202)


def _consented_at(
    holder: dict[str, Any], historical: bool, now: datetime, pointer: str
) -> datetime | None:
    raw = holder.get("consented_at")
    if raw is None:
        if historical:
            raise invalid("'consented_at' is required when 'historical_import' is true.", pointer)
        return None
    moment = parse_time(raw) if isinstance(raw, str) else None
    if moment is None:
        raise invalid(f"'{raw}' is not a valid date-time.", pointer)
    if historical and moment >= now:
        raise invalid(
            "'consented_at' must be in the past when 'historical_import' is true.", pointer
        )
    return moment if historical else None


def unsubscribe(env: Env, call: Call) -> Reply:
    data = require_type(call.document()["data"], UNSUBSCRIBE_TYPE)
    items = _profiles(data, MAX_UNSUBSCRIBE)
    plans = []
    for i, item in enumerate(items):
        pointer = f"/data/attributes/profiles/data/{i}"
        subs = item["attributes"]["subscriptions"]
        email = (subs.get("email") or {}).get("marketing")
        if email is None:
            raise invalid(
                "At least one channel must be unsubscribed.", f"{pointer}/attributes/subscriptions"
            )
        if email.get("consent") != "UNSUBSCRIBED":
            raise invalid(
                "'consent' must be UNSUBSCRIBED.",
                f"{pointer}/attributes/subscriptions/email/marketing/consent",
            )
        if not item["attributes"].get("email"):
            raise invalid(
                "'email' must not be empty when the email channel is included in 'subscriptions'.",
                f"{pointer}/attributes/email",
            )
        plans.append((item, _identity(item, pointer)))
    with env.state.tx() as conn:
        list_row = _list(conn, data)
        for item, ids in plans:
            profile_id = _find_or_make(conn, env, call.now, item, ids)
            consent.unsubscribe_email(
                conn, env, call.now, profile_id, list_row=list_row, source=UNSUBSCRIBE_TYPE
            )
    return Reply(202)
