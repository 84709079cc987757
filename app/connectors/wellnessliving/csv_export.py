"""The "All Clients" CSV export, for businesses without API access: its columns and consent.

WellnessLiving staff can export the All Clients report as a CSV file. No public copy of that
export's headers was found (connector-facts §4), so :data:`EXPORT_COLUMNS` lists the report's
columns as the sandbox's sample export writes them, and :func:`suggested_mapping` goes by the
words of a header, not its exact spelling: "E-mail", "Email Address" and "Client Email" map
alike. The user confirms the mapping in the wizard, as for any file.

Consent: the export's subscription column says whether the client subscribed to the
business's news and updates by email: it is *consent*, the opposite of an opt-out column.
:func:`consent_of` reads its value; :func:`is_opted_out` turns that into the source's
``opted_out``. A client never asked (a blank) has not consented: by default they count as
opted out, so they are never added to Constant Contact; a file source that mirrors the API
source's default ("subscribed" clients) should rather leave them out (``Consent.NOT_ASKED``).
A value ContactBridge cannot read counts as opted out and deserves a row problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.core.mapping import FieldMapping
from app.core.mapping_suggest import normalize_header, suggest_mapping


@dataclass(frozen=True)
class ExportColumn:
    """One column of the export.

    Attributes:
        header: the heading as the sample export writes it.
        field: the Constant Contact field it feeds ("" for none).
        role: ``record_id`` (the client's stable ID), ``consent``, ``filter`` (useful for
            the profile's filters), or "".
    """

    header: str
    field: str = ""
    role: str = ""


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("Member ID", role="record_id"),
    ExportColumn("First Name", "first_name"),
    ExportColumn("Last Name", "last_name"),
    ExportColumn("Email", "email"),
    ExportColumn("City", "city"),
    ExportColumn("Client Type", role="filter"),
    ExportColumn("Client Groups", role="filter"),
    ExportColumn("Client Since"),
    ExportColumn("Email: News and Updates", role="consent"),
)

_RECORD_ID = ("member id", "client id", "member number", "client number", "user id", "uid")
_FILTERS = ("client type", "member type", "client groups", "client group", "groups", "group")


class Consent(StrEnum):
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    NOT_ASKED = "not asked"
    UNKNOWN = "unknown"


_SUBSCRIBED_WORDS = frozenset(
    {"yes", "y", "true", "1", "x", "on", "subscribed", "opted in", "opt in", "checked", "✓"}
)
_UNSUBSCRIBED_WORDS = frozenset(
    {"no", "n", "false", "0", "off", "unsubscribed", "opted out", "opt out", "unchecked"}
)
_NOT_ASKED_WORDS = frozenset({"", "not asked", "not set", "never asked", "n/a", "-"})


@dataclass(frozen=True)
class ExportMapping:
    """What :func:`suggested_mapping` proposes for an export's headers.

    Attributes:
        mapping: header → Constant Contact field, for the wizard's mapping step.
        record_id_column: the header holding the client's stable ID, if any.
        consent_column: the header holding the news-and-updates subscription, if any.
        filter_columns: headers worth filtering on (client type, groups).
    """

    mapping: FieldMapping
    record_id_column: str | None
    consent_column: str | None
    filter_columns: tuple[str, ...]


def _is_consent(norm: str) -> bool:
    words = set(norm.split())
    if "sms" in words or "text" in words:
        return False
    if "news" in words and words & {"update", "updates"}:
        return True
    if words & {"subscribed", "subscription", "subscribe", "consent", "marketing"}:
        return True
    return "email" in words and bool(words & {"notification", "notifications"})


def suggested_mapping(headers: Sequence[str]) -> ExportMapping:
    """The likely meaning of each header of an All Clients export."""
    norms = [normalize_header(h) for h in headers]
    consent = next((h for h, n in zip(headers, norms, strict=True) if _is_consent(n)), None)
    record_id = next(
        (headers[norms.index(s)] for s in _RECORD_ID if s in norms and headers[norms.index(s)]),
        None,
    )
    filters = tuple(h for h, n in zip(headers, norms, strict=True) if n in _FILTERS)
    taken = {consent, record_id, *filters}
    rest = [h for h in headers if h not in taken]
    return ExportMapping(suggest_mapping(rest), record_id, consent, filters)


def consent_of(value: str) -> Consent:
    """What a value of the consent column says ("Yes", "No", blank...)."""
    text = " ".join(value.replace("-", " ").replace("_", " ").split()).lower()
    if value.strip() in ("-", "n/a"):
        return Consent.NOT_ASKED
    if text in _SUBSCRIBED_WORDS:
        return Consent.SUBSCRIBED
    if text in _UNSUBSCRIBED_WORDS:
        return Consent.UNSUBSCRIBED
    if text in _NOT_ASKED_WORDS:
        return Consent.NOT_ASKED
    return Consent.UNKNOWN


def is_opted_out(value: str, *, not_asked_opted_out: bool = True) -> bool:
    """Whether the client must not be emailed: only a clear "subscribed" says they may be
    (or a blank, when ``not_asked_opted_out`` is False because the user says they consented
    some other way)."""
    consent = consent_of(value)
    if consent is Consent.SUBSCRIBED:
        return False
    if consent is Consent.NOT_ASKED:
        return not_asked_opted_out
    return True
