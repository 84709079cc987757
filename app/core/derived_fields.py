"""Fields worked out from another column: a full name split into first and last, a full date
of birth into Constant Contact's birthday month and day, an anniversary date into a form
Constant Contact accepts (pure: no I/O).

A mapping may target ``full_name`` or ``birthday`` (see ``core.fields.DERIVED_FIELDS``);
``expand`` turns them into the fields Constant Contact has, before anything else looks at the
values. A first or last name mapped from its own column wins over the split.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from functools import lru_cache

from nameparser import HumanName

from app.core.validation import is_plain_date, parse_date

FULL_NAME = "full_name"
BIRTHDAY = "birthday"

# Words that say a "name" is a business, not a person: it is left whole, not split.
_COMPANY_WORDS = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "llp",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "gmbh",
        "pty",
        "pvt",
        "group",
        "services",
        "trust",
        "foundation",
        "association",
        "club",
        "society",
        "church",
        "school",
        "holdings",
        "partners",
        "studio",
        "shop",
        "store",
        "bakery",
        "cafe",
        "restaurant",
        "salon",
        "clinic",
    ]
)


@lru_cache(maxsize=65536)
def split_full_name(text: str) -> tuple[str, str] | None:
    """(first name, last name) from one name as people write it; None for a business name.

    "Dr. Ada King-Lovelace" → ("Ada", "King-Lovelace"); "Lovelace, Ada" → ("Ada",
    "Lovelace"); "John Smith Jr." → ("John", "Smith"); "Mary Ann Smith" → ("Mary Ann",
    "Smith"); "Cher" → ("Cher", ""). Titles and suffixes are not sent (Constant Contact has
    no field for them); middle names stay with the first name, so nothing of the name is lost.
    """
    text = " ".join(text.split())
    if not text or looks_like_company(text):
        return None
    name = HumanName(text)
    first = " ".join(p for p in (name.first, name.middle) if p)
    last = name.last
    if not first and not last:
        return None
    return first, last


def looks_like_company(text: str) -> bool:
    """Whether a name reads as a business ("Acme Ltd", "Smith & Sons", "Bakery 42")."""
    if "&" in text or "@" in text or any(c.isdigit() for c in text):
        return True
    words = set(re.sub(r"[^\w\s]", " ", text.lower()).split())
    return bool(words & _COMPANY_WORDS)


def birthday_parts(text: str) -> tuple[str, str] | None:
    """("3", "5") for a birthday of 5 March in any year ("1990-03-05", "03/05/1990"); None
    when the text is not a date. The year is not sent: Constant Contact keeps month and day."""
    found = parse_date(text)
    return None if found is None else (str(found.month), str(found.day))


def anniversary_value(text: str) -> str | None:
    """An anniversary date as Constant Contact takes it (YYYY-MM-DD); None if not a date."""
    found = parse_date(text)
    return None if found is None else found.isoformat()


def expand(mapped: MutableMapping[str, str]) -> list[str]:
    """Replace ``full_name`` and ``birthday`` in ``mapped`` by Constant Contact's fields and
    put an anniversary date with a time after it ("2010-06-21 00:00:00", as spreadsheets give
    dates) in the form it takes (one already in that form is sent as it is, so profiles
    saved before send the same values); returns warnings, one per value not used."""
    warnings: list[str] = []
    full = mapped.pop(FULL_NAME, None)
    if full is not None:
        parts = split_full_name(full)
        if parts is None:
            warnings.append(f'Name "{full}" looks like a business: no first or last name sent')
        else:
            for key, value in zip(("first_name", "last_name"), parts, strict=True):
                if value and not mapped.get(key):
                    mapped[key] = value
    born = mapped.pop(BIRTHDAY, None)
    if born is not None:
        month_day = birthday_parts(born)
        if month_day is None:
            warnings.append(f'Birthday "{born}" is not a date ContactBridge can read; not sent')
        elif not mapped.get("birthday_month") and not mapped.get("birthday_day"):
            mapped["birthday_month"], mapped["birthday_day"] = month_day
    anniversary = mapped.get("anniversary")
    if anniversary and not is_plain_date(anniversary):  # as it is when CC takes it so
        sent = anniversary_value(anniversary)
        if sent is not None:
            mapped["anniversary"] = sent
    return warnings


def preview_split(text: str) -> str:
    """How a name will be sent, for the mapping page: "Dr. Ada King-Lovelace → Ada /
    King-Lovelace"."""
    parts = split_full_name(text)
    if parts is None:
        return f"{text} → (a business: left out)" if text.strip() else ""
    return f"{text} → {parts[0] or '—'} / {parts[1] or '—'}"
