"""Constant Contact misbehaving: passing errors are retried, refused records are named.

A throttle, a server error or a dropped connection must not cost the user a run; a record
Constant Contact refuses must be reported as failed, with its reason, and only that record.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from app.core.outcomes import Outcome, RunStatus
from app.sandbox.constant_contact.contact_rules import new_phone
from tests.sync.conftest import CONTACTS_KEY, EMAIL_COLUMN, IMPORT_KEY, KEY_COLUMN, Bakery


def no_duplicates(bakery: Bakery) -> bool:
    return all(n == 1 for n in Counter(bakery.contact_emails()).values())


@pytest.mark.parametrize("kind", ["throttled", "500", "503", "reset"])
@pytest.mark.parametrize("endpoint", [IMPORT_KEY, CONTACTS_KEY], ids=["import", "read-contacts"])
def test_passing_errors_are_retried_and_the_run_completes(bakery, endpoint, kind):
    bakery.emulator.faults.force(endpoint, kind)

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED
    assert (summary.counts.created, summary.counts.updated) == (238, 1)
    # Refused once, then answered (a read of contacts also reads the import back at the end).
    assert bakery.requests(endpoint) == (2 if endpoint == IMPORT_KEY else 3)
    assert bakery.imports_started() == 1
    assert no_duplicates(bakery)
    assert bakery.pushable_emails() - {"alan.turing@example.com"} <= bakery.on_list()


def crowd_phones(bakery: Bakery, email: str) -> None:
    """Make ``email`` an existing contact with 3 phone numbers, Constant Contact's maximum."""
    now = datetime.now(UTC)
    phones = [
        new_phone(f"555-010{i}", kind, now, "Account")
        for i, kind in enumerate(("home", "work", "mobile"))
    ]
    bakery.emulator.seed_contact(email, "Crowded", "Phones", phone_numbers=phones)


@pytest.mark.parametrize(
    "email", ["full.phones@example.com", "o'brien.phones@example.com"], ids=["plain", "apostrophe"]
)
def test_a_record_constant_contact_refuses_is_failed_with_its_reason(bakery, email):
    # Row C0000011 has a phone: sending it would give this contact a 4th number.
    bakery.edit("C0000011", **{EMAIL_COLUMN: email})
    crowd_phones(bakery, email)
    decoy = "brien.phones@example.com"  # what a careless parse of the apostrophe would name
    keys = {r[EMAIL_COLUMN].lower(): r[KEY_COLUMN] for r in bakery.rows()}
    assert decoy not in keys
    records = len(bakery.rows())
    # Two blank lines under the heading: C0000011, the 11th record, is now row 14 of the
    # spreadsheet, while Constant Contact numbers it by its place in the import.
    lines = bakery.csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    bakery.csv_path.write_text("".join([lines[0], "\n", ",,,\n", *lines[1:]]), encoding="utf-8")

    summary = bakery.run()

    assert summary.status is RunStatus.COMPLETED_WITH_ERRORS
    assert summary.counts.failed == 1
    assert summary.counts.total == records
    results = bakery.results(summary)
    refused = results["C0000011"]
    assert refused.outcome is Outcome.FAILED
    assert refused.row == 14
    # The message names the record's own row, not its place in the import.
    assert refused.reason == (
        "Row 14: Constant Contact refused it: a contact can have at most 3 phone numbers"
    )
    chunk = bakery.service.store.runs.checkpoint(summary.run_id)["chunks"]["0"]
    cc = bakery.service.connections.cc_client(bakery.profile.connection_id)
    (raw,) = cc.get_activity(chunk["activity_id"]).errors
    assert "at most 3 phone numbers" in raw and "Row 14" not in raw  # its place in the import
    assert [k for k, r in results.items() if r.outcome is Outcome.FAILED] == ["C0000011"]
    assert len(bakery.emulator.get_contact(email)["phone_numbers"]) == 3

    # Not linked: the next run tries it again (and reports it again) rather than "unchanged".
    again = bakery.run()
    assert bakery.results(again)["C0000011"].outcome is Outcome.FAILED
    assert again.counts.failed == 1
