"""``/query`` and ``/queryAll``: SOQL with ``nextRecordsUrl`` paging.

A page holds 2,000 records (``Sforce-Query-Options: batchSize=N`` asks for 200 to 2,000),
and half that when the query selects a long text area, as live orgs do without saying so.
``nextRecordsUrl`` keeps the first call's API version and says ``query`` even for queryAll;
the last page has no ``nextRecordsUrl`` key at all.
"""

from __future__ import annotations

import re
from typing import Any

from app.sandbox.salesforce import derived, shapes, soql_plan, soql_run, store
from app.sandbox.salesforce.calls import Call, Env, bad_request
from app.sandbox.salesforce.cursors import Cursor
from app.sandbox.salesforce.soql_run import Loader
from app.sandbox.wire import Reply

DEFAULT_PAGE = 2000
MIN_PAGE = 200
_BATCH = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


def page_size(call: Call, long_text: bool) -> int:
    size = DEFAULT_PAGE
    match = _BATCH.search(call.request.headers.get("Sforce-Query-Options", ""))
    if match:
        size = max(MIN_PAGE, min(DEFAULT_PAGE, int(match.group(1))))
    return min(size, DEFAULT_PAGE // 2) if long_text else size


def run_query(env: Env, call: Call, everything: bool) -> Reply:
    text = call.request.args.get("q")
    if text is None:
        if call.request.args.get("explain") is not None:
            raise bad_request("MALFORMED_QUERY", "The sandbox does not explain query plans")
        raise bad_request("MALFORMED_QUERY", "A query string has to be specified")
    org = env.org
    plan = soql_plan.plan(org, text)
    with org.state.tx() as conn:
        rows = soql_run.matching(org, conn, plan, include_deleted=everything)
        if plan.query.count:
            return Reply(200, {"totalSize": len(rows), "done": True, "records": []})
        size = page_size(call, plan.long_text)
        first = rows[:size]
        body = _page(env, conn, plan, first, call.version, len(rows))
    if len(rows) > size:
        cursor = env.cursors.open(call.user_id, plan, [r.id for r in rows], size, call.version)
        _add_next(body, cursor, size, call.version)
    return Reply(200, body)


def next_page(env: Env, call: Call, locator: str) -> Reply:
    cursor, offset = env.cursors.take(call.user_id, locator)
    ids = cursor.ids[offset : offset + cursor.page]
    org = env.org
    with org.state.tx() as conn:
        found = store.load_many(conn, ids)
        rows = [found[i] for i in ids if i in found]
        derived.enrich(conn, cursor.plan.sobject.name, rows)
        body = _page(env, conn, cursor.plan, rows, cursor.version, len(cursor.ids))
    end = offset + cursor.page
    if end < len(cursor.ids):
        _add_next(body, cursor, end, cursor.version)
    else:
        env.cursors.close(cursor.key)
    return Reply(200, body)


def _page(
    env: Env, conn: Any, plan: soql_plan.Plan, rows: list, version: str, total: int
) -> dict[str, Any]:
    loader = Loader(conn)
    soql_run.prefetch(loader, rows, plan.columns)
    records = [shapes.record_json(env.org, loader, r, plan.columns, version) for r in rows]
    return {"totalSize": total, "done": True, "records": records}


def _add_next(body: dict[str, Any], cursor: Cursor, offset: int, version: str) -> None:
    records = body.pop("records")
    body["done"] = False
    body["nextRecordsUrl"] = f"/services/data/v{version}/query/{cursor.key}-{offset}"
    body["records"] = records
