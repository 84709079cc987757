"""Converted leads, read as the contacts they became (a Lead profile's "follow" choice).

A converted lead keeps its Id, which is the key ContactBridge knows the person by; its
values come from the contact it became (``ConvertedContactId``), under the lead's field
names (``objects.CONTACT_AS_LEAD``), so the person stays one Constant Contact contact and is
kept up to date from the contact. A read of the changes takes the leads converted since the
time asked for and those whose contact changed since (SOQL semi-joins are not used: each
is its own query).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from app.connectors.salesforce.campaigns import chunks
from app.connectors.salesforce.client import soql_ids, soql_time
from app.connectors.salesforce.objects import CONTACT_AS_LEAD
from app.connectors.salesforce.values import from_json
from app.connectors.salesforce.wire import SERVICE

if TYPE_CHECKING:
    from app.connectors.salesforce.source import SalesforceSource


def read(
    source: SalesforceSource, since: datetime | None, members: Mapping[str, set[str]]
) -> Iterator[dict[str, str]]:
    """Each converted lead's values (the lead's, overlaid with its contact's), by lead Id.

    With campaigns checked, only the leads that are members of them."""
    client, what = source.client, f"converted {source.what}"
    soql = (
        "SELECT Id, ConvertedContactId FROM Lead WHERE IsConverted = true AND "
        "ConvertedContactId != null"
    )
    became = {str(r["Id"]): str(r["ConvertedContactId"]) for r in client.query(soql, what)}
    if source.choices.campaigns:
        became = {k: v for k, v in became.items() if k in members}
    if since is not None and became:
        t = soql_time(since)
        leads = client.query(
            f"SELECT Id FROM Lead WHERE IsConverted = true AND SystemModstamp > {t}", what
        )
        contacts = client.query(
            f"SELECT Id FROM Contact WHERE SystemModstamp > {t}", f"{SERVICE} contacts"
        )
        fresh = {str(r["Id"]) for r in leads}
        moved = {str(r["Id"]) for r in contacts}
        became = {k: v for k, v in became.items() if k in fresh or v in moved}
    if not became:
        return
    schema = source.schema
    fields = schema.select(("ConvertedContactId",))
    read_leads: dict[str, dict[str, str]] = {}
    for part in chunks(sorted(became)):
        soql = f"SELECT {', '.join(fields)} FROM Lead WHERE Id IN {soql_ids(part)}"
        for record in client.query(soql, what, schema.label):
            read_leads[str(record["Id"])] = from_json(record, fields, schema.types)
    read_contacts = contacts_by_id(source, became.values())
    for lead_id in sorted(read_leads):
        contact = read_contacts.get(became[lead_id])
        if contact is None:
            continue  # the contact is gone too: the person left Salesforce
        values = read_leads[lead_id]
        values.update({CONTACT_AS_LEAD[k]: v for k, v in contact.items() if k in CONTACT_AS_LEAD})
        values["Id"] = lead_id
        yield values


def contacts_by_id(source: SalesforceSource, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The contacts' values that a converted lead takes, by contact Id (codes for the state
    and country when the org has the picklists)."""
    schema = source.contact_schema
    fields = [f for f in schema.select() if f in CONTACT_AS_LEAD or f == "Id"]
    if "Account.Name" not in fields:
        fields.append("Account.Name")
    found: dict[str, dict[str, str]] = {}
    for part in chunks(sorted({i for i in ids if i})):
        soql = f"SELECT {', '.join(fields)} FROM Contact WHERE Id IN {soql_ids(part)}"
        for record in source.client.query(soql, f"{SERVICE} contacts", schema.label):
            values = from_json(record, fields, schema.types)
            if schema.picklists:
                for text, code in (
                    ("MailingState", "MailingStateCode"),
                    ("MailingCountry", "MailingCountryCode"),
                ):
                    if values.get(code):
                        values[text] = values[code]
            found[values["Id"]] = values
    return found
