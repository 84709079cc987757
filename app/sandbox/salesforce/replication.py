"""getUpdated and getDeleted (``/sobjects/{S}/updated`` and ``/deleted``).

Windows ignore seconds (they are floored to the minute). getUpdated reaches 30 days back,
getDeleted 15; the delete log can also be purged (``SalesforceEmulator.purge_delete_log``),
which moves ``earliestDateAvailable`` forward. A ``start`` before what is available answers
400 ``INVALID_REPLICATION_DATE``, so a client must read everything again.
"""

from __future__ import annotations

from datetime import timedelta

from app.sandbox.salesforce.calls import Call, Env, bad_request, sobject_or_404
from app.sandbox.salesforce.errors import SfError
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.times import floor_minute, parse_datetime, sf_datetime, to_ms
from app.sandbox.wire import Reply

UPDATED_DAYS = 30
DELETED_DAYS = 15
MAX_IDS = 600_000


def _replication_error(message: str) -> SfError:
    return bad_request("INVALID_REPLICATION_DATE", message)


def _window(call: Call, org: Org, days: int) -> tuple[int, int]:
    """(start, latest covered) in ms, each on a whole minute; the latest covered is the
    window's end, or the current minute when the end is later."""
    moments = []
    for name in ("start", "end"):
        text = call.request.args.get(name, "")
        moment = parse_datetime(text)
        if moment is None:
            raise _replication_error(f"Bad value for parameter {name}: {text}")
        moments.append(floor_minute(moment))
    start, end = moments
    now = org.clock()
    if end <= start:
        raise _replication_error("endDate must chronologically follow the startDate")
    if start < floor_minute(now) - timedelta(days=days):
        raise _replication_error(f"startDate cannot be more than {days} days ago")
    if to_ms(start) < created_ms(org):
        raise _replication_error("startDate before org replication enabled date")
    latest = min(end, floor_minute(now))
    return to_ms(start), to_ms(latest)


def created_ms(org: Org) -> int:
    return int(org.setting("created_ms", "0"))


def earliest_deleted_ms(org: Org) -> int:
    floor = int(org.setting("delete_log_floor_ms", "0"))
    window = floor_minute(org.clock()) - timedelta(days=DELETED_DAYS)
    return max(created_ms(org), floor, to_ms(window))


def updated(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    start, latest = _window(call, env.org, UPDATED_DAYS)
    with env.org.state.tx() as conn:
        rows = conn.execute(
            "SELECT id FROM records WHERE sobject = ? AND deleted_ms IS NULL"
            " AND modstamp_ms >= ? AND modstamp_ms < ? ORDER BY modstamp_ms, rowid",
            (sobject.name, start, latest),
        ).fetchall()
    if len(rows) > MAX_IDS:
        raise bad_request("EXCEEDED_ID_LIMIT", "too many ids to return")
    return Reply(200, {"ids": [r["id"] for r in rows], "latestDateCovered": sf_datetime(latest)})


def deleted(env: Env, call: Call, name: str) -> Reply:
    sobject = sobject_or_404(env.org, name)
    start, latest = _window(call, env.org, DELETED_DAYS)
    earliest = earliest_deleted_ms(env.org)
    if start < earliest:
        raise _replication_error(
            "startDate is before the earliest date available in the delete log:"
            f" {sf_datetime(earliest)}"
        )
    with env.org.state.tx() as conn:
        rows = conn.execute(
            "SELECT id, deleted_ms FROM records WHERE sobject = ? AND deleted_ms >= ?"
            " AND deleted_ms < ? ORDER BY deleted_ms, rowid",
            (sobject.name, start, latest),
        ).fetchall()
    return Reply(
        200,
        {
            "deletedRecords": [
                {"id": r["id"], "deletedDate": sf_datetime(r["deleted_ms"])} for r in rows
            ],
            "earliestDateAvailable": sf_datetime(earliest),
            "latestDateCovered": sf_datetime(latest),
        },
    )
