"""The NeonCRM source: individual accounts only, consent kept visible, reads and write-backs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.client import NeonClient
from app.connectors.neoncrm.source import DECEASED, DO_NOT_CONTACT, ORGANIZATION, NeonSource
from app.core.errors import ConfigError, ValidationError
from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator

ORG = ORG_ID


def by_email(source: NeonSource) -> dict[str, list]:
    found: dict[str, list] = {}
    for record in source.iter_records():
        found.setdefault(record.values[c.EMAIL].lower(), []).append(record)
    return found


def test_organizations_are_read_skipped_with_the_reason_and_never_offered_for_matching(
    client: NeonClient,
) -> None:
    records = list(NeonSource(client).iter_records())
    companies = [r for r in records if r.skip.startswith(ORGANIZATION)]
    assert len(companies) == 3
    assert all(r.values[c.EMAIL] == "" for r in companies)  # nothing can match them
    assert any("rotary@riverside.example.org" in r.skip for r in companies)  # said, though
    tom = [r for r in records if r.values[c.EMAIL] == "tom@greenleafgrocers.example.com"]
    assert len(tom) == 1 and not tom[0].skip  # his own individual account is pushed


def test_deceased_and_do_not_contact_are_skipped_with_their_reasons(client: NeonClient) -> None:
    found = by_email(NeonSource(client))
    assert found["grace.whitaker@example.net"][0].skip == DECEASED
    assert found["bob.fitz@example.com"][0].skip == DO_NOT_CONTACT
    assert found["james.chen@example.net"][0].skip == ""


def test_opted_out_people_are_read_and_marked_never_left_out(client: NeonClient) -> None:
    found = by_email(NeonSource(client))
    for email in ("sam.osei@example.com", "emily.novak@example.org", "oscar.petrov@example.com"):
        (record,) = found[email]
        assert record.opted_out and not record.skip  # Email 1 opted out
    assert found["hannah.schmidt@example.org"][0].opted_out  # consent declined, no flag
    assert not found["amelia.clark@example.com"][0].opted_out


def test_an_opt_out_is_never_hidden_behind_another_skip(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    (bob,) = neon.find_by_email(ORG, "bob.fitz@example.com")
    neon.set_email_opt_out(bob, True)
    (record,) = by_email(NeonSource(client))["bob.fitz@example.com"]
    assert record.opted_out and record.skip == ""  # the engine unsubscribes him


def test_the_fixed_mapping_reads_neons_fields(neon: NeonCrmEmulator, client: NeonClient) -> None:
    (carlos,) = neon.find_by_email(ORG, "carlos.mendez@example.com")
    neon.update_account(
        carlos,
        {
            "primaryContact": {
                "title": "Shift Lead",
                "addresses": [
                    {
                        "addressId": _address_id(neon, carlos),
                        "phone2": "503-555-0101",
                        "phone2Type": "Work",
                        "fax": "503-555-0199",
                    }
                ],
            }
        },
    )
    (record,) = by_email(NeonSource(client))["carlos.mendez@example.com"]
    v = record.values
    assert (v[c.FIRST_NAME], v[c.LAST_NAME], v[c.TITLE]) == ("Carlos", "Mendez", "Shift Lead")
    assert (v[c.PHONE_2], v[c.PHONE_3], v[c.FAX]) == (
        "503-555-0101",
        "503-555-0148",
        "503-555-0199",
    )
    assert (v[c.ADDRESS_1], v[c.CITY], v[c.STATE], v[c.COUNTRY]) == (
        "58 N Williams Ave",
        "Portland",
        "OR",
        "United States",
    )
    assert v[c.SOURCE] == "NeonCRM"
    assert c.push_mapping().as_dict()[c.PHONE_1] == "home_phone"
    assert c.push_mapping().as_dict()[c.FAX] == "other_phone"


def _address_id(neon: NeonCrmEmulator, account_id: str) -> str:
    contact = neon.account(account_id)["individualAccount"]["primaryContact"]
    return str(contact["addresses"][0]["addressId"])


def test_additional_fields_come_from_middle_name_types_and_custom_fields(
    client: NeonClient,
) -> None:
    _, custom = client.output_fields()
    keys = ["middle_name", "individual_type"]
    keys += [f"custom:{i}" for i, name in custom.items() if name == "Volunteer Interests"]
    extras = c.chosen_extras(keys, custom)
    source = NeonSource(client, extras=extras)
    assert source.columns()[-3:] == ["Middle Name", "Individual Type", "Volunteer Interests"]
    (priya,) = by_email(source)["priya.n@example.org"]
    assert priya.values["Volunteer Interests"] == "Kitchen Shifts|Events"
    (james,) = by_email(source)["james.chen@example.net"]
    assert james.values["Individual Type"] == "Board Member|Donor"
    mapping = c.push_mapping(extras).as_dict()
    assert mapping["Volunteer Interests"] == "cf:Volunteer Interests"
    assert mapping[c.SOURCE] == "cf:Source"


def test_at_most_15_additional_fields_and_never_two_of_one_name(client: NeonClient) -> None:
    custom = {str(n): f"Field {n}" for n in range(100, 120)}
    with pytest.raises(ConfigError, match="at most 15"):
        c.chosen_extras([f"custom:{n}" for n in range(100, 116)], custom)
    _, real = client.output_fields()
    twins = [f"custom:{i}" for i, name in real.items() if name == "Emergency Contact"]
    extras = c.chosen_extras(twins, real)
    assert [e.column for e in extras][1].startswith("Emergency Contact (#")  # told apart
    with pytest.raises(ConfigError, match='both called "Emergency Contact"'):
        NeonSource(client, extras=extras)


def test_the_criteria_choose_the_accounts(client: NeonClient) -> None:
    criteria = [{"field": "Individual Type", "operator": "EQUAL", "value": "Board Member"}]
    source = NeonSource(client, criteria=criteria)
    emails = {r.values[c.EMAIL] for r in source.iter_records()}
    assert emails == {"james.chen@example.net", "helen.park@example.org", "ben.lewis@example.org"}
    assert source.count() == 3


def test_later_reads_take_only_the_accounts_modified_since(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    source = NeonSource(client)
    everyone = list(source.iter_records())
    (zoe,) = neon.find_by_email(ORG, "zoe.king@example.com")
    neon.update_account(zoe, {"primaryContact": {"title": "Volunteer of the Month"}})
    changed = list(source.iter_records(since=datetime.now(UTC) - timedelta(minutes=5)))
    assert [r.key for r in changed] == [zoe]
    assert len(everyone) > 40
    assert source.modified_field() == "Account Last Modified Date"


def test_imported_contacts_become_individual_accounts_marked_as_from_constant_contact(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    source = NeonSource(client)
    (key,) = source.create_records(
        [{c.EMAIL: "new.friend@example.org", c.FIRST_NAME: "New", c.CITY: "Salem", c.STATE: "OR"}]
    )
    account = neon.account(key)["individualAccount"]
    assert account["origin"] == {"originCategory": "API", "originDetail": "Constant Contact"}
    contact = account["primaryContact"]
    assert (contact["firstName"], contact["lastName"]) == ("New", "Unknown")  # Neon needs both
    assert contact["addresses"][0]["city"] == "Salem"
    assert contact["email1"] == "new.friend@example.org"


def test_a_batch_with_a_contact_neon_cannot_take_creates_nothing(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    before = len(neon.account_ids(ORG))
    with pytest.raises(ValidationError, match="needs an email address"):
        NeonSource(client).create_records([{c.EMAIL: "a@example.org"}, {c.FIRST_NAME: "No"}])
    assert len(neon.account_ids(ORG)) == before


def test_unsubscribes_opt_email_1_out_and_resubscribes_clear_it(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    (jack,) = neon.find_by_email(ORG, "jack.wright@example.net")
    source = NeonSource(client)
    source.set_opted_out([jack], True)
    account = neon.account(jack)["individualAccount"]
    assert account["email1OptOut"] is True and account["consent"]["email"] == "DECLINED"
    assert account["consent"]["mail"] == "NOT_ASKED"  # the other consents are left alone
    source.set_opted_out([jack, "999999"], False)  # a gone account is passed over
    account = neon.account(jack)["individualAccount"]
    assert account["email1OptOut"] is False and account["consent"]["email"] == "GIVEN"


def test_accounts_are_never_changed_nor_deleted_from_constant_contact(client: NeonClient) -> None:
    source = NeonSource(client)
    assert not source.capabilities.update and not source.capabilities.archive
    with pytest.raises(ConfigError, match="only unsubscribes and resubscribes"):
        source.update_records({"1004": {c.CITY: "Salem"}})
    with pytest.raises(ConfigError, match="never deletes"):
        source.archive_records(["1004"])


def test_still_there_and_get_records_follow_merges(
    neon: NeonCrmEmulator, client: NeonClient
) -> None:
    from app.sandbox.neoncrm import merged_sample_ids

    old, survivor = merged_sample_ids(neon)
    source = NeonSource(client)
    assert source.still_there([old, survivor, "999999"]) == {old, survivor}
    found = source.get_records([survivor, "999999"])
    assert found[survivor][c.EMAIL] == "henry.adams@example.com"
    assert "999999" not in found
    record = source.account(survivor)
    assert record is not None and record.values[c.LAST_NAME] == "Adams"
