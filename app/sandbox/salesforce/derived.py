"""Values Salesforce computes when a record is read rather than stored: a campaign member's
copies of its contact's or lead's fields, and a campaign's member counts."""

from __future__ import annotations

import sqlite3
from collections import Counter

from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.store import Stored

MEMBER_COPIES = ("FirstName", "LastName", "Name", "Email", "HasOptedOutOfEmail")


def enrich(conn: sqlite3.Connection, sobject: str, rows: list[Stored]) -> None:
    """Fill the read-time fields of ``rows`` in place (nothing is written back)."""
    if sobject == "CampaignMember":
        _members(conn, rows)
    elif sobject == "Campaign":
        _campaigns(conn, rows)


def _members(conn: sqlite3.Connection, rows: list[Stored]) -> None:
    people = records.load_many(conn, (r.data.get("LeadOrContactId") for r in rows))
    accounts = records.load_many(
        conn, (p.data.get("AccountId") for p in people.values() if p.sobject == "Contact")
    )
    for row in rows:
        person = people.get(row.data.get("LeadOrContactId") or "")
        if person is None:
            continue
        for name in MEMBER_COPIES:
            row.data[name] = person.data.get(name)
        if person.sobject == "Lead":
            row.data["CompanyOrAccount"] = person.data.get("Company")
        else:
            account = accounts.get(person.data.get("AccountId") or "")
            row.data["CompanyOrAccount"] = account.data.get("Name") if account else None


def _campaigns(conn: sqlite3.Connection, rows: list[Stored]) -> None:
    contacts: Counter[str] = Counter()
    leads: Counter[str] = Counter()
    responses: Counter[str] = Counter()
    for member in records.scan(conn, "CampaignMember"):
        campaign = member.data.get("CampaignId") or ""
        (contacts if member.data.get("ContactId") else leads)[campaign] += 1
        if member.data.get("HasResponded"):
            responses[campaign] += 1
    for row in rows:
        row.data["NumberOfContacts"] = contacts[row.id]
        row.data["NumberOfLeads"] = leads[row.id]
        row.data["NumberOfResponses"] = responses[row.id]
