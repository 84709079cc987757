"""Events: ``POST /api/events``, ``POST /api/event-bulk-create-jobs``, ``GET /api/events``.

- Dedupe on (profile, metric, ``unique_id``): a repeat is accepted (202) and dropped, even
  with another time [R+I]. Without ``unique_id`` the time to the second is the key, so one
  event per profile, metric and second is kept [S; P]. ``unique_id`` reads back as
  ``event_properties.$event_id`` [R].
- ``time`` is truncated to the second, after 1990 and at most a year ahead [S].
- ``backfill: true`` (revision 2026-07-15 on) records the event without triggering flows;
  each event keeps a ``triggered_flow`` flag tests can read. An older revision refuses the
  field, as JSON:API does any unknown field [I].
- Both creates answer 202 with no body [R]; events are stored at once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.klaviyo import metrics, profile_store
from app.sandbox.klaviyo.calls import Call, Env
from app.sandbox.klaviyo.errors import invalid, not_found, payload_too_large
from app.sandbox.klaviyo.filters import Field, to_sql
from app.sandbox.klaviyo.ids import parse_time, stamp
from app.sandbox.klaviyo.jsonapi import (
    attributes,
    collection,
    keyset_page,
    relationship_links,
    require_type,
    self_link,
    single,
)

PATH = "/api/events"
BACKFILL_SINCE = "2026-07-15"
MAX_PROPERTIES = 400
MAX_STRING = 100 * 1024
MAX_BULK_EVENTS = 1000
MAX_BULK_BYTES = 5 * 1024 * 1024
MAX_METRIC_NAME = 128
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
EVENT_FIELDS = {
    "properties",
    "time",
    "value",
    "value_currency",
    "unique_id",
    "backfill",
    "metric",
    "profile",
}
FILTERS = {
    "metric_id": Field("e.metric_id", frozenset({"equals"})),
    "profile_id": Field("e.profile_id", frozenset({"equals"})),
    "datetime": Field(
        "e.ts",
        frozenset({"greater-or-equal", "greater-than", "less-or-equal", "less-than"}),
        "epoch",
    ),
    "timestamp": Field(
        "e.ts",
        frozenset({"greater-or-equal", "greater-than", "less-or-equal", "less-than"}),
        "epoch",
    ),
}


class Recorder:
    """Stores events for one request: metrics looked up once, rows inserted together."""

    def __init__(self, conn: sqlite3.Connection, env: Env, call: Call) -> None:
        self.conn, self.env, self.call = conn, env, call
        self._metrics: dict[tuple[str, str], str] = {}
        self._rows: list[tuple[Any, ...]] = []
        self._latest: dict[str, int] = {}

    def metric(self, data: Any, pointer: str) -> str:
        data = require_type(data, "metric", pointer)
        attrs = attributes(data, pointer)
        name = attrs.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("A metric name is required.", f"{pointer}/attributes/name")
        if len(name) >= MAX_METRIC_NAME:
            raise invalid(
                f"The metric name must be under {MAX_METRIC_NAME} characters.",
                f"{pointer}/attributes/name",
            )
        integration = metrics.integration_for(attrs.get("service"))
        key = (name, integration[0])
        if key not in self._metrics:
            self._metrics[key] = metrics.metric_id(
                self.conn, self.env, self.call.now, name, integration
            )
        return self._metrics[key]

    def profile(self, data: Any, pointer: str) -> str:
        data = require_type(data, "profile", pointer)
        attrs = {k: v for k, v in (data.get("attributes") or {}).items() if k != "meta"}
        profile_id = data.get("id")
        profile_store.check(attrs, f"{pointer}/attributes", need_identifier=not profile_id)
        found, _ = profile_store.upsert(self.conn, self.env, self.call.now, attrs, profile_id)
        return found

    def add(self, attrs: Mapping[str, Any], profile_id: str, metric_id: str, pointer: str) -> None:
        unknown = set(attrs) - EVENT_FIELDS
        if unknown:
            name = sorted(unknown)[0]
            raise invalid(
                f"'{name}' is not a valid field for the resource 'event'.", f"{pointer}/{name}"
            )
        backfill = attrs.get("backfill")
        if backfill is not None and not self.call.revision_at_least(BACKFILL_SINCE):
            raise invalid(
                "'backfill' is not a valid field for the resource 'event'.", f"{pointer}/backfill"
            )
        props = attrs.get("properties")
        if not isinstance(props, dict):
            raise invalid(
                "'properties' is required and must be an object.", f"{pointer}/properties"
            )
        if len(props) > MAX_PROPERTIES:
            raise invalid(
                f"An event may have at most {MAX_PROPERTIES} properties.", f"{pointer}/properties"
            )
        for key, value in props.items():
            if isinstance(value, str) and len(value.encode()) > MAX_STRING:
                raise invalid("A single string cannot exceed 100KB.", f"{pointer}/properties/{key}")
        moment = self._time(attrs.get("time"), f"{pointer}/time")
        ts = int(moment.timestamp())
        unique = attrs.get("unique_id")
        if unique is not None and not isinstance(unique, str):
            raise invalid("'unique_id' must be a string.", f"{pointer}/unique_id")
        unique = unique or str(ts)
        shown = dict(props)
        if attrs.get("value") is not None:
            shown["$value"] = attrs["value"]
        if attrs.get("value_currency") is not None:
            shown["$value_currency"] = attrs["value_currency"]
        shown["$event_id"] = unique
        self._rows.append(
            (
                self.env.ids.short(11),
                profile_id,
                metric_id,
                ts,
                self.env.ids.event_uuid(moment),
                json.dumps(shown, separators=(",", ":")),
                unique,
                int(bool(backfill)),
                int(not backfill),
                stamp(self.call.now),
            )
        )
        self._latest[profile_id] = max(ts, self._latest.get(profile_id, ts))

    def _time(self, raw: Any, pointer: str) -> datetime:
        if raw is None:
            return self.call.now.replace(microsecond=0)
        moment = parse_time(raw) if isinstance(raw, str) else None
        if moment is None:
            raise invalid(f"'{raw}' is not a valid date-time.", pointer)
        if moment < EARLIEST or moment > self.call.now + timedelta(days=365):
            raise invalid(
                "The event time must be after 1990 and at most 1 year in the future.", pointer
            )
        return moment.replace(microsecond=0)

    def save(self) -> int:
        """Insert the events; those a dedupe key already holds are dropped. Returns how many
        were stored."""
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO events (id, profile_id, metric_id, ts, uuid, properties,"
            " unique_id, backfill, triggered_flow, received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._rows,
        )
        stored = self.conn.total_changes - before
        for profile_id, ts in self._latest.items():
            latest = stamp(datetime.fromtimestamp(ts, UTC))
            self.conn.execute(
                "UPDATE profiles SET last_event_date = ? WHERE id = ?"
                " AND (last_event_date IS NULL OR last_event_date < ?)",
                (latest, profile_id, latest),
            )
        return stored


def create_event(env: Env, call: Call) -> Reply:
    body = call.document()
    data = require_type(body["data"], "event")
    attrs = attributes(data)
    with env.state.tx() as conn:
        recorder = Recorder(conn, env, call)
        metric_id = recorder.metric(_data(attrs, "metric"), "/data/attributes/metric/data")
        profile_id = recorder.profile(_data(attrs, "profile"), "/data/attributes/profile/data")
        recorder.add(attrs, profile_id, metric_id, "/data/attributes")
        recorder.save()
    return Reply(202)


def bulk_create(env: Env, call: Call) -> Reply:
    if len(call.request.get_data()) > MAX_BULK_BYTES:
        raise payload_too_large("5MB")
    body = call.document()
    data = require_type(body["data"], "event-bulk-create-job")
    entries = (attributes(data).get("events-bulk-create") or {}).get("data")
    if not isinstance(entries, list) or not entries:
        raise invalid(
            "'events-bulk-create' must hold a list of profiles and their events.",
            "/data/attributes/events-bulk-create/data",
        )
    total = sum(
        len(((e.get("attributes") or {}).get("events") or {}).get("data") or [])
        for e in entries
        if isinstance(e, dict)
    )
    if total > MAX_BULK_EVENTS:
        raise invalid(
            f"A maximum of {MAX_BULK_EVENTS} events may be created per request; got {total}.",
            "/data/attributes/events-bulk-create/data",
        )
    with env.state.tx() as conn:
        recorder = Recorder(conn, env, call)
        for i, entry in enumerate(entries):
            pointer = f"/data/attributes/events-bulk-create/data/{i}"
            entry = require_type(entry, "event-bulk-create", pointer)
            entry_attrs = attributes(entry, pointer)
            profile_id = recorder.profile(
                _data(entry_attrs, "profile"), f"{pointer}/attributes/profile/data"
            )
            events = (entry_attrs.get("events") or {}).get("data")
            if not isinstance(events, list):
                raise invalid(
                    "'events' must hold a list of events.", f"{pointer}/attributes/events/data"
                )
            for j, event in enumerate(events):
                event_pointer = f"{pointer}/attributes/events/data/{j}"
                event = require_type(event, "event", event_pointer)
                event_attrs = attributes(event, event_pointer)
                metric_id = recorder.metric(
                    _data(event_attrs, "metric"), f"{event_pointer}/attributes/metric/data"
                )
                # The entry's backfill applies to its events unless an event says otherwise.
                if "backfill" in entry_attrs and "backfill" not in event_attrs:
                    event_attrs = {**event_attrs, "backfill": entry_attrs["backfill"]}
                recorder.add(event_attrs, profile_id, metric_id, f"{event_pointer}/attributes")
        recorder.save()
    return Reply(202)


def _data(attrs: Mapping[str, Any], name: str) -> Any:
    holder = attrs.get(name)
    if not isinstance(holder, dict) or "data" not in holder:
        raise invalid(f"'{name}' is required.", f"/data/attributes/{name}")
    return holder["data"]


def resource(call: Call, row: sqlite3.Row) -> dict[str, Any]:
    eid = row["id"]
    return {
        "type": "event",
        "id": eid,
        "attributes": {
            "timestamp": row["ts"],
            "event_properties": json.loads(row["properties"]),
            "datetime": datetime.fromtimestamp(row["ts"], UTC).isoformat(),
            "uuid": row["uuid"],
        },
        "relationships": {
            "profile": {
                "data": {"type": "profile", "id": row["profile_id"]},
                "links": relationship_links(call, PATH, eid, "profile"),
            },
            "metric": {
                "data": {"type": "metric", "id": row["metric_id"]},
                "links": relationship_links(call, PATH, eid, "metric"),
            },
        },
        "links": self_link(call, PATH, eid),
    }


def get_events(env: Env, call: Call) -> Reply:
    """Newest first by default; ``sort=datetime`` oldest first [R nango]."""
    sort = call.arg("sort") or "-datetime"
    if sort not in ("datetime", "-datetime", "timestamp", "-timestamp"):
        raise invalid(f"'{sort}' is not a valid sort for this endpoint.", None, "sort")
    where, params = to_sql(call.arg("filter"), FILTERS)
    size = call.page_size(200, 1000)
    include = call.list_arg("include")
    with env.state.tx() as conn:
        rows, nxt, prev = keyset_page(
            conn,
            call,
            f"SELECT e.*, e.ts AS k0, e.id AS k1 FROM events e WHERE 1 = 1{where}",
            params,
            ("e.ts", "e.id"),
            descending=sort.startswith("-"),
            size=size,
        )
        included = _included(conn, call, rows, include) if include else None
    return Reply(200, collection(call, [resource(call, r) for r in rows], nxt, prev, included))


def _included(
    conn: sqlite3.Connection, call: Call, rows: list[sqlite3.Row], include: list[str]
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if "metric" in include:
        for mid in sorted({r["metric_id"] for r in rows}):
            row = conn.execute("SELECT * FROM metrics WHERE id = ?", (mid,)).fetchone()
            found.append(metrics.resource(call, row))
    if "profile" in include:
        for pid in sorted({r["profile_id"] for r in rows}):
            row = profile_store.row_by_id(conn, pid)
            if row is not None:
                found.append(profile_store.resource(call, conn, row))
    return found


def get_event(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        row = conn.execute("SELECT * FROM events WHERE id = ?", (call.params["id"],)).fetchone()
        if row is None:
            raise not_found(f"An event with id {call.params['id']} does not exist.")
        include = call.list_arg("include")
        included = _included(conn, call, [row], include) if include else None
    return Reply(200, single(call, resource(call, row), included))
