"""Guessing which source column feeds which Constant Contact field, from the headers alone.

Pure: no I/O. Headers are normalised (camelCase split, case, punctuation, underscores and
spaces folded) and matched against the spellings of the usual exports: Mailchimp, Constant
Contact, Xero, Salesforce, HubSpot, and hand-made sheets. An exact spelling beats a looser
match (extra words such as "Contact" or "Customer"); ties go to the leftmost column. Each
target gets at most one column and each column at most one target. Address fields come from a
single address set (home, mailing, PO...), never street from one and city from another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.mapping import FieldMap, FieldMapping

# Exact spellings, normalised, for the fields that are not addresses or phones.
_PATTERNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "email address", "mail", "email id", "emailaddress"),
    "first_name": ("first name", "first", "given name", "forename", "fname", "firstname"),
    "last_name": ("last name", "last", "surname", "family name", "lname", "lastname"),
    "company_name": (
        "company",
        "company name",
        "organisation",
        "organization",
        "organisation name",
        "organization name",
        "org",
        "business",
        "business name",
        "account name",
        "employer",
    ),
    "job_title": ("job title", "title", "position", "job", "role", "job role", "occupation"),
    "full_name": ("name", "full name", "contact name", "customer name", "client name", "contact"),
    "birthday": ("birthday", "date of birth", "dob", "birth date", "birthdate"),
    "birthday_month": ("birthday month", "birth month", "dob month"),
    "birthday_day": ("birthday day", "birth day of month", "dob day"),
    "anniversary": ("anniversary", "anniversary date", "wedding anniversary"),
}
# Words that may surround an exact spelling and still mean the same field ("Client Email").
_FILLER = frozenset(
    [
        "contact",
        "customer",
        "client",
        "member",
        "patient",
        "donor",
        "person",
        "primary",
        "main",
        "your",
        "1",
        "of",
        "the",
    ]
)
_EMAIL_FILLER = _FILLER | {"address", "personal", "work", "business", "home", "id"}

_ADDRESS: dict[str, tuple[str, ...]] = {
    "street": (
        "street",
        "street address",
        "address",
        "address 1",
        "address line 1",
        "street 1",
        "street line 1",
        "street address 1",
        "street address line 1",
        "addr 1",
        "addr",
    ),
    "street2": (
        "address 2",
        "address line 2",
        "street 2",
        "street line 2",
        "street address 2",
        "street address line 2",
        "addr 2",
    ),
    "city": ("city", "town", "town city", "city town", "suburb", "locality", "city or town"),
    "state": (
        "state",
        "province",
        "region",
        "county",
        "state province",
        "province state",
        "state region",
        "state county",
        "state or province",
    ),
    "zip": (
        "zip",
        "zip code",
        "zipcode",
        "postal code",
        "postcode",
        "post code",
        "zip postal code",
        "postal zip code",
        "zip postal",
        "zip postcode",
    ),
    "country": ("country", "country region", "country name", "country code"),
}
_ADDRESS_BY_SPELLING = {s: key for key, spellings in _ADDRESS.items() for s in spellings}
# Address sets, most preferred first (a lower number wins); "" is an unqualified set.
_SET_RANK = {
    "": 0,
    "home": 1,
    "residential": 1,
    "primary": 1,
    "mailing": 2,
    "postal": 3,
    "po": 3,
    "billing": 4,
    "work": 5,
    "business": 5,
    "office": 5,
    "company": 5,
    "physical": 6,
    "sa": 6,
    "shipping": 7,
    "delivery": 7,
    "other": 8,
    "alternate": 8,
}

_PHONE_WORDS = frozenset({"phone", "telephone", "tel", "mobile", "cell", "cellphone"})
_PHONE_NOISE = frozenset({"number", "no", "num"}) | _FILLER
_PHONE_STOP = frozenset(
    ["fax", "area", "code", "country", "extension", "ext", "type", "assistant", "pager"]
)
_PHONE_QUALIFIERS = (
    ({"mobile", "cell", "cellphone"}, "mobile_phone"),
    ({"home", "personal", "private", "residence"}, "home_phone"),
    ({"work", "business", "office", "company", "direct"}, "work_phone"),
    ({"other", "alternate", "alt", "secondary", "2"}, "other_phone"),
)

# Mailchimp adds REGION (a guess from the subscriber's IP address), not a postal address.
_MAILCHIMP_MARKERS = frozenset({"member rating", "optin time", "leid", "euid", "confirm time"})
_MAILCHIMP_SYSTEM = frozenset({"region", "cc", "timezone", "gmtoff", "dstoff"})
# Xero's "ContactName" is the customer or supplier, usually a business.
_EXACT_RAW = {"ContactName": "company_name"}

_OPT_OUT = (
    "email opt out",
    "opt out",
    "opted out",
    "email opted out",
    "unsubscribed",
    "unsubscribe",
    "email unsubscribed",
    "has opted out of email",
    "unsubscribed from all email",
    "do not email",
    "donotemail",
    "do not mail",
    "email status",
    "email permission status",
    "no email",
)
_OPT_OUT_STOP = frozenset(["date", "time", "reason", "campaign", "title", "ip", "by", "source"])
_KEY = (
    "contact id",
    "contactid",
    "record id",
    "id",
    "customer id",
    "client id",
    "member id",
    "constituent id",
    "donor id",
    "patient id",
    "lead id",
    "external id",
    "unique id",
    "account id",
)

_EXACT, _LOOSE, _NONE = 3, 2, 0


def normalize_header(header: str) -> str:
    """``"Zip/Postal Code - Home"`` → ``"zip postal code home"``; ``"POAddressLine1"`` →
    ``"po address line 1"``; ``"E-mail"`` → ``"email"``."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"([^\W\d_])(\d)|(\d)([^\W\d_])", r"\1\3 \2\4", text)
    words = re.sub(r"[\W_]+", " ", text.lower()).split()
    joined = " ".join(words)
    return re.sub(r"\be mail\b", "email", joined)


def suggest_mapping(headers: Sequence[str]) -> FieldMapping:
    """The likely ``column → field`` pairs for these headers, in column order."""
    norms = [normalize_header(h) for h in headers]
    mailchimp = bool(_MAILCHIMP_MARKERS.intersection(norms))
    candidates: list[tuple[int, int, str]] = []  # (score, column index, target)
    address: list[tuple[int, str, str]] = []  # (column index, address set, target)
    for index, (raw, norm) in enumerate(zip(headers, norms, strict=True)):
        if mailchimp and norm in _MAILCHIMP_SYSTEM:
            continue
        if raw.strip() in _EXACT_RAW:
            candidates.append((_EXACT, index, _EXACT_RAW[raw.strip()]))
            continue
        found = _address_field(norm)
        if found is not None:
            address.append((index, *found))
            continue
        score, target = _field(norm)
        if score:
            candidates.append((score, index, target))
    candidates += [(_EXACT, i, target) for i, target in _one_address_set(address)]
    chosen: dict[int, str] = {}
    for _, index, target in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if target not in chosen.values() and index not in chosen:
            chosen[index] = target
    if "full_name" in chosen.values() and {"first_name", "last_name"} & set(chosen.values()):
        chosen = {i: t for i, t in chosen.items() if t != "full_name"}  # its own columns win
    return FieldMapping(tuple(FieldMap(headers[i], chosen[i]) for i in sorted(chosen)))


def suggest_opt_out_column(headers: Sequence[str]) -> str | None:
    """The column that says a person must not be emailed, if one looks like it."""
    norms = [normalize_header(h) for h in headers]
    for spelling in _OPT_OUT:
        if spelling in norms:
            return headers[norms.index(spelling)]
    for header, norm in zip(headers, norms, strict=True):
        words = set(norm.split())
        if words & _OPT_OUT_STOP:
            continue
        if {"opt", "out"} <= words or words & {"optout", "optedout", "unsubscribed"}:
            return header
    return None


_CONSENT_WORDS = frozenset(
    {"consent", "consented", "subscribed", "subscription", "subscribe", "optin", "optedin"}
)
_CONSENT_STOP = frozenset(
    {"sms", "text", "phone", "date", "time", "reason", "source", "by", "ip", "unsubscribed"}
)


def suggest_consent_column(headers: Sequence[str]) -> str | None:
    """The column that says a person agreed to be emailed, if one looks like it ("Email
    Consent", "Accepts Email Marketing", "Subscribed", "Opted In", "News and updates").

    Its meaning is the opposite of an opt-out column's: a "Yes" there means "may be emailed".
    """
    for header, norm in zip(headers, (normalize_header(h) for h in headers), strict=True):
        words = set(norm.split())
        if words & _CONSENT_STOP or words & {"optout", "optedout"} or {"opt", "out"} <= words:
            continue
        if (
            words & _CONSENT_WORDS
            or {"opt", "in"} <= words
            or ({"accepts", "marketing"} <= words)
            or ("news" in words and words & {"update", "updates"})
        ):
            return header
    return None


def suggest_key_column(headers: Sequence[str]) -> str | None:
    """The column holding a record id (never the email), if one looks like it."""
    norms = [normalize_header(h) for h in headers]
    for spelling in _KEY:
        if spelling in norms:
            return headers[norms.index(spelling)]
    return None


def _field(norm: str) -> tuple[int, str]:
    """The best non-address target for a normalised header, with its score."""
    phone = _phone_field(norm)
    if phone is not None:
        return _EXACT, phone
    words = norm.split()
    squashed = "".join(words)
    loose = ""
    for target, spellings in _PATTERNS.items():
        for spelling in spellings:
            if norm == spelling or squashed == spelling.replace(" ", ""):
                return _EXACT, target
            if not loose and _loosely(words, spelling.split(), target):
                loose = target
    return (_LOOSE, loose) if loose else (_NONE, "")


def _loosely(words: list[str], spelling: list[str], target: str) -> bool:
    filler = _EMAIL_FILLER if target == "email" else _FILLER
    rest = set(words) - set(spelling)
    return set(spelling) <= set(words) and bool(rest) and rest <= filler


def _phone_field(norm: str) -> str | None:
    words = set(norm.split())
    if not words & _PHONE_WORDS or words & _PHONE_STOP:
        return None
    for qualifiers, target in _PHONE_QUALIFIERS:
        if words & qualifiers:
            return target
    return "phone" if words <= _PHONE_WORDS | _PHONE_NOISE else None


def _address_field(norm: str) -> tuple[str, str] | None:
    """``(address set, target)`` for an address header: ``"po city"`` → ``("po", "city")``."""
    if norm in _ADDRESS_BY_SPELLING:
        return "", _ADDRESS_BY_SPELLING[norm]
    first, _, rest = norm.partition(" ")
    if first in _SET_RANK and rest in _ADDRESS_BY_SPELLING:
        return first, _ADDRESS_BY_SPELLING[rest]
    rest, _, last = norm.rpartition(" ")
    if last in _SET_RANK and rest in _ADDRESS_BY_SPELLING:
        return last, _ADDRESS_BY_SPELLING[rest]
    return None


def _one_address_set(found: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    """Keep the columns of one address set: the most preferred set with two fields or more
    (else the most preferred set), and in it the first column for each field."""
    sets: dict[str, dict[str, int]] = {}
    for index, name, target in found:
        sets.setdefault(name, {}).setdefault(target, index)
    if not sets:
        return []
    ranked = sorted(sets, key=lambda name: (len(sets[name]) < 2, _SET_RANK[name]))
    return [(index, target) for target, index in sets[ranked[0]].items()]
