"""Per-contact tracking reports and the contact activity report.

``/reports/email_reports/{campaign_activity_id}/tracking/{report}``: sends, opens,
unique_opens (each contact's latest open), didnotopens (sent, neither opened nor bounced),
clicks (``url_id`` filter), forwards, optouts and bounces (repeatable ``bounce_code``
filter). Newest first, ``limit`` up to 500 (default 500), no date filter: a reader pages back
to its own high-water mark. Only a sent campaign's primary_email or resend activity has
reports; a draft's is a 404. There is no ``/tracking/unsubscribes`` (opt-outs are "optouts").

``/reports/contact_reports/{contact_id}/activity_details``: one contact's activity across
campaigns, newest first, ``limit`` up to 100.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.sandbox.constant_contact import campaign_store as cs
from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import NOT_FOUND, Reply, bad_request
from app.sandbox.constant_contact.report_paging import (
    bookmark,
    href,
    limit_arg,
    not_found,
    read_cursor,
    uuid_or_404,
)
from app.sandbox.constant_contact.util import iso_ms

ACTIVITY_TYPES = {
    "sends": "em_sends",
    "opens": "em_opens",
    "clicks": "em_clicks",
    "forwards": "em_forwards",
    "optouts": "em_optouts",
    "bounces": "em_bounces",
}
KIND_OF_TYPE = {v: k for k, v in ACTIVITY_TYPES.items()}
# The swagger requires _links on these two reports' pages; on their last page it is {}.
LINKS_ALWAYS = ("optouts", "bounces")
LANDING_PAGE_TYPES = ("p_contact_open", "p_contact_click", "p_contact_add", "p_contact_update")


@dataclass(frozen=True)
class Report:
    """One tracking report: the rows it reads and the type its rows say they are."""

    name: str
    rows: str  # a tracking kind, "unique_opens" or "didnotopens"
    activity_type: str


REPORTS = {
    r.name: r
    for r in (
        Report("sends", "sends", "em_sends"),
        Report("opens", "opens", "em_opens"),
        Report("unique_opens", "unique_opens", "em_opens"),
        Report("didnotopens", "didnotopens", "em_didnotopens"),  # as the swagger's example
        Report("clicks", "clicks", "em_clicks"),
        Report("forwards", "forwards", "em_forwards"),
        Report("optouts", "optouts", "em_optouts"),
        Report("bounces", "bounces", "em_bounces"),
    )
}


def _render(row: sqlite3.Row, activity_id: str, activity_type: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contact_id": row["contact_id"],
        "campaign_activity_id": activity_id,
        "tracking_activity_type": activity_type,
        "email_address": row["email"],
    }
    for key in ("first_name", "last_name"):
        if row[key]:
            out[key] = row[key]
    kind = row["kind"]
    if kind in ("opens", "clicks") and activity_type != "em_didnotopens":
        out["device_type"] = row["device"] or "none"
    if kind == "clicks":
        out.update(url_id=row["url_id"], link_url=row["link_url"])
    if kind == "bounces":
        out.update(
            bounce_code=row["bounce_code"],
            current_email_address=row["current_email"] or row["email"],
        )
    if kind == "optouts" and row["reason"]:
        out["opt_out_reason"] = row["reason"]
    out["created_time"] = iso_ms(row["at_ms"])
    if row["contact_deleted_at"]:
        out["deleted_at"] = row["contact_deleted_at"][:10]
    return out


def tracking_report(name: str) -> Callable[[Env, Call], Reply]:
    """The handler of ``/tracking/<name>``."""
    report = REPORTS[name]

    def handler(env: Env, call: Call) -> Reply:
        activity_id = uuid_or_404(call.params["campaign_activity_id"], "campaign activity")
        cursor = call.arg("cursor")
        if cursor:
            args = read_cursor(cursor)
            limit = limit_arg(call, 500, 500, call.arg("limit") or args.get("limit"))
            before: tuple[int, int] | None = bookmark(args)
        else:
            args = _filters(call, report)
            limit = limit_arg(call, 500, 500)
            before = None
        codes = [c for c in args.get("bounce_code", "").split(",") if c]
        with env.state.tx() as conn:
            activity = cs.activity(conn, activity_id)
            if activity is None or not cs.has_reports(activity):
                raise not_found("campaign activity", activity_id)
            rows = cs.page(
                conn, activity["act"], report.rows, limit, before, args.get("url_id"), codes
            )
        body: dict[str, Any] = {
            "tracking_activities": [
                _render(r, activity_id, report.activity_type) for r in rows[:limit]
            ]
        }
        if len(rows) > limit:
            last = rows[limit - 1]
            values = {"at": str(last["at_ms"]), "seq": str(last["seq"]), "limit": str(limit)}
            values.update({k: v for k, v in args.items() if k in ("url_id", "bounce_code")})
            path = f"/v3/reports/email_reports/{activity_id}/tracking/{name}"
            body["_links"] = {"next": {"href": href(path, "cursor", values)}}
        elif name in LINKS_ALWAYS:
            body["_links"] = {}
        return Reply(200, body)

    handler.__name__ = f"tracking_{name}"
    return handler


def _filters(call: Call, report: Report) -> dict[str, str]:
    args: dict[str, str] = {}
    if report.name == "clicks" and call.arg("url_id") is not None:
        url_id = call.arg("url_id") or ""
        if not url_id.isdigit():
            raise bad_request("url_id is invalid")
        args["url_id"] = url_id
    if report.name == "bounces":
        codes = [c.strip().upper() for c in call.request.args.getlist("bounce_code") if c.strip()]
        codes = [p for c in codes for p in c.split(",") if p]
        if any(c not in cs.BOUNCE_KINDS for c in codes):
            raise bad_request("bounce_code does not have a valid value")
        if codes:
            args["bounce_code"] = ",".join(codes)
    return args


def contact_activity(env: Env, call: Call) -> Reply:
    """``/reports/contact_reports/{contact_id}/activity_details``."""
    contact_id = call.params["contact_id"]
    cursor = call.arg("cursor")
    if cursor:
        args = read_cursor(cursor)
        types = [t for t in args.get("types", "").split(",") if t]
        names = args.get("names", "true") == "true"
        limit = limit_arg(call, 100, 100, call.arg("limit") or args.get("limit"))
        before: tuple[int, int] | None = bookmark(args)
    else:
        types = _activity_types(call)
        names = call.bool_arg("include_campaign_activity_names", True)
        limit = limit_arg(call, 100, 100)
        before = None
    uuid_or_404(contact_id, "contact")
    kinds = [KIND_OF_TYPE[t] for t in types if t in KIND_OF_TYPE]
    with env.state.tx() as conn:
        if store.load(conn, contact_id) is None:
            raise not_found("contact", contact_id, NOT_FOUND)
        rows = cs.contact_page(conn, contact_id, kinds, limit, before) if kinds else []
    items = []
    for row in rows[:limit]:
        item: dict[str, Any] = {
            "contact_id": contact_id,
            "campaign_activity_id": row["campaign_activity_id"],
            "created_time": iso_ms(row["at_ms"]),
            "tracking_activity_type": ACTIVITY_TYPES[row["kind"]],
        }
        if names:
            item["campaign_activity_name"] = row["campaign_name"]
        items.append(item)
    body: dict[str, Any] = {"tracking_activities": items}
    if len(rows) > limit:
        last = rows[limit - 1]
        values = {
            "at": str(last["at_ms"]),
            "seq": str(last["seq"]),
            "limit": str(limit),
            "types": ",".join(types),
            "names": "true" if names else "false",
        }
        path = f"/v3/reports/contact_reports/{contact_id}/activity_details"
        body["_links"] = {"next": {"href": href(path, "cursor", values)}}
    return Reply(200, body)


def _activity_types(call: Call) -> list[str]:
    listed = call.csv_arg("tracking_activities_list")
    repeated = [
        p.strip()
        for raw in call.request.args.getlist("tracking_activity_type")
        for p in raw.split(",")
        if p.strip()
    ]
    if listed and repeated:
        raise bad_request("tracking_activities_list, tracking_activity_type are mutually exclusive")
    types = listed or repeated
    if not types:
        raise bad_request(
            "tracking_activities_list, tracking_activity_type are missing, exactly one parameter"
            " must be provided"
        )
    if any(t not in ACTIVITY_TYPES.values() and t not in LANDING_PAGE_TYPES for t in types):
        raise bad_request("tracking_activity_type does not have a valid value")
    return types
