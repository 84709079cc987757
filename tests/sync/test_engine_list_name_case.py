"""A profile whose main list is named in other capitals than the list in Constant Contact
("newsletter" for "Newsletter") syncs into that list: Constant Contact would refuse to create
"newsletter" beside it ("already in use"), so it cannot mean another list."""

from __future__ import annotations

from app.core.outcomes import RunStatus


def test_a_main_list_named_in_other_capitals_syncs_into_the_existing_list(bakery):
    newsletter = bakery.emulator.create_list("Newsletter")
    service = bakery.service
    service.profiles.save(bakery.profile.with_changes(main_list="newsletter"))

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED, summary.message
    assert bakery.lists_named("Newsletter") == [newsletter]  # no second list
    assert bakery.pushable_emails() - {"alan.turing@example.com"} <= bakery.on_list("Newsletter")
