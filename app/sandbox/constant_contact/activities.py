"""Bulk activities: the background runner, their records, and GET /activities[/{id}]."""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import Reply, bad_request, error_array, not_found
from app.sandbox.constant_contact.faults import Faults
from app.sandbox.constant_contact.state import State
from app.sandbox.constant_contact.util import decode_cursor, encode_cursor, is_uuid, iso, new_id
from app.sandbox.kit.replies import dumps, loads

log = logging.getLogger(__name__)

MAX_QUEUED = 1000
STATES = ("initialized", "processing", "completed", "cancelled", "failed", "timed_out")
QUEUE_FULL = "Too many requests. You exceeded 1,000 queued activities for this user account."

Outcome = tuple[dict[str, int], list[str]]
Processor = Callable[["ActivityRunner", str, Any], Outcome]


class ActivityRunner:
    """Runs queued activities one at a time on a daemon thread.

    Each activity passes initialized -> processing -> completed (or the state a fault asks
    for). ``delay`` seconds are split between the two waiting states so that a poller sees
    both; with ``delay=0`` the work still happens off the request thread.
    """

    def __init__(
        self, state: State, clock: Callable[[], datetime], faults: Faults, delay: float
    ) -> None:
        self.state = state
        self.clock = clock
        self.faults = faults
        self.delay = delay
        self.processors: dict[str, Processor] = {}
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._pending_changed = threading.Condition()

    def start(self) -> None:
        self._stop.clear()
        self._queue = queue.Queue()  # drop anything left from a previous run, e.g. the stop marker
        with self._pending_changed:
            self._pending = 0
        self._thread = threading.Thread(
            target=self._loop, name="cc-emulator-activities", daemon=True
        )
        self._thread.start()
        with self.state.tx() as conn:  # resume work left over from a previous launch
            rows = conn.execute(
                "SELECT activity_id FROM activities WHERE state IN ('initialized', 'processing')"
                " ORDER BY seq"
            ).fetchall()
        for row in rows:
            self._enqueue(row[0])

    def stop(self) -> None:
        self._stop.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every queued activity has finished (test helper)."""
        with self._pending_changed:
            return self._pending_changed.wait_for(lambda: self._pending == 0, timeout)

    def _enqueue(self, activity_id: str) -> None:
        with self._pending_changed:
            self._pending += 1
        self._queue.put(activity_id)

    def _done_one(self) -> None:
        with self._pending_changed:
            self._pending -= 1
            self._pending_changed.notify_all()

    def submit(
        self,
        conn: sqlite3.Connection,
        kind: str,
        payload: Any,
        status: dict[str, int],
        now: datetime,
    ) -> dict[str, Any]:
        """Record a new activity inside the caller's transaction and queue it; 429 when full."""
        queued = conn.execute(
            "SELECT count(*) FROM activities WHERE state IN ('initialized', 'processing')"
        ).fetchone()[0]
        if queued >= MAX_QUEUED:
            raise error_array(429, "too_many_requests", QUEUE_FULL)
        activity_id = new_id()
        stamp = iso(now)
        doc = {
            "activity_id": activity_id,
            "state": "initialized",
            "created_at": stamp,
            "updated_at": stamp,
            "percent_done": 0,
            "activity_errors": [],
            "status": status,
            "_links": {"self": {"href": f"/v3/activities/{activity_id}"}},
        }
        conn.execute(
            "INSERT INTO activities (activity_id, kind, state, created_at, doc, payload)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (activity_id, kind, "initialized", stamp, dumps(doc), dumps(payload)),
        )
        self._enqueue(activity_id)
        return doc

    def progress(self, activity_id: str, percent: int) -> None:
        with self.state.tx() as conn:
            self._update(conn, activity_id, percent_done=percent)

    def _update(self, conn: sqlite3.Connection, activity_id: str, **changes: Any) -> dict[str, Any]:
        row = conn.execute(
            "SELECT doc FROM activities WHERE activity_id = ?", (activity_id,)
        ).fetchone()
        doc = loads(row["doc"])
        doc.update(changes, updated_at=iso(self.clock()))
        done = doc["state"] not in ("initialized", "processing")
        conn.execute(
            "UPDATE activities SET state = ?, doc = ?,"
            " payload = CASE WHEN ? THEN NULL ELSE payload END WHERE activity_id = ?",
            (doc["state"], dumps(doc), done, activity_id),
        )
        return doc

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                activity_id = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if activity_id is None:
                break
            try:
                self._run(activity_id)
            except Exception:  # a bug in one activity must not kill the runner
                log.exception("activity %s crashed", activity_id)
                with self.state.tx() as conn:
                    self._update(
                        conn, activity_id, state="failed", activity_errors=["Internal error"]
                    )
            finally:
                self._done_one()

    def _run(self, activity_id: str) -> None:
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT kind, state, payload FROM activities WHERE activity_id = ?", (activity_id,)
            ).fetchone()
        if row is None or row["state"] not in ("initialized", "processing"):
            return
        if self._stop.wait(self.delay / 2):
            return
        failure = self.faults.take_activity_failure()
        with self.state.tx() as conn:
            self._update(conn, activity_id, state="processing", started_at=iso(self.clock()))
        if failure is not None:
            self._stop.wait(self.delay / 2)
            with self.state.tx() as conn:
                errors = list(failure.errors) or [f"The activity ended in state {failure.state}."]
                self._update(
                    conn,
                    activity_id,
                    state=failure.state,
                    activity_errors=errors,
                    completed_at=iso(self.clock()),
                )
            return
        status, errors = self.processors[row["kind"]](self, activity_id, loads(row["payload"]))
        if self._stop.wait(self.delay / 2):
            return
        with self.state.tx() as conn:
            self._update(
                conn,
                activity_id,
                state="completed",
                percent_done=100,
                status=status,
                activity_errors=errors,
                completed_at=iso(self.clock()),
            )


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None}


def get_activity(env: Env, call: Call) -> Reply:
    activity_id = call.params["activity_id"]
    if not is_uuid(activity_id):
        raise not_found("activity_id is in an invalid format.", key="activities.api.not_found")
    with env.state.tx() as conn:
        row = conn.execute(
            "SELECT doc FROM activities WHERE activity_id = ?", (activity_id,)
        ).fetchone()
    if row is None:
        raise not_found(f"Activity {activity_id} was not found.", key="activities.api.not_found")
    return Reply(200, public(loads(row["doc"])))


def list_activities(env: Env, call: Call) -> Reply:
    """The last 10 days' activities, newest first, paged by a keyset cursor."""
    args: dict[str, str] = dict(call.args)
    before: int | None = None
    cursor = args.pop("cursor", None)
    if cursor is not None:
        decoded = decode_cursor(cursor)
        if decoded is None or not decoded.get("next", "").isdigit():
            raise bad_request("cursor is invalid")
        before = int(decoded.pop("next"))
        decoded.update({k: v for k, v in args.items() if k == "limit"})
        args = decoded
    view = Call(call.request, call.params, call.client_id, call.now, args)
    limit = view.int_arg("limit", 50, 1, 500)
    state = view.arg("state")
    if state is not None and state not in STATES[1:]:
        raise bad_request("state does not have a valid value")
    since = iso(call.now - timedelta(days=10))
    sql = "SELECT seq, doc FROM activities WHERE created_at >= ?"
    values: list[Any] = [since]
    if state:
        sql += " AND state = ?"
        values.append(state)
    if before is not None:
        sql += " AND seq < ?"
        values.append(before)
    with env.state.tx() as conn:
        rows = conn.execute(sql + " ORDER BY seq DESC LIMIT ?", [*values, limit + 1]).fetchall()
    body: dict[str, Any] = {"activities": [public(loads(r["doc"])) for r in rows[:limit]]}
    if len(rows) > limit:
        cursor_args = {**args, "next": str(rows[limit - 1]["seq"])}
        body["_links"] = {"next": {"href": f"/v3/activities?cursor={encode_cursor(cursor_args)}"}}
    return Reply(200, body)
