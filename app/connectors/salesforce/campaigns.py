"""Campaigns as Constant Contact lists: which campaigns there are, and who is in them.

SyncApps' "Campaigns (or Marketing Lists) as lists": each checked campaign becomes one
Constant Contact list, and only the members of the checked campaigns sync. A record's
``lists`` name the checked campaigns it is a member of, by the campaign's 18-character
Id (a renamed campaign keeps its list); the profile's ``list_map`` sends each Id to its
Constant Contact list (``app/core/list_rules.py``).

A member is named by ``ContactId`` (a contact, or a person account's ``PersonContactId``)
or ``LeadId``. A converted lead's membership keeps its ``LeadId``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.connectors.salesforce.client import SalesforceClient, soql_ids, soql_time

IDS_PER_QUERY = 200  # ids in one ``IN (…)``: the query's URL stays short


@dataclass(frozen=True)
class Campaign:
    """A campaign, with how many contacts and leads are in it."""

    campaign_id: str
    name: str
    active: bool = True
    contacts: int = 0
    leads: int = 0

    @property
    def members(self) -> int:
        return self.contacts + self.leads


def chunks(items: Sequence[str], size: int = IDS_PER_QUERY) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def list_campaigns(client: SalesforceClient) -> list[Campaign]:
    """Every campaign, by name, with its member counts."""
    soql = "SELECT Id, Name, IsActive, NumberOfContacts, NumberOfLeads FROM Campaign ORDER BY Name"
    return [
        Campaign(
            campaign_id=str(c.get("Id") or ""),
            name=str(c.get("Name") or ""),
            active=bool(c.get("IsActive", True)),
            contacts=int(c.get("NumberOfContacts") or 0),
            leads=int(c.get("NumberOfLeads") or 0),
        )
        for c in client.query(soql, "campaigns")
    ]


def memberships(
    client: SalesforceClient,
    campaign_ids: Sequence[str],
    member_field: str,
    since: datetime | None = None,
    *,
    deleted: bool = False,
) -> dict[str, set[str]]:
    """Member id (``ContactId`` or ``LeadId``) -> the campaigns of ``campaign_ids`` it is in.

    With ``since``, only memberships added or changed after it; with ``deleted`` too, the
    memberships removed after it (read from the recycle bin: ``queryAll``).
    """
    found: dict[str, set[str]] = {}
    for part in chunks(list(campaign_ids)):
        where = [f"CampaignId IN {soql_ids(part)}", f"{member_field} != null"]
        if since is not None:
            where.append(f"SystemModstamp > {soql_time(since)}")
        if deleted:
            where.append("IsDeleted = true")
        soql = f"SELECT CampaignId, {member_field} FROM CampaignMember WHERE " + " AND ".join(where)
        for row in client.query(soql, "campaign members", all_rows=deleted):
            member = str(row.get(member_field) or "")
            if member:
                found.setdefault(member, set()).add(str(row.get("CampaignId") or ""))
    return found
