"""Several profiles on one Constant Contact account, against the emulator, in every order.

Each profile's run must see what every other profile's runs created: a contact another
profile made is "matched to an existing contact", never "created"; "don't update existing
contacts" holds for it; and an import from Constant Contact sees every contact.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.core.outcomes import Outcome
from app.core.profiles import ImportScope, SourceSpec, SyncProfile
from app.core.records import SourceRecord
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.bootstrap import ServiceHandle

STUDIO = "Studio classes → Newsletter"
HEADER = ["Customer ID", "First Name", "Last Name", "Email Address"]


def _bakery_rows(handle: ServiceHandle) -> list[dict[str, str]]:
    assert handle.sample_csv is not None
    with handle.sample_csv.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _studio_profile(handle: ServiceHandle, tmp_path: Path, update_existing: bool) -> SyncProfile:
    """A second file profile: three of the bakery's customers (renamed) and one newcomer."""
    shared = [r for r in _bakery_rows(handle) if r["Email Opt Out"] != "Yes"][:3]
    path = tmp_path / "studio.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for n, row in enumerate(shared, 1):
            out.writerow([f"S{n}", "Renamed", f"ByStudio{n}", row["Email Address"]])
        out.writerow(["S9", "Nora", "Newcomer", "nora.newcomer@example.com"])
    service = handle.service
    spec = SourceSpec("file", {"path": str(path), "key_column": "Customer ID"})
    columns, _ = service.profiles.preview_source(spec, 1)
    base = service.profiles.named(SAMPLE_PROFILE_NAME)
    return service.profiles.save(
        SyncProfile(
            name=STUDIO,
            source=spec,
            main_list="Newsletter",
            connection_id=base.connection_id,
            options=replace(base.options, opt_out_column="", update_existing=update_existing),
            mapping=service.profiles.suggest_mapping(columns),
        )
    )


def _xero_two_way(handle: ServiceHandle) -> SyncProfile:
    """The Xero sample, importing every active Constant Contact contact into Xero."""
    service = handle.service
    xero = service.profiles.named(XERO_PROFILE_NAME)
    options = replace(xero.options, import_from_cc=True, import_scope=ImportScope.ALL_ACTIVE)
    return service.profiles.save(replace(xero, options=options))


def _active_cc_emails(handle: ServiceHandle) -> set[str]:
    assert handle.emulator is not None
    with handle.emulator.state.tx() as conn:
        rows = conn.execute(
            "SELECT email_lower FROM contacts WHERE deleted_at IS NULL AND "
            "permission != 'unsubscribed'"
        ).fetchall()
    return {r[0] for r in rows}


def _xero_emails(handle: ServiceHandle) -> set[str]:
    assert "xero" in handle.emulators
    return {
        c["EmailAddress"].lower()
        for c in handle.emulators["xero"].contacts()
        if c.get("EmailAddress") and c.get("ContactStatus") != "ARCHIVED"
    }


def _cc_name(handle: ServiceHandle, email: str) -> tuple[str, str]:
    assert handle.emulator is not None
    contact = handle.emulator.get_contact(email)
    assert contact is not None, f"{email} is not in Constant Contact"
    return (contact.get("first_name", ""), contact.get("last_name", ""))


def _by_email(handle: ServiceHandle, run_id: int) -> dict[str, object]:
    return {r.email.lower(): r for r in handle.service.runs.results(run_id) if r.email}


@pytest.mark.parametrize("update_existing", [True, False], ids=["updates", "no-updates"])
def test_a_contact_another_profile_created_is_matched_never_created(
    sandbox: ServiceHandle, tmp_path: Path, update_existing: bool
) -> None:
    service = sandbox.service
    bakery = service.profiles.named(SAMPLE_PROFILE_NAME)
    studio = _studio_profile(sandbox, tmp_path, update_existing)
    service.runs.sync(bakery.id)
    shared = [
        r["Email Address"].lower() for r in _bakery_rows(sandbox) if r["Email Opt Out"] != "Yes"
    ][:3]
    names_before = {e: _cc_name(sandbox, e) for e in shared}

    summary = service.runs.sync(studio.id)

    results = _by_email(sandbox, summary.run_id)
    for email in shared:
        r = results[email]
        assert r.outcome is not Outcome.CREATED, f"{email} was made by the bakery profile"
        assert r.matched_existing, f"{email} should say it matched an existing contact"
        if update_existing:
            assert r.outcome is Outcome.UPDATED
        else:
            assert r.outcome is Outcome.SKIPPED and "updating existing contacts is off" in r.reason
            assert _cc_name(sandbox, email) == names_before[email], "the name was overwritten"
    assert results["nora.newcomer@example.com"].outcome is Outcome.CREATED
    assert summary.counts.created == 1
    assert sum(1 for r in results.values() if r.matched_existing) == 3


ORDERS = list(itertools.permutations(["bakery", "studio", "xero"]))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_three_profiles_in_any_order_keep_counts_true(
    sandbox: ServiceHandle, tmp_path: Path, order: tuple[str, ...]
) -> None:
    """Files and Xero on one account: whatever ran before, nothing is created twice and the
    Xero import sees every active contact."""
    service = sandbox.service
    profiles = {
        "bakery": service.profiles.named(SAMPLE_PROFILE_NAME),
        "studio": _studio_profile(sandbox, tmp_path, update_existing=True),
        "xero": _xero_two_way(sandbox),
    }
    created_by: dict[str, str] = {}
    for name in order:
        summary = service.runs.sync(profiles[name].id)
        assert summary.counts.failed == 0, (name, summary.message)
        for r in service.runs.results(summary.run_id):
            if r.outcome is Outcome.CREATED and r.direction == "push":
                email = r.email.lower()
                assert email not in created_by, (
                    f"{name} reported {email} created, but {created_by.get(email)} made it"
                )
                created_by[email] = name
    # Every contact was created once in Constant Contact: no duplicates by email.
    assert sandbox.emulator is not None
    with sandbox.emulator.state.tx() as conn:
        dupes = conn.execute(
            "SELECT email_lower, count(*) FROM contacts WHERE deleted_at IS NULL "
            "GROUP BY email_lower HAVING count(*) > 1"
        ).fetchall()
    assert dupes == []
    # A last Xero run (the import sees every active contact, whichever profile made it).
    summary = service.runs.sync(profiles["xero"].id)
    assert summary.counts.failed == 0, summary.message
    missing = _active_cc_emails(sandbox) - _xero_emails(sandbox)
    assert missing == set(), f"{len(missing)} active contacts never reached Xero"


@pytest.mark.parametrize("scope", list(ImportScope), ids=[s.value for s in ImportScope])
def test_an_import_into_xero_sees_what_a_file_profile_just_pushed(
    sandbox: ServiceHandle, scope: ImportScope
) -> None:
    """The bakery's file goes first; the Xero profile then imports every contact in scope."""
    service = sandbox.service
    bakery = service.runs.sync(service.profiles.named(SAMPLE_PROFILE_NAME).id)
    xero = _xero_two_way(sandbox)
    xero = service.profiles.save(replace(xero, options=replace(xero.options, import_scope=scope)))

    summary = service.runs.sync(xero.id)

    assert summary.counts.failed == 0, summary.message
    in_scope = _active_cc_emails(sandbox)
    if scope is ImportScope.MAIN_LIST:
        in_scope &= {e.lower() for e in sandbox.emulator.contacts_on_list("Newsletter")}
    pushed = {
        r.email.lower()
        for r in service.runs.results(bakery.run_id)
        if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
    }
    assert pushed <= in_scope
    missing = in_scope - _xero_emails(sandbox)
    assert missing == set(), f"{len(missing)} contacts in scope never reached Xero"


def test_contacts_made_in_xero_from_constant_contact_stay_on_the_list(
    sandbox: ServiceHandle,
) -> None:
    """Xero never marks a contact it did not invoice as a customer, so a "customers only"
    profile does not read back the contacts it made from Constant Contact. They were not
    deleted: the next runs leave them on the list. One archived in Xero is taken off."""
    service = sandbox.service
    service.runs.sync(service.profiles.named(SAMPLE_PROFILE_NAME).id)
    xero = _xero_two_way(sandbox)
    xero = service.profiles.save(replace(xero, options=replace(xero.options, remove_deleted=True)))
    first = service.runs.sync(xero.id)
    made = {
        r.email.lower()
        for r in service.runs.results(first.run_id)
        if r.direction == "import" and r.outcome is Outcome.CREATED
    }
    assert len(made) > 50

    again = service.runs.sync(xero.id)  # raises NeedsConfirmation if it meant to remove many
    changed = [
        r
        for r in service.runs.results(again.run_id)
        if r.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.FAILED)
    ]
    assert changed == [], "a quiet second run changed something"

    email = sorted(made)[0]
    assert "xero" in sandbox.emulators
    key = next(
        c["ContactID"]
        for c in sandbox.emulators["xero"].contacts()
        if (c.get("EmailAddress") or "").lower() == email
    )
    sandbox.emulators["xero"].update_contact(key, ContactStatus="ARCHIVED")
    third = service.runs.sync(xero.id)
    removed = [r for r in service.runs.results(third.run_id) if r.action == "remove"]
    assert [(r.email, r.reason) for r in removed] == [
        (email, "Deleted from the source, so removed from the main list")
    ]
    assert email not in {e.lower() for e in sandbox.emulator.contacts_on_list("Newsletter")}


def test_a_person_added_in_the_lists_manager_is_known_to_every_profile(
    sandbox: ServiceHandle, tmp_path: Path
) -> None:
    """The lists manager's add is an import too: the next profile matches her, never creates."""
    service = sandbox.service
    bakery = service.profiles.named(SAMPLE_PROFILE_NAME)
    service.runs.sync(bakery.id)  # the Newsletter list exists now
    studio = _studio_profile(sandbox, tmp_path, update_existing=False)
    newsletter = service.connections.cc_client(bakery.connection_id).find_list_by_name("Newsletter")
    nora = SourceRecord(
        "X1",
        2,
        {
            "Customer ID": "X1",
            "First Name": "Nora",
            "Last Name": "N",
            "Email Address": "nora.newcomer@example.com",
        },
    )
    added = service.lists.add_records(
        bakery.connection_id, newsletter.list_id, bakery.id, [nora], list_name="Newsletter"
    )
    assert added.added == ("nora.newcomer@example.com",)

    summary = service.runs.sync(studio.id)

    result = _by_email(sandbox, summary.run_id)["nora.newcomer@example.com"]
    assert result.outcome is Outcome.SKIPPED and result.matched_existing
    assert _cc_name(sandbox, "nora.newcomer@example.com") == ("Nora", "N")
