"""``GET Wl/Report/Data.json``: the "All Clients" report (``LOGIN_LIST_ALL``, id 33), by pages.

256 rows a page from ``i_page=0``; ``a_data`` is ``{is_more, a_row[]}`` (``is_more`` true
while rows remain), as a live answer shows, though the spec types it an array. Each row has
``a_data_api`` (``s_firstname, s_lastname, s_mail, s_name, a_member_group[], url_photo``),
``dt_since_local`` (when the person became a client), ``uid`` (a number here: live keys come
as numbers or strings), ``member`` and ``s_note``. Rows are in name order, as the report
shows them, so a client added between two pages can shift a row onto the next page.

``a_total`` is keyed by client type: ``{is_prospect, s_title, s_value}`` per type, the count
as a string (an inference from the live totals' fields); with no clients it is ``[]``, as PHP
sends an empty array.

``LOGIN_LIST`` (22) needs a date filter in ``s_filter`` and other reports are not emulated.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.sandbox.wellnessliving import client_store as store
from app.sandbox.wellnessliving.calls import Call, Env
from app.sandbox.wellnessliving.errors import INVALID, REPORT_NOT_FOUND, WlError

LOGIN_LIST = 22
LOGIN_LIST_ALL = 33
PAGE_ROWS = 256


def _local(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def report_data(env: Env, call: Call) -> dict[str, Any]:
    report = call.int_var("id_report", 0)
    if report == LOGIN_LIST:
        raise WlError(INVALID, "Select the dates to show the report for.", "s_filter")
    if report != LOGIN_LIST_ALL:
        raise WlError(REPORT_NOT_FOUND, "This report is not available.", "id_report")
    page = call.int_var("i_page", 0)
    if page < 0:
        raise WlError(INVALID, "The page must be zero or more.", "i_page")
    with env.state.tx() as conn:
        k_business = call.staff_business(conn)
        rows = conn.execute(
            "SELECT * FROM clients WHERE k_business = ? AND active = 1"
            " ORDER BY lower(last), lower(first), CAST(uid AS INTEGER) LIMIT ? OFFSET ?",
            (k_business, PAGE_ROWS + 1, page * PAGE_ROWS),
        ).fetchall()
        groups = {r["uid"]: store.group_keys(conn, r["uid"]) for r in rows[:PAGE_ROWS]}
        totals = conn.execute(
            "SELECT t.k_login_type, t.title, t.is_prospect, COUNT(c.uid) AS n"
            " FROM login_types t JOIN clients c ON c.k_login_type = t.k_login_type"
            " AND c.active = 1 WHERE t.k_business = ? GROUP BY t.k_login_type"
            " ORDER BY t.k_login_type",
            (k_business,),
        ).fetchall()
    a_row = [
        {
            "a_data_api": {
                "a_member_group": groups[r["uid"]],
                "s_firstname": r["first"],
                "s_lastname": r["last"],
                "s_mail": r["email"],
                "s_name": " ".join(p for p in (r["first"], r["last"]) if p),
                "url_photo": "",
            },
            "dt_since_local": {"_s_class": "DateTime", "dt_date": _local(r["added_ms"])},
            "member": r["member"],
            "s_note": r["note"],
            "uid": int(r["uid"]),
        }
        for r in rows[:PAGE_ROWS]
    ]
    a_total: Any = {
        t["k_login_type"]: {
            "is_prospect": bool(t["is_prospect"]),
            "s_title": t["title"],
            "s_value": str(t["n"]),
        }
        for t in totals
    } or []
    return {"a_data": {"is_more": len(rows) > PAGE_ROWS, "a_row": a_row}, "a_total": a_total}
