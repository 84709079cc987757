"""An email changed in the source, with "a new contact when the email changes" (SyncApps'
"create a new record when an email address is updated"): the new address becomes a contact
of its own and the old contact stays as it was; by default the address changes in place."""

from __future__ import annotations

from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import OptOutHandling
from app.sync.planner import Reason
from tests.sync.two_way import counts_add_up


def test_by_default_the_same_contact_takes_the_new_address(two_way):
    tw = two_way.setup()
    key = tw.source.add("old@example.com", "Ada", "Byron", "Co")
    tw.run()
    old_id = tw.emulator.get_contact("old@example.com")["contact_id"]
    tw.source.records[key]["Email"] = "new@example.com"

    summary = tw.run()

    counts_add_up(tw.service, summary)
    assert tw.emulator.get_contact("old@example.com") is None
    assert tw.emulator.get_contact("new@example.com")["contact_id"] == old_id


def test_a_new_contact_for_the_new_address_and_the_old_one_stays(two_way):
    tw = two_way.setup(new_contact_on_email_change=True)
    key = tw.source.add("old@example.com", "Ada", "Byron", "Co")
    tw.run()
    old_id = tw.emulator.get_contact("old@example.com")["contact_id"]
    tw.source.records[key]["Email"] = "new@example.com"
    tw.tick()

    summary = tw.run()

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(tw.service, summary)
    (result,) = tw.results(summary)
    assert result.outcome is Outcome.CREATED
    assert result.reason.startswith("New address (was old@example.com): a new contact")
    old = tw.emulator.get_contact("old@example.com")
    assert old["contact_id"] == old_id  # untouched, still on the list
    assert {"old@example.com", "new@example.com"} <= tw.on_list()
    assert tw.emulator.get_contact("new@example.com")["contact_id"] != old_id

    # From now on the record is the new contact: a change reaches it, not the old one.
    tw.source.records[key]["First"] = "Augusta"
    tw.tick()
    again = tw.run()
    counts_add_up(tw.service, again)
    assert tw.emulator.get_contact("new@example.com")["first_name"] == "Augusta"
    assert tw.emulator.get_contact("old@example.com")["first_name"] == "Ada"


def test_someone_unsubscribed_under_the_old_address_is_not_added_under_the_new(two_way):
    tw = two_way.setup(
        new_contact_on_email_change=True, opt_out_handling=OptOutHandling.UNSUBSCRIBE
    )
    key = tw.source.add("old@example.com", "Ada", "Byron", "Co")
    tw.run()
    tw.person("old@example.com", "unsubscribed")
    tw.run()  # the unsubscribe is seen (and written back to the source)
    tw.source.records[key]["Email"] = "new@example.com"
    tw.source.opted_out.discard(key)  # even with the mark cleared in the source
    tw.tick()

    summary = tw.run()

    counts_add_up(tw.service, summary)
    pushed = tw.by_key(summary)[key]
    assert pushed.outcome is Outcome.SKIPPED
    assert pushed.reason == Reason.OLD_ADDRESS_UNSUBSCRIBED.format(old="old@example.com")
    assert tw.emulator.get_contact("new@example.com") is None
    assert "new@example.com" not in tw.on_list()
