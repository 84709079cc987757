"""Campaign statistics as the app speaks them: campaigns, people, events, pull reports (pure).

Constant Contact reports what happened after an email went out: per campaign counts
(``CampaignSummary``), per person activity in one campaign (``PersonActivity``), single
tracking events (``ActivityEvent``), and opens and clicks per day (``ActivityPoint``). The
statistics pull reports what it fetched as a ``PullReport``. The store fills these
(``app.store.campaign_stats_repo``) and the window shows them (through ``service.stats``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

# Every kind of tracking event kept, in the order the people view shows them.
EVENT_KINDS = ("send", "open", "click", "forward", "optout", "bounce", "did_not_open")

# Constant Contact's ``tracking_activity_type`` for each kind (the spec's example names the
# did-not-opens rows ``em_didnotopens``; any other spelling is read by the report it came in).
TRACKING_TYPES: dict[str, str] = {
    "em_sends": "send",
    "em_opens": "open",
    "em_clicks": "click",
    "em_forwards": "forward",
    "em_optouts": "optout",
    "em_bounces": "bounce",
    "em_didnotopens": "did_not_open",
    "em_not_opens": "did_not_open",
}

# The tracking report (the last part of its path) that holds each kind. ``unique_opens`` is
# left out: it repeats ``opens`` one row a person and costs the same pages.
REPORT_OF_KIND: dict[str, str] = {
    "send": "sends",
    "open": "opens",
    "click": "clicks",
    "forward": "forwards",
    "optout": "optouts",
    "bounce": "bounces",
    "did_not_open": "didnotopens",
}
KIND_OF_REPORT: dict[str, str] = {report: kind for kind, report in REPORT_OF_KIND.items()}

# Reports fetched once, after the campaign is done: huge, and settled after the send.
SETTLED_REPORTS = ("sends", "didnotopens")
# Reports paged back to a high-water mark on every pull of a live campaign.
LIVE_REPORTS = ("opens", "clicks", "forwards", "optouts", "bounces")

# What the activity stats report (``/reports/stats/email_campaign_activities``) counts of
# each live report: its stat, and whether that counts people (unique) or rows. A pull
# compares it with the rows kept, to know whether a report has anything new.
REPORT_STATS: dict[str, tuple[str, bool]] = {
    "opens": ("em_opens_all", False),
    "clicks": ("em_clicks_all", False),
    "forwards": ("em_forwards", True),
    "optouts": ("em_optouts", True),
    "bounces": ("em_bounces", True),
}

# Bounce codes that mean the address cannot receive mail (a hard bounce): B is
# "non-existent address"; the others (D, F, S, V, X, Z) are soft or policy bounces.
HARD_BOUNCE_CODES = frozenset({"B"})

SCHEDULES = ("nightly", "hourly", "off")
DEFAULT_SCHEDULE = "nightly"


def kind_of_tracking_type(tracking_type: str, report: str) -> str:
    """The event kind of a tracking row: from its type, else from the report it came in."""
    kind = TRACKING_TYPES.get(tracking_type)
    if kind is not None:
        return kind
    return KIND_OF_REPORT.get(report, report)


def _rate(part: int, whole: int) -> float:
    return part / whole if whole > 0 else 0.0


@dataclass(frozen=True)
class CampaignSummary:
    """One campaign's counts (unique people per kind), as Constant Contact last reported.

    Attributes:
        status: Constant Contact's ``current_status`` ("Done", "Draft", "Sent"...).
        sent_at: when it was (last) sent; None for a draft.
        not_opened: sends that were not opened.
    """

    campaign_id: str
    name: str
    status: str
    sent_at: datetime | None
    sends: int = 0
    opens: int = 0
    clicks: int = 0
    bounces: int = 0
    optouts: int = 0
    forwards: int = 0
    not_opened: int = 0

    @property
    def open_rate(self) -> float:
        """Opens as a fraction of sends (0.0 with no sends)."""
        return _rate(self.opens, self.sends)

    @property
    def click_rate(self) -> float:
        return _rate(self.clicks, self.sends)

    @property
    def bounce_rate(self) -> float:
        return _rate(self.bounces, self.sends)

    @property
    def optout_rate(self) -> float:
        return _rate(self.optouts, self.sends)


@dataclass(frozen=True)
class PersonActivity:
    """What one person did with one campaign.

    Attributes:
        opens, clicks, forwards: how many times.
        links: the links they clicked, each once, in the order first clicked.
        bounce_code: Constant Contact's code of the last bounce ("" when none).
        source_key, source_label: the source record a profile linked to this contact (its
            key and the profile's name), when one did.
    """

    contact_id: str
    email: str
    name: str
    opens: int = 0
    clicks: int = 0
    links: tuple[str, ...] = ()
    forwards: int = 0
    unsubscribed: bool = False
    bounced: bool = False
    bounce_code: str = ""
    source_key: str | None = None
    source_label: str | None = None

    @property
    def hard_bounced(self) -> bool:
        return self.bounced and self.bounce_code in HARD_BOUNCE_CODES


@dataclass(frozen=True)
class ActivityEvent:
    """One tracking event: a send, open, click... of one contact in one campaign activity.

    Attributes:
        kind: one of ``EVENT_KINDS``.
        link: the clicked link's URL (clicks only, else "").
    """

    campaign_id: str
    campaign_name: str
    activity_id: str
    kind: str
    contact_id: str
    email: str
    at: datetime
    link: str = ""


@dataclass(frozen=True)
class ActivityPoint:
    """Opens and clicks on one day (UTC)."""

    day: date
    opens: int
    clicks: int


@dataclass(frozen=True)
class PullReport:
    """What one statistics pull found.

    Attributes:
        campaigns: campaigns kept (all, after the pull); ``campaigns_new``: first seen now.
        activities: campaign activities whose reports the pull read.
        events_new: tracking events stored by this pull; ``events_total``: all kept.
        requests: requests made to Constant Contact.
        marks: the new high-water marks, "activity/report" -> ISO time of the newest row.
        stopped: None when it finished, "cancelled" or "quota" when it stopped early
            (the next pull resumes where it stopped).
        message: a sentence for the user when it stopped early.
    """

    campaigns: int = 0
    campaigns_new: int = 0
    activities: int = 0
    events_new: int = 0
    events_total: int = 0
    requests: int = 0
    marks: dict[str, str] = field(default_factory=dict)
    stopped: str | None = None
    message: str = ""

    def as_json(self) -> dict[str, Any]:
        """The report for ``stats pull --json``."""
        return {
            "campaigns": self.campaigns,
            "campaigns_new": self.campaigns_new,
            "activities": self.activities,
            "events_new": self.events_new,
            "events_total": self.events_total,
            "requests": self.requests,
            "marks": dict(self.marks),
            "stopped": self.stopped,
            "message": self.message,
        }


@dataclass(frozen=True)
class CampaignInfo:
    """A campaign as ``GET /emails`` lists it (times UTC)."""

    campaign_id: str
    name: str
    status: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class SummaryCounts:
    """One campaign's unique counts from the bulk summaries report."""

    campaign_id: str
    sent_at: datetime | None
    sends: int = 0
    opens: int = 0
    clicks: int = 0
    forwards: int = 0
    optouts: int = 0
    abuse: int = 0
    bounces: int = 0
    not_opened: int = 0


class TrackingRow(NamedTuple):
    """One row of a tracking report, ready to keep (a NamedTuple: a pull reads 100,000s).

    Attributes:
        kind: one of ``EVENT_KINDS``.
        email: lowercased.
        at: ``created_time`` as ISO 8601 UTC text (``stamp``), part of the dedupe key.
        link: the clicked URL (clicks), else "".
        code: the bounce code (bounces) or the opt-out reason (optouts), else "".
    """

    activity_id: str
    kind: str
    contact_id: str
    email: str
    name: str
    at: str
    link: str = ""
    code: str = ""


def stamp(value: datetime) -> str:
    """A time as the ISO 8601 UTC text the store keeps (text order is time order)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds")
