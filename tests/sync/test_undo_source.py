"""Undo of what a two-way run wrote to the source, against the Xero and Constant Contact
emulators: Xero's contacts are as they were before the run, except opt-outs; a value
someone changed in Xero since is reported, never overwritten; contacts the run created in
Xero are archived only when the user chose it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.connectors.xero.contact_fields import flatten
from app.core.profiles import ImportScope, SyncProfile
from app.sandbox.constant_contact import contact_store as cc_store
from app.sandbox.xero_samples import OPT_OUT_GROUP, XERO_PROFILE_NAME
from app.sync.bootstrap import ServiceHandle

NEWCOMERS = ("nell.newcomer@example.com", "otto.orchard@example.com")


class XeroTwoWay:
    """The Xero sample profile, run both ways against both emulators."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.handle = handle
        self.service = handle.service
        self._offset = 0

    @property
    def cc(self) -> Any:
        return self.handle.emulator

    @property
    def xero(self) -> Any:
        return self.handle.xero_emulator

    @property
    def profile(self) -> SyncProfile:
        return self.service.get_profile(XERO_PROFILE_NAME)

    def two_way(self) -> None:
        options = replace(
            self.profile.options,
            import_from_cc=True,
            import_scope=ImportScope.ALL_ACTIVE,
            import_updates_existing=True,
            optout_to_source=True,
        )
        self.service.save_profile(replace(self.profile, options=options))

    def tick(self) -> None:
        """Move both clocks on, so what happens next is past the last run's watermark."""
        self._offset += 2
        offset = timedelta(seconds=self._offset)
        self.cc.clock = lambda: datetime.now(UTC) + offset
        self.xero.clock = lambda: datetime.now(UTC) + offset

    def run(self) -> Any:
        summary = self.service.run_profile(self.profile.id)
        assert summary.counts.failed == 0, summary.message
        return summary

    def edit_in_cc(self, email: str, **changes: str) -> None:
        self.tick()
        with self.cc.state.tx() as conn:
            contact_id, doc = cc_store.find_by_email(conn, email)
            doc.update(changes)
            cc_store.touch(doc, self.cc.clock())
            cc_store.update(conn, contact_id, doc)

    def state(self) -> dict[str, dict[str, str]]:
        """Every Xero contact by id: its columns (not the modified time) and status."""
        out = {}
        for c in self.xero.contacts():
            values = flatten(c)
            values.pop("UpdatedDateUTC")
            out[values["ContactID"]] = values
        return out

    def linked(self) -> list[tuple[str, str]]:
        """(ContactID, email) of active customers the first run pushed, by name."""
        contacts = sorted(self.xero.contacts(), key=lambda c: c["Name"])
        return [
            (c["ContactID"], c["EmailAddress"].lower())
            for c in contacts
            if c.get("EmailAddress")
            and c.get("IsCustomer")
            and c.get("ContactStatus") == "ACTIVE"
            and not c.get("ContactGroups")
        ]


@pytest.fixture
def xero(sandbox: ServiceHandle) -> XeroTwoWay:
    tw = XeroTwoWay(sandbox)
    tw.run()  # Xero's customers into Constant Contact: linked, their values sent
    return tw


def second_run(tw: XeroTwoWay) -> tuple[dict, dict[str, Any]]:
    """Changes in Constant Contact that a two-way run writes to Xero: two renames (import
    updates), an unsubscribe (an opt-out), two newcomers (created in Xero). Returns Xero
    before the run, and what the run touched."""
    (renamed, renamed_email), (other, other_email), (quitter, quitter_email) = tw.linked()[:3]
    tw.tick()
    for email in NEWCOMERS:
        first, last = email.split("@")[0].split(".")
        tw.cc.seed_contact(email, first.title(), last.title(), list_names=["Newsletter"])
    tw.edit_in_cc(renamed_email, first_name="Renamed", last_name="InConstantContact")
    tw.edit_in_cc(other_email, first_name="Otherwise")
    tw.tick()
    tw.cc.set_permission(quitter_email, "unsubscribed")
    tw.two_way()
    before = tw.state()
    tw.tick()
    summary = tw.run()
    during = tw.state()
    assert during[renamed]["FirstName"] == "Renamed"  # the run did write to Xero
    assert during[other]["FirstName"] == "Otherwise"
    opt_out = tw.xero.group_id(OPT_OUT_GROUP)
    assert quitter in tw.xero.group_members(opt_out)
    created = {k: v for k, v in during.items() if k not in before}
    assert {v["EmailAddress"] for v in created.values()} >= set(NEWCOMERS)
    touched = {
        "summary": summary,
        "renamed": renamed,
        "other": other,
        "quitter": quitter,
        "created": set(created),
        "during": during,
    }
    return before, touched


def test_undo_puts_xero_back_as_it_was_except_opt_outs(xero: XeroTwoWay) -> None:
    before, run = second_run(xero)
    # Someone edits a renamed contact in Xero after the run.
    xero.tick()
    xero.xero.update_contact(run["other"], FirstName="Othello")

    preview = xero.service.undo_run(xero.profile.id, dry_run=True, delete_created=True)

    assert xero.state() == {**run["during"], run["other"]: xero.state()[run["other"]]}
    by_key = {s.source_key: s for s in preview.steps if s.source_key}
    assert by_key[run["renamed"]].source_restore == {
        "FirstName": before[run["renamed"]]["FirstName"],
        "LastName": before[run["renamed"]]["LastName"],
    }
    assert {k for k, s in by_key.items() if s.source_archive} == run["created"]
    assert preview.removals() == (0, len(run["created"]))

    report = xero.service.undo_run(xero.profile.id, delete_created=True)

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
    assert "1 opt-out mark(s) kept in Xero" in report.summary_text()
    # The undo run's records say which side each write was on.
    results = xero.service.run_results(report.run_id)
    archived = [r for r in results if "removed from Xero" in r.detail]
    assert len(archived) == len(run["created"])
    assert {r.direction for r in archived} == {"import"}


def test_contacts_created_in_xero_stay_unless_chosen(xero: XeroTwoWay) -> None:
    before, run = second_run(xero)

    report = xero.service.undo_run(xero.profile.id)

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
    xero.service.undo_run(xero.profile.id, delete_created=True)
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
    first = xero.service.undo_run(xero.profile.id, delete_created=True)
    state = xero.state()
    xero.xero.reset_counts()

    again = xero.service.undo_run(xero.profile.id, run_id=first.undo_of, delete_created=True)

    assert again.tally()["restored"] == 0
    assert not [k for k in xero.xero.request_counts() if k.startswith(("POST", "PUT"))]
    assert xero.state() == state
