"""Odd addresses and over-long values from a real file, pushed to the Constant Contact emulator.

The sample profile reads a CSV written here. Each row ends as Constant Contact would take it:
an IDN address is created in its punycode form (and matched by it the next time), spaces are
trimmed, an accented local part or two addresses in a cell are skipped saying why, and an
over-long company name is cut with a note saying what was left out. A dry run shows the same.
"""

from __future__ import annotations

import csv

from app.core.outcomes import Outcome, RunStatus
from app.sandbox.samples import HEADER
from tests.sync.conftest import IMPORT_KEY, Bakery

COMPANY = "The Very Long Named Artisan Sourdough and Pastry Company of Portland"
ROWS = {
    "C1": ("Ulla", "user@bücher.de", ""),
    "C2": ("Zoë", "zoë@example.com", ""),
    "C3": ("Two", "a@x.com, b@y.com", ""),
    "C4": ("Sam", " spaced@x.com ", ""),
    "C5": ("Otto", "Otto@München.de", ""),
    "C6": ("Carl", "carl@example.com", COMPANY),
}
PUNY = "user@xn--bcher-kva.de"


def write_file(bakery: Bakery) -> None:
    with bakery.csv_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for key, (first, email, company) in ROWS.items():
            values = dict.fromkeys(HEADER, "")
            values.update({"Customer ID": key, "First Name": first, "Last Name": "Test"})
            values.update({"Email Address": email, "Company": company})
            out.writerow(values[h] for h in HEADER)


def test_odd_addresses_end_as_constant_contact_would_take_them(bakery: Bakery) -> None:
    seeded = set(bakery.contact_emails())  # the sandbox's own sample contacts
    # Otto is in Constant Contact already, under the punycode form of his address.
    otto_id = bakery.emulator.seed_contact("otto@xn--mnchen-3ya.de", "Otto", "Old")
    write_file(bakery)

    dry = bakery.run(dry_run=True)
    real = bakery.run()

    assert real.status is RunStatus.COMPLETED
    results = bakery.results(real)
    outcomes = {k: r.outcome for k, r in results.items()}
    assert outcomes == {
        "C1": Outcome.CREATED,
        "C2": Outcome.SKIPPED,
        "C3": Outcome.SKIPPED,
        "C4": Outcome.CREATED,
        "C5": Outcome.UPDATED,  # matched by its punycode form: no duplicate
        "C6": Outcome.CREATED,
    }
    assert (real.counts.created, real.counts.updated, real.counts.skipped) == (3, 1, 2)
    assert results["C1"].email == PUNY
    assert (
        f'Email "user@bücher.de" sent as "{PUNY}", the form Constant Contact accepts'
        in results["C1"].detail
    )
    assert results["C2"].reason == (
        'Email address "zoë@example.com" has accented letters or other special characters '
        'before the @ ("ë"), which Constant Contact does not accept'
    )
    assert results["C3"].reason.startswith(
        'Email address "a@x.com, b@y.com" holds more than one address'
    )
    assert results["C4"].email == "spaced@x.com"
    assert results["C5"].matched_existing
    assert (
        "Company was longer than Constant Contact allows (50 characters): "
        f'sent "{COMPANY[:50]}", left out "{COMPANY[50:]}"'
    ) in results["C6"].detail

    # The dry run said exactly this, warnings and reasons included.
    planned = bakery.results(dry)
    assert {k: r.outcome for k, r in planned.items()} == outcomes
    assert {k: (r.reason, r.detail) for k, r in planned.items()} == {
        k: (r.reason, r.detail) for k, r in results.items()
    }

    # Constant Contact holds each person once, in the form it accepts.
    emails = sorted(bakery.contact_emails())
    assert sorted(set(emails) - seeded) == sorted(
        [PUNY, "spaced@x.com", "otto@xn--mnchen-3ya.de", "carl@example.com"]
    )
    assert len(emails) == len(set(emails))
    assert bakery.emulator.get_contact(PUNY)["first_name"] == "Ulla"
    otto = bakery.emulator.get_contact("otto@xn--mnchen-3ya.de")
    assert (otto["contact_id"], otto["last_name"]) == (otto_id, "Test")
    assert bakery.emulator.get_contact("carl@example.com")["company_name"] == COMPANY[:50]
    assert bakery.emulator.get_contact("zoë@example.com") is None

    # The same file again: nothing to send, the IDN address is not created a second time.
    bakery.emulator.reset_counts()
    again = bakery.run()
    again_outcomes = {k: r.outcome for k, r in bakery.results(again).items()}
    assert again_outcomes == {
        "C1": Outcome.UNCHANGED,
        "C2": Outcome.SKIPPED,
        "C3": Outcome.SKIPPED,
        "C4": Outcome.UNCHANGED,
        "C5": Outcome.UNCHANGED,
        "C6": Outcome.UNCHANGED,
    }
    assert bakery.requests(IMPORT_KEY) == 0
    assert sorted(bakery.contact_emails()) == emails
