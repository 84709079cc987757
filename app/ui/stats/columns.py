"""The columns of the statistics tables: campaigns, the people of one campaign, one person's
events. Numbers and dates sort as numbers and times, not as their words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from app.core.campaign_stats import ActivityEvent, CampaignSummary, PersonActivity
from app.ui.i18n import tr
from app.ui.lists.rows_model import Column
from app.ui.stats.words import (
    bounce_words,
    event_time_words,
    kind_words,
    rate_words,
    sent_words,
    source_words,
    time_key,
)

R = TypeVar("R")


@dataclass(frozen=True)
class StatColumn(Column[R]):
    """A column that also says what its cell holds in an export (a number, a local time).

    Attributes:
        cell: the export's value (default: the words shown).
        sheet_header: the export's header (default: the column's).
    """

    cell: Callable[[R], Any] | None = None
    sheet_header: str = ""


def local_time(at: datetime | None) -> datetime | None:
    """A time as Excel shows it: local, without a zone (None stays empty)."""
    if at is None:
        return None
    return at.astimezone().replace(tzinfo=None) if at.tzinfo else at


def _count(header: str, value: str, tip: str = "") -> Column[CampaignSummary]:
    return StatColumn(
        header,
        lambda c: f"{getattr(c, value):,}",
        sort=lambda c: getattr(c, value),
        numeric=True,
        header_tip=tip,
        cell=lambda c: getattr(c, value),
    )


def _rate(header: str, value: str, tip: str) -> Column[CampaignSummary]:
    return StatColumn(
        header,
        lambda c: rate_words(getattr(c, value)),
        sort=lambda c: getattr(c, value),
        numeric=True,
        header_tip=tip,
        cell=lambda c: round(getattr(c, value) * 100, 1),
        sheet_header=f"{header} (%)",
    )


def campaign_fields() -> dict[str, Column[CampaignSummary]]:
    """Every campaign column by its key, in the Stats page's order (the dashboard panel
    shows the ones the user chose)."""
    return {
        "name": Column(tr("Campaign"), lambda c: c.name, tooltip=lambda c: c.name),
        "sent": StatColumn(
            tr("Sent"),
            lambda c: sent_words(c.sent_at),
            sort=lambda c: time_key(c.sent_at),
            tooltip=lambda c: c.status,
            cell=lambda c: local_time(c.sent_at),
        ),
        "sends": _count(tr("Sends"), "sends", tr("People the email was sent to")),
        "opens": _count(tr("Opens"), "opens", tr("People who opened it")),
        "open_rate": _rate(tr("Open rate"), "open_rate", tr("Opens as a share of sends")),
        "clicks": _count(tr("Clicks"), "clicks", tr("People who clicked a link in it")),
        "click_rate": _rate(tr("Click rate"), "click_rate", tr("Clicks as a share of sends")),
        "bounces": _count(tr("Bounces"), "bounces", tr("Emails that could not be delivered")),
        "bounce_rate": _rate(tr("Bounce rate"), "bounce_rate", tr("Bounces as a share of sends")),
        "optouts": _count(tr("Opt-outs"), "optouts", tr("People who unsubscribed from it")),
        "optout_rate": _rate(tr("Opt-out rate"), "optout_rate", tr("Opt-outs as a share of sends")),
        "forwards": _count(tr("Forwards"), "forwards", tr("People who forwarded it")),
    }


CAMPAIGN_KEYS = (
    "name",
    "sent",
    "sends",
    "opens",
    "open_rate",
    "clicks",
    "click_rate",
    "bounces",
    "bounce_rate",
    "optouts",
    "optout_rate",
    "forwards",
)


def campaign_columns(keys: tuple[str, ...] = CAMPAIGN_KEYS) -> tuple[Column[CampaignSummary], ...]:
    fields = campaign_fields()
    return tuple(fields[k] for k in keys if k in fields)


def _yes(value: bool) -> str:
    return tr("Yes") if value else ""


def _number(header: str, value: str) -> StatColumn[PersonActivity]:
    return StatColumn(
        header,
        lambda p: f"{getattr(p, value):,}",
        sort=lambda p: getattr(p, value),
        numeric=True,
        cell=lambda p: getattr(p, value),
    )


def people_columns() -> tuple[Column[PersonActivity], ...]:
    """One campaign's people, as NeonCRM's campaign detail lists them."""
    return (
        Column(tr("Email"), lambda p: p.email),
        Column(tr("Name"), lambda p: p.name),
        _number(tr("Opens"), "opens"),
        _number(tr("Clicks"), "clicks"),
        Column(
            tr("Links clicked"),
            lambda p: ", ".join(p.links),
            sort=lambda p: ", ".join(p.links).casefold(),
            tooltip=lambda p: "\n".join(p.links),
        ),
        _number(tr("Forwards"), "forwards"),
        Column(
            tr("Unsubscribed"), lambda p: _yes(p.unsubscribed), sort=lambda p: int(p.unsubscribed)
        ),
        Column(
            tr("Bounced"),
            bounce_words,
            sort=lambda p: f"{int(p.bounced)}{p.bounce_code}",
        ),
        Column(
            tr("In your records"),
            source_words,
            tooltip=lambda p: (
                source_words(p) + "\n" + tr("The source record a profile linked to this contact")
                if source_words(p)
                else ""
            ),
        ),
    )


def event_columns() -> tuple[Column[ActivityEvent], ...]:
    """One person's events across campaigns, newest first."""
    return (
        StatColumn(
            tr("When"),
            lambda e: event_time_words(e.at),
            sort=lambda e: e.at.timestamp(),
            cell=lambda e: local_time(e.at),
        ),
        Column(tr("Campaign"), lambda e: e.campaign_name, tooltip=lambda e: e.campaign_name),
        Column(tr("What happened"), lambda e: kind_words(e.kind)),
        Column(tr("Link"), lambda e: e.link, tooltip=lambda e: e.link),
    )
