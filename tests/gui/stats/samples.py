"""Campaign statistics a shop could have: three sent campaigns and a draft, their people and
events, in a ``FakeStats`` (``tests/helpers/fake_stats.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.campaign_stats import ActivityEvent, CampaignSummary, PersonActivity, PullReport
from tests.helpers.fake_service import FakeService
from tests.helpers.fake_stats import FakeStats

SENT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SPRING = CampaignSummary("c-spring", "Spring sale", "Done", SENT, 100, 31, 9, 2, 1, 3, 67)
# Fewer sends but a higher open rate: "9" sorts below "100" only when numbers sort as numbers.
NEWS = CampaignSummary(
    "c-news", "November news", "Done", SENT + timedelta(days=5), 9, 6, 1, 0, 0, 0, 3
)
OLD = CampaignSummary(
    "c-old", "Summer picnic", "Done", SENT - timedelta(days=120), 40, 10, 2, 1, 2, 0, 29
)
DRAFT = CampaignSummary("c-draft", "Christmas hours", "Draft", None)
CAMPAIGNS = [SPRING, NEWS, OLD, DRAFT]

ADA = PersonActivity(
    "cc-ada",
    "ada@example.com",
    "Ada Lovelace",
    opens=3,
    clicks=2,
    links=("https://shop.example.com/sale", "https://shop.example.com/hours"),
    forwards=1,
    source_key="C0000001",
    source_label="Bakery customers → Newsletter",
)
BO = PersonActivity("cc-bo", "bo@example.com", "Bo Li", unsubscribed=True, opens=1)
CY = PersonActivity("cc-cy", "cy@example.com", "Cy Twombly", bounced=True, bounce_code="B")
DI = PersonActivity("cc-di", "di@example.com", "Di Prima")
PEOPLE = [ADA, BO, CY, DI]


def _event(campaign: CampaignSummary, kind: str, who: PersonActivity, hours: float, link=""):
    assert campaign.sent_at is not None
    return ActivityEvent(
        campaign.campaign_id,
        campaign.name,
        f"a-{campaign.campaign_id}",
        kind,
        who.contact_id,
        who.email,
        campaign.sent_at + timedelta(hours=hours),
        link,
    )


EVENTS = [
    _event(SPRING, "send", ADA, 0),
    _event(SPRING, "open", ADA, 2),
    _event(SPRING, "open", ADA, 26),
    _event(SPRING, "click", ADA, 27, "https://shop.example.com/sale"),
    _event(SPRING, "forward", ADA, 28),
    _event(SPRING, "send", BO, 0),
    _event(SPRING, "open", BO, 5),
    _event(SPRING, "optout", BO, 5.5),
    _event(SPRING, "send", CY, 0),
    _event(SPRING, "bounce", CY, 0.1),
    _event(NEWS, "send", ADA, 0),
    _event(NEWS, "open", ADA, 50),
    _event(OLD, "send", ADA, 0),
    _event(OLD, "did_not_open", ADA, 0),
]


def sample_stats() -> FakeStats:
    return FakeStats(
        summaries=list(CAMPAIGNS),
        people_of={SPRING.campaign_id: list(PEOPLE)},
        events=list(EVENTS),
        next_pull=PullReport(campaigns=4, campaigns_new=1, events_new=12, events_total=14),
    )


def with_stats(service: FakeService, stats: FakeStats | None = None) -> FakeService:
    service.stats = stats if stats is not None else sample_stats()
    return service
