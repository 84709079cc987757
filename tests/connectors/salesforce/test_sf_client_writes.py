"""Writing back to Salesforce in the emulator: sObject Collections with one result per
record, Bulk API 2.0 ingest, the opt-out, picklist codes, converted leads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.connectors.base import PartialWrite
from app.connectors.salesforce import ObjectType, SalesforceSource
from app.sandbox.salesforce import SalesforceEmulator
from tests.connectors.salesforce.conftest import calls

Make = Callable[..., SalesforceSource]


def test_new_records_go_in_collections_and_each_refusal_keeps_salesforces_words(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source(unknown_last_name=False)
    good = {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"}
    nameless = {"FirstName": "Nemo", "Email": "nemo@example.com"}
    bad_email = {"LastName": "Broken", "Email": "not an email"}
    sf.reset_counts()

    with pytest.raises(PartialWrite) as caught:
        source.create_records([good, nameless, bad_email])

    partial = caught.value
    assert partial.keys[0] and partial.keys[1:] == ["", ""]
    assert set(partial.refused) == {1, 2}
    assert partial.refused[1].startswith("Salesforce needs “Last Name”, and it was blank.")
    assert "Required fields are missing: [LastName]" in partial.refused[1]
    assert partial.refused[2].startswith("Salesforce did not accept the email address.")
    assert "invalid email address" in partial.refused[2]
    created = sf.record(partial.keys[0])
    assert (created["LastName"], created["Email"]) == ("Lovelace", "ada@example.com")
    assert calls(sf, "POST /services/data/vXX.X/composite/sobjects") == 1


def test_unknown_fills_the_required_names_of_a_new_lead(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source(ObjectType.LEAD, unknown_first_name=True)
    (key,) = source.create_records([{"Email": "walk-in@example.com"}])
    lead = sf.record(key)
    assert (lead["FirstName"], lead["LastName"], lead["Company"]) == ("Unknown",) * 3


def test_a_large_set_goes_as_one_bulk_ingest_job_with_a_result_per_record(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source(bulk_write_over=10, unknown_last_name=False)
    rows = [
        {"FirstName": f"Bulk{n}", "LastName": f"Person{n}", "Email": f"bulk{n}@example.com"}
        for n in range(30)
    ]
    rows[7] = {"FirstName": "Bulk7", "Email": "bulk7@example.com"}  # no last name
    sf.reset_counts()

    with pytest.raises(PartialWrite) as caught:
        source.create_records(rows)

    partial = caught.value
    assert calls(sf, "POST /services/data/vXX.X/jobs/ingest") == 1
    assert calls(sf, "composite/sobjects") == 0
    assert list(partial.refused) == [7]
    assert "Last Name" in partial.refused[7]
    made = [k for k in partial.keys if k]
    assert len(made) == 29 and len(set(made)) == 29
    for row, key in zip(rows, partial.keys, strict=True):
        if key:
            assert sf.record(key)["Email"] == row["Email"]


def test_updates_and_opt_outs_change_the_records_and_unsubscribes_tick_email_opt_out(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source()
    people = {r.values["Email"]: r.key for r in source.iter_records() if r.values["Email"]}
    maya, jose = (
        people["maya.chen@driftwoodcafe.example"],
        people["jose.nunez@larchgrocery.example"],
    )

    source.update_records({maya: {"Title": "Owner", "Id": "ignored", "Account.Name": "x"}})
    source.set_opted_out([maya, jose], True)

    assert sf.record(maya)["Title"] == "Owner"
    assert sf.record(maya)["HasOptedOutOfEmail"] and sf.record(jose)["HasOptedOutOfEmail"]
    source.set_opted_out([jose], False)
    assert not sf.record(jose)["HasOptedOutOfEmail"]
    # A large set of opt-outs is one bulk update.
    bulk = make_source(bulk_write_over=1)
    sf.reset_counts()
    bulk.set_opted_out([maya, jose], False)
    assert calls(sf, "POST /services/data/vXX.X/jobs/ingest") == 1
    assert not sf.record(maya)["HasOptedOutOfEmail"]


def test_states_go_as_codes_and_one_its_country_lacks_is_left_out_with_a_note(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source()
    rows = [
        {"LastName": "Oregonian", "MailingState": "Oregon", "MailingCountry": "United States"},
        {"LastName": "Bavarian", "MailingState": "Bavaria", "MailingCountry": "Germany"},
    ]
    with pytest.raises(PartialWrite) as caught:
        source.create_records(rows)

    partial = caught.value
    assert not partial.refused  # nobody failed for an address
    oregon, bavaria = (sf.record(k) for k in partial.keys)
    assert (oregon["MailingStateCode"], oregon["MailingCountryCode"]) == ("OR", "US")
    assert bavaria["MailingCountryCode"] == "DE" and not bavaria.get("MailingStateCode")
    assert partial.notes == {
        1: "State “Bavaria” not sent: this Salesforce org has no states set up for Germany."
    }
    # Read back, the state and country columns give the codes.
    records = {r.key: r for r in source.iter_records()}
    assert records[partial.keys[0]].values["MailingState"] == "OR"
    assert records[partial.keys[0]].values["MailingCountry"] == "US"
    # A state changed alone is checked against the record's own country.
    source.update_records({partial.keys[0]: {"MailingState": "Washington"}})
    assert sf.record(partial.keys[0])["MailingStateCode"] == "WA"


def test_a_converted_lead_is_written_as_the_contact_it_became(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    lead = next(x for x in sf.records("Lead") if x.get("IsConverted"))
    source = make_source(ObjectType.LEAD)
    source.set_opted_out([lead["Id"]], True)
    assert sf.record(lead["ConvertedContactId"])["HasOptedOutOfEmail"]
    source.update_records({lead["Id"]: {"Title": "Roaster", "Company": "ignored"}})
    assert sf.record(lead["ConvertedContactId"])["Title"] == "Roaster"


def test_a_deleted_record_refuses_its_update_in_its_own_words_and_undo_deletes(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source()
    first, second = source.create_records(
        [
            {"LastName": "Undo", "Email": "u1@example.com"},
            {"LastName": "Undo", "Email": "u2@example.com"},
        ]
    )
    sf.delete(first)
    with pytest.raises(PartialWrite) as caught:
        source.update_records({first: {"Title": "x"}, second: {"Title": "Kept"}})
    assert list(caught.value.refused) == [first]
    assert sf.record(second)["Title"] == "Kept"
    source.archive_records([first, second])  # one already gone: passed over
    assert sf.record(second)["IsDeleted"]
    assert source.get_records([first, second]) == {}
