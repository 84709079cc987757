"""A record's details: what a run sent for it, and what Constant Contact holds for it now."""

from __future__ import annotations

from app.core.outcomes import Outcome
from tests.sync.conftest import Bakery

KEY_COLUMN = "Customer ID"


def test_an_update_says_what_changed_and_its_details_show_sent_and_held_values(
    bakery: Bakery,
) -> None:
    bakery.run()
    row = next(
        r for r in bakery.rows() if r["City"] and r["Email Address"] in bakery.pushable_emails()
    )
    key, old_city = row[KEY_COLUMN], row["City"]
    new_city = "Dallas" if old_city != "Dallas" else "Austin"
    bakery.edit(key, City=new_city)

    summary = bakery.run()
    result = bakery.results(summary)[key]
    assert result.outcome is Outcome.UPDATED
    assert f"City: {old_city} → {new_city}" in result.detail

    service = bakery.service
    connection = bakery.profile.connection_id
    # The local copy learns what Constant Contact holds after the import.
    service.store.mirror.upsert_contacts(
        connection, list(service.connections.cc_client(connection).iter_contacts())
    )
    details = service.runs.record_details(summary.run_id, key, result.email)
    assert details.sent is not None and details.sent["city"] == new_city
    assert details.held is not None
    assert details.held["email"] == result.email.lower()
    assert details.held.get("city") == new_city


def test_details_of_an_unknown_record_say_nothing_was_sent_nor_held(bakery: Bakery) -> None:
    summary = bakery.run()
    details = bakery.service.runs.record_details(summary.run_id, "no-such-key", "x@example.org")
    assert (details.sent, details.held) == (None, None)
