"""Reading Salesforce over loopback HTTP from the emulator: pages, bulk, changes, deletions,
converted leads, person accounts and campaigns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from app.connectors.base import ForgetfulSource
from app.connectors.salesforce import ConvertedLeads, ObjectType, SalesforceSource
from app.connectors.salesforce.source import CONVERTED_NOTE
from app.core.errors import ConfigError, SourceError
from app.sandbox.salesforce import EXPO, HOLIDAY, NEWSLETTER, SalesforceEmulator
from app.sync import incremental
from tests.connectors.salesforce.conftest import calls

Make = Callable[..., SalesforceSource]
SAMPLE_CONTACTS = 40  # the sample org's contacts (its 5 person accounts' contacts apart)


def by_email(source: SalesforceSource, **read: object) -> dict[str, object]:
    return {r.values["Email"]: r for r in source.iter_records(**read) if r.values.get("Email")}


def mark(sf: SalesforceEmulator) -> datetime:
    """A moment between what the org holds now and what a test changes next (SOQL times
    have whole seconds, and getDeleted whole minutes)."""
    sf.advance(minutes=1)
    since = sf.clock()
    sf.advance(minutes=2)
    return since


def campaign_id(sf: SalesforceEmulator, name: str) -> str:
    return next(c["Id"] for c in sf.records("Campaign") if c["Name"] == name)


def test_a_read_pages_with_next_records_url_and_brings_every_record_once(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    sf.seed_contacts(4_500)
    sf.reset_counts()
    source = make_source()
    records = list(source.iter_records())

    assert len(records) == SAMPLE_CONTACTS + 4_500
    assert len({r.key for r in records}) == len(records)
    assert [r.row for r in records] == list(range(1, len(records) + 1))
    # 2,000 a page: three pages, the second and third through nextRecordsUrl, and a count.
    assert calls(sf, "GET /services/data/vXX.X/query") == 4
    assert calls(sf, "/jobs/query") == 0
    opted = [r for r in records if r.values["Email"].endswith("@bench.example") and r.opted_out]
    assert len(opted) == 4_500 // 20  # every 20th seeded contact ticked Email Opt Out
    assert all(r.values["HasOptedOutOfEmail"] == "true" for r in opted)


def test_a_large_whole_read_is_one_bulk_query_job_with_the_same_values(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    sf.seed_contacts(3_000)
    by_rest = {r.key: r for r in make_source().iter_records()}
    sf.reset_counts()
    by_bulk = {r.key: r for r in make_source(bulk_read_over=1_000).iter_records()}

    assert calls(sf, "POST /services/data/vXX.X/jobs/query") == 1
    assert calls(sf, "GET /services/data/vXX.X/query") == 1  # the count only
    assert by_bulk.keys() == by_rest.keys()
    for key, record in by_rest.items():
        assert by_bulk[key].values == record.values, key
        assert by_bulk[key].opted_out == record.opted_out


def test_a_read_of_the_changes_brings_only_what_changed_since(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source()
    first = by_email(source)
    since = mark(sf)
    maya = first["maya.chen@driftwoodcafe.example"]
    sf.update(maya.key, Title="Head Buyer")
    sf.reset_counts()

    changed = list(source.iter_records(since=since))

    assert [r.key for r in changed] == [maya.key]
    assert changed[0].values["Title"] == "Head Buyer"
    assert calls(sf, "/query") == 1  # no count, no bulk: one page of changes


def test_deletions_come_from_get_deleted_and_a_purged_log_asks_for_a_whole_read(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    source = make_source()
    assert isinstance(source, ForgetfulSource)
    first = by_email(source)
    since = mark(sf)
    gone = first["grace@morningtide.example"].key
    sf.delete(gone)
    sf.advance(minutes=2)

    assert source.remembers_changes_since(since)
    assert gone in source.deleted_since(since)

    # The recycle bin's log is purged past the mark: deletions before it are lost, so the
    # engine's read of the changes becomes a whole read (absence then means deleted).
    later = make_source()
    sf.purge_delete_log()
    assert not later.remembers_changes_since(since)
    plan = incremental.ReadPlan(since, "changes", since)
    whole = incremental.within_memory(plan, later, sf.clock())
    assert whole.full and "no longer keeps every deletion" in whole.why
    assert not later.remembers_changes_since(sf.clock() - timedelta(days=20))


def test_converted_leads_are_left_out_or_followed_to_the_contact_they_became(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    leads = sf.records("Lead")
    converted = {lead["Id"]: lead for lead in leads if lead.get("IsConverted")}
    assert len(converted) == 2

    follow = make_source(ObjectType.LEAD)
    records = {r.key: r for r in follow.iter_records()}
    assert len(records) == len(leads)  # 13 open leads and the 2 converted, once each
    for lead_id, lead in converted.items():
        record = records[lead_id]
        contact = sf.record(lead["ConvertedContactId"])
        assert record.values["Email"] == contact["Email"]
        assert record.notes == (CONVERTED_NOTE,)
        assert record.values["IsConverted"] == "true"
    # The person changes as a contact now: a read of the changes follows them there.
    since = mark(sf)
    lead_id, lead = next(iter(converted.items()))
    sf.update(lead["ConvertedContactId"], Title="Owner", HasOptedOutOfEmail=True)
    changed = {r.key: r for r in follow.iter_records(since=since)}
    assert list(changed) == [lead_id]
    assert changed[lead_id].values["Title"] == "Owner" and changed[lead_id].opted_out

    # Left out instead: not read, not "still there", and a lead converted later is
    # reported as gone by a read of the changes.
    remove = make_source(ObjectType.LEAD, converted_leads=ConvertedLeads.REMOVE)
    keys = {r.key for r in remove.iter_records()}
    assert keys.isdisjoint(converted) and len(keys) == len(leads) - 2
    assert remove.still_there(list(converted)) == set()
    open_lead = next(k for k in keys if sf.record(k).get("Email"))
    since = mark(sf)
    sf.convert_lead(open_lead)
    assert open_lead in remove.deleted_since(since)


def test_person_accounts_are_read_through_their_person_fields(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    people = make_source(ObjectType.PERSON_ACCOUNT)
    columns = people.columns()
    assert {"PersonEmail", "PersonHasOptedOutOfEmail", "PersonMailingCity"} <= set(columns)
    assert "Loyalty_Tier__pc" in columns and "Name" not in columns
    records = {r.values["PersonEmail"]: r for r in people.iter_records()}
    assert len(records) == 5
    assert records["ines.fischer@example.de"].opted_out
    assert records["beatriz.alves@example.com"].values["Loyalty_Tier__pc"] == "Gold"
    # A Contact profile in the same org leaves the person accounts' contacts out.
    contacts = {r.values["Email"] for r in make_source().iter_records()}
    assert records.keys().isdisjoint(contacts)


def test_campaigns_bring_only_their_members_each_with_its_lists(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    newsletter, holiday = campaign_id(sf, NEWSLETTER), campaign_id(sf, HOLIDAY)
    members: dict[str, set[str]] = {}
    for member in sf.records("CampaignMember"):
        if member.get("ContactId") and member["CampaignId"] in (newsletter, holiday):
            members.setdefault(member["ContactId"], set()).add(member["CampaignId"])
    source = make_source(campaigns=(newsletter, holiday))

    records = {r.key: r for r in source.iter_records()}

    assert records.keys() == members.keys()
    for key, record in records.items():
        assert set(record.lists) == members[key]
    # Joining a campaign changes no contact: a read of the changes still brings the member.
    outsider = next(r for r in make_source().iter_records() if r.key not in members)
    since = mark(sf)
    sf.add_campaign_member(holiday, outsider.key)
    changed = {r.key: r for r in source.iter_records(since=since)}
    assert list(changed) == [outsider.key]
    assert changed[outsider.key].lists == (holiday,)


def test_lead_campaigns_name_leads_and_a_preview_reads_one_page(
    sf: SalesforceEmulator, make_source: Make
) -> None:
    expo = campaign_id(sf, EXPO)
    source = make_source(ObjectType.LEAD, campaigns=(expo,))
    records = list(source.iter_records())
    assert records and all(r.lists == (expo,) for r in records)
    sf.reset_counts()
    columns, rows = make_source().numbered_preview(5)
    assert columns[:4] == ["Id", "Salutation", "FirstName", "LastName"]
    assert [row for row, _ in rows] == [1, 2, 3, 4, 5]
    assert calls(sf, "/query") == 1 and calls(sf, "/jobs/") == 0


def test_a_field_salesforce_does_not_have_is_named_in_plain_words(
    make_source: Make,
) -> None:
    source = make_source()
    query = "SELECT Id, Favourite_Bean__c FROM Contact"
    with pytest.raises(ConfigError) as refused:
        list(source.client.query(query, source.what, source.label_of))
    message = refused.value.message
    assert message.startswith("Salesforce has no field “Favourite_Bean__c” on Salesforce contacts")
    assert "check its mapping and filters" in message
    assert "INVALID_FIELD" in refused.value.details
    with pytest.raises(SourceError) as malformed:
        list(source.client.query("SELECT FROM Contact", source.what))
    assert malformed.value.message.startswith(
        "Salesforce could not run ContactBridge's query for Salesforce contacts."
    )
