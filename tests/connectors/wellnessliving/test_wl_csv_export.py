"""The All Clients CSV export: suggested mapping from its headers, and its consent column."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.connectors.wellnessliving.csv_export import (
    EXPORT_COLUMNS,
    Consent,
    consent_of,
    is_opted_out,
    suggested_mapping,
)
from app.sandbox.wellnessliving.samples import EXPORT_HEADERS, SAMPLE_CLIENTS

SAMPLE_EXPORT = (
    Path(__file__).resolve().parents[3] / "app/sandbox/wellnessliving/all-clients-export.csv"
)


def test_the_sample_exports_headers_get_their_meaning() -> None:
    assert tuple(c.header for c in EXPORT_COLUMNS) == EXPORT_HEADERS
    found = suggested_mapping(list(EXPORT_HEADERS))
    assert found.mapping.as_dict() == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "City": "city",
    }
    assert found.record_id_column == "Member ID"
    assert found.consent_column == "Email: News and Updates"
    assert found.filter_columns == ("Client Type", "Client Groups")
    assert {c.header: c.field for c in EXPORT_COLUMNS if c.field} == found.mapping.as_dict()


@pytest.mark.parametrize(
    ("headers", "consent"),
    [
        (
            ["E-mail Address", "Client First Name", "Surname", "Town", "Subscribed to News"],
            "Subscribed to News",
        ),
        (["Email", "SMS News and Updates", "News & Updates (Email)"], "News & Updates (Email)"),
        (["Email", "Email Notifications"], "Email Notifications"),
        (["Email", "Marketing consent"], "Marketing consent"),
        (["Email", "Phone"], None),
    ],
)
def test_other_spellings_map_too(headers: list[str], consent: str | None) -> None:
    found = suggested_mapping(headers)
    assert found.consent_column == consent
    assert found.mapping.source_for("email") == headers[0]


def test_cc_fields_a_real_export_may_add_are_suggested() -> None:
    found = suggested_mapping(
        ["Client ID", "First Name", "Cell Phone", "Address", "Postal Code", "Client Type"]
    )
    assert found.record_id_column == "Client ID"
    assert found.mapping.as_dict() == {
        "First Name": "first_name",
        "Cell Phone": "mobile_phone",
        "Address": "street",
        "Postal Code": "zip",
    }


@pytest.mark.parametrize(
    ("value", "consent", "opted_out"),
    [
        ("Yes", Consent.SUBSCRIBED, False),
        (" subscribed ", Consent.SUBSCRIBED, False),
        ("1", Consent.SUBSCRIBED, False),
        ("No", Consent.UNSUBSCRIBED, True),
        ("Opted-out", Consent.UNSUBSCRIBED, True),
        ("", Consent.NOT_ASKED, True),
        ("-", Consent.NOT_ASKED, True),
        ("perhaps", Consent.UNKNOWN, True),
    ],
)
def test_consent_values(value: str, consent: Consent, opted_out: bool) -> None:
    assert consent_of(value) is consent
    assert is_opted_out(value) is opted_out


def test_the_never_asked_may_count_as_consenting_when_the_user_says_so() -> None:
    assert is_opted_out("", not_asked_opted_out=False) is False
    assert is_opted_out("No", not_asked_opted_out=False) is True
    assert is_opted_out("perhaps", not_asked_opted_out=False) is True


def test_the_sample_exports_consent_matches_the_sample_clients() -> None:
    from app.connectors.file_source import FileSource

    found = suggested_mapping(FileSource(SAMPLE_EXPORT).columns())
    assert found.consent_column is not None
    read = [
        consent_of(r.values[found.consent_column]) for r in FileSource(SAMPLE_EXPORT).iter_records()
    ]
    expected = [
        {True: Consent.SUBSCRIBED, False: Consent.UNSUBSCRIBED, None: Consent.NOT_ASKED}[
            c.subscribed
        ]
        for c in SAMPLE_CLIENTS
    ]
    assert read == expected
