"""The aggregate reports: bulk campaign summaries and the stats of campaigns and activities.

- ``/reports/summary_reports/email_campaign_summaries``: sent campaigns, newest send first,
  ``limit`` up to 500 (default 50), unique counts and the page's aggregate percents;
- ``/reports/stats/email_campaigns/{ids}``: at most 150 ids; one bad id (malformed, unknown,
  or a draft, which has no reports) makes the whole call a 404;
- ``/reports/stats/email_campaign_activities/{ids}``: at most 10 ids; a malformed id is a 404
  for all, an unknown one or one without stats goes to ``errors``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.constant_contact import campaign_clock
from app.sandbox.constant_contact import campaign_store as cs
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import Reply, bad_request, error_array
from app.sandbox.constant_contact.report_paging import href, limit_arg, read_cursor
from app.sandbox.constant_contact.util import is_uuid, iso_ms

MAX_CAMPAIGN_IDS = 150
MAX_ACTIVITY_IDS = 10
CAMPAIGN_IDS_KEY = "reportingsvc.not_found.invalid_path_param.campaign_ids"
ACTIVITY_IDS_KEY = "reportingsvc.not_found.invalid_path_param.campaign_activity_ids"
SUMMARIES_PATH = "/v3/reports/summary_reports/email_campaign_summaries"


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _unique_counts(counts: cs.Counts) -> dict[str, int]:
    u = counts.unique
    return {
        "sends": u["sends"],
        "opens": u["opens"],
        "clicks": u["clicks"],
        "forwards": u["forwards"],
        "optouts": u["optouts"],
        "abuse": 0,
        "bounces": u["bounces"],
        "not_opened": counts.not_opened,
    }


def _rates(sends: int, opens: int, clicks: int, bounces: int, optouts: int) -> dict[str, float]:
    delivered = sends - bounces
    return {
        "bounce": _pct(bounces, sends),
        "click": _pct(clicks, opens),
        "did_not_open": _pct(max(0, delivered - opens), delivered),
        "open": _pct(opens, delivered),
        "unsubscribe": _pct(optouts, delivered),
    }


def summaries(env: Env, call: Call) -> Reply:
    cursor = call.arg("cursor")
    if cursor:
        args = read_cursor(cursor, ("next",))
        limit = limit_arg(call, 50, 500, call.arg("limit") or args.get("limit"))
        page = max(1, int(args["next"]))
    else:
        limit, page = limit_arg(call, 50, 500), 1
    with env.state.tx() as conn:
        rows = conn.execute(
            "SELECT c.campaign_id, c.sent_ms, a.act FROM campaigns c JOIN campaign_activities a"
            " ON a.campaign_id = c.campaign_id AND a.role = 'primary_email'"
            " WHERE c.sent_ms IS NOT NULL ORDER BY c.sent_ms DESC, c.seq DESC LIMIT ? OFFSET ?",
            (limit + 1, (page - 1) * limit),
        ).fetchall()
        items = [(r, cs.counts(conn, r["act"])) for r in rows[:limit]]
    totals = dict.fromkeys(("sends", "opens", "clicks", "bounces", "optouts"), 0)
    out = []
    for row, counts in items:
        unique = _unique_counts(counts)
        for key in totals:
            totals[key] += unique[key]
        out.append(
            {
                "campaign_id": row["campaign_id"],
                "campaign_type": "Newsletter",
                "last_sent_date": iso_ms(row["sent_ms"]),
                "unique_counts": unique,
            }
        )
    body: dict[str, Any] = {
        "bulk_email_campaign_summaries": out,
        "aggregate_percents": _rates(**totals),
    }
    if len(rows) > limit:
        values = {"limit": str(limit), "next": str(page + 1)}
        body["_links"] = {"next": {"href": href(SUMMARIES_PATH, "cursor", values)}}
    return Reply(200, body)


def _stats(counts: cs.Counts, activity_level: bool) -> dict[str, int]:
    u, t = counts.unique, counts.total
    stats = {
        "em_bounces": u["bounces"],
        "em_clicks": u["clicks"],
        "em_clicks_all": t["clicks"],
        **{f"em_clicks_all_{d}": counts.clicks_by_device.get(d, 0) for d in cs.DEVICES},
        "em_forwards": u["forwards"],
        "em_not_opened": counts.not_opened,
        "em_opens": u["opens"],
        "em_opens_all": t["opens"],
        **{f"em_opens_all_{d}": counts.opens_by_device.get(d, 0) for d in cs.DEVICES},
        "em_optouts": u["optouts"],
        "em_sends": u["sends"],
    }
    if activity_level:
        stats["em_abuse"] = 0
        for code, kind in cs.BOUNCE_KINDS.items():
            stats[f"em_bounces_{kind}"] = counts.bounces_by_code.get(code, 0)
    return stats


def _percents(counts: cs.Counts) -> dict[str, float]:
    u = counts.unique
    rates = _rates(u["sends"], u["opens"], u["clicks"], u["bounces"], u["optouts"])
    opens_all, clicks_all = counts.total["opens"], counts.total["clicks"]
    by_open, by_click = counts.opens_by_device, counts.clicks_by_device
    mobile_opens = by_open.get("mobile", 0) + by_open.get("tablet", 0)
    mobile_clicks = by_click.get("mobile", 0) + by_click.get("tablet", 0)
    return {
        **rates,
        "desktop_click": _pct(by_click.get("computer", 0), clicks_all),
        "desktop_open": _pct(by_open.get("computer", 0), opens_all),
        "mobile_click": _pct(mobile_clicks, clicks_all),
        "mobile_open": _pct(mobile_opens, opens_all),
    }


def _ids(call: Call, name: str, most: int) -> list[str]:
    ids = [part.strip() for part in call.params[name].split(",") if part.strip()]
    if not ids or len(ids) > most:
        raise bad_request(f"{name} must list from 1 to {most} ids")
    return ids


def campaign_stats(env: Env, call: Call) -> Reply:
    ids = _ids(call, "campaign_ids", MAX_CAMPAIGN_IDS)
    results = []
    with env.state.tx() as conn:
        refreshed = iso_ms(campaign_clock.now_ms(conn, env.clock))
        for campaign_id in ids:
            act = _reported_act(conn, campaign_id)
            if act is None:  # one bad id fails the whole call
                raise error_array(
                    404,
                    CAMPAIGN_IDS_KEY,
                    f"Could not find campaign stats for campaign_id {campaign_id}.",
                )
            counts = cs.counts(conn, act)
            results.append(
                {
                    "campaign_id": campaign_id,
                    "stats": _stats(counts, activity_level=False),
                    "percents": _percents(counts),
                    "last_refresh_time": refreshed,
                }
            )
    return Reply(200, {"errors": [], "results": results})


def _reported_act(conn: sqlite3.Connection, campaign_id: str) -> int | None:
    if not is_uuid(campaign_id):
        return None
    row = cs.campaign(conn, campaign_id)
    if row is None or row["sent_ms"] is None:
        return None
    return cs.primary_act(conn, campaign_id)


def activity_stats(env: Env, call: Call) -> Reply:
    ids = _ids(call, "campaign_activity_ids", MAX_ACTIVITY_IDS)
    malformed = [i for i in ids if not is_uuid(i)]
    if malformed:
        raise error_array(
            404, ACTIVITY_IDS_KEY, f"campaign_activity_id {malformed[0]} is not valid."
        )
    results, errors = [], []
    with env.state.tx() as conn:
        refreshed = iso_ms(campaign_clock.now_ms(conn, env.clock))
        for activity_id in ids:
            row = cs.activity(conn, activity_id)
            if row is None or not cs.has_reports(row) or row["status"] == "Removed":
                errors.append(
                    {
                        "error_key": ACTIVITY_IDS_KEY,
                        "error_message": f"No stats found for campaign_activity_id {activity_id}.",
                    }
                )
                continue
            results.append(
                {
                    "campaign_id": row["campaign_id"],
                    "campaign_activity_id": activity_id,
                    "stats": _stats(cs.counts(conn, row["act"]), activity_level=True),
                    "last_refresh_time": refreshed,
                }
            )
    return Reply(200, {"errors": errors, "results": results})
