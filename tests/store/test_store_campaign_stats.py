"""Campaign statistics in the store: what the pull writes is what the window reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.campaign_stats import CampaignInfo, SummaryCounts, TrackingRow, stamp
from app.core.store_types import Link
from app.store.repositories import (
    CampaignPullRepository,
    CampaignStatsRepository,
    ConnectionRepository,
    LinkRepository,
    ProfileRepository,
)
from tests.store.builders import sample_profile

SPRING = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
SUMMER = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def pull(database: object) -> CampaignPullRepository:
    return CampaignPullRepository()


@pytest.fixture
def stats(database: object) -> CampaignStatsRepository:
    return CampaignStatsRepository()


@pytest.fixture
def connection_id(connections: ConnectionRepository) -> int:
    return connections.create("constant_contact", "Shop").id


def at(day: int, hour: int = 10) -> str:
    return stamp(datetime(2024, 6, day, hour, tzinfo=UTC))


def seed(pull: CampaignPullRepository, connection_id: int) -> None:
    """Two sent campaigns and a draft; the summer one with people who did things."""
    pull.upsert_campaigns(
        connection_id,
        [
            CampaignInfo("spring", "Spring sale", "Done", SPRING, SPRING),
            CampaignInfo("summer", "Summer news", "Done", SUMMER, SUMMER),
            CampaignInfo("draft", "Autumn draft", "Draft", SUMMER, SUMMER),
        ],
    )
    pull.set_activities(connection_id, "summer", [("act-s", "primary_email")], SUMMER)
    pull.upsert_summaries(
        connection_id,
        [
            SummaryCounts("spring", SPRING, sends=100, opens=40, clicks=10, bounces=2),
            SummaryCounts("summer", SUMMER, sends=3, opens=2, clicks=1, optouts=1, bounces=1),
            SummaryCounts("not-kept", SUMMER, sends=9),
        ],
    )
    rows = [
        TrackingRow("act-s", "send", "c-ada", "ada@example.com", "Ada Lovelace", at(1, 9)),
        TrackingRow("act-s", "send", "c-bob", "bob@example.com", "Bob Stone", at(1, 9)),
        TrackingRow("act-s", "send", "c-cy", "cy@example.com", "Cy Twombly", at(1, 9)),
        TrackingRow("act-s", "open", "c-ada", "ada@example.com", "Ada Lovelace", at(1, 11)),
        TrackingRow("act-s", "open", "c-ada", "ada@example.com", "Ada Lovelace", at(2, 8)),
        TrackingRow("act-s", "open", "c-bob", "bob@example.com", "Bob Stone", at(2, 9)),
        TrackingRow(
            "act-s", "click", "c-ada", "ada@example.com", "Ada Lovelace", at(2, 8), "https://a/x"
        ),
        TrackingRow("act-s", "optout", "c-bob", "bob@example.com", "Bob Stone", at(2, 10)),
        TrackingRow("act-s", "bounce", "c-cy", "cy@example.com", "Cy Twombly", at(1, 9), code="B"),
    ]
    assert pull.add_events(connection_id, "summer", rows) == len(rows)


def test_campaigns_newest_sent_first_with_their_counts_and_rates(
    pull: CampaignPullRepository, stats: CampaignStatsRepository, connection_id: int
) -> None:
    assert not stats.has_data()
    seed(pull, connection_id)

    campaigns = stats.campaigns()
    assert [c.name for c in campaigns] == ["Summer news", "Spring sale", "Autumn draft"]
    summer = campaigns[0]
    assert (summer.sends, summer.opens, summer.clicks, summer.optouts) == (3, 2, 1, 1)
    assert summer.sent_at == SUMMER and summer.open_rate == pytest.approx(2 / 3)
    assert campaigns[2].sent_at is None and campaigns[2].open_rate == 0.0  # a draft: no sends
    assert [c.name for c in stats.campaigns("SALE")] == ["Spring sale"]
    assert stats.campaigns("100%") == []  # a wildcard is a plain character
    assert stats.campaign("spring").bounces == 2  # type: ignore[union-attr]
    assert stats.campaign("nope") is None
    assert stats.has_data()


def test_people_say_what_each_did_and_which_source_record_they_are(
    pull: CampaignPullRepository,
    stats: CampaignStatsRepository,
    profiles: ProfileRepository,
    links: LinkRepository,
    connection_id: int,
) -> None:
    seed(pull, connection_id)
    profile = profiles.save(sample_profile("Members", connection_id=connection_id))
    assert profile.id is not None
    # Ada linked by contact id, Bob by email only (a bulk import returns no ids).
    links.upsert_many(
        profile.id,
        [Link("M-1", "c-ada", "ada@example.com", "fp"), Link("M-2", None, "bob@example.com", "f")],
    )

    people = {p.email: p for p in stats.people("summer")}

    ada, bob, cy = people["ada@example.com"], people["bob@example.com"], people["cy@example.com"]
    assert (ada.opens, ada.clicks, ada.links, ada.unsubscribed) == (2, 1, ("https://a/x",), False)
    assert (ada.source_key, ada.source_label, ada.name) == ("M-1", "Members", "Ada Lovelace")
    assert (bob.opens, bob.unsubscribed, bob.source_key) == (1, True, "M-2")
    assert (cy.bounced, cy.bounce_code, cy.hard_bounced, cy.source_key) == (True, "B", True, None)
    assert stats.people("spring") == [] and stats.people("nope") == []


def test_person_events_timeline_and_dedupe(
    pull: CampaignPullRepository, stats: CampaignStatsRepository, connection_id: int
) -> None:
    seed(pull, connection_id)
    again = TrackingRow("act-s", "open", "c-ada", "ada@example.com", "Ada Lovelace", at(2, 8))
    assert pull.add_events(connection_id, "summer", [again]) == 0  # kept once
    assert pull.event_count(connection_id) == 9

    events = stats.person_events("ADA@example.com")
    assert [e.kind for e in events][:2] in (["open", "click"], ["click", "open"])
    assert events[0].at >= events[-1].at and events[-1].kind == "send"
    assert {e.campaign_name for e in events} == {"Summer news"}

    assert [(p.day, p.opens, p.clicks) for p in stats.timeline("summer")] == [
        (date(2024, 6, 1), 1, 0),
        (date(2024, 6, 2), 2, 1),
    ]
    assert stats.timeline("spring") == [] and len(stats.timeline()) == 2


def test_opt_outs_and_hard_bounces_for_the_next_sync(
    pull: CampaignPullRepository, stats: CampaignStatsRepository, connection_id: int
) -> None:
    seed(pull, connection_id)
    soft = TrackingRow("act-s", "bounce", "c-ada", "ada@example.com", "Ada", at(3), code="S")
    pull.add_events(connection_id, "summer", [soft])
    assert stats.hard_bounced_or_opted_out(connection_id) == {"c-bob": "optout", "c-cy": "bounce"}


def test_disconnect_purges_only_that_accounts_statistics(
    pull: CampaignPullRepository,
    stats: CampaignStatsRepository,
    connections: ConnectionRepository,
    profiles: ProfileRepository,
    links: LinkRepository,
    connection_id: int,
) -> None:
    other = connections.create("constant_contact", "Other shop").id
    seed(pull, connection_id)
    pull.upsert_campaigns(other, [CampaignInfo("o1", "Other news", "Done", SUMMER, SUMMER)])
    pull.end_pass(connection_id, "act-s", "opens", SUMMER)
    profile = profiles.save(sample_profile("Members", connection_id=connection_id))
    assert profile.id is not None
    links.upsert_many(profile.id, [Link("M-1", "c-ada", "ada@example.com", "fp")])

    connections.purge_remote_data(connection_id)

    assert [c.name for c in stats.campaigns()] == ["Other news"]
    assert pull.event_count(connection_id) == 0 and pull.marks(connection_id) == {}
    assert stats.person_events("ada@example.com") == []
    assert len(links.load(profile.id)) == 1  # the source records' links stay


def test_marks_resume_at_the_page_a_pass_reached(
    pull: CampaignPullRepository, connection_id: int
) -> None:
    assert pull.mark(connection_id, "act-s", "opens").mark is None
    row = TrackingRow("act-s", "open", "c-1", "a@example.com", "A", at(2))
    new = pull.save_page(
        connection_id,
        "summer",
        "act-s",
        "opens",
        cursor="/next?page=2",
        pending=SUMMER,
        groups=[[row], [row]],
    )
    assert new == [1, 0]  # the same row twice: kept once
    halfway = pull.mark(connection_id, "act-s", "opens")
    assert (halfway.cursor, halfway.pending, halfway.mark) == ("/next?page=2", SUMMER, None)
    pull.end_pass(connection_id, "act-s", "opens", SUMMER, done=False)
    ended = pull.mark(connection_id, "act-s", "opens")
    assert (ended.cursor, ended.pending, ended.mark) == (None, None, SUMMER)
    assert pull.marks(connection_id) == {"act-s/opens": SUMMER.isoformat()}


def test_schedule_defaults_to_nightly_and_keeps_a_choice(stats: CampaignStatsRepository) -> None:
    assert stats.schedule() == "nightly"
    stats.set_schedule("hourly")
    assert stats.schedule() == "hourly"
    with pytest.raises(ValueError):
        stats.set_schedule("weekly")
    assert stats.schedule() == "hourly"
