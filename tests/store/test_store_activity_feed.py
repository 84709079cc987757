"""The campaign activity a migration copies, read from the store in the order it was kept:
after a position, of the contacts a profile holds or its run plans, of some contacts only, up
to a position (``CampaignStatsRepository.events_after``)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.campaign_stats import TrackingRow, stamp
from app.core.outcomes import Outcome
from app.core.store_types import Link, PlannedRow
from app.store.repositories import (
    CampaignPullRepository,
    CampaignStatsRepository,
    ConnectionRepository,
    LinkRepository,
    ProfileRepository,
    RunRepository,
)
from tests.store.builders import sample_profile


def at(day: int) -> str:
    return stamp(datetime(2026, 6, day, 10, tzinfo=UTC))


def test_events_are_read_after_a_position_for_the_contacts_held_or_planned(
    database: object, connections: ConnectionRepository
) -> None:
    conn = connections.create("constant_contact", "Shop").id
    profile = ProfileRepository().save(sample_profile(connection_id=conn)).saved_id
    pull, stats = CampaignPullRepository(), CampaignStatsRepository()
    rows = [
        TrackingRow("act", "send", "held", "held@example.com", "Held", at(1)),
        TrackingRow("act", "send", "planned", "planned@example.com", "New", at(1)),
        TrackingRow("act", "send", "other", "other@example.com", "Other", at(1)),
        TrackingRow("act", "open", "held", "held@example.com", "Held", at(2)),
        TrackingRow("act", "forward", "held", "held@example.com", "Held", at(2)),
        TrackingRow(
            "act",
            "send",
            "held",
            "held@example.com",
            "Held",
            stamp(datetime(2025, 1, 1, tzinfo=UTC)),
        ),
    ]
    assert pull.add_events(conn, "camp", rows) == 6
    LinkRepository().upsert_many(profile, [Link("held", None, "held@example.com", "memo")])
    runs = RunRepository()
    run = runs.start(profile)
    runs.add_records(
        run,
        [PlannedRow(1, "planned", "planned@example.com", "import_create", Outcome.CREATED)],
    )
    since = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = ("send", "open", "click")

    found = stats.events_after(conn, 0, since, kinds, 10, linked_by=profile, planned_in=run)
    assert [(e.contact_id, e.kind) for _, e in found] == [
        ("held", "send"),
        ("planned", "send"),
        ("held", "open"),
    ]  # not the other contact's, not a forward, not before the floor
    positions = [p for p, _ in found]
    assert positions == sorted(positions)
    assert (
        stats.events_after(conn, positions[0], since, kinds, 10, linked_by=profile, planned_in=run)[
            0
        ][1].contact_id
        == "planned"
    )
    first_two = stats.events_after(conn, 0, since, kinds, 2, linked_by=profile)
    assert [e.contact_id for _, e in first_two] == ["held", "held"]  # the run's plan not asked
    only = stats.events_after(
        conn,
        0,
        since,
        kinds,
        10,
        linked_by=profile,
        planned_in=run,
        contacts=["planned"],
        upto=positions[1],
    )
    assert [e.contact_id for _, e in only] == ["planned"]
    assert runs.keys_with_outcome(run, Outcome.CREATED) == ["planned"]
    assert found[0][1].campaign_id == "camp" and found[0][1].at == datetime(
        2026, 6, 1, 10, tzinfo=UTC
    )
