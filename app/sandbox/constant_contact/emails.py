"""GET /emails, GET /emails/{campaign_id} and GET /emails/activities/{campaign_activity_id}.

Wording as recorded from the live service: the collection says ``current_status`` "Draft"
or "Done", a single campaign and its activities say "DRAFT" or "DONE". Timestamps carry
milliseconds. Deleted campaigns stay in the collection as "Removed".
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.sandbox.constant_contact import campaign_store as cs
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import Reply, bad_request
from app.sandbox.constant_contact.report_paging import (
    bookmark,
    href,
    limit_arg,
    read_cursor,
    uuid_or_404,
)
from app.sandbox.constant_contact.report_paging import not_found as missing
from app.sandbox.constant_contact.util import iso_ms, parse_iso, to_ms

NOT_FOUND_KEY = "campaign.not_found"
DATE_ARGS = {"after_date": "updated_ms > ?", "before_date": "updated_ms < ?"}
ACTIVITY_INCLUDES = (
    "physical_address_in_footer",
    "permalink_url",
    "html_content",
    "document_properties",
)


def _listed(row: sqlite3.Row) -> dict[str, Any]:
    doc = cs.doc(row)
    return {
        "campaign_id": row["campaign_id"],
        "created_at": iso_ms(row["created_ms"]),
        "current_status": row["status"],
        "name": row["name"],
        "type": doc["type"],
        "type_code": doc["type_code"],
        "updated_at": iso_ms(row["updated_ms"]),
    }


def list_emails(env: Env, call: Call) -> Reply:
    """Newest first by ``updated_at``, which ``after_date``/``before_date`` filter on."""
    token = call.arg("next")
    if token:
        args = read_cursor(token, ("u", "s"))
        limit = limit_arg(call, 50, 500, call.arg("limit") or args.get("limit"))
    else:
        args = {k: v for k in DATE_ARGS if (v := call.arg(k))}
        limit = limit_arg(call, 50, 500)
    clauses, values = ["1 = 1"], []
    for name, sql in DATE_ARGS.items():
        if name in args:
            moment = parse_iso(args[name])
            if moment is None:
                raise bad_request(f"{name} does not have a valid value")
            clauses.append(sql)
            values.append(to_ms(moment))
    if token:
        clauses.append("(updated_ms, seq) < (?, ?)")
        values.extend(bookmark(args, ("u", "s")))
    with env.state.tx() as conn:
        rows = conn.execute(
            f"SELECT * FROM campaigns WHERE {' AND '.join(clauses)}"
            " ORDER BY updated_ms DESC, seq DESC LIMIT ?",
            [*values, limit + 1],
        ).fetchall()
    body: dict[str, Any] = {"campaigns": [_listed(r) for r in rows[:limit]]}
    if len(rows) > limit:
        last = rows[limit - 1]
        keep = {k: v for k, v in args.items() if k in DATE_ARGS}
        cursor = {"u": str(last["updated_ms"]), "s": str(last["seq"]), **keep}
        body["_links"] = {"next": {"href": href("/v3/emails", "next", cursor, limit)}}
    return Reply(200, body)


def get_email(env: Env, call: Call) -> Reply:
    campaign_id = uuid_or_404(call.params["campaign_id"], "campaign")
    with env.state.tx() as conn:
        row = cs.campaign(conn, campaign_id)
        if row is None:
            raise missing("campaign", campaign_id, NOT_FOUND_KEY)
        activities = cs.activities_of(conn, campaign_id)
    listed = _listed(row)
    listed["current_status"] = row["status"].upper()
    body = {
        "campaign_activities": [
            {"campaign_activity_id": a["campaign_activity_id"], "role": a["role"]}
            for a in activities
        ],
        **listed,
    }
    return Reply(200, body)


def get_email_activity(env: Env, call: Call) -> Reply:
    activity_id = uuid_or_404(call.params["campaign_activity_id"], "campaign activity")
    wanted = call.csv_arg("include")
    unknown = [w for w in wanted if w not in ACTIVITY_INCLUDES]
    if unknown:
        raise bad_request("include does not have a valid value")
    with env.state.tx() as conn:
        row = cs.activity(conn, activity_id)
    if row is None or row["status"] == "Removed":
        raise missing("campaign activity", activity_id, NOT_FOUND_KEY)
    doc = cs.doc(row)
    body: dict[str, Any] = {
        "campaign_activity_id": row["campaign_activity_id"],
        "campaign_id": row["campaign_id"],
        "role": row["role"],
        "contact_list_ids": list(doc.get("list_ids", [])),
        "segment_ids": list(doc.get("segment_ids", [])),
        "current_status": row["status"].upper(),
        "format_type": 5,
        "from_email": doc["from_email"],
        "from_name": doc["from_name"],
        "reply_to_email": doc["from_email"],
        "subject": doc["subject"],
        "preheader": f"News from {doc['from_name']}",
    }
    if "html_content" in wanted:
        links = "".join(f'<p><a href="{url}">{url}</a></p>' for _u, url in doc["links"])
        heading = f"<h1>{doc['subject']}</h1>"
        body["html_content"] = f"<html><body>[[trackingImage]]{heading}{links}</body></html>"
    if "permalink_url" in wanted and row["sent_ms"] is not None:
        body["permalink_url"] = f"https://conta.cc/{row['campaign_activity_id'][:7]}"
    if "physical_address_in_footer" in wanted:
        body["physical_address_in_footer"] = {
            "address_line1": "1 Main St",
            "city": "Portland",
            "country_code": "US",
            "country_name": "United States",
            "organization_name": doc["from_name"],
            "postal_code": "97201",
            "state_code": "OR",
        }
    if "document_properties" in wanted:
        body["document_properties"] = {}
    return Reply(200, body)
