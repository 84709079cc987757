"""The push engine on the sandbox: first push, no-change runs, edits, unsubscribes, dry runs, lists.

Every test runs the sample profile ("Bakery customers → Newsletter") through the real service
against the Constant Contact emulator over loopback HTTP, then checks what a user would check:
the counts, the per-record results, and what is actually in Constant Contact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from app.core.outcomes import Outcome, RunStatus
from app.core.phases import PHASES
from app.core.profiles import OptOutHandling
from app.sandbox.samples import SAMPLE_LIST_NAME
from app.sync.engine import IMPORT
from app.sync.planner import Reason
from tests.sync.conftest import (
    EMAIL_COLUMN,
    IMPORT_KEY,
    KEY_COLUMN,
    OPT_OUT_COLUMN,
    Bakery,
    PhaseReporter,
)

GRACE, ALAN = "grace.hopper@example.com", "alan.turing@example.com"
WRITES = ("POST /v3", "PUT /v3", "PATCH /v3", "DELETE /v3")


def email_of(bakery: Bakery, key: str) -> str:
    return next(r[EMAIL_COLUMN] for r in bakery.rows() if r[KEY_COLUMN] == key).lower()


def updated_stamps(bakery: Bakery) -> dict[str, str]:
    """Each contact's ``updated_at`` in Constant Contact, by email."""
    with bakery.emulator.state.tx() as conn:
        rows = conn.execute("SELECT email_lower, updated_at FROM contacts").fetchall()
    return {r[0]: r[1] for r in rows}


def assert_no_duplicates(bakery: Bakery) -> None:
    repeated = [e for e, n in Counter(bakery.contact_emails()).items() if n > 1]
    assert repeated == []


def test_first_push_creates_updates_and_skips_exactly_what_the_file_holds(bakery):
    rows = bakery.rows()
    in_cc_before = set(bakery.contact_emails())
    pushable = bakery.pushable_emails()
    expected_created = pushable - in_cc_before
    expected_updated = (pushable & in_cc_before) - {ALAN}
    assert bakery.lists_named(SAMPLE_LIST_NAME) == []  # the run has to create it
    reporter = PhaseReporter()

    summary = bakery.run(reporter=reporter)

    assert summary.status is RunStatus.COMPLETED
    assert reporter.phases == list(PHASES)
    counts = summary.counts
    assert counts.total == len(rows) == 246
    assert counts.created == len(expected_created) == 238
    assert counts.updated == len(expected_updated) == 1
    assert counts.unchanged == counts.failed == 0
    assert counts.skipped == len(rows) - len(expected_created) - len(expected_updated) == 7

    results = bakery.results(summary)
    assert len(results) == len(rows)
    created = {r.email for r in results.values() if r.outcome is Outcome.CREATED}
    assert created == expected_created
    assert all(r.reason for r in results.values() if r.outcome is Outcome.SKIPPED)

    # Constant Contact now holds every created contact, once, on the (new) Newsletter list.
    assert len(bakery.lists_named(SAMPLE_LIST_NAME)) == 1
    on_list = bakery.on_list()
    assert expected_created | expected_updated <= on_list
    assert_no_duplicates(bakery)

    # Grace Hopper already existed: matched by email and updated from the file.
    grace = results["C9000001"]
    assert (grace.outcome, grace.matched_existing) == (Outcome.UPDATED, True)
    assert bakery.emulator.get_contact(GRACE)["company_name"] == "Navy Bakery Supply"

    # Alan Turing unsubscribed in Constant Contact: left alone and said why.
    alan = results["C9000002"]
    assert (alan.outcome, alan.reason) == (Outcome.SKIPPED, Reason.UNSUBSCRIBED)
    assert ALAN not in on_list
    assert bakery.emulator.get_contact(ALAN)["email_address"]["permission_to_send"] == (
        "unsubscribed"
    )

    # People who opted out in the shop's own records never reach Constant Contact.
    opted_out = bakery.opted_out_emails()
    assert len(opted_out) == 3
    for email in opted_out:
        assert bakery.emulator.get_contact(email) is None
    assert {results[k].reason for k in results if results[k].email in opted_out} == {
        Reason.OPTED_OUT
    }

    # The file's own problems are each reported with their reason.
    assert results["C9000003"].reason == Reason.DUPLICATE.format(row=4)
    assert results["C9000004"].reason == Reason.NO_EMAIL
    assert results["C9000005"].reason == Reason.INVALID_EMAIL.format(value="tess@example")


def test_second_run_without_changes_imports_nothing(bakery):
    first = bakery.run()
    before = updated_stamps(bakery)
    bakery.emulator.reset_counts()

    again = bakery.run()

    assert again.status is RunStatus.COMPLETED
    assert again.counts.unchanged == first.counts.created + first.counts.updated
    assert (again.counts.created, again.counts.updated, again.counts.failed) == (0, 0, 0)
    assert again.counts.skipped == first.counts.skipped
    assert again.counts.total == first.counts.total
    previously_pushed = {
        k
        for k, r in bakery.results(first).items()
        if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
    }
    assert {k for k, r in bakery.results(again).items() if r.outcome is Outcome.UNCHANGED} == (
        previously_pushed
    )
    assert bakery.requests(IMPORT_KEY) == 0
    assert not [k for k in bakery.emulator.request_counts() if k.startswith(WRITES)]
    assert updated_stamps(bakery) == before  # not one contact was touched


def test_one_changed_row_sends_one_update(bakery):
    bakery.run()
    email = email_of(bakery, "C0000010")
    others_before = {e: s for e, s in updated_stamps(bakery).items() if e != email}
    bakery.edit("C0000010", Company="Tacoma Treats")
    bakery.emulator.reset_counts()

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED
    assert summary.counts.updated == 1
    assert summary.counts.created == 0
    changed = bakery.results(summary)["C0000010"]
    assert (changed.outcome, changed.reason) == (Outcome.UPDATED, "Changed since the last sync")
    assert bakery.requests(IMPORT_KEY) == 1
    assert bakery.emulator.get_contact(email)["company_name"] == "Tacoma Treats"
    assert {e: s for e, s in updated_stamps(bakery).items() if e != email} == others_before

    bakery.emulator.reset_counts()
    assert bakery.run().counts.updated == 0  # and the change is not sent twice
    assert bakery.requests(IMPORT_KEY) == 0


@pytest.mark.parametrize("row_changed", [False, True], ids=["row-unchanged", "row-changed"])
def test_contact_who_unsubscribed_in_cc_is_left_alone(bakery, row_changed):
    bakery.run()
    email = email_of(bakery, "C0000020")
    assert email in bakery.on_list()
    bakery.emulator.set_permission(email, "unsubscribed")
    if row_changed:
        bakery.edit("C0000020", Company="Changed After Opt-out")

    summary = bakery.run()

    result = bakery.results(summary)["C0000020"]
    assert (result.outcome, result.reason) == (Outcome.SKIPPED, Reason.UNSUBSCRIBED)
    contact = bakery.emulator.get_contact(email)
    assert contact["email_address"]["permission_to_send"] == "unsubscribed"
    assert email not in bakery.on_list()
    assert contact.get("company_name") != "Changed After Opt-out"
    assert summary.status is RunStatus.COMPLETED


def test_contact_who_unsubscribes_while_the_import_runs_is_reported_skipped(bakery):
    bakery.run()
    email = email_of(bakery, "C0000025")
    bakery.edit("C0000025", Company="Edited Before Opt-out")

    def unsubscribe_when_importing(phase: str, done: int, total: int) -> None:
        if phase == IMPORT and bakery.emulator.get_contact(email)["list_memberships"]:
            bakery.emulator.set_permission(email, "unsubscribed")  # after our read, mid-run

    bakery.emulator.runner.delay = 1.0  # the import is queued when the person opts out
    summary = bakery.run(reporter=PhaseReporter(unsubscribe_when_importing))

    result = bakery.results(summary)["C0000025"]
    assert (result.outcome, result.reason) == (Outcome.SKIPPED, Reason.UNSUBSCRIBED)
    assert summary.counts.updated == 0
    # Refused by the list (the import's cannot_add_to_list_count): a failed subscription.
    refused = [r for r in bakery.results(summary).values() if r.reason == Reason.UNSUBSCRIBED]
    tallies = bakery.service.store.runs.tallies(summary.run_id)
    assert tallies.to_constant_contact.failed_subscriptions == len(refused) >= 2
    assert bakery.emulator.get_contact(email)["email_address"]["permission_to_send"] == (
        "unsubscribed"
    )
    assert email not in bakery.on_list()

    bakery.emulator.runner.delay = 0.0
    again = bakery.run()  # and from now on it is known as unsubscribed, not re-sent
    assert bakery.results(again)["C0000025"].reason == Reason.UNSUBSCRIBED
    assert again.counts.updated == 0


def test_source_opt_out_unsubscribes_when_the_profile_says_so(bakery):
    profile = bakery.profile
    options = replace(profile.options, opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    bakery.service.profiles.save(profile.with_changes(options=options))
    bakery.run()
    email = email_of(bakery, "C0000035")
    assert email in bakery.on_list()
    bakery.edit("C0000035", **{OPT_OUT_COLUMN: "Yes"})

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED
    result = bakery.results(summary)["C0000035"]
    assert result.outcome is Outcome.UPDATED
    contact = bakery.emulator.get_contact(email)
    assert contact["email_address"]["permission_to_send"] == "unsubscribed"
    assert contact["first_name"]  # the rest of the contact is kept
    # The people opted out from the start were never in Constant Contact: nothing to do.
    assert bakery.results(summary)["C9000006"].reason == Reason.NOT_IN_CC


def test_unsubscribe_in_the_same_second_as_the_last_import_is_seen(bakery):
    """Constant Contact's timestamps have whole seconds: the mirror must not miss a change
    made in the very second its watermark points at."""
    bakery.run()
    service = bakery.service
    watermark = service.store.mirror.watermark(service.connections.default_connection().id)
    assert watermark is not None
    email = email_of(bakery, "C0000030")
    real_clock = bakery.emulator.clock
    bakery.emulator.clock = lambda: watermark  # the person unsubscribes in that same second
    try:
        bakery.emulator.set_permission(email, "unsubscribed")
    finally:
        bakery.emulator.clock = real_clock

    summary = bakery.run()

    result = bakery.results(summary)["C0000030"]
    assert (result.outcome, result.reason) == (Outcome.SKIPPED, Reason.UNSUBSCRIBED)


def test_dry_run_writes_nothing_and_predicts_the_real_run(bakery):
    contacts_before = updated_stamps(bakery)

    dry = bakery.run(dry_run=True)

    assert dry.status is RunStatus.DRY_RUN
    assert dry.dry_run
    assert bakery.lists_named(SAMPLE_LIST_NAME) == []  # the missing list was not created
    assert bakery.requests(IMPORT_KEY) == 0
    assert not [k for k in bakery.emulator.request_counts() if k.startswith(WRITES)]
    assert updated_stamps(bakery) == contacts_before
    planned = {k: r.outcome for k, r in bakery.results(dry).items()}
    assert len(planned) == dry.counts.total == len(bakery.rows())

    real = bakery.run()

    assert real.run_id != dry.run_id
    assert real.status is RunStatus.COMPLETED
    assert real.counts == dry.counts
    assert {k: r.outcome for k, r in bakery.results(real).items()} == planned


def test_dry_run_after_a_sync_plans_only_the_change(bakery):
    bakery.run()
    bakery.edit("C0000040", **{"First Name": "Renamed"})

    dry = bakery.run(dry_run=True)

    assert (dry.counts.updated, dry.counts.created) == (1, 0)
    assert bakery.emulator.get_contact(email_of(bakery, "C0000040"))["first_name"] != "Renamed"
    real = bakery.run()  # the dry run did not stand in for the real one
    assert real.counts.updated == 1
    assert bakery.emulator.get_contact(email_of(bakery, "C0000040"))["first_name"] == "Renamed"


def test_existing_main_list_of_the_same_name_is_used(bakery):
    list_id = bakery.emulator.create_list(SAMPLE_LIST_NAME)
    bakery.emulator.create_list("Newsletter archive")
    bakery.emulator.seed_contact("already.there@example.com", list_names=[SAMPLE_LIST_NAME])

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED
    assert bakery.lists_named(SAMPLE_LIST_NAME) == [list_id]
    assert bakery.requests("POST /v3/contact_lists") == 0
    assert bakery.emulator.contacts_on_list("Newsletter archive") == set()
    on_list = bakery.on_list()
    assert "already.there@example.com" in on_list  # the list's own members stay
    assert bakery.pushable_emails() - {ALAN} <= on_list


def test_missing_main_list_is_created_once(bakery):
    bakery.run()
    assert len(bakery.lists_named(SAMPLE_LIST_NAME)) == 1
    assert bakery.requests("POST /v3/contact_lists") == 1

    bakery.edit("C0000050", Company="New Co")
    bakery.run()

    assert len(bakery.lists_named(SAMPLE_LIST_NAME)) == 1
    assert bakery.requests("POST /v3/contact_lists") == 1
