"""Undo with "delete the contacts the sync created": Constant Contact's contact_delete
activity, 500 contacts a request; a contact it could not delete fails alone."""

from __future__ import annotations

import csv

import pytest

from app.connectors.constant_contact import ConstantContactClient
from tests.sync.conftest import EMAIL_COLUMN, KEY_COLUMN, OPT_OUT_COLUMN, Bakery, PhaseReporter

DELETE_KEY = "POST /v3/activities/contact_delete"
DELETING = "Deleting contacts the sync created"


def grow_file(bakery: Bakery, extra: int) -> None:
    """Add ``extra`` new customers to the sample file, as a bigger shop's export would have."""
    rows = bakery.rows()
    template = next(r for r in rows if r[OPT_OUT_COLUMN] != "Yes" and "@" in r[EMAIL_COLUMN])
    for i in range(extra):
        rows.append(
            {**template, KEY_COLUMN: f"EXTRA-{i:04d}", EMAIL_COLUMN: f"extra{i:04d}@example.com"}
        )
    with bakery.csv_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)


def live_emails(bakery: Bakery) -> set[str]:
    return set(bakery.contact_emails())


def test_600_created_contacts_go_in_two_delete_requests(bakery: Bakery) -> None:
    grow_file(bakery, 400)
    before = live_emails(bakery)
    sync = bakery.run()
    created = live_emails(bakery) - before
    assert 600 <= len(created) <= 1000 and sync.counts.created == len(created)
    reporter = PhaseReporter()

    report = bakery.service.runs.undo(bakery.profile.id, delete_created=True, reporter=reporter)

    assert bakery.requests(DELETE_KEY) == 2
    assert bakery.requests("DELETE /v3/contacts/{contact_id}") == 0
    assert live_emails(bakery) == before  # the account's own contacts stay
    deleted = [s for s in report.steps if s.delete]
    assert len(deleted) == len(created)
    assert all(s.outcome == "restored" for s in deleted)
    assert report.tally()["failed"] == 0
    # Progress moves once per batch of 500.
    steps = [(done, total) for phase, done, total in reporter.advances if phase == DELETING]
    assert steps == [(500, len(created)), (len(created), len(created))]


def test_a_contact_constant_contact_cannot_delete_fails_alone(bakery: Bakery) -> None:
    before = live_emails(bakery)
    bakery.run()
    created = sorted(live_emails(bakery) - before)
    # One of them is removed for good behind ContactBridge's back: the activity names it.
    lost = created[0]
    with bakery.emulator.state.tx() as conn:
        (contact_id,) = conn.execute(
            "SELECT contact_id FROM contacts WHERE email_lower = ?", (lost,)
        ).fetchone()
        conn.execute("DELETE FROM memberships WHERE contact_id = ?", (contact_id,))
        conn.execute("DELETE FROM contacts WHERE contact_id = ?", (contact_id,))

    report = bakery.service.runs.undo(bakery.profile.id, delete_created=True)

    by_email = {s.email: s for s in report.steps if s.delete}
    assert by_email[lost].outcome == "failed"
    assert "Constant Contact has no contact with this ID" in by_email[lost].reason
    assert contact_id not in by_email[lost].reason  # plain words, not the activity's text
    others = [s for e, s in by_email.items() if e != lost]
    assert others and all(s.outcome == "restored" for s in others)
    assert report.tally()["failed"] == 1
    assert live_emails(bakery) == before


def test_a_delete_started_again_after_a_crash_changes_nothing(
    bakery: Bakery, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An undo that stopped after Constant Contact took its delete but before it was
    recorded sends it again: the second delete finds them deleted and fails no one."""
    before = live_emails(bakery)
    bakery.run()
    send = ConstantContactClient.delete_contacts

    def twice(client: ConstantContactClient, contact_ids: list[str]) -> str:
        send(client, contact_ids)
        bakery.emulator.wait_for_activities()  # the first is done before the repeat
        return send(client, contact_ids)

    monkeypatch.setattr(ConstantContactClient, "delete_contacts", twice)

    report = bakery.service.runs.undo(bakery.profile.id, delete_created=True)

    assert bakery.requests(DELETE_KEY) == 2
    assert report.tally()["failed"] == 0
    assert all(s.outcome == "restored" for s in report.steps if s.delete)
    assert live_emails(bakery) == before
