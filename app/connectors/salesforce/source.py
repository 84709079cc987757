"""SalesforceSource: one object type of one org (Contacts, Leads or Person Accounts) as a
source that can be written back to.

**Reading.** SOQL over REST, page by page (``nextRecordsUrl``); a whole read of more than
:data:`BULK_READ_OVER` records runs as one Bulk API 2.0 query job instead (a few requests
for 100,000 records). A read of the changes asks for ``SystemModstamp`` after the time the
engine gives. Deletions come from getDeleted; Salesforce keeps them about 15 days (less when
its log is purged), and when its ``earliestDateAvailable`` passes the time asked for, the
source says so (``remembers_changes_since``) and the engine reads it whole instead.

**Consent.** ``HasOptedOutOfEmail`` (``PersonHasOptedOutOfEmail``) marks a record
``opted_out``; such records are read like any other (absence is not consent).

**Campaigns as lists.** With campaigns checked, only their members are read, and each
record's ``lists`` names its checked campaigns (``campaigns.py``). A read of the changes
also reads again the members whose membership changed (joining a campaign does not change
the contact).

**Converted leads** (a Lead profile) are left out of the lead read (``IsConverted =
false``) and, as the profile says, read as the contact each became (key: the lead's Id, so
the person stays one Constant Contact contact; writes go to the contact), or left out.

**Writing** (``writer.py``): sObject Collections, 200 records a call with one result each,
or a Bulk API 2.0 ingest job for large sets; what Salesforce refused fails alone, in its
own words (``PartialWrite``).

**Campaign activity** (``CampaignActivitySink``): Constant Contact's email responses as
campaign members or tasks (``responses.py``), and its events as campaigns with their
registrants (``events.py``), as the profile's settings ask.

Rows: the n-th record read is row n, in the wizard's preview and in a sync's results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from app.connectors.base import SourceCapabilities, SourceProblem
from app.connectors.salesforce import bulk, converted, responses
from app.connectors.salesforce.campaigns import chunks, memberships
from app.connectors.salesforce.client import SalesforceClient, parse_time, soql_ids, soql_time
from app.connectors.salesforce.events import EventWriter
from app.connectors.salesforce.objects import (
    CONTACT,
    SPECS,
    ObjectType,
)
from app.connectors.salesforce.schema import Schema
from app.connectors.salesforce.settings import (
    ConvertedLeads,
    ResponseMode,
    SalesforceSourceSettings,
)
from app.connectors.salesforce.values import from_csv, from_json
from app.connectors.salesforce.wire import SERVICE
from app.connectors.salesforce.writer import Writer
from app.core.campaign_responses import ActivityReport, ActivityWanted, CcEvent, EmailResponses
from app.core.errors import RemoteError
from app.core.records import SourceRecord
from app.core.source_preview import SourcePreview

log = logging.getLogger(__name__)

BULK_READ_OVER = 5_000  # a whole read of more records than this is one Bulk API query job
IDS_READ_MAX = 2_000  # campaign members read by id up to this many; else a whole read
DELETIONS_KEPT = timedelta(days=15)  # how far back getDeleted can reach at best
CONVERTED_NOTE = "This lead was converted: its details come from the contact it became."


def org_now() -> datetime:
    """Now, as the org's clock says it (this computer's: they agree; tests move it)."""
    return datetime.now(UTC)


class SalesforceSource:
    """Implements ``WritableSource`` (and ``ForgetfulSource``) over one Salesforce org.

    Args:
        client: a :class:`SalesforceClient` for the org.
        choices: the profile's object type, campaigns and defaults.
        label: the name in messages, e.g. "Salesforce contacts (Acme)".
        bulk_read_over, bulk_write_over: from how many records reads and writes use the
            Bulk API.
    """

    capabilities = SourceCapabilities(
        create=True, update=True, opt_out=True, incremental=True, archive=True
    )

    def __init__(
        self,
        client: SalesforceClient,
        choices: SalesforceSourceSettings,
        *,
        label: str = SERVICE,
        bulk_read_over: int = BULK_READ_OVER,
        bulk_write_over: int | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.choices = choices
        self.spec = SPECS[choices.object_type]
        self.schema = Schema(client, self.spec)
        self.label = label
        self.bulk_read_over = bulk_read_over
        self.now = now or (lambda: org_now())
        self.problems: list[SourceProblem] = []  # Salesforce's records are always readable
        self.writer = Writer(self, bulk_write_over)
        self._row = 0
        self._deleted: dict[datetime, dict[str, Any]] = {}
        self._contacts: Schema | None = None

    # -- what it is ------------------------------------------------------------------------------

    @property
    def what(self) -> str:
        """The records in sentences: "Salesforce contacts"."""
        return f"{SERVICE} {self.spec.plural}"

    @property
    def write_batch(self) -> int:
        return self.writer.batch

    def describe(self) -> str:
        return self.label

    def columns(self) -> list[str]:
        return list(self.schema.columns)

    def label_of(self, name: str) -> str:
        return self.schema.label(name)

    @property
    def _is_lead(self) -> bool:
        return self.spec.kind is ObjectType.LEAD

    @property
    def _follows_converted(self) -> bool:
        return self._is_lead and self.choices.converted_leads is ConvertedLeads.FOLLOW

    @property
    def contact_schema(self) -> Schema:
        """The Contact object's fields (a converted lead is read and written as its contact)."""
        if self._contacts is None:
            self._contacts = Schema(self.client, CONTACT)
        return self._contacts

    def _member_id_field(self) -> str:
        return "PersonContactId" if self.spec.kind is ObjectType.PERSON_ACCOUNT else "Id"

    @property
    def _type_where(self) -> str:
        """What every read adds: converted leads and business accounts out, and in an org
        with Person Accounts, their person contacts out of a Contact read."""
        if self.spec.kind is ObjectType.CONTACT and "IsPersonAccount" in self.schema.fields:
            return "IsPersonAccount = false"
        return self.spec.where

    def _where(self, *parts: str) -> str:
        return " AND ".join(p for p in (self._type_where, *parts) if p)

    # -- reading -----------------------------------------------------------------------------------

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """The records of the profile's type (and campaigns); with ``since``, those changed
        after it, and the members whose campaigns changed."""
        self.problems = []
        self._row = 0
        members = self._memberships()
        changed = f"SystemModstamp > {soql_time(since)}" if since is not None else ""
        seen: set[str] = set()
        for values in self._members_read(members, changed, whole=since is None):
            seen.add(values["Id"])
            yield self._record(values, members)
        if since is not None and self.choices.campaigns:
            yield from self._moved_members(since, members, seen)
        if self._follows_converted:
            yield from self._converted(since, members)

    def _memberships(self) -> dict[str, set[str]]:
        if not self.choices.campaigns:
            return {}
        return memberships(self.client, self.choices.campaigns, self.spec.member_field)

    def _members_read(
        self,
        members: Mapping[str, set[str]],
        changed: str = "",
        *,
        whole: bool = False,
        limit: int | None = None,
    ) -> Iterator[dict[str, str]]:
        """The records to read: every one of the type, or with campaigns checked only their
        members (read by id when they are few, else picked out of a whole read)."""
        if not self.choices.campaigns:
            yield from self._read(self._where(changed), whole=whole, limit=limit)
            return
        id_field = self._member_id_field()
        if len(members) <= IDS_READ_MAX:
            left = limit
            for part in chunks(sorted(members)):
                where = self._where(changed, f"{id_field} IN {soql_ids(part)}")
                for values in self._read(where, limit=left):
                    yield values
                    if left is not None:
                        left -= 1
                if left is not None and left <= 0:
                    return
            return
        for values in self._read(self._where(changed), whole=whole):
            if values.get(id_field) in members:
                yield values

    def _read(
        self, where: str, *, whole: bool = False, limit: int | None = None
    ) -> Iterator[dict[str, str]]:
        """The records matching ``where``, as column text (a large whole read in bulk)."""
        extra = ("PersonContactId",) if self.spec.kind is ObjectType.PERSON_ACCOUNT else ()
        fields = self.schema.select(extra)
        soql = f"SELECT {', '.join(fields)} FROM {self.spec.sobject}"
        soql += f" WHERE {where}" if where else ""
        if limit is not None:
            soql += f" LIMIT {limit}"
        types, label = self.schema.types, self.schema.label
        if whole and limit is None:
            count = self.client.count(self.spec.sobject, where, self.what)
            if count > self.bulk_read_over:
                log.info("Reading %s %s with a Bulk API query job", count, self.what)
                for row in bulk.query(self.client, soql, self.what, label):
                    yield from_csv(row, fields, types)
                return
        for record in self.client.query(soql, self.what, label):
            yield from_json(record, fields, types)

    def _record(
        self, values: dict[str, str], members: Mapping[str, set[str]], notes: tuple[str, ...] = ()
    ) -> SourceRecord:
        self._row += 1
        member = values.get(self._member_id_field(), "")
        self._with_codes(values)
        return SourceRecord(
            key=values["Id"],
            row=self._row,
            values={c: values.get(c, "") for c in self.schema.columns},
            opted_out=values.get(self.spec.opt_out) == "true",
            notes=notes,
            lists=tuple(sorted(members.get(member, ()))),
        )

    def _with_codes(self, values: dict[str, str]) -> None:
        """With State and Country picklists on, the state and country columns give codes."""
        if not self.schema.picklists:
            return
        spec = self.spec
        for text, code in ((spec.state, spec.state_code), (spec.country, spec.country_code)):
            if values.get(code):
                values[text] = values[code]

    def _moved_members(
        self, since: datetime, members: Mapping[str, set[str]], seen: set[str]
    ) -> Iterator[SourceRecord]:
        """Members who joined or left a checked campaign since ``since`` (their record did
        not change, so the read of the changes missed them); read again for their lists."""
        field = self.spec.member_field
        moved = set(memberships(self.client, self.choices.campaigns, field, since))
        moved |= set(memberships(self.client, self.choices.campaigns, field, since, deleted=True))
        wanted = sorted(m for m in moved if m in members)
        id_field = self._member_id_field()
        for part in chunks(wanted):
            for values in self._read(self._where(f"{id_field} IN {soql_ids(part)}")):
                if values["Id"] not in seen:
                    seen.add(values["Id"])
                    yield self._record(values, members)

    def _converted(
        self, since: datetime | None, members: Mapping[str, set[str]]
    ) -> Iterator[SourceRecord]:
        """Converted leads, each read as the contact it became (``converted.py``)."""
        for values in converted.read(self, since, members):
            yield self._record(values, members, (CONVERTED_NOTE,))

    # -- deletions ---------------------------------------------------------------------------------

    def _deleted_answer(self, since: datetime) -> dict[str, Any]:
        """getDeleted from ``since`` (whole minutes: Salesforce ignores seconds) to now."""
        if since not in self._deleted:
            start = since.astimezone(UTC).replace(second=0, microsecond=0)
            end = self.now().astimezone(UTC).replace(second=0, microsecond=0)
            end = max(end, start + timedelta(minutes=1))
            self._deleted[since] = self.client.deleted(self.spec.sobject, start, end)
        return self._deleted[since]

    def remembers_changes_since(self, since: datetime) -> bool:
        """Whether getDeleted still covers ``since`` (``earliestDateAvailable`` before it)."""
        if self.now() - since > DELETIONS_KEPT:
            return False
        try:
            answer = self._deleted_answer(since)
        except RemoteError as exc:
            if exc.status == 400:  # INVALID_REPLICATION_DATE: too far back
                return False
            raise
        earliest = parse_time(str(answer.get("earliestDateAvailable") or ""))
        return earliest is None or earliest <= since

    def deleted_since(self, since: datetime) -> set[str]:
        """Records deleted since ``since`` (getDeleted), and, when a Lead profile leaves
        converted leads out, the leads converted since."""
        answer = self._deleted_answer(since)
        gone = {str(r.get("id")) for r in answer.get("deletedRecords") or () if r.get("id")}
        if self._is_lead and not self._follows_converted:
            soql = (
                "SELECT Id FROM Lead WHERE IsConverted = true AND "
                f"SystemModstamp > {soql_time(since)}"
            )
            gone |= {str(r["Id"]) for r in self.client.query(soql, f"converted {self.what}")}
        return gone

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """Which of these records Salesforce still has (of this type), though the read left
        them out (not in a checked campaign any more): the rest were deleted (or, with
        converted leads left out, converted)."""
        where = "" if self._follows_converted else self._type_where
        found: set[str] = set()
        for part in chunks(list(dict.fromkeys(keys))):
            condition = " AND ".join(p for p in (f"Id IN {soql_ids(part)}", where) if p)
            soql = f"SELECT Id FROM {self.spec.sobject} WHERE {condition}"
            found |= {str(r["Id"]) for r in self.client.query(soql, self.what)}
        return found

    # -- the wizard --------------------------------------------------------------------------------

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """The first ``n`` records (one query, never a bulk job), each with its row."""
        self._row = 0
        columns = self.columns()
        members = self._memberships()
        records = (self._record(v, members) for v in self._members_read(members, limit=n))
        rows = [(r.row, [r.values.get(c, "") for c in columns]) for r in islice(records, n)]
        return columns, rows

    def look(self, n: int = 20) -> SourcePreview:
        columns, rows = self.numbered_preview(n)
        return SourcePreview(columns, rows)

    def preview(self, n: int = 20) -> tuple[list[str], list[list[str]]]:
        columns, numbered = self.numbered_preview(n)
        return columns, [cells for _, cells in numbered]

    @property
    def run_note(self) -> str:
        """How much of the org's daily allowance of API requests is spent."""
        usage = self.client.meter.latest
        return usage.words() if usage is not None else ""

    # -- writing (``writer.py``) -------------------------------------------------------------------

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        return self.writer.create(records)

    def update_records(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        self.writer.update(updates)

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        value = "true" if opted_out else "false"
        self.writer.update({k: {self.spec.opt_out: value} for k in dict.fromkeys(keys) if k})

    def get_records(self, keys: Sequence[str]) -> dict[str, dict[str, str]]:
        """The records' current values, by Id (those Salesforce still has)."""
        found: dict[str, dict[str, str]] = {}
        columns = self.schema.columns
        for part in chunks(list(dict.fromkeys(keys))):
            for values in self._read(f"Id IN {soql_ids(part)}"):
                self._with_codes(values)
                found[values["Id"]] = {c: values.get(c, "") for c in columns}
        return found

    def archive_records(self, keys: Sequence[str]) -> None:
        self.writer.delete(keys)

    # -- campaign activity (``CampaignActivitySink``) ----------------------------------------

    def activity_wanted(self) -> ActivityWanted:
        choices = self.choices
        return ActivityWanted(
            emails=choices.responses is not ResponseMode.OFF, events=choices.events
        )

    def write_email_responses(self, campaigns: Sequence[EmailResponses]) -> ActivityReport:
        if self.choices.responses is ResponseMode.TASKS:
            return responses.write_tasks(self.client, campaigns)
        return responses.write_members(self.client, campaigns)

    def write_events(self, events: Sequence[CcEvent]) -> ActivityReport:
        return EventWriter(self.client, self.choices).write(events)
