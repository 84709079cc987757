"""NeonCRM accounts as the source's values, and the account bodies ContactBridge writes.

A search row (flat, keyed by output field names) or an account (``GET /accounts/{id}``)
becomes the source's values, keyed by the columns of ``columns``. An account imported from
Constant Contact is an individual account whose origin says so (Origin Category "API",
Origin Detail "Constant Contact"), with its address of type Home ("Personal").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.connectors.neoncrm import columns as c
from app.core.errors import ValidationError

ORIGIN = {"originCategory": "API", "originDetail": "Constant Contact"}
UNKNOWN_NAME = "Unknown"  # Neon requires both names; Constant Contact may have neither
YES = "Yes"


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class AccountState:
    """What decides whether an account is pushed: its type, consent and flags."""

    individual: bool
    opted_out: bool  # Email 1 opted out, or email consent declined
    deceased: bool = False
    do_not_contact: bool = False


def state_of_row(row: Mapping[str, Any]) -> AccountState:
    return AccountState(
        individual=text(row.get(c.ACCOUNT_TYPE_OUT)).lower() != "company",
        opted_out=text(row.get(c.OUTPUTS[c.EMAIL_OPT_OUT])) == YES
        or text(row.get(c.EMAIL_CONSENT_OUT)).lower() == "declined",
        deceased=text(row.get(c.DECEASED_OUT)) == YES,
        do_not_contact=text(row.get(c.DO_NOT_CONTACT_OUT)) == YES,
    )


def values_of_row(row: Mapping[str, Any], extras: Sequence[c.ExtraField]) -> dict[str, str]:
    """A search row's values by column (custom fields come back under their name)."""
    values = {column: text(row.get(output)) for column, output in c.OUTPUTS.items()}
    values[c.SOURCE] = c.SOURCE_VALUE
    for extra in extras:
        name = extra.output if isinstance(extra.output, str) else custom_output_name(extra)
        values[extra.column] = text(row.get(name))
    return values


def custom_output_name(extra: c.ExtraField) -> str:
    """The key a custom field's value comes back under: its display name (the column,
    unless the column had to name the id)."""
    column = extra.column
    suffix = f" (#{extra.output})"
    return column[: -len(suffix)] if column.endswith(suffix) else column


def outputs_for(extras: Sequence[c.ExtraField]) -> list[str | int]:
    """The search output fields a read asks for."""
    asked: list[str | int] = list(dict.fromkeys(c.OUTPUTS.values()))
    asked += list(c.STATUS_OUTPUTS)
    asked += [e.output for e in extras if e.output not in asked]
    return asked


# -- an account read with GET /accounts/{id} ---------------------------------------------------


def body_of(answer: Mapping[str, Any]) -> tuple[bool, Mapping[str, Any]]:
    """(individual?, the account object) of a ``GET /accounts/{id}`` answer."""
    if isinstance(answer.get("individualAccount"), Mapping):
        return True, answer["individualAccount"]
    found = answer.get("companyAccount")
    return False, found if isinstance(found, Mapping) else {}


def _primary_address(contact: Mapping[str, Any]) -> Mapping[str, Any]:
    addresses = [a for a in contact.get("addresses") or () if isinstance(a, Mapping)]
    return next(
        (a for a in addresses if a.get("isPrimaryAddress")), addresses[0] if addresses else {}
    )


def _name(value: Any, key: str = "name") -> str:
    return text(value.get(key)) if isinstance(value, Mapping) else ""


def values_of_account(answer: Mapping[str, Any], extras: Sequence[c.ExtraField]) -> dict[str, str]:
    """An account's values by column, as a search row would give them."""
    individual, account = body_of(answer)
    contact = account.get("primaryContact") or {}
    address = _primary_address(contact)
    state = address.get("stateProvince") or {}
    company = _name(account.get("company")) if individual else text(account.get("name"))
    values = {
        c.ACCOUNT_ID: text(account.get("accountId")),
        c.FIRST_NAME: text(contact.get("firstName")),
        c.LAST_NAME: text(contact.get("lastName")),
        c.COMPANY: company,
        c.EMAIL: text(contact.get("email1")),
        c.TITLE: text(contact.get("title")),
        c.PHONE_1: text(address.get("phone1")),
        c.PHONE_2: text(address.get("phone2")),
        c.PHONE_3: text(address.get("phone3")),
        c.FAX: text(address.get("fax")),
        c.ADDRESS_1: text(address.get("addressLine1")),
        c.CITY: text(address.get("city")),
        c.STATE: _name(state, "code") or _name(state),
        c.ZIP: text(address.get("zipCode")),
        c.COUNTRY: _name(address.get("country")),
        c.SOURCE: c.SOURCE_VALUE,
        c.EMAIL_OPT_OUT: YES if account.get("email1OptOut") else "No",
    }
    custom = {
        text(f.get("id")): f
        for f in account.get("accountCustomFields") or ()
        if isinstance(f, Mapping)
    }
    for extra in extras:
        if extra is c.MIDDLE or extra.key == c.MIDDLE.key:
            values[extra.column] = text(contact.get("middleName"))
        elif extra.key == c.TYPES.key:
            names = [_name(t) for t in account.get("individualTypes") or ()]
            values[extra.column] = "|".join(n for n in names if n)
        else:
            found = custom.get(str(extra.output)) or {}
            options = [_name(o) for o in found.get("optionValues") or ()]
            values[extra.column] = "|".join(o for o in options if o) or text(found.get("value"))
    return values


def state_of_account(answer: Mapping[str, Any]) -> AccountState:
    individual, account = body_of(answer)
    contact = account.get("primaryContact") or {}
    consent = account.get("consent") or {}
    return AccountState(
        individual=individual,
        opted_out=bool(account.get("email1OptOut")) or consent.get("email") == "DECLINED",
        deceased=bool(contact.get("deceased")),
        do_not_contact=bool(account.get("noSolicitation")),
    )


# -- writes ------------------------------------------------------------------------------------


def new_account(values: Mapping[str, str]) -> dict[str, Any]:
    """The body of ``POST /accounts`` for a contact imported from Constant Contact.

    Raises:
        ValidationError: the contact has no email address (nothing to link it by).
    """
    email = text(values.get(c.EMAIL))
    if not email:
        raise ValidationError("A contact imported into NeonCRM needs an email address.")
    address: dict[str, Any] = {
        "isPrimaryAddress": True,
        "type": {"name": "Home"},
        "addressLine1": text(values.get(c.ADDRESS_1)) or None,
        "city": text(values.get(c.CITY)) or None,
        "zipCode": text(values.get(c.ZIP)) or None,
    }
    state = text(values.get(c.STATE))
    if state:
        address["stateProvince"] = {"code": state} if len(state) <= 3 else {"name": state}
    country = text(values.get(c.COUNTRY))
    if country:
        address["country"] = {"name": country}
    for column, key, kind in (
        (c.PHONE_1, "phone1", "Home"),
        (c.PHONE_2, "phone2", "Work"),
        (c.PHONE_3, "phone3", "Mobile"),
    ):
        number = text(values.get(column))
        if number:
            address[key] = number
            address[key + "Type"] = kind
    if text(values.get(c.FAX)):
        address["fax"] = text(values.get(c.FAX))
    contact: dict[str, Any] = {
        "firstName": text(values.get(c.FIRST_NAME)) or UNKNOWN_NAME,
        "lastName": text(values.get(c.LAST_NAME)) or UNKNOWN_NAME,
        "email1": email,
    }
    if text(values.get(c.TITLE)):
        contact["title"] = text(values.get(c.TITLE))
    if any(v for k, v in address.items() if k not in ("isPrimaryAddress", "type")):
        contact["addresses"] = [address]
    account: dict[str, Any] = {"primaryContact": contact, "origin": dict(ORIGIN)}
    if text(values.get(c.COMPANY)):
        account["company"] = {"name": text(values.get(c.COMPANY))}
    return {"individualAccount": account}


def opt_out_patch(opted_out: bool) -> dict[str, Any]:
    """Email 1's opt-out with the email consent that goes with it."""
    return {
        "individualAccount": {
            "email1OptOut": opted_out,
            "consent": {"email": "DECLINED" if opted_out else "GIVEN"},
        }
    }
