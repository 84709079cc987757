"""Writing records back to Salesforce: new records, changed fields, the email opt-out.

Up to :data:`BULK_WRITE_OVER` records go in sObject Collections calls of 200, each record
succeeding or failing alone (``allOrNone: false``; a failed result has no ``id``, so results
are matched by position); more go in one Bulk API 2.0 ingest job. Whatever Salesforce
refused is raised as ``PartialWrite`` after the rest were written, each refused record with
Salesforce's own words and the field's label.

A new record becomes one of the profile's type: a blank last name (and a lead's blank
company) is "Unknown" when the profile allows it, a blank first name too if chosen, and a
person account gets the org's person record type. Only fields Salesforce lets this user
create or update are sent; with State and Country picklists on, the address goes as codes
and a state its country does not have is left out, with a note (``picklists.py``).

A converted lead is written as the contact it became (its ``ConvertedContactId``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.connectors.base import PartialWrite
from app.connectors.salesforce import bulk
from app.connectors.salesforce.campaigns import chunks
from app.connectors.salesforce.client import COLLECTION_MAX, soql_ids
from app.connectors.salesforce.errors import record_error
from app.connectors.salesforce.objects import LEAD_AS_CONTACT, ObjectSpec, ObjectType
from app.connectors.salesforce.schema import Schema
from app.connectors.salesforce.settings import ConvertedLeads
from app.connectors.salesforce.values import to_csv, to_json
from app.connectors.salesforce.wire import SERVICE
from app.core.errors import ConfigError

if TYPE_CHECKING:
    from app.connectors.salesforce.source import SalesforceSource

BULK_WRITE_OVER = 2_000  # more records than this in one write go as a Bulk API ingest job
WRITE_BATCH = 10_000  # records the engine hands over in one write
UNKNOWN = "Unknown"

Prepared = tuple[dict[str, str], list[str]]  # the fields to send (as text), and notes


class Writer:
    """The writes of one :class:`SalesforceSource`."""

    def __init__(self, source: SalesforceSource, bulk_write_over: int | None = None) -> None:
        self.source = source
        self.bulk_over = BULK_WRITE_OVER if bulk_write_over is None else bulk_write_over
        self.batch = WRITE_BATCH
        self._person_type: str | None = None

    # -- what is sent -----------------------------------------------------------------------------

    @staticmethod
    def prepare(
        schema: Schema, spec: ObjectSpec, values: Mapping[str, str], *, create: bool
    ) -> Prepared:
        """The fields of ``values`` this user may write, address as codes; and notes."""
        out: dict[str, str] = {}
        for column, value in values.items():
            found = schema.fields.get(column)
            if found is None or column == "Id":
                continue  # a parent's column (Account.Name), or gone from Salesforce
            if not (found.createable if create else found.updateable):
                continue
            if spec.kind is ObjectType.PERSON_ACCOUNT and column == "Name":
                continue  # a person account's name is its first and last name
            out[column] = value
        address = (spec.state, spec.country, spec.state_code, spec.country_code)
        if schema.picklists and any(f in out for f in address):
            return schema.picklists.place(out, address)
        return out, []

    def _defaults(self, fields: dict[str, str]) -> None:
        choices, spec = self.source.choices, self.source.spec
        if choices.unknown_last_name and not fields.get("LastName", "").strip():
            fields["LastName"] = UNKNOWN
        if choices.unknown_first_name and not fields.get("FirstName", "").strip():
            fields["FirstName"] = UNKNOWN
        lead = spec.kind is ObjectType.LEAD
        if lead and choices.unknown_last_name and not fields.get("Company", "").strip():
            fields["Company"] = UNKNOWN
        if spec.kind is ObjectType.PERSON_ACCOUNT:
            fields["RecordTypeId"] = self._person_record_type()

    def _person_record_type(self) -> str:
        if self._person_type is None:
            soql = (
                "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND "
                "IsPersonType = true AND IsActive = true LIMIT 1"
            )
            found = list(self.source.client.query(soql, "record types"))
            if not found:
                raise ConfigError(
                    f"This {SERVICE} org has no person account record type, so ContactBridge "
                    "cannot add person accounts. Choose Contacts or Leads in the profile."
                )
            self._person_type = str(found[0]["Id"])
        return self._person_type

    # -- sending ----------------------------------------------------------------------------------

    def _send(
        self, schema: Schema, operation: str, rows: Sequence[Mapping[str, str]]
    ) -> list[dict[str, Any]]:
        """One result per row, in order (sObject Collections, or one ingest job)."""
        client, sobject, types = self.source.client, schema.spec.sobject, schema.types
        what = f"{SERVICE} {schema.spec.plural}"
        if len(rows) > self.bulk_over:
            cells = [
                {
                    k: to_csv(
                        v, types.get(k, "string"), empties=operation == "update" and k != "Id"
                    )
                    for k, v in row.items()
                }
                for row in rows
            ]
            return bulk.ingest(client, sobject, operation, cells, what, schema.label)
        results: list[dict[str, Any]] = []
        for start in range(0, len(rows), COLLECTION_MAX):
            part = [
                {"attributes": {"type": sobject}}
                | {k: v if k == "Id" else to_json(v, types.get(k, "string")) for k, v in r.items()}
                for r in rows[start : start + COLLECTION_MAX]
            ]
            send = client.create if operation == "insert" else client.update
            results += send(part)
        return results

    @staticmethod
    def _words(refused: int, total: int, what: str) -> str:
        return f"{SERVICE} did not accept {refused:,} of {total:,} {what}."

    # -- the writes -------------------------------------------------------------------------------

    def create(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        """New records of the profile's type; their Ids in order ("" where refused)."""
        source = self.source
        rows: list[dict[str, str]] = []
        notes: dict[int | str, str] = {}
        for i, values in enumerate(records):
            fields, said = self.prepare(source.schema, source.spec, values, create=True)
            self._defaults(fields)
            rows.append(fields)
            if said:
                notes[i] = " ".join(said)
        keys: list[str] = []
        refused: dict[int | str, str] = {}
        for i, result in enumerate(self._send(source.schema, "insert", rows) if rows else []):
            if result.get("success"):
                keys.append(str(result.get("id") or ""))
            else:
                keys.append("")
                refused[i] = record_error(result.get("errors") or (), source.schema.label)
        if refused or notes:
            what = f"new {source.spec.plural}"
            raise PartialWrite(
                self._words(len(refused), len(records), what),
                keys=keys,
                refused=refused,
                notes=notes,
            )
        return keys

    def update(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        """Change fields of records by Id (a converted lead's go to its contact)."""
        source = self.source
        if not updates:
            return
        redirect = self._converted(list(updates))
        plain = {k: v for k, v in updates.items() if k not in redirect}
        refused: dict[int | str, str] = {}
        notes: dict[int | str, str] = {}
        jobs: list[tuple[Schema, dict[str, str], dict[str, Mapping[str, str]]]] = []
        if plain:
            jobs.append((source.schema, {k: k for k in plain}, plain))
        if redirect:
            as_contact: dict[str, Mapping[str, str]] = {
                redirect[k]: {LEAD_AS_CONTACT[c]: x for c, x in v.items() if c in LEAD_AS_CONTACT}
                for k, v in updates.items()
                if k in redirect
            }
            jobs.append((source.contact_schema, {c: k for k, c in redirect.items()}, as_contact))
        for schema, key_of, wanted in jobs:
            wanted = self._with_country(schema, wanted)
            ids, rows = [], []
            for record_id, values in wanted.items():
                fields, said = self.prepare(schema, schema.spec, values, create=False)
                if said:
                    notes[key_of[record_id]] = " ".join(said)
                if fields:
                    ids.append(record_id)
                    rows.append({"Id": record_id, **fields})
            for record_id, result in zip(ids, self._send(schema, "update", rows), strict=True):
                if not result.get("success"):
                    refused[key_of[record_id]] = record_error(
                        result.get("errors") or (), schema.label
                    )
        if refused or notes:
            raise PartialWrite(
                self._words(len(refused), len(updates), f"changed {source.spec.plural}"),
                refused=refused,
                notes=notes,
            )

    def _converted(self, keys: Sequence[str]) -> dict[str, str]:
        """Lead Id -> the contact it became, for the converted leads among ``keys``."""
        source = self.source
        if source.spec.kind is not ObjectType.LEAD:
            return {}
        if source.choices.converted_leads is not ConvertedLeads.FOLLOW:
            return {}
        found: dict[str, str] = {}
        for part in chunks(list(keys)):
            soql = (
                "SELECT Id, ConvertedContactId FROM Lead WHERE IsConverted = true AND "
                f"Id IN {soql_ids(part)}"
            )
            for row in source.client.query(soql, f"converted {source.what}"):
                if row.get("ConvertedContactId"):
                    found[str(row["Id"])] = str(row["ConvertedContactId"])
        return found

    def _with_country(
        self, schema: Schema, wanted: dict[str, Mapping[str, str]]
    ) -> dict[str, Mapping[str, str]]:
        """Updates that change a state but not the country get the record's current country
        (a state is only ever checked together with its country)."""
        spec = schema.spec
        if not schema.picklists:
            return wanted
        states = (spec.state, spec.state_code)
        countries = (spec.country, spec.country_code)
        need = [
            k
            for k, v in wanted.items()
            if any(s in v for s in states) and not any(c in v for c in countries)
        ]
        if not need:
            return wanted
        current: dict[str, str] = {}
        for part in chunks(need):
            soql = (
                f"SELECT Id, {spec.country_code} FROM {spec.sobject} WHERE Id IN {soql_ids(part)}"
            )
            for row in self.source.client.query(soql, f"{SERVICE} {spec.plural}"):
                current[str(row["Id"])] = str(row.get(spec.country_code) or "")
        return {
            k: ({**v, spec.country_code: current[k]} if current.get(k) else v)
            for k, v in wanted.items()
        }

    def delete(self, keys: Sequence[str]) -> None:
        """Delete records a sync created (undo, when the user chose it); Salesforce keeps
        them 15 days in its recycle bin. One already deleted is passed over."""
        refused: dict[int | str, str] = {}
        ids = list(dict.fromkeys(k for k in keys if k))
        for part in chunks(ids, COLLECTION_MAX):
            for key, result in zip(part, self.source.client.delete(part), strict=True):
                errors = result.get("errors") or ()
                codes = {str(e.get("statusCode") or "") for e in errors}
                if not result.get("success") and codes != {"ENTITY_IS_DELETED"}:
                    refused[key] = record_error(errors, self.source.schema.label)
        if refused:
            raise PartialWrite(
                self._words(len(refused), len(ids), f"{self.source.spec.plural} to delete"),
                refused=refused,
            )
