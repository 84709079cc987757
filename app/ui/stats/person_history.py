"""One person's campaigns, a line each, from their events: what NeonCRM's account page shows
as the person's campaign history (plain Python, and the table's columns)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.campaign_stats import ActivityEvent
from app.ui.i18n import tr
from app.ui.lists.rows_model import Column
from app.ui.stats.columns import StatColumn, local_time
from app.ui.stats.words import sent_words, time_key


@dataclass(frozen=True)
class CampaignHistory:
    """What one person did with one campaign: counts of their events, and the links."""

    campaign_id: str
    campaign_name: str
    sent_at: datetime | None
    opens: int = 0
    clicks: int = 0
    links: tuple[str, ...] = ()
    forwards: int = 0
    unsubscribed: bool = False
    bounced: bool = False


def campaign_history(events: Sequence[ActivityEvent]) -> list[CampaignHistory]:
    """A line for each campaign in ``events``, the most recently sent first."""
    by_campaign: dict[str, list[ActivityEvent]] = {}
    for event in events:
        by_campaign.setdefault(event.campaign_id, []).append(event)
    lines = []
    for campaign_id, mine in by_campaign.items():
        sends = [e.at for e in mine if e.kind == "send"]
        kinds = [e.kind for e in mine]
        links: list[str] = []
        for e in sorted(mine, key=lambda e: e.at):
            if e.kind == "click" and e.link and e.link not in links:
                links.append(e.link)
        lines.append(
            CampaignHistory(
                campaign_id,
                mine[0].campaign_name,
                min(sends) if sends else min(e.at for e in mine),
                kinds.count("open"),
                kinds.count("click"),
                tuple(links),
                kinds.count("forward"),
                "optout" in kinds,
                "bounce" in kinds,
            )
        )
    return sorted(lines, key=lambda h: time_key(h.sent_at), reverse=True)


def _count(header: str, value: str) -> StatColumn[CampaignHistory]:
    return StatColumn(
        header,
        lambda h: f"{getattr(h, value):,}",
        sort=lambda h: getattr(h, value),
        numeric=True,
        cell=lambda h: getattr(h, value),
    )


def history_columns() -> tuple[Column[CampaignHistory], ...]:
    def yes(value: bool) -> str:
        return tr("Yes") if value else ""

    return (
        Column(tr("Campaign"), lambda h: h.campaign_name, tooltip=lambda h: h.campaign_name),
        StatColumn(
            tr("Sent"),
            lambda h: sent_words(h.sent_at),
            sort=lambda h: time_key(h.sent_at),
            cell=lambda h: local_time(h.sent_at),
        ),
        _count(tr("Opens"), "opens"),
        _count(tr("Clicks"), "clicks"),
        Column(
            tr("Links clicked"),
            lambda h: ", ".join(h.links),
            tooltip=lambda h: "\n".join(h.links),
        ),
        _count(tr("Forwards"), "forwards"),
        Column(
            tr("Unsubscribed"), lambda h: yes(h.unsubscribed), sort=lambda h: int(h.unsubscribed)
        ),
        Column(tr("Bounced"), lambda h: yes(h.bounced), sort=lambda h: int(h.bounced)),
    )
