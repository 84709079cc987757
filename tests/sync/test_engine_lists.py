"""A profile's list map: records join the Constant Contact lists their source lists map to,
leave them when they leave the source list, never when they unsubscribed, and undo puts the
lists back."""

from __future__ import annotations

from dataclasses import replace

from app.core.outcomes import Outcome
from tests.sync.conftest import EMAIL_COLUMN, KEY_COLUMN, Bakery

TYPE = "Customer Type"
TRADE = "Trade news"


def map_lists(bakery: Bakery) -> None:
    """Wholesale customers (the file's "Customer Type") also go on "Trade news"."""
    profile = bakery.profile
    settings = {**profile.source.settings, "lists_column": TYPE, "list_map": {"wholesale": TRADE}}
    bakery.service.profiles.save(
        profile.with_changes(source=replace(profile.source, settings=settings))
    )


def wholesale(bakery: Bakery) -> dict[str, str]:
    """Customer ID -> email of the pushable wholesale customers."""
    pushable = bakery.pushable_emails()
    return {
        r[KEY_COLUMN]: r[EMAIL_COLUMN].strip().lower()
        for r in bakery.rows()
        if r[TYPE] == "Wholesale" and r[EMAIL_COLUMN].strip().lower() in pushable
    }


def test_records_join_leave_and_rejoin_the_lists_their_source_lists_map_to(bakery: Bakery) -> None:
    map_lists(bakery)
    trade = wholesale(bakery)
    assert 5 < len(trade) < len(bakery.pushable_emails())
    first = bakery.run()
    assert first.counts.failed == 0
    assert bakery.on_list(TRADE) == set(trade.values())  # no one else, and no one missing
    assert bakery.on_list("Newsletter") >= set(trade.values())

    key, email = next(iter(trade.items()))
    bakery.edit(key, **{TYPE: "Retail"})
    second = bakery.run()
    result = bakery.results(second)[key]
    assert (result.outcome, result.reason) == (Outcome.UPDATED, "Taken off “Trade news”")
    assert email not in bakery.on_list(TRADE) and email in bakery.on_list("Newsletter")
    assert second.counts.updated == 1 and second.counts.total == first.counts.total

    bakery.edit(key, **{TYPE: "Wholesale"})
    third = bakery.run()
    assert bakery.results(third)[key].reason == "Added to “Trade news”"
    assert email in bakery.on_list(TRADE)
    assert bakery.run().counts.updated == 0  # nothing left to do


def test_a_contact_who_unsubscribed_never_joins_a_mapped_list(bakery: Bakery) -> None:
    map_lists(bakery)
    key, email = next(iter(wholesale(bakery).items()))
    bakery.emulator.seed_contact(email, "Gone", "Away", permission="unsubscribed")
    summary = bakery.run()
    assert email not in bakery.on_list(TRADE)
    assert bakery.results(summary)[key].outcome is Outcome.SKIPPED


def test_undo_puts_the_other_lists_back_as_they_were(bakery: Bakery) -> None:
    map_lists(bakery)
    bakery.run()
    key, email = next(iter(wholesale(bakery).items()))
    bakery.edit(key, **{TYPE: "Retail"})
    bakery.run()
    assert email not in bakery.on_list(TRADE)
    report = bakery.service.runs.undo(bakery.profile.id)
    assert email in bakery.on_list(TRADE)
    assert report.tally()["restored"] == 1
