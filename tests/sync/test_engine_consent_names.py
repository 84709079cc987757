"""A file with one Name column, dates of birth and a consent column, synced by the real
engine against the Constant Contact emulator: names split, birthdays as month and day, and
people without consent skipped with that reason (counts add up)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from app.core.mapping import FieldMapping
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import SourceSpec, SyncOptions
from app.sync.planner import Reason
from tests.sync.conftest import Bakery

ROWS = [
    ["Name", "Email", "DOB", "Wedding", "Email consent"],
    ["Dr. Ada King-Lovelace", "ada.k@example.com", "1815-12-10", "1835-07-08 00:00:00", "Yes"],
    ["Hopper, Grace", "grace.h@example.com", "12/9/1906", "", "subscribed"],
    ["Charles Babbage", "charles.b@example.com", "1791-12-26", "", "No"],
    ["Alan Turing", "alan.t@example.com", "", "", ""],
]


def test_names_birthdays_and_consent_reach_constant_contact(bakery: Bakery, tmp_path: Path):
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS)
    mapping = FieldMapping.of(
        {"Name": "full_name", "Email": "email", "DOB": "birthday", "Wedding": "anniversary"}
    )
    profile = bakery.service.profiles.save(
        replace(
            bakery.profile,
            id=None,
            name="People with consent",
            source=SourceSpec("file", {"path": str(path), "consent_column": "Email consent"}),
            mapping=mapping,
            options=SyncOptions(),
        )
    )

    summary = bakery.service.runs.sync(profile.id)

    assert summary.status is RunStatus.COMPLETED
    counts = summary.counts
    assert (counts.total, counts.created, counts.skipped, counts.failed) == (4, 2, 2, 0)
    results = {r.email: r for r in bakery.service.runs.results(summary.run_id)}
    no_consent = Reason.NO_CONSENT.format(column="Email consent")
    for email in ("charles.b@example.com", "alan.t@example.com"):
        assert (results[email].outcome, results[email].reason) == (Outcome.SKIPPED, no_consent)
        assert bakery.emulator.get_contact(email) is None  # never created
    ada = bakery.emulator.get_contact("ada.k@example.com")
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "King-Lovelace")
    assert (ada["birthday_month"], ada["birthday_day"]) == (12, 10)
    assert ada["anniversary"] == "1835-07-08"
    grace = bakery.emulator.get_contact("grace.h@example.com")
    assert (grace["first_name"], grace["last_name"]) == ("Grace", "Hopper")
    assert (grace["birthday_month"], grace["birthday_day"]) == (12, 9)
