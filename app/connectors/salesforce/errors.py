"""Salesforce's errors in plain words, naming fields as the user sees them (their labels).

Salesforce names fields by their API names ("MailingStateCode", "Region__c"); a shop owner
knows them by their labels ("Mailing State/Province Code", "Region"). ``Labels`` turns one
into the other from the object's describe; every sentence keeps Salesforce's own message
too, quoted, and its error code in the details.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.connectors.salesforce.wire import SERVICE, faults
from app.core.errors import AppError, ConfigError, RemoteError, SourceError

Labels = Callable[[str], str]  # API name -> "Label" (the name itself when unknown)

_NO_COLUMN = re.compile(r"No such column '([^']+)'")
_BRACKETS = re.compile(r":\s*\[([^\]]*)\]\s*$")


def no_labels(name: str) -> str:
    return name


def field_words(names: Iterable[str], labels: Labels) -> str:
    """``“Mailing State/Province Code”`` (and ``, “Last Name”``) for API names."""
    shown = [f"“{labels(n)}”" for n in dict.fromkeys(n for n in names if n)]
    return ", ".join(shown)


def record_error(errors: Iterable[Mapping[str, Any]], labels: Labels = no_labels) -> str:
    """One sentence for a record Salesforce refused, from its ``errors`` list.

    Per-record errors carry ``statusCode`` (whole-request ones ``errorCode``).
    """
    sentences = []
    for error in errors:
        code = str(error.get("statusCode") or error.get("errorCode") or "")
        message = str(error.get("message") or "").strip()
        fields = [str(f) for f in error.get("fields") or ()]
        if not fields:
            found = _BRACKETS.search(message)
            if found:
                fields = [f.strip() for f in found.group(1).split(",") if f.strip()]
        sentences.append(_record_sentence(code, message, fields, labels))
    return " ".join(sentences) or f"{SERVICE} did not accept this record and gave no reason."


def _record_sentence(code: str, message: str, fields: list[str], labels: Labels) -> str:
    said = f' {SERVICE} said: "{message}"' if message else ""
    named = field_words(fields, labels)
    if code == "REQUIRED_FIELD_MISSING":
        return f"{SERVICE} needs {named or 'a required field'}, and it was blank.{said}"
    if code == "FIELD_INTEGRITY_EXCEPTION":
        what = f"the value of {named}" if named else "a value"
        return f"{SERVICE} did not accept {what}: it is not one of the org's choices.{said}"
    if code in ("INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE"):
        what = named or "a field"
        return f"{SERVICE} does not let ContactBridge write {what}.{said}"
    if code == "INVALID_EMAIL_ADDRESS":
        return f"{SERVICE} did not accept the email address.{said}"
    if code == "DUPLICATES_DETECTED":
        return f"{SERVICE}'s duplicate rules say this person is already there.{said}"
    if code == "ENTITY_IS_DELETED":
        return f"{SERVICE} no longer has this record (it was deleted).{said}"
    if code == "CANNOT_UPDATE_CONVERTED_LEAD":
        return f"This lead was converted, and {SERVICE} does not let it change.{said}"
    if code == "STRING_TOO_LONG":
        return f"A value is too long for {named or 'its field'}.{said}"
    if code == "UNABLE_TO_LOCK_ROW":
        return f"{SERVICE} was busy with this record; the next sync tries again.{said}"
    if named:
        return f"{SERVICE} did not accept {named}.{said}"
    return f"{SERVICE} did not accept this record.{said}"


def query_error(exc: RemoteError, what: str, labels: Labels = no_labels) -> AppError:
    """A refused query (reading ``what``, e.g. "Contacts") in plain words.

    ``INVALID_FIELD`` names the field by its label; ``MALFORMED_QUERY`` and the others
    keep Salesforce's words with the API names replaced by labels.
    """
    items = faults(exc.body)
    code = str(items[0].get("errorCode") or "") if items else ""
    message = str(items[0].get("message") or "") if items else ""
    details = f"{code}: {message}".strip(": ") or exc.details
    if code == "INVALID_FIELD":
        found = _NO_COLUMN.search(message)
        name = found.group(1) if found else ""
        field = f"“{labels(name)}”" if name else "a field"
        return ConfigError(
            f"{SERVICE} has no field {field} on {what} that this user can read: it may have "
            "been deleted or renamed, or hidden from this user. Open the profile and check "
            "its mapping and filters.",
            details=details,
        )
    if code == "INVALID_TYPE":
        return ConfigError(
            f"{SERVICE} does not let this user read {what}. Ask your Salesforce admin for "
            "access, or choose another object type in the profile.",
            details=details,
        )
    if code == "INVALID_QUERY_LOCATOR":
        return SourceError(
            f"{SERVICE} ended the read of {what} partway (it keeps a read open for 15 "
            "minutes). Sync again.",
            details=details,
        )
    said = _with_labels(message, labels)
    said = f' {SERVICE} said: "{said}".' if said else ""
    if code == "MALFORMED_QUERY":
        return SourceError(
            f"{SERVICE} could not run ContactBridge's query for {what}.{said}", details=details
        )
    return SourceError(f"{SERVICE} would not give {what}.{said}", details=details)


def _with_labels(message: str, labels: Labels) -> str:
    """Salesforce's message with API names it quotes replaced by their labels."""

    def swap(match: re.Match[str]) -> str:
        name = match.group(1)
        label = labels(name)
        return f"'{label}'" if label != name else match.group(0)

    return re.sub(r"'([A-Za-z0-9_.]+)'", swap, message)
