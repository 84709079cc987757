"""Campaign statistics as export sheets: the campaigns table, or one campaign's people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.core.campaign_stats import CampaignSummary, PersonActivity
from app.sync.exports import Sheet

CAMPAIGNS_HEADER = (
    "Campaign",
    "Status",
    "Sent",
    "Sends",
    "Opens",
    "Clicks",
    "Bounces",
    "Opt-outs",
    "Forwards",
    "Not opened",
    "Open rate",
    "Click rate",
    "Bounce rate",
    "Opt-out rate",
)
PEOPLE_HEADER = (
    "Email",
    "Name",
    "Opens",
    "Clicks",
    "Links clicked",
    "Forwards",
    "Unsubscribed",
    "Bounced",
    "Bounce code",
    "Source record",
    "Profile",
    "Constant Contact ID",
)


def _local(value: datetime | None) -> datetime | None:
    """Excel shows naive local times."""
    return None if value is None else value.astimezone().replace(tzinfo=None)


def campaigns_sheet(campaigns: Sequence[CampaignSummary], title: str = "Campaigns") -> Sheet:
    rows = [
        (
            c.name,
            c.status,
            _local(c.sent_at),
            c.sends,
            c.opens,
            c.clicks,
            c.bounces,
            c.optouts,
            c.forwards,
            c.not_opened,
            round(c.open_rate, 4),
            round(c.click_rate, 4),
            round(c.bounce_rate, 4),
            round(c.optout_rate, 4),
        )
        for c in campaigns
    ]
    return Sheet(title, CAMPAIGNS_HEADER, rows)


def people_sheet(people: Sequence[PersonActivity], title: str = "People") -> Sheet:
    yes_no = {True: "Yes", False: "No"}
    rows = [
        (
            p.email,
            p.name,
            p.opens,
            p.clicks,
            " ".join(p.links),
            p.forwards,
            yes_no[p.unsubscribed],
            yes_no[p.bounced],
            p.bounce_code,
            p.source_key or "",
            p.source_label or "",
            p.contact_id,
        )
        for p in people
    ]
    return Sheet(title, PEOPLE_HEADER, rows)
