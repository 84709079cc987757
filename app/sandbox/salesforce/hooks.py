"""What particular objects add to a write: person accounts, campaign members and their
statuses, converted leads, the standard duplicate rules, and names Salesforce computes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.errors import RecordError, bad_field_names, required_missing
from app.sandbox.salesforce.fields import ObjectSpec
from app.sandbox.salesforce.schema import PERSON_CONTACT_FIELDS, person_field_for
from app.sandbox.salesforce.store import Stored
from app.sandbox.salesforce.times import from_ms

if TYPE_CHECKING:
    from app.sandbox.salesforce.rules import Write

DEFAULT_STATUSES = (("Sent", False, True), ("Responded", True, False))  # label, responded, default
DUPLICATE_MESSAGE = (
    "You're creating a duplicate record. We recommend you use an existing record instead."
)
_PERSON_ONLY = frozenset({"FirstName", "LastName", "Salutation"})


def _is_person_field(name: str) -> bool:
    return name.startswith("Person") or name.endswith("__pc") or name in _PERSON_ONLY


def full_name(data: dict[str, Any]) -> str:
    return " ".join(p for p in (data.get("FirstName"), data.get("LastName")) if p)


# -- create -------------------------------------------------------------------------------


def before_create(w: Write, sobject: ObjectSpec, data: dict[str, Any]) -> None:
    if sobject.name == "Account" and w.org.flag("person_accounts"):
        person = data.get("RecordTypeId") == w.org.setting("person_record_type")
        if person and "Name" in data:
            raise bad_field_names("Account", ["Name"])
        if not person:
            wrong = [n for n, v in data.items() if _is_person_field(n) and v not in (None, False)]
            if wrong:
                raise bad_field_names("Account", wrong)
        if person and not data.get("LastName"):
            raise required_missing(["LastName"])
        data["IsPersonAccount"] = person
    elif sobject.name == "Contact" and w.org.flag("person_accounts"):
        data["IsPersonAccount"] = False


def before_insert(w: Write, sobject: ObjectSpec, data: dict[str, Any]) -> None:
    derive(w, sobject, data)
    if sobject.name in ("Contact", "Lead") and w.org.flag("duplicate_rules"):
        _duplicates(w, sobject, data)
    elif sobject.name == "CampaignMember":
        _new_member(w, data)
    elif sobject.name == "CampaignMemberStatus":
        _new_status(w, data)


def after_insert(w: Write, sobject: ObjectSpec, stored: Stored) -> None:
    if sobject.name == "Campaign":
        for order, (label, responded, default) in enumerate(DEFAULT_STATUSES, start=1):
            status = {
                "CampaignId": stored.id,
                "Label": label,
                "SortOrder": order,
                "IsDefault": default,
                "HasResponded": responded,
            }
            record_id = records.new_ids(w.conn, "01Y")[0]
            records.stamp_new(status, record_id, w.now_ms, w.user_id)
            records.insert(w.conn, "CampaignMemberStatus", status, w.now_ms)
    elif sobject.name == "Account" and stored.data.get("IsPersonAccount"):
        contact = {
            c: stored.data.get(a) for a, c in PERSON_CONTACT_FIELDS.items() if a in stored.data
        }
        contact.update({k[:-4] + "__c": v for k, v in stored.data.items() if k.endswith("__pc")})
        contact.update(
            {
                "AccountId": stored.id,
                "IsPersonAccount": True,
                "OwnerId": stored.data.get("OwnerId"),
                "Name": full_name(stored.data),
            }
        )
        record_id = records.new_ids(w.conn, "003")[0]
        records.stamp_new(contact, record_id, w.now_ms, w.user_id)
        records.insert(w.conn, "Contact", contact, w.now_ms)
        stored.data["PersonContactId"] = record_id
        records.save(w.conn, stored, w.now_ms, w.user_id)
    elif sobject.name == "CampaignMemberStatus" and stored.data.get("IsDefault"):
        _only_default(w, stored)


def derive(w: Write, sobject: ObjectSpec, data: dict[str, Any]) -> None:
    """Fields Salesforce computes from others."""
    if sobject.name in ("Contact", "Lead") or (
        sobject.name == "Account" and data.get("IsPersonAccount")
    ):
        data["Name"] = full_name(data)
    if sobject.name == "Task":
        data["IsClosed"] = data.get("Status") == "Completed"
    if sobject.name == "CampaignMember":
        status = _status(w, data.get("CampaignId"), data.get("Status"))
        responded = bool(status and status.data.get("HasResponded"))
        data["HasResponded"] = responded
        if responded and not data.get("FirstRespondedDate"):
            data["FirstRespondedDate"] = from_ms(w.now_ms).date().isoformat()


# -- update -------------------------------------------------------------------------------


def redirect_update(
    w: Write, sobject: ObjectSpec, stored: Stored, values: dict[str, Any]
) -> Stored | None:
    """A person contact is changed through its account (its fields mirror the account's)."""
    if sobject.name != "Contact" or not stored.data.get("IsPersonAccount"):
        return None
    from app.sandbox.salesforce import rules  # a cycle: rules calls these hooks

    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name == "Id":
            continue
        target = person_field_for(name)
        if target is None:
            raise bad_field_names("Contact", [name])
        changes[target] = value
    account = w.org.sobject("Account")
    assert account is not None
    rules.update(w, account, stored.data["AccountId"], changes)
    refreshed = records.load(w.conn, stored.id)
    assert refreshed is not None
    return refreshed


def before_update(w: Write, sobject: ObjectSpec, stored: Stored, values: dict[str, Any]) -> None:
    converted = sobject.name == "Lead" and stored.data.get("IsConverted")
    if converted and not w.org.flag("edit_converted_leads"):
        raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
    if sobject.name == "Account" and w.org.flag("person_accounts"):
        person = bool(stored.data.get("IsPersonAccount"))
        wrong = (
            ["Name"]
            if person and "Name" in values
            else [n for n in values if not person and _is_person_field(n)]
        )
        if wrong:
            raise bad_field_names("Account", wrong)
        if "RecordTypeId" in values and len(values) > 1:
            raise RecordError(
                "INVALID_PERSON_ACCOUNT_OPERATION",
                "You can't change the record type and other fields at the same time.",
            )
    if sobject.name == "CampaignMemberStatus" and "Label" in values:
        _unique_label(w, stored.data["CampaignId"], values["Label"], stored.id)


def after_update(w: Write, sobject: ObjectSpec, stored: Stored, old: dict[str, Any]) -> None:
    if sobject.name == "Account" and stored.data.get("PersonContactId"):
        contact = records.load(w.conn, stored.data["PersonContactId"])
        if contact is not None:
            for account_field, contact_field in PERSON_CONTACT_FIELDS.items():
                if account_field in stored.data:
                    contact.data[contact_field] = stored.data[account_field]
            for name, value in stored.data.items():
                if name.endswith("__pc"):
                    contact.data[name[:-4] + "__c"] = value
            contact.data["Name"] = full_name(stored.data)
            records.save(w.conn, contact, w.now_ms, w.user_id)
    if sobject.name == "CampaignMemberStatus" and stored.data.get("IsDefault"):
        _only_default(w, stored)


# -- delete -------------------------------------------------------------------------------


def before_delete(w: Write, sobject: ObjectSpec, stored: Stored) -> None:
    """Deleting a campaign, a contact or a lead deletes its memberships; a person account
    and its person contact go together."""
    if sobject.name == "Campaign":
        field = "CampaignId"
    elif sobject.name in ("Contact", "Lead"):
        field = f"{sobject.name}Id"
    else:
        field = ""
    if field:
        for member in records.scan(w.conn, "CampaignMember"):
            if member.data.get(field) == stored.id:
                records.mark_deleted(w.conn, member, w.now_ms)
    if sobject.name == "Campaign":
        for status in records.scan(w.conn, "CampaignMemberStatus"):
            if status.data.get("CampaignId") == stored.id:
                records.mark_deleted(w.conn, status, w.now_ms)
    if sobject.name == "Account" and stored.data.get("PersonContactId"):
        contact = records.load(w.conn, stored.data["PersonContactId"])
        if contact is not None and not contact.deleted:
            records.mark_deleted(w.conn, contact, w.now_ms)
    if sobject.name == "Contact" and stored.data.get("IsPersonAccount"):
        account = records.load(w.conn, stored.data.get("AccountId") or "")
        if account is not None and not account.deleted:  # the two are one person
            records.mark_deleted(w.conn, account, w.now_ms)


# -- helpers ------------------------------------------------------------------------------


def _duplicates(w: Write, sobject: ObjectSpec, data: dict[str, Any]) -> None:
    """The standard matching rules, simplified: same email, first and last name."""
    if w.allow_duplicates or not data.get("Email"):
        return
    same = [
        r
        for r in records.by_lookup(w.conn, sobject.name, data["Email"].lower())
        if (r.data.get("LastName") or "").lower() == (data.get("LastName") or "").lower()
        and (r.data.get("FirstName") or "").lower() == (data.get("FirstName") or "").lower()
    ]
    if not same:
        return
    name = sobject.name
    matches = [
        {
            "additionalInformation": [],
            "fieldDiffs": [],
            "matchConfidence": 100.0,
            "record": {
                "attributes": {"type": name, "url": f"/services/data/v66.0/sobjects/{name}/{r.id}"},
                "Id": r.id,
            },
        }
        for r in same
    ]
    raise RecordError(
        "DUPLICATES_DETECTED",
        DUPLICATE_MESSAGE,
        [],
        {
            "duplicateResult": {
                "allowSave": False,
                "duplicateRule": f"Standard_{name}_Duplicate_Rule",
                "duplicateRuleEntityType": name,
                "errorMessage": DUPLICATE_MESSAGE,
                "matchResults": [
                    {
                        "entityType": name,
                        "errors": [],
                        "matchEngine": "FuzzyMatchEngine",
                        "matchRecords": matches,
                        "rule": f"Standard_{name}_Match_Rule_v1_1",
                        "size": len(matches),
                        "success": True,
                    }
                ],
            }
        },
    )


def _new_member(w: Write, data: dict[str, Any]) -> None:
    contact, lead = data.get("ContactId"), data.get("LeadId")
    if not contact and not lead:
        raise required_missing(["ContactId"])
    if contact and lead:
        data["LeadId"] = lead = None  # both sent: the insert keeps only the contact
    member = records.load(w.conn, str(contact or lead))
    if member is not None and member.data.get("IsConverted"):
        raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
    key = f"{data['CampaignId']}:{contact or lead}"
    if records.by_lookup(w.conn, "CampaignMember", key):
        raise RecordError("DUPLICATE_VALUE", "Already a campaign member.")
    data["Type"] = "Contact" if contact else "Lead"
    data["LeadOrContactId"] = contact or lead
    if not data.get("Status"):
        default = next(
            (s for s in _statuses(w, data["CampaignId"]) if s.data.get("IsDefault")), None
        )
        data["Status"] = default.data["Label"] if default else "Sent"
    derive(w, w.org.objects()["CampaignMember"], data)


def _statuses(w: Write, campaign_id: str | None) -> list[Stored]:
    return [
        s
        for s in records.scan(w.conn, "CampaignMemberStatus")
        if s.data.get("CampaignId") == campaign_id
    ]


def _status(w: Write, campaign_id: str | None, label: str | None) -> Stored | None:
    return next((s for s in _statuses(w, campaign_id) if s.data.get("Label") == label), None)


def _new_status(w: Write, data: dict[str, Any]) -> None:
    existing = _statuses(w, data["CampaignId"])
    _unique_label(w, data["CampaignId"], data.get("Label"), None)
    orders = [s.data.get("SortOrder") for s in existing]
    if data.get("SortOrder") is None:
        data["SortOrder"] = max([o for o in orders if o is not None] or [0]) + 1
    elif data["SortOrder"] in orders:
        raise RecordError(
            "DUPLICATE_VALUE",
            f"duplicate value found: SortOrder duplicates value on record"
            f" with id: {existing[orders.index(data['SortOrder'])].id}",
            ["SortOrder"],
        )


def _unique_label(w: Write, campaign_id: str, label: Any, own_id: str | None) -> None:
    for status in _statuses(w, campaign_id):
        if status.id != own_id and str(status.data.get("Label", "")).lower() == str(label).lower():
            raise RecordError(
                "DUPLICATE_VALUE",
                f"duplicate value found: Label duplicates value on record with id: {status.id}",
                ["Label"],
            )


def _only_default(w: Write, chosen: Stored) -> None:
    for status in _statuses(w, chosen.data["CampaignId"]):
        if status.id != chosen.id and status.data.get("IsDefault"):
            status.data["IsDefault"] = False
            records.save(w.conn, status, w.now_ms, w.user_id)
