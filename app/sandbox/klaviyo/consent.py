"""Email consent and suppressions: what subscribing, unsubscribing and suppressing do.

- Subscribing removes ``UNSUBSCRIBE``, ``SPAM_COMPLAINT`` and ``USER_SUPPRESSED`` suppressions
  (the spec, whose text says ``SPAM_REPORT``); ``HARD_BOUNCE`` and ``INVALID_EMAIL`` stay, so
  such a profile is ``SUBSCRIBED`` yet cannot receive email marketing. No live recording shows
  what subscribing a suppressed profile does; the live notes say to follow the spec, and
  ``Settings.subscribe_clears_suppressions`` can turn it off.
- It writes ``$consent``, ``$consent_timestamp`` and ``$source`` into ``properties`` [R] and
  emits "Subscribed to List" and "Subscribed to Email Marketing" [R].
- Unsubscribing is global even for a member of the list named [R nango], removes the profile
  from that list [S], adds an ``UNSUBSCRIBE`` suppression, and emits "Unsubscribed from List"
  and "Unsubscribed from Email Marketing"; a repeat emits nothing [R].
- A double opt-in list without ``historical_import`` sends a confirmation email and subscribes
  no one yet; a subscription without ``historical_import`` starts the list's "Added to list"
  flows. Both are recorded in ``flow_triggers`` for tests.
- Every change is written to ``consent_log``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.klaviyo import metrics, profile_store
from app.sandbox.klaviyo.calls import Env
from app.sandbox.klaviyo.ids import read, stamp

SUBSCRIBED, UNSUBSCRIBED, NEVER = "SUBSCRIBED", "UNSUBSCRIBED", "NEVER_SUBSCRIBED"
REASONS = ("HARD_BOUNCE", "INVALID_EMAIL", "SPAM_COMPLAINT", "UNSUBSCRIBE", "USER_SUPPRESSED")
CLEARED_BY_SUBSCRIBE = ("UNSUBSCRIBE", "SPAM_COMPLAINT", "USER_SUPPRESSED")
METHOD = "API_V3_SUBSCRIBE"


def suppressions(conn: sqlite3.Connection, profile_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT reason, at FROM suppressions WHERE profile_id = ? ORDER BY at, reason",
        (profile_id,),
    ).fetchall()


def subscriptions_of(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """``attributes.subscriptions`` (``additional-fields[profile]=subscriptions``)."""
    found = suppressions(conn, row["id"])
    email: dict[str, Any] = {
        "can_receive_email_marketing": bool(row["email"]) and not found,
        "consent": row["email_consent"],
        "consent_timestamp": read(row["email_consent_at"]),
        "last_updated": read(row["email_last_updated"]),
        "method": row["email_method"],
        "method_detail": row["email_method_detail"] or "",
        "custom_method_detail": None,
        "double_optin": None
        if row["email_double_optin"] is None
        else bool(row["email_double_optin"]),
        "suppression": [{"reason": s["reason"], "timestamp": read(s["at"])} for s in found],
        "list_suppressions": [],
    }
    sms = {
        "can_receive_sms_marketing": bool(row["phone"]) and row["sms_consent"] == SUBSCRIBED,
        "consent": row["sms_consent"],
        "consent_timestamp": read(row["sms_consent_at"]),
        "method": None,
        "method_detail": "",
        "last_updated": read(row["sms_last_updated"]),
    }
    return {"email": {"marketing": email}, "sms": {"marketing": sms}}


def log(
    conn: sqlite3.Connection,
    now: datetime,
    profile_id: str,
    change: str,
    source: str,
    channel: str = "email",
) -> None:
    conn.execute(
        "INSERT INTO consent_log (at, profile_id, channel, change, source) VALUES (?, ?, ?, ?, ?)",
        (stamp(now), profile_id, channel, change, source),
    )


def trigger(
    conn: sqlite3.Connection, now: datetime, kind: str, profile_id: str, detail: str
) -> None:
    conn.execute(
        "INSERT INTO flow_triggers (at, kind, profile_id, detail) VALUES (?, ?, ?, ?)",
        (stamp(now), kind, profile_id, detail),
    )


def internal_event(
    conn: sqlite3.Connection,
    env: Env,
    now: datetime,
    profile_id: str,
    name: str,
    props: dict[str, Any],
) -> None:
    """An event Klaviyo records itself (its own metric; it triggers nothing here)."""
    metric_id = metrics.metric_id(conn, env, now, name, metrics.KLAVIYO)
    ts = int(now.timestamp())
    unique = str(props.get("$event_id") or f"{name}:{profile_id}:{ts}")
    conn.execute(
        "INSERT OR IGNORE INTO events (id, profile_id, metric_id, ts, uuid, properties, unique_id,"
        " backfill, triggered_flow, received) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
        (
            env.ids.short(11),
            profile_id,
            metric_id,
            ts,
            env.ids.event_uuid(now),
            json.dumps({**props, "$event_id": unique}, separators=(",", ":")),
            unique,
            stamp(now),
        ),
    )


def is_member(conn: sqlite3.Connection, list_id: str, profile_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM memberships WHERE list_id = ? AND profile_id = ?", (list_id, profile_id)
        ).fetchone()
        is not None
    )


def add_member(conn: sqlite3.Connection, now: datetime, list_id: str, profile_id: str) -> bool:
    before = conn.total_changes
    conn.execute(
        "INSERT OR IGNORE INTO memberships (list_id, profile_id, joined) VALUES (?, ?, ?)",
        (list_id, profile_id, stamp(now)),
    )
    return conn.total_changes > before


def subscribe_email(
    conn: sqlite3.Connection,
    env: Env,
    now: datetime,
    profile_id: str,
    *,
    list_row: sqlite3.Row | None,
    historical: bool,
    consented_at: datetime | None,
    source: str,
) -> None:
    row = profile_store.row_by_id(conn, profile_id)
    assert row is not None
    if list_row is not None and list_row["opt_in"] == "double_opt_in" and not historical:
        trigger(conn, now, "double_opt_in_confirmation", profile_id, list_row["id"])
        return
    if env.settings.subscribe_clears_suppressions:
        cleared = conn.execute(
            "DELETE FROM suppressions WHERE profile_id = ?"
            f" AND reason IN ({', '.join('?' * len(CLEARED_BY_SUBSCRIBE))})",
            (profile_id, *CLEARED_BY_SUBSCRIBE),
        ).rowcount
        if cleared:
            log(conn, now, profile_id, "UNSUPPRESSED", source)
    moment = stamp(consented_at or now)
    changed = row["email_consent"] != SUBSCRIBED
    if changed:
        conn.execute(
            "UPDATE profiles SET email_consent = ?, email_consent_at = ?, email_method = ?,"
            " email_method_detail = ?, email_double_optin = ?, email_last_updated = ?,"
            " updated = ? WHERE id = ?",
            (SUBSCRIBED, moment, "API", METHOD, 0, stamp(now), stamp(now), profile_id),
        )
        profile_store.set_properties(
            conn, profile_id, {"$consent": ["email"], "$consent_timestamp": moment, "$source": -9}
        )
        log(conn, now, profile_id, SUBSCRIBED, source)
    if list_row is not None and add_member(conn, now, list_row["id"], profile_id):
        ts = int(now.timestamp())
        internal_event(
            conn,
            env,
            now,
            profile_id,
            "Subscribed to List",
            {
                "list_id": list_row["id"],
                "List": list_row["name"],
                "$event_id": f"{list_row['id']}{ts}",
            },
        )
        if not historical:
            trigger(conn, now, "added_to_list", profile_id, list_row["id"])
    if changed:
        internal_event(
            conn,
            env,
            now,
            profile_id,
            "Subscribed to Email Marketing",
            {
                "double_optin": False,
                "email_address": row["email"],
                "list_id": list_row["id"] if list_row is not None else None,
                "list_name": list_row["name"] if list_row is not None else None,
                "method": METHOD,
                "method_detail": "",
                "custom_method_detail": None,
            },
        )


def subscribe_sms(
    conn: sqlite3.Connection,
    now: datetime,
    profile_id: str,
    consented_at: datetime | None,
    source: str,
) -> None:
    row = profile_store.row_by_id(conn, profile_id)
    assert row is not None
    if row["sms_consent"] != SUBSCRIBED:
        conn.execute(
            "UPDATE profiles SET sms_consent = ?, sms_consent_at = ?, sms_last_updated = ?"
            " WHERE id = ?",
            (SUBSCRIBED, stamp(consented_at or now), stamp(now), profile_id),
        )
        log(conn, now, profile_id, SUBSCRIBED, source, "sms")


def unsubscribe_email(
    conn: sqlite3.Connection,
    env: Env,
    now: datetime,
    profile_id: str,
    *,
    list_row: sqlite3.Row | None,
    source: str,
) -> None:
    row = profile_store.row_by_id(conn, profile_id)
    assert row is not None
    removed = False
    if list_row is not None:
        removed = (
            conn.execute(
                "DELETE FROM memberships WHERE list_id = ? AND profile_id = ?",
                (list_row["id"], profile_id),
            ).rowcount
            > 0
        )
    changed = row["email_consent"] != UNSUBSCRIBED
    if changed:
        conn.execute(
            "UPDATE profiles SET email_consent = ?, email_consent_at = ?, email_method = ?,"
            " email_method_detail = ?, email_last_updated = ?, updated = ? WHERE id = ?",
            (UNSUBSCRIBED, stamp(now), "API", METHOD, stamp(now), stamp(now), profile_id),
        )
        log(conn, now, profile_id, UNSUBSCRIBED, source)
    add_suppression(conn, now, profile_id, "UNSUBSCRIBE", source)
    names = [list_row["name"]] if list_row is not None else []
    ids = [list_row["id"]] if list_row is not None else []
    if removed:
        internal_event(
            conn,
            env,
            now,
            profile_id,
            "Unsubscribed from List",
            {"list_ids": ids, "list_names": names, "method": METHOD},
        )
    if changed:
        internal_event(
            conn,
            env,
            now,
            profile_id,
            "Unsubscribed from Email Marketing",
            {"list_ids": ids, "list_names": names, "method": METHOD, "email_address": row["email"]},
        )


def add_suppression(
    conn: sqlite3.Connection, now: datetime, profile_id: str, reason: str, source: str
) -> bool:
    before = conn.total_changes
    conn.execute(
        "INSERT OR IGNORE INTO suppressions (profile_id, reason, at) VALUES (?, ?, ?)",
        (profile_id, reason, stamp(now)),
    )
    added = conn.total_changes > before
    if added:
        log(conn, now, profile_id, f"SUPPRESSED:{reason}", source)
    return added


def suppress(
    conn: sqlite3.Connection, env: Env, now: datetime, profile_id: str, reason: str, source: str
) -> bool:
    """Suppress a profile (``USER_SUPPRESSED`` through the API); False when it already was."""
    added = add_suppression(conn, now, profile_id, reason, source)
    if added:
        conn.execute("UPDATE profiles SET updated = ? WHERE id = ?", (stamp(now), profile_id))
        internal_event(
            conn,
            env,
            now,
            profile_id,
            "Manually Suppressed from Email Marketing",
            {"suppression_method": "API" if reason == "USER_SUPPRESSED" else reason},
        )
    return added
