"""Campaigns, their member statuses and their members, as campaign activity writes them.

- **A campaign** for each Constant Contact email or event: the one a run made before (by
  its Id, while Salesforce still has it), else one of the same name and type (made by hand
  or by another profile), else a new one.
- **Statuses**: a campaign starts with Salesforce's own ("Sent", "Responded"); the ones a
  write needs ("Opened", "Clicked"...) are added, each after the last (``SortOrder``),
  responded or not as it says.
- **People**: a person is a contact or a lead. The profile's linked record comes first (a
  person account's person contact, a converted lead's contact), else a contact with the
  email, else an unconverted lead with it.
- **Members**: one per person and campaign, never two. The members a write needs are read
  first; the new ones are created, and one Salesforce calls a duplicate ("Already a campaign
  member.", ``DUPLICATE_VALUE``: made meanwhile) is read again and updated instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.connectors.salesforce.campaigns import chunks
from app.connectors.salesforce.client import COLLECTION_MAX, soql_ids, soql_string
from app.connectors.salesforce.errors import record_error
from app.core.campaign_responses import ActivityReport
from app.core.errors import SourceError

if TYPE_CHECKING:
    from app.connectors.salesforce.client import SalesforceClient

MEMBER = "CampaignMember"
STATUS = "CampaignMemberStatus"
CONTACT_PREFIX, LEAD_PREFIX, ACCOUNT_PREFIX = "003", "00Q", "001"


@dataclass(frozen=True)
class Person:
    """A contact or a lead, by its Id."""

    record_id: str

    @property
    def field(self) -> str:
        """The CampaignMember field that names it."""
        return "LeadId" if self.record_id.startswith(LEAD_PREFIX) else "ContactId"


@dataclass
class MemberWrite:
    """What one member should hold: its status, and other fields (API name -> JSON value)."""

    person: Person
    status: str
    fields: dict[str, Any] = field(default_factory=dict)
    label: str = ""  # the person, in a refusal's words ("maya@example.com")


def _created_id(result: Mapping[str, Any]) -> str:
    return str(result.get("id") or "") if result.get("success") else ""


def _codes(result: Mapping[str, Any]) -> set[str]:
    return {str(e.get("statusCode") or "") for e in result.get("errors") or ()}


class Campaigns:
    """Campaign writes over one org's client (see the module's docstring)."""

    def __init__(self, client: SalesforceClient) -> None:
        self.client = client

    def _query(self, soql: str, what: str) -> list[dict[str, Any]]:
        return list(self.client.query(soql, what))

    # -- campaigns ------------------------------------------------------------------------

    def campaign(
        self,
        known_id: str,
        name: str,
        kind: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        description: str = "",
    ) -> str:
        """The campaign's Id: the known one while it exists, else by name and type, else new."""
        if known_id:
            soql = f"SELECT Id FROM Campaign WHERE Id = {soql_string(known_id)}"
            if self._query(soql, "campaigns"):
                return known_id
        soql = (
            f"SELECT Id FROM Campaign WHERE Name = {soql_string(name[:80])} AND "
            f"Type = {soql_string(kind)} ORDER BY CreatedDate LIMIT 1"
        )
        found = self._query(soql, "campaigns")
        if found:
            return str(found[0]["Id"])
        record: dict[str, Any] = {
            "attributes": {"type": "Campaign"},
            "Name": name[:80],
            "Type": kind,
            "IsActive": True,
            "Status": "Completed" if end is not None and end < datetime.now(UTC) else "In Progress",
        }
        if start is not None:
            record["StartDate"] = start.date().isoformat()
        if end is not None:
            record["EndDate"] = end.date().isoformat()
        if description:
            record["Description"] = description
        (result,) = self.client.create([record])
        made = _created_id(result)
        if not made:
            raise SourceError(
                f"Salesforce did not make the campaign “{name}”: "
                f"{record_error(result.get('errors') or ())}"
            )
        return made

    def statuses(self, campaign_id: str, wanted: Iterable[tuple[str, bool]]) -> list[str]:
        """Add the member statuses the campaign lacks (label, responded); returns any
        refusal in Salesforce's words."""
        soql = (
            f"SELECT Id, Label, SortOrder FROM {STATUS} WHERE CampaignId = "
            f"{soql_string(campaign_id)}"
        )
        rows = self._query(soql, "campaign member statuses")
        have = {str(r.get("Label") or "").lower() for r in rows}
        order = max([int(r.get("SortOrder") or 0) for r in rows] or [0])
        new = []
        for label, responded in wanted:
            if label.lower() in have:
                continue
            have.add(label.lower())
            order += 1
            new.append(
                {
                    "attributes": {"type": STATUS},
                    "CampaignId": campaign_id,
                    "Label": label,
                    "HasResponded": responded,
                    "IsDefault": False,
                    "SortOrder": order,
                }
            )
        if not new:
            return []
        return [
            f"the status “{row['Label']}”: {record_error(result.get('errors') or ())}"
            for row, result in zip(new, self.client.create(new), strict=True)
            if not result.get("success")
        ]

    # -- people ---------------------------------------------------------------------------

    def people(self, keys: Mapping[str, str | None]) -> dict[str, Person]:
        """Email -> the person: by the linked record's Id when given, else by email (a
        contact first, then an unconverted lead). Emails Salesforce has no one for are
        left out."""
        found: dict[str, Person] = {}
        by_key = {e: k for e, k in keys.items() if k}
        found.update(self._by_keys(by_key))
        rest = [e for e in keys if e and e not in found]
        for sobject, where in (("Contact", ""), ("Lead", "IsConverted = false AND ")):
            for part in chunks(sorted(e for e in rest if e not in found)):
                soql = (
                    f"SELECT Id, Email FROM {sobject} WHERE {where}Email IN {soql_ids(part)}"
                    " ORDER BY CreatedDate"
                )
                for row in self._query(soql, f"{sobject.lower()}s"):
                    email = str(row.get("Email") or "").lower()
                    if email in keys and email not in found:
                        found[email] = Person(str(row["Id"]))
        return found

    def _by_keys(self, by_key: Mapping[str, str]) -> dict[str, Person]:
        """The linked records, as the people campaigns name: a person account as its person
        contact, a converted lead as the contact it became."""
        out: dict[str, Person] = {}
        accounts = {e: k for e, k in by_key.items() if k.startswith(ACCOUNT_PREFIX)}
        leads = {e: k for e, k in by_key.items() if k.startswith(LEAD_PREFIX)}
        for email, key in by_key.items():
            if key.startswith(CONTACT_PREFIX):
                out[email] = Person(key)
        for ids, soql_of in (
            (accounts, "SELECT Id, PersonContactId FROM Account WHERE Id IN {}"),
            (leads, "SELECT Id, IsConverted, ConvertedContactId FROM Lead WHERE Id IN {}"),
        ):
            email_of = {k: e for e, k in ids.items()}
            for part in chunks(sorted(email_of)):
                for row in self._query(soql_of.format(soql_ids(part)), "linked records"):
                    key = str(row["Id"])
                    if "PersonContactId" in row:
                        target = str(row.get("PersonContactId") or "")
                    elif row.get("IsConverted"):
                        target = str(row.get("ConvertedContactId") or "")
                    else:
                        target = key
                    if target:
                        out[email_of[key]] = Person(target)
        return out

    # -- members --------------------------------------------------------------------------

    def existing(
        self, campaign_id: str, people: Iterable[Person], fields: Sequence[str] = ()
    ) -> dict[str, dict[str, Any]]:
        """Person Id -> its member row (``Id``, ``Status`` and ``fields``), for those who
        are members already."""
        out: dict[str, dict[str, Any]] = {}
        wanted = sorted({p.record_id for p in people})
        extra = "".join(f", {f}" for f in dict.fromkeys(fields) if f not in ("Id", "Status"))
        for name in ("ContactId", "LeadId"):
            ids = [i for i in wanted if (Person(i).field == name)]
            for part in chunks(ids):
                soql = (
                    f"SELECT Id, {name}, Status{extra} FROM {MEMBER} WHERE CampaignId = "
                    f"{soql_string(campaign_id)} AND {name} IN {soql_ids(part)}"
                )
                for row in self._query(soql, "campaign members"):
                    out[str(row.get(name) or "")] = row
        return out

    def write(
        self,
        campaign_id: str,
        writes: Sequence[MemberWrite],
        *,
        takes: Callable[[str, str], bool] = lambda current, wanted: current != wanted,
    ) -> ActivityReport:
        """Create or update each member; ``takes(current, wanted)`` says whether an existing
        member's status changes (its other fields are written when they differ)."""
        report = ActivityReport()
        names = sorted({f for w in writes for f in w.fields})
        current = self.existing(campaign_id, [w.person for w in writes], names)
        creates: list[MemberWrite] = []
        updates: list[tuple[str, MemberWrite, dict[str, Any]]] = []
        for w in writes:
            row = current.get(w.person.record_id)
            if row is None:
                creates.append(w)
                continue
            change = {k: v for k, v in w.fields.items() if row.get(k) != v}
            if takes(str(row.get("Status") or ""), w.status):
                change["Status"] = w.status
            if change:
                updates.append((str(row["Id"]), w, change))
        again: list[MemberWrite] = []
        for start in range(0, len(creates), COLLECTION_MAX):
            part = creates[start : start + COLLECTION_MAX]
            records = [
                {
                    "attributes": {"type": MEMBER},
                    "CampaignId": campaign_id,
                    w.person.field: w.person.record_id,
                    "Status": w.status,
                    **w.fields,
                }
                for w in part
            ]
            for w, result in zip(part, self.client.create(records), strict=True):
                if result.get("success"):
                    report.created += 1
                elif "DUPLICATE_VALUE" in _codes(result):
                    again.append(w)  # made meanwhile: read it again and update it
                else:
                    report.failed.append(f"{w.label}: {record_error(result.get('errors') or ())}")
        if again:
            found = self.existing(campaign_id, [w.person for w in again], names)
            for w in again:
                row = found.get(w.person.record_id)
                if row is None:
                    report.failed.append(f"{w.label}: Salesforce called it a duplicate member")
                    continue
                change = {k: v for k, v in w.fields.items() if row.get(k) != v}
                if takes(str(row.get("Status") or ""), w.status):
                    change["Status"] = w.status
                if change:
                    updates.append((str(row["Id"]), w, change))
        for start in range(0, len(updates), COLLECTION_MAX):
            changes = updates[start : start + COLLECTION_MAX]
            records = [
                {"attributes": {"type": MEMBER}, "Id": member_id, **change}
                for member_id, _w, change in changes
            ]
            for (_id, w, _c), result in zip(changes, self.client.update(records), strict=True):
                if result.get("success"):
                    report.updated += 1
                else:
                    report.failed.append(f"{w.label}: {record_error(result.get('errors') or ())}")
        return report
