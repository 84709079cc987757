"""Account records: what a write may carry, how PATCH merges, and how an answer looks.

A record is the API's ``individualAccount`` or ``companyAccount`` object without
``accountId``, ``timestamps`` and ``accountCustomFields``, plus private keys (``_custom``,
the custom values by field id; ``_email1OptOutDate``) that answers never show. Answers carry
every key of the spec's object, ``null`` where nothing is set, as live answers do.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

import pycountry

from app.sandbox.neoncrm import errors
from app.sandbox.neoncrm.errors import bad_request

INDIVIDUAL = "INDIVIDUAL"
COMPANY = "COMPANY"
BODY_KEY = {INDIVIDUAL: "individualAccount", COMPANY: "companyAccount"}
CONSENT_VALUES = ("GIVEN", "DECLINED", "NOT_ASKED")
CONSENT_KEYS = ("email", "phone", "mail", "sms", "dataSharing")
PHONE_TYPES = ("Home", "Work", "Mobile", "Other")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

CONTACT_TEXT = (
    "firstName",
    "middleName",
    "lastName",
    "prefix",
    "suffix",
    "salutation",
    "preferredName",
    "email1",
    "email2",
    "email3",
    "department",
    "title",
    "startDate",
    "endDate",
)
CONTACT_KEYS = (
    "contactId",
    "firstName",
    "middleName",
    "lastName",
    "prefix",
    "suffix",
    "salutation",
    "preferredName",
    "dob",
    "gender",
    "email1",
    "email2",
    "email3",
    "deceased",
    "department",
    "title",
    "primaryContact",
    "currentEmployer",
    "startDate",
    "endDate",
    "addresses",
)
ADDRESS_TEXT = (
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "addressLine4",
    "city",
    "territory",
    "county",
    "zipCode",
    "zipCodeSuffix",
    "phone1",
    "phone2",
    "phone3",
    "fax",
    "startDate",
    "endDate",
)
ADDRESS_KEYS = (
    "addressId",
    "isPrimaryAddress",
    "type",
    "validAddress",
    "addressLine1",
    "startDate",
    "addressLine2",
    "endDate",
    "addressLine3",
    "addressLine4",
    "city",
    "stateProvince",
    "country",
    "territory",
    "county",
    "zipCode",
    "zipCodeSuffix",
    "phone1",
    "phone1Type",
    "phone2",
    "phone2Type",
    "phone3",
    "phone3Type",
    "fax",
    "faxType",
)
COMMON_KEYS = (
    "accountId",
    "noSolicitation",
    "login",
    "url",
    "timestamps",
    "consent",
    "accountCustomFields",
    "source",
    "primaryContact",
    "sendSystemEmail",
    "email1OptOut",
    "origin",
    "accountCurrentMembershipStatus",
    "generosityIndicator",
    "sendTextOptIn",
    "smsNumber",
)
INDIVIDUAL_KEYS = (
    *COMMON_KEYS,
    "company",
    "facebookPage",
    "twitterPage",
    "individualTypes",
    "roleVoList",
)
COMPANY_KEYS = (
    *COMMON_KEYS,
    "name",
    "primaryContactAccountId",
    "companyTypes",
    "shippingAddresses",
)
# Keys a write may not set: answers compute them.
READ_ONLY = frozenset(
    {"accountId", "timestamps", "accountCurrentMembershipStatus", "generosityIndicator"}
)
BOOLEAN_DEFAULTS = {
    "noSolicitation": False,
    "sendSystemEmail": True,
    "email1OptOut": False,
    "sendTextOptIn": False,
}
# Country ids as Neon numbers them in an org (``/properties/countries``); names win when only
# a name is sent.
COUNTRIES = {
    "1": "United States",
    "2": "Canada",
    "3": "Mexico",
    "4": "United Kingdom",
    "5": "Australia",
}

Problems = list[errors.Message]


# -- writes ------------------------------------------------------------------------------------


def body_kind(body: Any) -> tuple[str, dict[str, Any]]:
    """The account type a write body names, and its account object."""
    if isinstance(body, dict):
        for kind, key in BODY_KEY.items():
            if isinstance(body.get(key), dict):
                return kind, body[key]
    raise bad_request(errors.ACCOUNT_TYPE_REQUIRED)


def merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """PATCH: the keys sent replace or merge into the record; everything else stays.

    Nested objects merge key by key; ``addresses`` merge by ``addressId`` (an address
    without one is added); other lists are replaced.
    """
    out = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if key == "addresses" and isinstance(value, list):
            out[key] = _merge_addresses(out.get(key) or [], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_addresses(current: list[Any], sent: list[Any]) -> list[Any]:
    merged = [copy.deepcopy(a) for a in current]
    for address in sent:
        if not isinstance(address, dict):
            merged.append(address)
            continue
        target = next(
            (
                a
                for a in merged
                if address.get("addressId") not in (None, "")
                and str(a.get("addressId")) == str(address.get("addressId"))
            ),
            None,
        )
        if target is None:
            merged.append(copy.deepcopy(address))
        else:
            target.update(merge(target, address))
    return merged


def clean(
    kind: str,
    data: Mapping[str, Any],
    *,
    individual_types: Mapping[str, str],
    new_id: Callable[[str], str],
) -> dict[str, Any]:
    """A full record from a write's account object (after any merge), checked.

    ``individual_types`` maps type ids to names; ``new_id("contact"|"address")`` numbers
    contacts and addresses that have no id yet. Raises the 400 listing every problem.
    """
    problems: Problems = []
    record: dict[str, Any] = {}
    for key, default in BOOLEAN_DEFAULTS.items():
        record[key] = _boolean(data.get(key), default, key, problems)
    record["consent"] = _consent(data.get("consent"), problems)
    record["source"] = _pair(data.get("source"), "id")
    origin = _object(data.get("origin"))
    record["origin"] = {
        "originDetail": _text(origin.get("originDetail")),
        "originCategory": _text(origin.get("originCategory")),
    }
    record["url"] = _text(data.get("url"))
    record["smsNumber"] = _text(data.get("smsNumber"))
    login = _object(data.get("login"))
    record["login"] = {"username": login["username"]} if login.get("username") else None
    record["primaryContact"] = _contact(_object(data.get("primaryContact")), problems, new_id)
    if kind == INDIVIDUAL:
        record["company"] = _pair(data.get("company"), "id")
        record["facebookPage"] = _text(data.get("facebookPage"))
        record["twitterPage"] = _text(data.get("twitterPage"))
        record["individualTypes"] = _types(data.get("individualTypes"), individual_types, problems)
        if not record["primaryContact"]["firstName"]:
            problems.append(errors.FIRST_NAME_REQUIRED)
        if not record["primaryContact"]["lastName"]:
            problems.append(errors.LAST_NAME_REQUIRED)
    else:
        record["name"] = _text(data.get("name"))
        record["primaryContactAccountId"] = _text(data.get("primaryContactAccountId"))
        record["companyTypes"] = [
            p for p in (_pair(t, "id") for t in data.get("companyTypes") or []) if p
        ]
        if not record["name"]:
            problems.append(errors.COMPANY_NAME_REQUIRED)
    for key in ("_custom", "_email1OptOutDate"):
        if key in data:
            record[key] = copy.deepcopy(data[key])
    if problems:
        raise bad_request(*problems)
    return record


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text != "" else None


def _boolean(value: Any, default: bool, name: str, problems: Problems) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    problems.append(errors.value_invalid(name))
    return default


def _pair(value: Any, key: str) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not (value.get(key) or value.get("name")):
        return None
    return {key: _text(value.get(key)), "name": _text(value.get("name"))}


def _consent(value: Any, problems: Problems) -> dict[str, str]:
    sent = value if isinstance(value, dict) else {}
    consent = {}
    for key in CONSENT_KEYS:
        given = sent.get(key)
        if given in (None, ""):
            consent[key] = "NOT_ASKED"
        elif str(given).upper() in CONSENT_VALUES:
            consent[key] = str(given).upper()
        else:
            problems.append(errors.value_invalid(f"consent.{key}"))
            consent[key] = "NOT_ASKED"
    return consent


def _types(value: Any, known: Mapping[str, str], problems: Problems) -> list[dict[str, str]]:
    chosen: list[dict[str, str]] = []
    for item in value or []:
        if not isinstance(item, dict):
            problems.append(errors.INDIVIDUAL_TYPE_INVALID)
            continue
        type_id = _text(item.get("id"))
        if type_id is None and item.get("name"):
            wanted = str(item["name"]).lower()
            type_id = next((k for k, v in known.items() if v.lower() == wanted), None)
        if type_id is None or type_id not in known:
            problems.append(errors.INDIVIDUAL_TYPE_INVALID)
        elif all(t["id"] != type_id for t in chosen):
            chosen.append({"id": type_id, "name": known[type_id]})
    return chosen


def _contact(
    data: Mapping[str, Any], problems: Problems, new_id: Callable[[str], str]
) -> dict[str, Any]:
    contact: dict[str, Any] = {k: _text(data.get(k)) for k in CONTACT_TEXT}
    contact["contactId"] = _text(data.get("contactId")) or new_id("contact")
    for slot in (1, 2, 3):
        email = contact[f"email{slot}"]
        if email is not None:
            email = email.strip()
            contact[f"email{slot}"] = email or None
            if email and not EMAIL.match(email):
                problems.append(errors.email_invalid(slot))
    dob = data.get("dob") if isinstance(data.get("dob"), dict) else None
    contact["dob"] = {k: _text(dob.get(k)) for k in ("day", "month", "year")} if dob else None
    contact["gender"] = _pair(data.get("gender"), "code")
    contact["deceased"] = _boolean(data.get("deceased"), False, "deceased", problems)
    contact["primaryContact"] = True
    contact["currentEmployer"] = _boolean(
        data.get("currentEmployer"), False, "currentEmployer", problems
    )
    addresses = [
        _address(a, problems, new_id) for a in data.get("addresses") or [] if isinstance(a, dict)
    ]
    if addresses and not any(a["isPrimaryAddress"] for a in addresses):
        addresses[0]["isPrimaryAddress"] = True
    contact["addresses"] = addresses
    return contact


def _address(
    data: Mapping[str, Any], problems: Problems, new_id: Callable[[str], str]
) -> dict[str, Any]:
    address: dict[str, Any] = {k: _text(data.get(k)) for k in ADDRESS_TEXT}
    address["addressId"] = _text(data.get("addressId")) or new_id("address")
    address["isPrimaryAddress"] = bool(data.get("isPrimaryAddress"))
    address["validAddress"] = (
        data.get("validAddress") if data.get("validAddress") is not None else True
    )
    address["type"] = _pair(data.get("type"), "id")
    address["country"] = _country(data.get("country"))
    address["stateProvince"] = _state(data.get("stateProvince"), address["country"])
    for key in ("phone1Type", "phone2Type", "phone3Type", "faxType"):
        kind = data.get(key)
        if kind in (None, ""):
            address[key] = None
        elif kind in PHONE_TYPES:
            address[key] = kind
        else:
            problems.append(errors.value_invalid(key))
            address[key] = None
    return address


def _state(value: Any, country: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A state or province; its name filled in from its code in the US and Canada."""
    pair = _pair(value, "code")
    if pair is None or pair["name"] or not pair["code"]:
        return pair
    alpha = {"1": "US", "2": "CA"}.get((country or {}).get("id") or "1")
    found = pycountry.subdivisions.get(code=f"{alpha}-{pair['code'].upper()}") if alpha else None
    if found is not None:
        pair["name"] = found.name
    return pair


def _country(value: Any) -> dict[str, Any] | None:
    pair = _pair(value, "id")
    if pair is None:
        return None
    if pair["id"] in COUNTRIES and not pair["name"]:
        pair["name"] = COUNTRIES[pair["id"]]
    if pair["id"] is None and pair["name"]:
        wanted = pair["name"].lower()
        pair["id"] = next((k for k, v in COUNTRIES.items() if v.lower() == wanted), None)
    return pair


# -- answers -----------------------------------------------------------------------------------


def render(
    kind: str,
    account_id: str,
    record: Mapping[str, Any],
    timestamps: Mapping[str, Any],
    custom: list[Any],
) -> dict[str, Any]:
    """``{"individualAccount": {...}}`` or ``{"companyAccount": {...}}``, every key present."""
    keys = INDIVIDUAL_KEYS if kind == INDIVIDUAL else COMPANY_KEYS
    body: dict[str, Any] = {}
    for key in keys:
        if key == "accountId":
            body[key] = account_id
        elif key == "timestamps":
            body[key] = dict(timestamps)
        elif key == "accountCustomFields":
            body[key] = custom
        elif key == "primaryContact":
            body[key] = render_contact(record.get("primaryContact") or {}, account_id)
        elif key in ("individualTypes", "companyTypes", "roleVoList", "shippingAddresses"):
            body[key] = copy.deepcopy(record.get(key)) or []
        else:
            body[key] = copy.deepcopy(record.get(key))
    return {BODY_KEY[kind]: body}


def render_contact(contact: Mapping[str, Any], account_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"accountId": account_id}
    for key in CONTACT_KEYS:
        if key == "addresses":
            body[key] = [
                {k: copy.deepcopy(a.get(k)) for k in ADDRESS_KEYS}
                for a in contact.get("addresses") or []
            ]
        else:
            body[key] = copy.deepcopy(contact.get(key))
    return body


def primary_address(record: Mapping[str, Any]) -> Mapping[str, Any]:
    addresses = (record.get("primaryContact") or {}).get("addresses") or []
    return next(
        (a for a in addresses if a.get("isPrimaryAddress")), addresses[0] if addresses else {}
    )
