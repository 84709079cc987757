"""Checks on contact values before they go to Constant Contact (pure: no I/O)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

# validate_email is kept here for its callers; app.core.email_address holds the rules.
from app.core.email_address import validate_email as validate_email
from app.core.fields import label, max_length
from app.core.text_cut import cut, head, preview

_OPT_OUT_WORDS = frozenset({"yes", "y", "true", "1", "x", "opted out", "unsubscribed"})
_CONSENT_WORDS = frozenset(
    {"yes", "y", "true", "1", "x", "on", "subscribed", "opted in", "opt in", "checked", "✓", "✔"}
)
_ANNIVERSARY = (
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"),
    re.compile(r"(?P<m>\d{1,2})[-/](?P<d>\d{1,2})[-/](?P<y>\d{4})"),
)
_TIME_AFTER = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def trim_to_limit(key: str, value: str) -> tuple[str, bool]:
    """Cut ``value`` to the longest a target field accepts; True when something was cut.

    The cut keeps every character whole: never half an emoji or an accent without its letter,
    so the value sent may be a little shorter than the limit.

    Raises:
        KeyError: ``key`` is neither a standard field nor a ``cf:`` custom field.
    """
    limit = max_length(key)
    if len(value) <= limit:
        return value, False
    return cut(value, limit)[0], True


def trim_with_note(key: str, value: str) -> tuple[str, str | None]:
    """``value`` cut to fit the field, and a sentence saying what was cut (None if nothing).

    Raises:
        KeyError: ``key`` is neither a standard field nor a ``cf:`` custom field.
    """
    limit = max_length(key)
    if len(value) <= limit:
        return value, None
    kept, left_out = cut(value, limit)
    return kept, cut_note(label(key), limit, kept, left_out, "Constant Contact")


def cut_note(field: str, limit: int, kept: str, left_out: str, service: str) -> str:
    """'Job title was longer than Constant Contact allows (50 characters): sent "…", left
    out "…"', with long parts shortened around "…"."""
    return (
        f"{field} was longer than {service} allows ({limit} characters): "
        f'sent "{preview(kept, 60)}", left out "{head(left_out, 40)}"'
    )


def cc_first_name(name: str) -> tuple[str, str | None]:
    """A first name Constant Contact accepts, and a warning when it had to change.

    Constant Contact refuses a first name with a full stop ("T.J."): the whole contact is
    refused, and a bulk import reports the row as an error. Sending the name without its
    full stops ("TJ") still puts the person on the list, which is what the sync is for; the
    warning tells the user what was sent instead. A name of nothing but full stops is left
    out ("").
    """
    if "." not in name:
        return name, None
    cleaned = " ".join(name.replace(".", "").split())
    sent = f'sent as "{cleaned}"' if cleaned else "left out"
    why = "Constant Contact refuses full stops in first names"
    return cleaned, f'First name "{name}" {sent}: {why}'


def is_opt_out_value(text: str) -> bool:
    """Whether an opt-out column's value means "do not email" (yes, true, 1, x, unsubscribed...)."""
    return " ".join(text.replace("-", " ").replace("_", " ").split()).lower() in _OPT_OUT_WORDS


def is_consent_value(text: str) -> bool:
    """Whether a consent column's value says the person agreed to be emailed (yes, true, 1,
    x, subscribed, opted in...). Anything else (no, a blank, a word ContactBridge does not
    know) is no consent."""
    return " ".join(text.replace("-", " ").replace("_", " ").split()).lower() in _CONSENT_WORDS


def check_record_values(mapped: Mapping[str, str]) -> list[str]:
    """Problems that would make Constant Contact refuse a contact, in plain words.

    Args:
        mapped: target field key → value, as ``FieldMapping.apply`` returns them.

    Returns:
        One sentence per problem; empty when the values are fine. Over-long values are not
        problems here: ``trim_to_limit`` cuts them.
    """
    problems: list[str] = []
    email = mapped.get("email", "")
    if not email.strip():
        problems.append("Email address is missing.")
    elif validate_email(email) is None:
        problems.append(f'Email address "{email}" is not a valid email address.')
    month = _whole(mapped.get("birthday_month", ""), 1, 12, problems, "birthday_month")
    day = _whole(mapped.get("birthday_day", ""), 1, 31, problems, "birthday_day")
    if month is not None and day is not None and not _is_day_of(day, month):
        problems.append(f"Birthday day {day} does not exist in month {month}.")
    has_month, has_day = bool(mapped.get("birthday_month")), bool(mapped.get("birthday_day"))
    if has_month != has_day:
        missing, given = ("day", "month") if has_month else ("month", "day")
        problems.append(f"Birthday {given} is set but birthday {missing} is not; give both.")
    anniversary = mapped.get("anniversary", "").strip()
    if anniversary and not _is_date(anniversary):
        problems.append(
            f'Anniversary "{anniversary}" is not a date Constant Contact understands; '
            "use a form such as 2024-03-05 or 03/05/2024."
        )
    return problems


def _whole(text: str, low: int, high: int, problems: list[str], key: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is None or not low <= number <= high:
        problems.append(f'{label(key)} must be a whole number from {low} to {high}, not "{text}".')
        return None
    return number


def _is_day_of(day: int, month: int) -> bool:
    try:
        date(2000, month, day)  # a leap year, so 29 February is allowed
    except ValueError:
        return False
    return True


def _is_date(text: str) -> bool:
    return parse_date(text) is not None


def is_plain_date(text: str) -> bool:
    """Whether the text is already a date in a form Constant Contact takes as it is
    ("2024-03-05", "03/05/2024"), with nothing after it."""
    return any(p.fullmatch(text.strip()) for p in _ANNIVERSARY) and parse_date(text) is not None


def parse_date(text: str) -> date | None:
    """The date in "2024-03-05", "2024/3/5" or "03/05/2024" (month first, as Constant Contact
    reads it), with any time after it ("1990-03-05 00:00:00", as spreadsheets give dates);
    None when the text is not one of these or not a real day."""
    text = text.strip()
    text = _TIME_AFTER.sub("", text)
    for pattern in _ANNIVERSARY:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None
