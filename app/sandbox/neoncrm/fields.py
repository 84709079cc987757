"""The standard fields of account search: what each is called, holds and may be asked.

Search fields and output fields are two lists, and live they name the same data
differently (shared/notes/neoncrm-real-behaviour.md): a search on ``Account Created Date``
reads as ``Account Created Date/Time`` in the output; ``Account Source`` is ``Source``;
``Email`` (any of the three addresses) and ``Phone Number`` exist only as search fields,
``Email 2``/``Email 3`` and the phone numbers by slot only as output fields. Asking for a
name from the other list fails: code 23 for a search field, code 28 for an output field.

Operators are the ones a 2026 org's ``searchFields`` advertises for fields of each kind.
Values in output rows are strings or ``null``: ``Account ID`` a string, dates
``YYYY-MM-DD``, date-times ``YYYY-MM-DD HH:MM:SS`` (the emulator's reading; UTC),
yes/no fields ``Yes``/``No``, ``Individual Type`` joined with ``|``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.sandbox.neoncrm.account_store import AccountRow
from app.sandbox.neoncrm.records import INDIVIDUAL, primary_address

TEXT_OPS = (
    "BLANK",
    "NOT_BLANK",
    "EQUAL",
    "NOT_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
    "CONTAIN",
    "GREATER_THAN",
    "LESS_THAN",
    "GREATER_AND_EQUAL",
    "LESS_AND_EQUAL",
)
CHOICE_OPS = ("BLANK", "NOT_BLANK", "EQUAL", "NOT_EQUAL", "IN_RANGE", "NOT_IN_RANGE")
DATE_OPS = (
    "EQUAL",
    "NOT_EQUAL",
    "BLANK",
    "NOT_BLANK",
    "LESS_THAN",
    "GREATER_THAN",
    "LESS_AND_EQUAL",
    "GREATER_AND_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
)
TYPE_OPS = ("BLANK", "NOT_BLANK", "EQUAL", "NOT_EQUAL", "IN_RANGE")
EQUAL_OPS = ("EQUAL", "NOT_EQUAL")
OPT_OUT_OPS = ("EQUAL", "NOT_EQUAL", "IN_RANGE", "NOT_IN_RANGE")
# Every operator the spec's SearchCriteria names; a field may be asked with any of them
# (live accepted ``Account Type NOT_BLANK``, which that field does not advertise).
ALL_OPERATORS = (
    "EQUAL",
    "NOT_EQUAL",
    "BLANK",
    "NOT_BLANK",
    "LESS_THAN",
    "GREATER_THAN",
    "LESS_AND_EQUAL",
    "GREATER_AND_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
    "CONTAIN",
    "NOT_CONTAIN",
)

OPTED_IN = "At least one email opted in"
ALL_OPTED_OUT = "All emails opted out"
OPT_OUT_VALUES = (OPTED_IN, ALL_OPTED_OUT)
BLOCK_OPTED_OUT = "Opted Out"
CONSENT_LABELS = {"GIVEN": "Given", "DECLINED": "Declined", "NOT_ASKED": "Not Asked"}

Getter = Callable[[AccountRow], Any]


@dataclass(frozen=True)
class SearchField:
    """A search field: ``kind`` says how values compare (text, id, date, yesno, choice,
    multi, account_type, opt_out, consent)."""

    name: str
    kind: str
    get: Getter
    operators: tuple[str, ...]


def _contact(row: AccountRow) -> Mapping[str, Any]:
    return row.record.get("primaryContact") or {}


def _c(key: str) -> Getter:
    return lambda row: _contact(row).get(key)


def _a(key: str) -> Getter:
    return lambda row: primary_address(row.record).get(key)


def _name_of(value: Any, key: str = "name") -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _company_name(row: AccountRow) -> Any:
    if row.kind == INDIVIDUAL:
        return _name_of(row.record.get("company"))
    return row.record.get("name")


def _company_id(row: AccountRow) -> Any:
    if row.kind == INDIVIDUAL:
        return _name_of(row.record.get("company"), "id")
    return row.id


def _emails(row: AccountRow) -> list[str]:
    contact = _contact(row)
    return [e for e in (contact.get(f"email{n}") for n in (1, 2, 3)) if e]


def _phones(row: AccountRow) -> list[str]:
    address = primary_address(row.record)
    return [p for p in (address.get(k) for k in ("phone1", "phone2", "phone3", "fax")) if p]


def opted_in(row: AccountRow) -> bool:
    """Whether at least one of the account's addresses may be emailed (only Email 1 carries
    an opt-out flag in the API; Email 2 and 3 count as opted in when present)."""
    contact = _contact(row)
    if contact.get("email1") and not row.record.get("email1OptOut"):
        return True
    return bool(contact.get("email2") or contact.get("email3"))


def _state(row: AccountRow) -> Any:
    state = primary_address(row.record).get("stateProvince") or {}
    return state.get("code") or state.get("name")


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def _datetime(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _consent(key: str) -> Getter:
    return lambda row: (row.record.get("consent") or {}).get(key) or "NOT_ASKED"


def _block_type(row: AccountRow) -> Any:
    return BLOCK_OPTED_OUT if row.record.get("email1OptOut") else None


def _type_names(key: str) -> Getter:
    return lambda row: [t.get("name") for t in row.record.get(key) or [] if t.get("name")]


SEARCH_FIELDS: tuple[SearchField, ...] = (
    SearchField("Account Type", "account_type", lambda r: r.kind, EQUAL_OPS),
    SearchField(
        "Origin Category",
        "choice",
        lambda r: _name_of(r.record.get("origin"), "originCategory"),
        CHOICE_OPS,
    ),
    SearchField(
        "Origin Detail",
        "text",
        lambda r: _name_of(r.record.get("origin"), "originDetail"),
        TEXT_OPS,
    ),
    SearchField("Individual Type", "multi", _type_names("individualTypes"), TYPE_OPS),
    SearchField("Company Type", "multi", _type_names("companyTypes"), TYPE_OPS),
    SearchField("Gender", "choice", lambda r: _name_of(_contact(r).get("gender")), CHOICE_OPS),
    SearchField("Prefix", "choice", _c("prefix"), CHOICE_OPS),
    SearchField("Suffix", "text", _c("suffix"), TEXT_OPS),
    SearchField("Account ID", "id", lambda r: r.account_id, TEXT_OPS),
    SearchField("First Name", "text", _c("firstName"), TEXT_OPS),
    SearchField("Middle Name", "text", _c("middleName"), TEXT_OPS),
    SearchField("Last Name", "text", _c("lastName"), TEXT_OPS),
    SearchField("Salutation", "text", _c("salutation"), TEXT_OPS),
    SearchField("Preferred Name", "text", _c("preferredName"), TEXT_OPS),
    SearchField("Company Name", "text", _company_name, TEXT_OPS),
    SearchField("Company ID", "text", _company_id, TEXT_OPS),
    SearchField("Job Title", "text", _c("title"), TEXT_OPS),
    SearchField("Department", "text", _c("department"), TEXT_OPS),
    SearchField("Email", "multi", _emails, TEXT_OPS),
    SearchField("Email 1", "text", _c("email1"), TEXT_OPS),
    SearchField("Email 1 Block Type", "choice", _block_type, CHOICE_OPS),
    SearchField(
        "Email 1 Block Date", "date", lambda r: r.record.get("_email1OptOutDate"), DATE_OPS
    ),
    SearchField("Deceased", "yesno", lambda r: bool(_contact(r).get("deceased")), CHOICE_OPS),
    SearchField(
        "Do Not Contact", "yesno", lambda r: bool(r.record.get("noSolicitation")), CHOICE_OPS
    ),
    SearchField("Email Opt-Out", "opt_out", opted_in, OPT_OUT_OPS),
    SearchField(
        "Address Type",
        "choice",
        lambda r: _name_of(primary_address(r.record).get("type")),
        CHOICE_OPS,
    ),
    SearchField("Phone Number", "multi", _phones, TEXT_OPS),
    SearchField("Zip Code", "text", _a("zipCode"), TEXT_OPS),
    SearchField("City", "text", _a("city"), TEXT_OPS),
    SearchField("State/Province", "choice", _state, CHOICE_OPS),
    SearchField("County", "text", _a("county"), TEXT_OPS),
    SearchField(
        "Country",
        "choice",
        lambda r: _name_of(primary_address(r.record).get("country")),
        CHOICE_OPS,
    ),
    SearchField("Address Line 1", "text", _a("addressLine1"), TEXT_OPS),
    SearchField("Address Line 2", "text", _a("addressLine2"), TEXT_OPS),
    SearchField("Account Created Date", "date", lambda r: _date(r.created_ms), DATE_OPS),
    SearchField("Account Created By", "text", lambda r: r.created_by, TEXT_OPS),
    SearchField("Account Last Modified Date", "date", lambda r: _date(r.modified_ms), DATE_OPS),
    SearchField("Account Last Modified By", "text", lambda r: r.modified_by, TEXT_OPS),
    SearchField("Account Source", "choice", lambda r: _name_of(r.record.get("source")), CHOICE_OPS),
    SearchField("Email Consent", "consent", _consent("email"), CHOICE_OPS),
    SearchField("Phone Consent", "consent", _consent("phone"), CHOICE_OPS),
    SearchField("Mail Consent", "consent", _consent("mail"), CHOICE_OPS),
    SearchField("SMS/MMS Consent", "consent", _consent("sms"), CHOICE_OPS),
    SearchField("Data Sharing Consent", "consent", _consent("dataSharing"), CHOICE_OPS),
)
SEARCH_BY_NAME = {f.name: f for f in SEARCH_FIELDS}


def _yes_no(value: Any) -> str:
    return "Yes" if value else "No"


def _full_name(row: AccountRow) -> Any:
    if row.kind != INDIVIDUAL:
        return row.record.get("name")
    contact = _contact(row)
    parts = [contact.get("firstName"), contact.get("lastName")]
    return " ".join(p for p in parts if p) or None


def _street(row: AccountRow) -> Any:
    address = primary_address(row.record)
    parts = [address.get(f"addressLine{n}") for n in (1, 2, 3, 4)]
    return ", ".join(p for p in parts if p) or None


def _full_zip(row: AccountRow) -> Any:
    address = primary_address(row.record)
    if not address.get("zipCode"):
        return None
    suffix = address.get("zipCodeSuffix")
    return f"{address['zipCode']}-{suffix}" if suffix else address["zipCode"]


def _joined(getter: Getter) -> Getter:
    return lambda row: "|".join(getter(row)) or None


def _label(getter: Getter) -> Getter:
    return lambda row: CONSENT_LABELS.get(getter(row), getter(row))


def _output_fields() -> dict[str, Getter]:
    out: dict[str, Getter] = {
        "Account ID": lambda r: r.id,
        "Account Type": lambda r: "Individual" if r.kind == INDIVIDUAL else "Company",
        "First Name": _c("firstName"),
        "Middle Name": _c("middleName"),
        "Last Name": _c("lastName"),
        "Prefix": _c("prefix"),
        "Suffix": _c("suffix"),
        "Salutation": _c("salutation"),
        "Preferred Name": _c("preferredName"),
        "Full Name (F)": _full_name,
        "Company Name": _company_name,
        "Company ID": _company_id,
        "Job Title": _c("title"),
        "Department": _c("department"),
        "Gender": lambda r: _name_of(_contact(r).get("gender")),
        "Email 1": _c("email1"),
        "Email 2": _c("email2"),
        "Email 3": _c("email3"),
        "Email 1 Block Type": _block_type,
        "Email 1 Block Date": lambda r: r.record.get("_email1OptOutDate"),
        "Email Opt-Out": lambda r: _yes_no(r.record.get("email1OptOut")),
        "Email Consent": _label(_consent("email")),
        "Phone Consent": _label(_consent("phone")),
        "Mail Consent": _label(_consent("mail")),
        "SMS/MMS Consent": _label(_consent("sms")),
        "Data Sharing Consent": _label(_consent("dataSharing")),
        "Do Not Contact": lambda r: _yes_no(r.record.get("noSolicitation")),
        "Deceased": lambda r: _yes_no(_contact(r).get("deceased")),
        "Individual Type": _joined(_type_names("individualTypes")),
        "Company Type": _joined(_type_names("companyTypes")),
        "Origin Category": lambda r: _name_of(r.record.get("origin"), "originCategory"),
        "Origin Detail": lambda r: _name_of(r.record.get("origin"), "originDetail"),
        "Source": lambda r: _name_of(r.record.get("source")),
        "Address Type": lambda r: _name_of(primary_address(r.record).get("type")),
        "Address Line 1": _a("addressLine1"),
        "Address Line 2": _a("addressLine2"),
        "Address Line 3": _a("addressLine3"),
        "Address Line 4": _a("addressLine4"),
        "Full Street Address (F)": _street,
        "City": _a("city"),
        "State/Province": _state,
        "Zip Code": _a("zipCode"),
        "Zip Code Suffix": _a("zipCodeSuffix"),
        "Full Zip Code (F)": _full_zip,
        "County": _a("county"),
        "Country": lambda r: _name_of(primary_address(r.record).get("country")),
        "Fax Number": _a("fax"),
        "Fax Type": _a("faxType"),
        "Fax Full Number (F)": _a("fax"),
        "Account Created Date/Time": lambda r: _datetime(r.created_ms),
        "Account Created By": lambda r: r.created_by,
        "Account Last Modified Date/Time": lambda r: _datetime(r.modified_ms),
        "Account Last Modified By": lambda r: r.modified_by,
    }
    for n in (1, 2, 3):
        out[f"Phone {n} Number"] = _a(f"phone{n}")
        out[f"Phone {n} Type"] = _a(f"phone{n}Type")
        out[f"Phone {n} Full Number (F)"] = _a(f"phone{n}")
    return dict(sorted(out.items()))


OUTPUT_FIELDS: dict[str, Getter] = _output_fields()
