"""Metrics: found or made by name and integration, and ``GET /api/metrics``.

A metric first seen through ``POST /api/events`` belongs to the integration
``{key:"api", name:"API", category:"API"}`` (or to its ``service`` when one is sent);
Klaviyo's own belong to ``{key:"klaviyo", category:"Internal"}`` [R nango]. So an API event
named "Opened Email" lands on a metric of its own, not on Klaviyo's "Opened Email". All
metrics come back in one page, ``next: null`` [R nango], in id byte order.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import not_found
from app.sandbox.klaviyo.filters import Field, to_sql
from app.sandbox.klaviyo.ids import read, stamp
from app.sandbox.klaviyo.jsonapi import collection, relationship_links, self_link, single

PATH = "/api/metrics"
KLAVIYO = ("klaviyo", "Klaviyo", "Internal")
API = ("api", "API", "API")
# A new account's metrics: 19 of Klaviyo's own within minutes of creation, plus "Active on
# Site" [R nango: 20 metrics; Received, Opened, Clicked and Bounced Email among them]. The
# other names are the usual built-in ones [I]. "Subscribed to List" and the consent metrics
# appear on first use [R].
NEW_ACCOUNT = (
    "Received Email",
    "Opened Email",
    "Clicked Email",
    "Bounced Email",
    "Dropped Email",
    "Marked Email as Spam",
    "Unsubscribed",
    "Updated Email Preferences",
    "Received SMS",
    "Clicked SMS",
    "Sent SMS",
    "Failed to Deliver SMS",
    "Received Push",
    "Opened Push",
    "Bounced Push",
    "Received Automated Response SMS",
    "Viewed Form",
    "Submitted Form",
    "Manually Suppressed from Email Marketing",
)
FILTERS = {
    "integration.name": Field("integration_name", frozenset({"equals"})),
    "integration.category": Field("category", frozenset({"equals"})),
}


def metric_id(
    conn: sqlite3.Connection,
    env: Env,
    now: datetime,
    name: str,
    integration: tuple[str, str, str] = API,
) -> str:
    """The metric called ``name`` in ``integration``, made on first use."""
    key, label, category = integration
    row = conn.execute(
        "SELECT id FROM metrics WHERE name = ? AND integration_key = ?", (name, key)
    ).fetchone()
    if row is not None:
        return str(row[0])
    new_id = env.ids.short(6)
    moment = stamp(now)
    conn.execute(
        "INSERT INTO metrics (id, name, integration_key, integration_name, category, created,"
        " updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_id, name, key, label, category, moment, moment),
    )
    return new_id


def integration_for(service: str | None) -> tuple[str, str, str]:
    if not service or service == "api":
        return API
    return (service, service, "API")


def resource(call: Call, row: sqlite3.Row) -> dict[str, Any]:
    mid = row["id"]
    return {
        "type": "metric",
        "id": mid,
        "attributes": {
            "name": row["name"],
            "created": read(row["created"]),
            "updated": read(row["updated"]),
            "integration": {
                "object": "integration",
                "id": row["integration_key"],
                "key": row["integration_key"],
                "name": row["integration_name"],
                "category": row["category"],
            },
        },
        "relationships": {
            "flow-triggers": {"links": relationship_links(call, PATH, mid, "flow-triggers")}
        },
        "links": self_link(call, PATH, mid),
    }


def get_metrics(env: Env, call: Call) -> Reply:
    where, params = to_sql(call.arg("filter"), FILTERS)
    with env.state.tx() as conn:
        rows = conn.execute(
            f"SELECT * FROM metrics WHERE 1 = 1{where} ORDER BY id COLLATE BINARY", params
        ).fetchall()
    return Reply(200, collection(call, [resource(call, r) for r in rows], None, None))


def get_metric(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = conn.execute("SELECT * FROM metrics WHERE id = ?", (call.params["id"],)).fetchone()
    if row is None:
        raise not_found(f"A metric with id {call.params['id']} does not exist.")
    return Reply(200, single(call, resource(call, row)))
