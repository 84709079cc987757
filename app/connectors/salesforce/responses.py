"""Constant Contact email responses written to Salesforce, as SyncApps does.

**Campaign members** (the default mode): each Constant Contact email becomes a Campaign of
type "Email" named as the email, with its recipients as members. A member's status is the
furthest the person went: Clicked > Opened > Bounced > Unsubscribed > Sent. A status only
moves up, and one set by hand in Salesforce (not one of these) is left alone. The statuses
are added to the campaign as needed (Opened and Clicked count as responses).

**Tasks** (the other mode): one completed Task per open or click, on the person's record,
named for what they did and when ("Opened “Spring menu” on 2026-05-01 14:05 UTC"). A Task
Salesforce already has with the same subject on the same person is not made again, so a
stopped run that hands the same events again makes none twice.

A recipient Salesforce has no contact or lead for is left out (counted as not found).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.connectors.salesforce.campaign_members import Campaigns, MemberWrite, Person
from app.connectors.salesforce.campaigns import chunks
from app.connectors.salesforce.client import COLLECTION_MAX, soql_ids
from app.connectors.salesforce.errors import record_error
from app.core.campaign_responses import (
    RESPONDED,
    STATUS_ORDER,
    ActivityReport,
    EmailResponses,
    ResponseEvent,
    moves_up,
)

if TYPE_CHECKING:
    from app.connectors.salesforce.client import SalesforceClient

EMAIL_TYPE = "Email"


def write_members(client: SalesforceClient, campaigns: Sequence[EmailResponses]) -> ActivityReport:
    report = ActivityReport()
    writer = Campaigns(client)
    for campaign in campaigns:
        people = writer.people({r.email: r.source_key for r in campaign.responses if r.email})
        writes = []
        for r in campaign.responses:
            person = people.get(r.email)
            if person is None:
                report.not_found += 1
                continue
            writes.append(MemberWrite(person, r.status, label=r.email))
        if not writes and not campaign.target_id:
            continue
        campaign_id = writer.campaign(
            campaign.target_id,
            campaign.name,
            EMAIL_TYPE,
            start=campaign.sent_at,
            end=campaign.sent_at,
            description="A Constant Contact email, kept up to date by ContactBridge.",
        )
        report.targets[campaign.campaign_id] = campaign_id
        report.campaigns += 1
        used = {w.status for w in writes}
        wanted = [(s, s in RESPONDED) for s in STATUS_ORDER if s in used]
        report.failed.extend(writer.statuses(campaign_id, wanted))
        report.add(writer.write(campaign_id, writes, takes=moves_up))
    return report


def task_subject(event: ResponseEvent, campaign: str) -> str:
    """``Opened “Spring menu” on 2026-05-01 14:05 UTC`` (a click names its link)."""
    when = event.at.strftime("%Y-%m-%d %H:%M UTC")
    if event.kind == "click":
        link = f" ({event.link})" if event.link else ""
        text = f"Clicked a link in “{campaign}”{link} on {when}"
    else:
        text = f"Opened “{campaign}” on {when}"
    return text if len(text) <= 255 else text[:254] + "…"


def write_tasks(client: SalesforceClient, campaigns: Sequence[EmailResponses]) -> ActivityReport:
    report = ActivityReport()
    writer = Campaigns(client)
    tasks: list[tuple[str, dict[str, Any]]] = []
    for campaign in campaigns:
        wanted = [r for r in campaign.responses if r.events and r.email]
        people = writer.people({r.email: r.source_key for r in wanted})
        for r in wanted:
            person = people.get(r.email)
            if person is None:
                report.not_found += 1
                continue
            for event in r.events:
                tasks.append((r.email, _task(person, event, campaign.name)))
        if wanted:
            report.campaigns += 1
    fresh = _not_made_yet(client, tasks)
    for start in range(0, len(fresh), COLLECTION_MAX):
        part = fresh[start : start + COLLECTION_MAX]
        for (email, _task_record), result in zip(
            part, client.create([t for _e, t in part]), strict=True
        ):
            if result.get("success"):
                report.created += 1
            else:
                report.failed.append(f"{email}: {record_error(result.get('errors') or ())}")
    return report


def _task(person: Person, event: ResponseEvent, campaign: str) -> dict[str, Any]:
    what = "clicked a link in" if event.kind == "click" else "opened"
    details = f"They {what} the Constant Contact email “{campaign}” at {event.at.isoformat()}."
    if event.link:
        details += f" Link: {event.link}"
    return {
        "attributes": {"type": "Task"},
        "WhoId": person.record_id,
        "Subject": task_subject(event, campaign),
        "ActivityDate": event.at.date().isoformat(),
        "Status": "Completed",
        "Priority": "Normal",
        "Type": "Email",
        "Description": details,
    }


def _not_made_yet(
    client: SalesforceClient, tasks: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, dict[str, Any]]]:
    """The tasks Salesforce does not have yet (same person, same subject), each once."""
    have: set[tuple[str, str]] = set()
    people = sorted({t["WhoId"] for _e, t in tasks})
    for part in chunks(people):
        soql = f"SELECT WhoId, Subject FROM Task WHERE WhoId IN {soql_ids(part)}"
        for row in client.query(soql, "tasks"):
            have.add((str(row.get("WhoId") or ""), str(row.get("Subject") or "")))
    out = []
    for email, task in tasks:
        key = (task["WhoId"], task["Subject"])
        if key not in have:
            have.add(key)
            out.append((email, task))
    return out
