"""Pure parts of the Xero connector: flattening, writing back, URLs and error text."""

from __future__ import annotations

from datetime import UTC, datetime

from app.connectors.xero import COLUMNS, flatten, to_xero, xero_urls
from app.connectors.xero.client import day_limit_error, error_text
from app.connectors.xero.contact_fields import display_name, parse_xero_date
from app.core.mapping_suggest import suggest_mapping


def test_flatten_prefers_street_then_pobox() -> None:
    pobox_only = {
        "ContactID": "x",
        "Addresses": [
            {"AddressType": "STREET", "City": ""},
            {"AddressType": "POBOX", "AddressLine1": "PO Box 9", "City": "Napier"},
        ],
        "UpdatedDateUTC": "/Date(1503348544227+0000)/",
    }
    values = flatten(pobox_only)
    assert values["Street"] == "PO Box 9" and values["City"] == "Napier"
    assert values["UpdatedDateUTC"] == "2017-08-21T20:49:04.227+00:00"
    assert values["Phone"] == values["Mobile"] == values["Groups"] == ""
    assert list(values) == list(COLUMNS)


def test_to_xero_for_create_and_update() -> None:
    created = to_xero({"EmailAddress": "a@example.com", "Phone": "04 1"})
    assert created["Name"] == "a@example.com"
    assert created["Phones"][0]["PhoneType"] == "DEFAULT"
    current = {
        "ContactID": "id-1",
        "Addresses": [{"AddressType": "POBOX", "AddressLine1": "PO Box 1", "City": "A"}],
    }
    updated = to_xero({"City": "B"}, current)
    assert updated == {
        "ContactID": "id-1",
        "Addresses": [{"AddressType": "POBOX", "AddressLine1": "PO Box 1", "City": "B"}],
    }
    assert "Name" not in to_xero({"FirstName": "Z"}, current)
    assert display_name({"FirstName": "Ada", "LastName": "Baker"}) == "Ada Baker"


def test_xero_urls_defaults_and_overrides() -> None:
    real = xero_urls({}, environ={})
    assert real.api_url == "https://api.xero.com/api.xro/2.0"
    assert real.authorize_url == "https://login.xero.com/identity/connect/authorize"
    assert real.token_url == "https://identity.xero.com/connect/token"
    assert real.tenants_url == "https://api.xero.com/Connections"  # the identity spec's path
    env = {
        "CONTACTBRIDGE_XERO_API_URL": "http://127.0.0.1:9/api.xro/2.0/",
        "CONTACTBRIDGE_XERO_AUTH_URL": "http://127.0.0.1:9/identity/connect",
    }
    local = xero_urls({}, environ=env)
    assert local.token_url == "http://127.0.0.1:9/identity/connect/token"
    assert local.tenants_url == "http://127.0.0.1:9/Connections"


def test_error_text_and_day_limit_message() -> None:
    body = '{"Elements":[{"Name":"A","ValidationErrors":[{"Message":"Bad."}]}]}'
    assert error_text(body) == '"A": Bad.'
    assert error_text('{"Detail":"AuthorizationUnsuccessful"}') == "AuthorizationUnsuccessful"
    assert error_text("<html>oops</html>") == ""
    now = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    soon = day_limit_error(now, 600)
    assert "10:10 UTC" in soon.message and "10 minutes" in soon.message
    assert "in about 1 hour)" in day_limit_error(now, 3600).message
    assert parse_xero_date("nope") is None


def test_suggested_mapping_for_xero_columns() -> None:
    mapping = suggest_mapping(list(COLUMNS)).as_dict()
    assert mapping == {
        "FirstName": "first_name",
        "LastName": "last_name",
        "EmailAddress": "email",
        "Phone": "phone",
        "Mobile": "mobile_phone",
        "Street": "street",
        "City": "city",
        "Region": "state",
        "PostalCode": "zip",
        "Country": "country",
    }
