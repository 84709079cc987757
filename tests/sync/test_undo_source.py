"""Undo of what a two-way run wrote to the source, against the Xero and Constant Contact
emulators: Xero's contacts are as they were before the run, except opt-outs; a value
someone changed in Xero since is reported, never overwritten; contacts the run created in
Xero are archived only when the user chose it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.sandbox.xero.samples import OPT_OUT_GROUP
from app.sync.bootstrap import ServiceHandle
from tests.sync.xero_two_way import NEWCOMERS, XeroTwoWay, second_run, synced_xero


@pytest.fixture
def xero(sandbox: ServiceHandle, monkeypatch: pytest.MonkeyPatch) -> XeroTwoWay:
    return synced_xero(sandbox, monkeypatch)


def test_undo_puts_xero_back_as_it_was_except_opt_outs(xero: XeroTwoWay) -> None:
    before, run = second_run(xero)
    # Someone edits a renamed contact in Xero after the run.
    xero.tick()
    xero.xero.update_contact(run["other"], FirstName="Othello")

    preview = xero.service.runs.undo(xero.profile.id, dry_run=True, delete_created=True)

    assert xero.state() == {**run["during"], run["other"]: xero.state()[run["other"]]}
    by_key = {s.source_key: s for s in preview.steps if s.source_key}
    assert by_key[run["renamed"]].source_restore == {
        "FirstName": before[run["renamed"]]["FirstName"],
        "LastName": before[run["renamed"]]["LastName"],
    }
    assert {k for k, s in by_key.items() if s.source_archive} == run["created"]
    assert preview.removals() == (1, len(run["created"]))  # the new customer in CC

    report = xero.service.runs.undo(xero.profile.id, delete_created=True)

    after = xero.state()
    for key, was in before.items():
        if key == run["quitter"]:
            # An opt-out is never undone: the mark stays, everything else is as it was.
            assert OPT_OUT_GROUP in after[key]["Groups"]
            assert {**after[key], "Groups": was["Groups"]} == was
        elif key == run["other"]:
            assert after[key]["FirstName"] == "Othello"  # reported, not overwritten
            assert {**after[key], "FirstName": was["FirstName"]} == was
        else:
            assert after[key] == was, key
    for key in run["created"]:
        assert after[key]["ContactStatus"] == "ARCHIVED"  # Xero cannot delete a contact
    steps = {s.source_key: s for s in report.steps if s.source_key}
    assert "FirstName was changed in Xero since the run (now 'Othello')" in (
        steps[run["other"]].reason
    )
    quit_step = next(s for s in report.steps if s.opt_out_kept)
    assert quit_step.outcome == "skipped" and "only the person can opt back in" in quit_step.reason
    counts = report.tally()
    assert counts["total"] == counts["restored"] + counts["skipped"] + counts["failed"]
    assert counts["failed"] == 0
    assert counts["source_opt_outs_kept"] == 1
    assert counts["source_created_kept"] == 0
    assert "1 opt-out mark kept in Xero" in report.summary_text()
    # The undo run's records say which side each write was on.
    results = xero.service.runs.results(report.run_id)
    archived = [r for r in results if "removed from Xero" in r.detail]
    assert len(archived) == len(run["created"])
    assert {r.direction for r in archived} == {"import"}


def test_contacts_created_in_xero_stay_unless_chosen(xero: XeroTwoWay) -> None:
    before, run = second_run(xero)

    report = xero.service.runs.undo(xero.profile.id)

    after = xero.state()
    for key in run["created"]:
        assert after[key]["ContactStatus"] == "ACTIVE"
    kept = [s for s in report.steps if s.created_kept]
    assert {s.source_key for s in kept} == run["created"]
    assert all("left there" in s.reason and s.outcome == "skipped" for s in kept)
    assert report.tally()["source_created_kept"] == len(run["created"])
    assert after[run["renamed"]] == before[run["renamed"]]


def test_syncing_after_the_undo_does_the_run_again_and_keeps_the_cc_change(
    xero: XeroTwoWay,
) -> None:
    _before, run = second_run(xero)
    xero.service.runs.undo(xero.profile.id, delete_created=True)
    renamed_email = run["during"][run["renamed"]]["EmailAddress"].lower()
    xero.tick()

    again = xero.run()

    # Constant Contact keeps the change made there; Xero takes it again, once.
    contact = xero.cc.get_contact(renamed_email)
    assert (contact["first_name"], contact["last_name"]) == ("Renamed", "InConstantContact")
    after = xero.state()
    assert after[run["renamed"]]["FirstName"] == "Renamed"
    active = [v for v in after.values() if v["ContactStatus"] == "ACTIVE"]
    for email in NEWCOMERS:
        assert sum(1 for v in active if v["EmailAddress"] == email) == 1, email
    assert again.counts.failed == 0


def test_undo_twice_writes_to_xero_once(xero: XeroTwoWay) -> None:
    second_run(xero)
    first = xero.service.runs.undo(xero.profile.id, delete_created=True)
    state = xero.state()
    xero.xero.reset_counts()

    again = xero.service.runs.undo(xero.profile.id, run_id=first.undo_of, delete_created=True)

    assert again.tally()["restored"] == 0
    assert not [k for k in xero.xero.request_counts() if k.startswith(("POST", "PUT"))]
    assert xero.state() == state


def test_a_contact_put_back_on_the_list_keeps_how_its_link_came_to_be(
    xero: XeroTwoWay,
) -> None:
    """A newcomer imported from Constant Contact (origin "import") is archived in Xero by
    someone; the next run takes it off the list; undoing that run puts it back, and its link
    is an import's again, not a push's (which would change what later runs do with it)."""
    _before, run = second_run(xero)
    profile = xero.profile
    xero.service.profiles.save(
        profile.with_changes(options=replace(profile.options, remove_deleted=True))
    )
    newcomer = next(k for k in run["created"] if run["during"][k]["EmailAddress"] == NEWCOMERS[0])
    assert xero.service.store.links.load_details(profile.id)[newcomer].origin == "import"
    xero.tick()
    xero.xero.update_contact(newcomer, ContactStatus="ARCHIVED")
    removal = xero.run()
    assert NEWCOMERS[0] not in xero.cc.contacts_on_list("Newsletter")
    assert xero.service.store.links.load_details(profile.id)[newcomer].origin == "removed"

    report = xero.service.runs.undo(profile.id, run_id=removal.run_id)

    (step,) = [s for s in report.steps if s.list_add]
    assert (step.email, step.origin, step.outcome) == (NEWCOMERS[0], "import", "restored")
    assert NEWCOMERS[0] in {e.lower() for e in xero.cc.contacts_on_list("Newsletter")}
    assert xero.service.store.links.load_details(profile.id)[newcomer].origin == "import"
