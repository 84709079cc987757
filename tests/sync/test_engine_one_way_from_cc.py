"""One way from Constant Contact (``push_to_cc`` off): the source's records are read to match
contacts and to mark opt-outs, but nothing is sent to Constant Contact; only its new
contacts and its unsubscribes go into the source (SyncApps' "don't sync records from the CRM
to Constant Contact")."""

from __future__ import annotations

from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import ImportScope, OptOutHandling
from app.sync.import_planner import BackReason
from tests.sync.two_way import LIST, counts_add_up


def test_only_new_contacts_and_unsubscribes_go_into_the_source(two_way):
    tw = two_way.setup(
        push_to_cc=False,
        import_from_cc=True,
        import_scope=ImportScope.MAIN_LIST,
        optout_to_source=True,
        opt_out_handling=OptOutHandling.UNSUBSCRIBE,
        remove_deleted=True,
    )
    kept = tw.source.add("kept@example.com", "Kept", "InSource", "Co")
    opted = tw.source.add("opted@example.com", "Opted", "Here", "Co")
    tw.source.opted_out.add(opted)  # opted out in the source: still not sent anywhere
    both = tw.source.add("both@example.com", "Both", "Sides", "Co")
    tw.emulator.seed_contact("new@example.com", "New", "InCc", list_names=[LIST])
    tw.emulator.seed_contact("both@example.com", "Both", "Sides", list_names=[LIST])
    tw.emulator.seed_contact("gone@example.com", "Gone", "Away", permission="unsubscribed")
    tw.emulator.reset_counts()

    summary = tw.run()

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(tw.service, summary)
    assert tw.writes() == []  # nothing was sent to Constant Contact
    assert tw.emulator.get_contact("kept@example.com") is None
    assert tw.permission("opted@example.com") == ""  # not unsubscribed there either
    rows = tw.results(summary)
    assert {r.direction for r in rows} == {"import"}  # the run's records are CC's contacts
    imported = {r.email: r for r in rows}
    assert imported["new@example.com"].outcome is Outcome.CREATED
    assert imported["both@example.com"].outcome is Outcome.UNCHANGED  # matched, linked
    assert imported["both@example.com"].reason == BackReason.MATCHED
    assert "gone@example.com" not in imported  # not on the main list
    new_key = tw.source.key_of("new@example.com")
    assert tw.source.records[new_key]["First"] == "New"
    assert len(tw.source.records) == 4  # nobody created twice

    # Someone unsubscribes in Constant Contact: the source marks them, nothing more.
    tw.person("both@example.com", "unsubscribed")
    tw.source.records[kept]["First"] = "Changed"  # a source change is not sent
    tw.emulator.reset_counts()
    back = tw.run()

    counts_add_up(tw.service, back)
    assert tw.writes() == []
    assert both in tw.source.opted_out
    marked = [r for r in tw.results(back) if r.direction == "optout"]
    assert [(r.email, r.outcome) for r in marked] == [("both@example.com", Outcome.UPDATED)]
    assert tw.emulator.get_contact("kept@example.com") is None

    # A record deleted from the source is not taken off the list: nothing goes that way.
    del tw.source.records[new_key]
    tw.emulator.reset_counts()
    after = tw.run()
    counts_add_up(tw.service, after)
    assert tw.writes() == []
    assert "new@example.com" in tw.on_list()


def test_the_source_is_read_whole_to_match_every_time(two_way):
    tw = two_way.setup(push_to_cc=False, optout_to_source=True)
    record = tw.source.add("someone@example.com", "Some", "One", "Co")
    tw.emulator.seed_contact("someone@example.com", "Some", "One", list_names=[LIST])
    first = tw.run()
    assert first.counts.total == 0  # nothing to do yet: the contact is subscribed
    tw.person("someone@example.com", "unsubscribed")

    second = tw.run()

    # The record did not change in the source, yet its opt-out mark is written: the run
    # matched it by email against a whole read, not against the changes only.
    assert record in tw.source.opted_out
    assert second.counts.updated == 1
