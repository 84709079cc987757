"""Two-way sync on the sandbox: imports into the source, opt-outs both ways, removals.

A writable in-memory source plays the CRM; Constant Contact is the emulator, over HTTP.
"""

from __future__ import annotations

from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import AmbiguousMatch, ImportScope, OptOutHandling
from app.sync.import_planner import BackReason
from app.sync.planner import Reason
from tests.sync.two_way import LIST, counts_add_up


def seed_people(tw, n: int = 3) -> list[str]:
    emails = [f"person{i}@example.com" for i in range(n)]
    for i, email in enumerate(emails):
        tw.source.add(email, f"First{i}", f"Last{i}", "Co")
    return emails


def test_import_creates_new_records_never_unsubscribed_ones(two_way):
    tw = two_way.setup(import_from_cc=True, import_scope=ImportScope.ALL_ACTIVE)
    seed_people(tw)
    tw.emulator.seed_contact("newbie@example.com", "New", "Bie", list_names=[LIST])
    tw.emulator.seed_contact("gone@example.com", "Gone", "Away", permission="unsubscribed")

    summary = tw.run()

    assert summary.status is RunStatus.COMPLETED
    counts_add_up(tw.service, summary)
    imported = {r.email: r for r in tw.results(summary, "import")}
    assert imported["newbie@example.com"].outcome is Outcome.CREATED
    assert imported["gone@example.com"].outcome is Outcome.SKIPPED
    assert imported["gone@example.com"].reason == BackReason.UNSUBSCRIBED
    key = tw.source.key_of("newbie@example.com")
    assert tw.source.records[key]["First"] == "New"
    assert not [k for k, v in tw.source.records.items() if v["Email"] == "gone@example.com"]
    assert key in imported["newbie@example.com"].detail
    # Named in the results as in the source: the contact's name, and once made, its new id.
    newbie = imported["newbie@example.com"]
    assert (newbie.name, newbie.source_id) == ("New Bie", key)
    assert imported["gone@example.com"].name == "Gone Away"
    pushed = {r.email: r for r in tw.results(summary, "push")}
    assert pushed["person1@example.com"].name == "First1 Last1"

    tw.emulator.reset_counts()
    tw.source.writes.clear()
    again = tw.run()

    assert tw.writes() == []
    assert tw.source.writes == []
    assert again.counts.failed == 0 and again.counts.created == 0


def test_import_by_default_brings_only_the_main_list(two_way):
    tw = two_way.setup(import_from_cc=True)
    tw.emulator.seed_contact("listed@example.com", "Lis", "Ted", list_names=[LIST])
    tw.emulator.seed_contact("elsewhere@example.com", "Else", "Where", list_names=["Other"])

    summary = tw.run()

    emails = {r.email for r in tw.results(summary, "import")}
    assert "listed@example.com" in emails
    assert "elsewhere@example.com" not in emails


def test_import_matches_by_name_and_email_then_by_the_rule(two_way):
    tw = two_way.setup(
        import_from_cc=True,
        import_scope=ImportScope.ALL_ACTIVE,
        import_ambiguous=AmbiguousMatch.SKIP,
    )
    # Two records share an email (the push pushes the first); the CC contact is named like
    # the second, so the import links nothing new here: the push handles that email.
    tw.source.add("shared@example.com", "Ann", "One")
    tw.source.add("shared@example.com", "Bob", "Two")
    # A family address in CC only, matching two filtered-out records with the same name.
    tw.options(
        import_from_cc=True,
        import_scope=ImportScope.ALL_ACTIVE,
        import_ambiguous=AmbiguousMatch.SKIP,
    )
    tw.emulator.seed_contact("family@example.com", "Sam", "Smith")
    tw.source.add("family@example.com", "Sam", "Smith")
    tw.source.add("family@example.com", "Sam", "Smith")
    tw.source.opted_out.update(tw.source.records)  # opted out here: the push leaves them

    summary = tw.run()

    family = next(r for r in tw.results(summary, "import") if r.email == "family@example.com")
    assert family.outcome is Outcome.SKIPPED
    assert "2 source records share this email and name" in family.reason
    counts_add_up(tw.service, summary)

    tw.options(import_ambiguous=AmbiguousMatch.LINK)
    linked = tw.run()
    family = next(r for r in tw.results(linked, "import") if r.email == "family@example.com")
    assert (family.outcome, family.matched_existing) == (Outcome.UNCHANGED, True)
    family_records = [v for v in tw.source.records.values() if v["Email"] == "family@example.com"]
    assert len(family_records) == 2  # linked, not created


def test_cc_unsubscribe_marks_the_source_and_a_resubscribe_clears_it(two_way):
    tw = two_way.setup(clear_optout_on_resubscribe=True)
    emails = seed_people(tw)
    tw.run()
    assert set(emails) <= tw.on_list()
    tw.person(emails[0], "unsubscribed")

    summary = tw.run()

    key = tw.source.key_of(emails[0])
    assert key in tw.source.opted_out
    row = tw.by_key(summary, "optout")[key]
    assert (row.outcome, row.reason) == (Outcome.UPDATED, BackReason.OPT_OUT)
    counts_add_up(tw.service, summary)

    tw.emulator.reset_counts()
    quiet = tw.run()  # nothing new: no writes either way
    assert tw.writes() == []
    assert tw.by_key(quiet, "optout") == {}

    tw.person(emails[0], "explicit")  # they opted back in themselves
    back = tw.run()

    assert key not in tw.source.opted_out
    assert tw.by_key(back, "optout")[key].reason == BackReason.OPT_IN
    assert tw.permission(emails[0]) == "explicit"


def test_resubscribe_is_respected_when_clearing_is_off(two_way):
    tw = two_way.setup(opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    emails = seed_people(tw)
    tw.run()
    tw.person(emails[1], "unsubscribed")
    tw.run()
    key = tw.source.key_of(emails[1])
    assert key in tw.source.opted_out
    tw.person(emails[1], "explicit")

    for _ in range(2):  # and never unsubscribed again by us
        summary = tw.run()
        assert tw.permission(emails[1]) == "explicit"
        assert tw.by_key(summary)[key].reason == Reason.RESUBSCRIBED
    assert key in tw.source.opted_out


def test_source_opt_out_unsubscribes_in_cc(two_way):
    tw = two_way.setup(opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    emails = seed_people(tw)
    tw.run()
    tw.source.opted_out.add(tw.source.key_of(emails[2]))

    summary = tw.run()

    assert tw.permission(emails[2]) == "unsubscribed"
    assert tw.by_key(summary)[tw.source.key_of(emails[2])].outcome is Outcome.UPDATED
    assert tw.by_key(tw.run())[tw.source.key_of(emails[2])].reason == (Reason.ALREADY_UNSUBSCRIBED)


def test_opt_outs_to_the_source_can_be_turned_off(two_way):
    tw = two_way.setup(optout_to_source=False)
    emails = seed_people(tw)
    tw.run()
    tw.person(emails[0], "unsubscribed")

    summary = tw.run()

    assert tw.source.opted_out == set()
    assert tw.results(summary, "optout") == []


def test_deleted_and_filtered_records_leave_the_main_list_only_when_chosen(two_way):
    tw = two_way.setup()
    emails = seed_people(tw, 4)
    tw.run()
    del tw.source.records[tw.source.key_of(emails[0])]

    kept = tw.run()  # off by default: nothing is removed
    assert emails[0] in tw.on_list()
    assert not [r for r in tw.results(kept) if r.action == "remove"]

    tw.options(remove_deleted=True)
    summary = tw.run()

    assert emails[0] not in tw.on_list()
    assert emails[0] in tw.contact_emails()  # never deleted from Constant Contact
    removed = [r for r in tw.results(summary) if r.action == "remove"]
    assert [(r.email, r.outcome, r.reason) for r in removed] == [
        (emails[0], Outcome.UPDATED, BackReason.REMOVED_DELETED)
    ]
    counts_add_up(tw.service, summary)
    tw.emulator.reset_counts()
    tw.run()
    assert tw.writes() == []


def test_email_change_updates_the_same_contact(two_way):
    tw = two_way.setup()
    emails = seed_people(tw)
    tw.run()
    key = tw.source.key_of(emails[0])
    before = tw.emulator.get_contact(emails[0])["contact_id"]
    tw.source.records[key].update(Email="renamed@example.com", First="Renamed")

    dry = tw.run(dry_run=True)
    planned = tw.by_key(dry)[key]
    assert planned.action == "change_email"
    assert planned.detail.startswith(f"Email: {emails[0]} → renamed@example.com")

    summary = tw.run()

    result = tw.by_key(summary)[key]
    assert result.outcome is Outcome.UPDATED
    contact = tw.emulator.get_contact("renamed@example.com")
    assert contact["contact_id"] == before
    assert contact["first_name"] == "Renamed"
    assert tw.emulator.get_contact(emails[0]) is None
    assert "renamed@example.com" in tw.on_list()
    assert sorted(tw.contact_emails()).count("renamed@example.com") == 1
    tw.emulator.reset_counts()
    tw.run()
    assert tw.writes() == []


def test_email_change_onto_another_contact_is_reported_not_merged(two_way):
    tw = two_way.setup()
    emails = seed_people(tw)
    tw.run()
    tw.emulator.seed_contact("taken@example.com", "Some", "Body")
    key = tw.source.key_of(emails[1])
    tw.source.records[key]["Email"] = "taken@example.com"

    summary = tw.run()

    result = tw.by_key(summary)[key]
    assert result.outcome is Outcome.SKIPPED
    assert result.reason == Reason.EMAIL_TAKEN.format(email="taken@example.com")
    assert tw.emulator.get_contact(emails[1]) is not None
    assert tw.emulator.get_contact("taken@example.com")["first_name"] == "Some"


def test_update_results_show_old_and_new_values(two_way):
    tw = two_way.setup()
    emails = seed_people(tw)
    tw.run()
    key = tw.source.key_of(emails[2])
    tw.source.records[key].update(First="Augusta", Company="Analytical")

    dry = tw.run(dry_run=True)

    detail = tw.by_key(dry)[key].detail
    assert "First name: First2 → Augusta" in detail
    assert "Company: Co → Analytical" in detail
