"""The Xero client and source against the Xero emulator, over loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from app.connectors.http import RateLimiter, RetryPolicy
from app.connectors.oauth import TokenManager, normalize_token
from app.connectors.xero import OPT_OUT_GROUP, XeroClient, XeroOrganisation, XeroSource, XeroUrls
from app.connectors.xero import account as xero_account
from app.core.errors import (
    AuthError,
    ConfigError,
    NeedsReconnect,
    QuotaExceeded,
    ValidationError,
)
from app.sandbox.xero import DEMO_SHORT_CODE, DEMO_TENANT_ID, SECOND_TENANT_ID, XeroEmulator
from app.secrets import SecretStore
from app.sync.sandbox_browser import approve_in_sandbox

CLIENT_ID = "contactbridge-tests"
CONTACTS = "GET /api.xro/2.0/Contacts"
ORGANISATION = "GET /api.xro/2.0/Organisation"


class FakeTime:
    """One clock for the emulator, the token manager and the client's waits."""

    def __init__(self) -> None:
        self.t = float(int(time.time()))
        self.slept: list[float] = []

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    def epoch(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_xero(tmp_path: Path, fake: FakeTime) -> Iterator[Callable[..., XeroEmulator]]:
    started: list[XeroEmulator] = []

    def make(**options: Any) -> XeroEmulator:
        options.setdefault("enforce_limits", False)
        emu = XeroEmulator(tmp_path / f"xero{len(started)}.sqlite3", clock=fake.now, **options)
        started.append(emu.start())
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def xero(make_xero: Callable[..., XeroEmulator]) -> XeroEmulator:
    return make_xero()


def urls_of(emu: XeroEmulator) -> XeroUrls:
    return XeroUrls(emu.api_url, emu.identity_url, connections_url=emu.connections_url)


@pytest.fixture
def store() -> SecretStore:
    return SecretStore.session_only()


@pytest.fixture
def make_client(store: SecretStore, fake: FakeTime) -> Iterator[Callable[..., XeroClient]]:
    clients: list[XeroClient] = []

    def make(
        emu: XeroEmulator,
        tenant_id: str = DEMO_TENANT_ID,
        *,
        scope: str | None = None,
        **options: Any,
    ) -> XeroClient:
        """A client with a fresh token (``scope``: what the grant allows; default: all)."""
        connection_id = len(clients) + 1
        issued = emu.issue_token(CLIENT_ID, scope) if scope else emu.issue_token(CLIENT_ID)
        store.save_token(connection_id, normalize_token(issued, fake.t))
        urls = urls_of(emu)
        tokens = TokenManager(connection_id, store, CLIENT_ID, urls.token_url, clock=fake.epoch)
        options.setdefault("limiter", RateLimiter(100_000, 1.0, clock=fake.epoch, sleep=fake.sleep))
        client = XeroClient(
            urls,
            tokens,
            tenant_id,
            sleep=fake.sleep,
            clock=fake.epoch,
            now=fake.now,
            **options,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(xero: XeroEmulator, make_client: Callable[..., XeroClient]) -> XeroClient:
    return make_client(xero)


# -- sign-in and organisations ----------------------------------------------------------


def test_pkce_sign_in_and_tenant_selection(xero: XeroEmulator, store: SecretStore) -> None:
    urls = urls_of(xero)
    token = xero_account.sign_in(urls, CLIENT_ID, approve_in_sandbox)
    assert token["refresh_token"] and token["expires_in"] == 1800
    # ContactBridge asks for the settings scope, to read the organisation's name.
    assert "accounting.settings.read" in token["scope"].split()
    assert xero_account.may_read_organisation(token)
    store.save_token(7, token)
    manager = TokenManager(7, store, CLIENT_ID, urls.token_url)
    with XeroClient(urls, manager) as client:
        tenants = client.list_connections()
    assert xero.request_counts()["GET /Connections"] == 1  # the identity spec's path
    assert [t.tenant_id for t in tenants] == [DEMO_TENANT_ID, SECOND_TENANT_ID]
    assert tenants[0].name == "Demo Bakery Ltd" and tenants[0].connection_id
    first = xero_account.tenant_settings(tenants)
    assert first["tenant_id"] == DEMO_TENANT_ID and first["tenant_name"] == "Demo Bakery Ltd"
    assert len(first["tenants"]) == 2
    assert xero_account.tenant_settings(tenants, SECOND_TENANT_ID)["tenant_id"] == SECOND_TENANT_ID
    with pytest.raises(ConfigError):
        xero_account.tenant_settings(tenants, "nope")
    with pytest.raises(AuthError):
        xero_account.tenant_settings([])
    with pytest.raises(ConfigError):
        xero_account.sign_in(urls, "", approve_in_sandbox)


def test_tenant_header_is_sent_and_a_foreign_tenant_is_refused(
    xero: XeroEmulator, make_client: Callable[..., XeroClient]
) -> None:
    xero.seed_contact("Only here", tenant_id=SECOND_TENANT_ID)
    second = make_client(xero, SECOND_TENANT_ID)
    assert [c["Name"] for c in second.iter_contacts()] == ["Only here"]
    stranger = make_client(xero, "00000000-0000-4000-8000-00000000abcd")
    with pytest.raises(AuthError, match="Connect to Xero again"):
        list(stranger.iter_contacts())


# -- the organisation -------------------------------------------------------------------


def test_reads_the_organisation_of_its_tenant(
    xero: XeroEmulator, make_client: Callable[..., XeroClient]
) -> None:
    demo = make_client(xero).get_organisation()
    assert demo == XeroOrganisation(DEMO_TENANT_ID, "Demo Bakery Ltd", "NZ", DEMO_SHORT_CODE)
    second = make_client(xero, SECOND_TENANT_ID).get_organisation()
    assert (second.name, second.country_code) == ("Harbour Café Ltd", "AU")
    assert xero.request_counts()[ORGANISATION] == 2


def test_organisation_settings_keep_names_never_tokens(
    xero: XeroEmulator, client: XeroClient, store: SecretStore
) -> None:
    settings = xero_account.organisation_settings(client, store.load_token(1))
    assert settings == {
        "organisation": {
            "organisation_id": DEMO_TENANT_ID,
            "name": "Demo Bakery Ltd",
            "country_code": "NZ",
            "short_code": DEMO_SHORT_CODE,
        }
    }
    token = store.load_token(1)
    assert token is not None
    flat = repr(settings)
    assert token["access_token"] not in flat and token["refresh_token"] not in flat
    assert xero_account.organisation_of(settings) == client.get_organisation()
    assert xero_account.organisation_of({}) is None
    assert xero_account.organisation_of({"organisation": {"name": "  "}}) is None


def test_an_older_connection_without_the_scope_is_not_asked(
    xero: XeroEmulator, make_client: Callable[..., XeroClient], store: SecretStore
) -> None:
    """A token granted before ContactBridge asked for accounting.settings.read: no call."""
    client = make_client(xero, scope="offline_access accounting.contacts")
    token = store.load_token(1)
    assert not xero_account.may_read_organisation(token)
    assert xero_account.organisation_settings(client, token) == {"organisation": None}
    assert ORGANISATION not in xero.request_counts()
    assert list(client.iter_contacts()) == []  # the connection itself still works


def test_xeros_401_for_a_missing_scope_is_not_a_failure(
    xero: XeroEmulator, make_client: Callable[..., XeroClient], store: SecretStore
) -> None:
    """A token that does not say its scopes is tried; Xero's 401 leaves the name unknown."""
    client = make_client(xero, scope="offline_access accounting.contacts")
    token = store.load_token(1)
    assert token is not None
    del token["scope"]
    store.save_token(1, token)
    assert xero_account.may_read_organisation(token)
    with pytest.raises(AuthError):
        client.get_organisation()
    assert xero_account.organisation_settings(client, store.load_token(1)) == {"organisation": None}
    assert list(client.iter_contacts()) == []  # still connected: nothing to sign in again


@pytest.mark.parametrize(
    ("token", "allowed"),
    [
        ({"access_token": "a", "scope": "offline_access accounting.settings"}, True),
        ({"access_token": "a", "scope": "accounting.settings.read accounting.contacts"}, True),
        ({"access_token": "a", "scope": ["accounting.settings.read"]}, True),
        ({"access_token": "a", "scope": "offline_access accounting.contacts"}, False),
        ({"access_token": "a", "scope": ""}, False),
        ({"access_token": "a"}, True),
        (None, False),
    ],
)
def test_which_tokens_may_read_the_organisation(token: Any, allowed: bool) -> None:
    assert xero_account.may_read_organisation(token) is allowed


# -- reading ----------------------------------------------------------------------------


def test_pages_through_250_contacts(xero: XeroEmulator, client: XeroClient) -> None:
    ids = {xero.seed_contact(f"Contact {i:03d}") for i in range(250)}
    got = [c["ContactID"] for c in client.iter_contacts()]
    assert len(got) == 250 and set(got) == ids
    assert xero.request_counts()[CONTACTS] == 3


def test_full_last_page_needs_one_more_call(
    xero: XeroEmulator, make_client: Callable[..., XeroClient]
) -> None:
    for i in range(20):
        xero.seed_contact(f"C{i}")
    client = make_client(xero, page_size=10)
    assert len(list(client.iter_contacts())) == 20
    assert xero.request_counts()[CONTACTS] == 3


def test_if_modified_since_reads_only_changes(
    xero: XeroEmulator, client: XeroClient, fake: FakeTime
) -> None:
    old = xero.seed_contact("Old", is_customer=True)
    fake.t += 60
    mark = fake.now()
    fake.t += 60
    new = xero.seed_contact("New", is_customer=True)
    assert [c["ContactID"] for c in client.iter_contacts(modified_since=mark)] == [new]
    source = XeroSource(client)
    keys = [r.key for r in source.iter_records(since=mark)]
    assert keys == [new]
    fake.t += 60
    second_mark = fake.now()
    fake.t += 60
    xero.update_contact(old, EmailAddress="old@example.com")
    assert [r.key for r in source.iter_records(since=second_mark)] == [old]
    assert {r.key for r in source.iter_records()} == {old, new}


def test_group_filter(xero: XeroEmulator, client: XeroClient) -> None:
    a = xero.seed_contact("A", groups=["Newsletter"])
    b = xero.seed_contact("B", groups=["VIP", "Newsletter"])
    c = xero.seed_contact("C", groups=["VIP"])
    xero.seed_contact("D")
    by_name = XeroSource(client, group_names=["newsletter"])
    assert sorted(r.key for r in by_name.iter_records()) == sorted([a, b])
    vip = xero.group_id("VIP")
    assert vip is not None
    either = XeroSource(client, group_ids=[vip], group_names=["Newsletter"])
    assert sorted(r.key for r in either.iter_records()) == sorted([a, b, c])
    with pytest.raises(ConfigError, match="no contact group named"):
        list(XeroSource(client, group_names=["Nope"]).iter_records())


def test_customers_and_suppliers_filters(xero: XeroEmulator, client: XeroClient) -> None:
    xero.seed_contact("Cust", is_customer=True)
    xero.seed_contact("Supp", is_supplier=True)
    xero.seed_contact("Neither")
    xero.seed_contact("Archived customer", is_customer=True, status="ARCHIVED")

    def names(**options: Any) -> list[str]:
        return sorted(r.values["Name"] for r in XeroSource(client, **options).iter_records())

    assert names(customers_only=True) == ["Cust"]
    assert names(suppliers_only=True) == ["Supp"]
    assert names(customers_only=True, suppliers_only=True) == ["Cust", "Supp"]
    assert names() == ["Cust", "Neither", "Supp"]
    assert names(customers_only=True, include_archived=True) == ["Archived customer", "Cust"]


def test_records_are_flattened(xero: XeroEmulator, client: XeroClient) -> None:
    key = xero.seed_contact(
        "Ada Bakes Ltd",
        first_name="Ada",
        last_name="Baker",
        email="ada@example.com",
        is_customer=True,
        groups=["VIP", "Newsletter"],
        ContactNumber="C-1",
        Phones=[
            {
                "PhoneType": "DEFAULT",
                "PhoneNumber": "555 1234",
                "PhoneAreaCode": "04",
                "PhoneCountryCode": "64",
            },
            {"PhoneType": "MOBILE", "PhoneNumber": "021 999"},
        ],
        Addresses=[
            {"AddressType": "POBOX", "AddressLine1": "PO Box 1", "City": "Otaki"},
            {
                "AddressType": "STREET",
                "AddressLine1": "1 Main St",
                "AddressLine2": "Unit 2",
                "City": "Nelson",
                "Region": "Tasman",
                "PostalCode": "7010",
                "Country": "NZ",
            },
        ],
    )
    source = XeroSource(client)
    (record,) = list(source.iter_records())
    assert record.key == key and record.row == 1 and not record.opted_out
    values = record.values
    assert values["Phone"] == "+64 04 555 1234" and values["Mobile"] == "021 999"
    assert values["Street"] == "1 Main St, Unit 2" and values["City"] == "Nelson"
    assert values["Region"] == "Tasman" and values["PostalCode"] == "7010"
    assert values["Groups"] == "Newsletter; VIP"
    assert values["IsCustomer"] == "true" and values["IsSupplier"] == "false"
    assert values["ContactStatus"] == "ACTIVE" and values["ContactNumber"] == "C-1"
    assert set(values) == set(source.columns())
    columns, rows = source.preview(5)
    assert (
        columns == source.columns() and rows[0][columns.index("EmailAddress")] == "ada@example.com"
    )
    assert source.capabilities.create and source.capabilities.incremental


# -- limits and failures ----------------------------------------------------------------


def test_minute_limit_waits_for_retry_after(
    make_xero: Callable[..., XeroEmulator],
    make_client: Callable[..., XeroClient],
    fake: FakeTime,
) -> None:
    emu = make_xero(enforce_limits=True, per_minute=5)
    for i in range(30):
        emu.seed_contact(f"C{i:02d}")
    client = make_client(emu, page_size=5)
    assert len(list(client.iter_contacts())) == 30
    waits = [s for s in fake.slept if s >= 1]
    assert waits and all(w <= 60 for w in waits)
    assert emu.request_counts()[CONTACTS] > 7  # some calls were refused and retried


def test_day_limit_stops_with_quota_exceeded(
    make_xero: Callable[..., XeroEmulator],
    make_client: Callable[..., XeroClient],
    fake: FakeTime,
) -> None:
    emu = make_xero(enforce_limits=True, per_day=3)
    client = make_client(emu)
    client.list_contact_groups()
    fake.t += 3600
    emu.use_up_day_limit()
    with pytest.raises(QuotaExceeded) as caught:
        client.list_contact_groups()
    assert "daily limit" in caught.value.message and "UTC" in caught.value.message
    assert caught.value.resets_at is not None
    assert caught.value.resets_at - fake.now() <= timedelta(hours=23, seconds=1)


def test_forced_day_limit(xero: XeroEmulator, client: XeroClient, fake: FakeTime) -> None:
    xero.faults.force("GET /api.xro/2.0/Contacts", "429-day")
    with pytest.raises(QuotaExceeded, match="in about 12 hours") as caught:
        list(client.iter_contacts())
    assert caught.value.resets_at == fake.now() + timedelta(hours=12)


def test_client_side_limiter_defaults_to_60_a_minute(xero: XeroEmulator) -> None:
    urls = urls_of(xero)
    client = XeroClient(
        urls, TokenManager(99, SecretStore.session_only(), "x", urls.token_url), "t"
    )
    try:
        assert (client.api.limiter.max_calls, client.api.limiter.period) == (60, 60.0)
    finally:
        client.close()


def test_server_errors_and_resets_are_retried(xero: XeroEmulator, client: XeroClient) -> None:
    xero.seed_contact("Ada")
    xero.faults.force(CONTACTS, "500")
    xero.faults.force(CONTACTS, "reset")
    xero.faults.force(CONTACTS, "503")
    assert [c["Name"] for c in client.iter_contacts()] == ["Ada"]
    assert xero.request_counts()[CONTACTS] == 4


def test_writes_are_retried_safely_with_an_idempotency_key(
    xero: XeroEmulator, client: XeroClient
) -> None:
    xero.faults.force("PUT /api.xro/2.0/Contacts", "500")
    (created,) = client.create_contacts([{"Name": "Once"}])
    assert [c["Name"] for c in xero.contacts()] == ["Once"]
    assert created["Name"] == "Once"


def test_persistent_server_errors_give_up(
    xero: XeroEmulator, make_client: Callable[..., XeroClient]
) -> None:
    client = make_client(xero, retry=RetryPolicy(server_error_attempts=2))
    xero.faults.force(CONTACTS, "503", times=5)
    with pytest.raises(Exception, match="Xero had a problem on its side"):
        list(client.iter_contacts())


# -- writing ----------------------------------------------------------------------------


def test_create_and_update_records(xero: XeroEmulator, client: XeroClient) -> None:
    source = XeroSource(client)
    keys = source.create_records(
        [
            {
                "FirstName": "Ada",
                "LastName": "Baker",
                "EmailAddress": "ada@example.com",
                "Street": "1 Main St",
                "City": "Nelson",
                "Mobile": "021 1",
                "Groups": "ignored",
            },
            {"Name": "Crumbs Ltd", "EmailAddress": "hi@crumbs.example.com"},
        ]
    )
    assert len(keys) == 2
    ada = xero.get_contact(keys[0])
    assert ada is not None and ada["Name"] == "Ada Baker"
    street = next(a for a in ada["Addresses"] if a["AddressType"] == "STREET")
    assert street["AddressLine1"] == "1 Main St" and street["City"] == "Nelson"
    source.update_records(
        {keys[0]: {"City": "Richmond", "Phone": "03 555"}, keys[1]: {"LastName": "X"}}
    )
    ada = xero.get_contact(keys[0])
    assert ada is not None
    street = next(a for a in ada["Addresses"] if a["AddressType"] == "STREET")
    assert street["AddressLine1"] == "1 Main St" and street["City"] == "Richmond"
    phones = {p["PhoneType"]: p["PhoneNumber"] for p in ada["Phones"]}
    assert phones["DEFAULT"] == "03 555" and phones["MOBILE"] == "021 1"
    assert xero.get_contact(keys[1])["LastName"] == "X"  # type: ignore[index]
    assert source.create_records([]) == []
    source.update_records({})


def test_invalid_records_raise_validation_error(xero: XeroEmulator, client: XeroClient) -> None:
    xero.seed_contact("Taken")
    source = XeroSource(client)
    with pytest.raises(ValidationError, match="already assigned to another contact"):
        source.create_records([{"Name": "Taken"}])
    with pytest.raises(ValidationError, match="Email address must be valid"):
        source.create_records([{"Name": "New", "EmailAddress": "nope"}])
    assert len(xero.contacts()) == 1


def test_opt_out_is_the_email_opt_out_group(xero: XeroEmulator, client: XeroClient) -> None:
    a = xero.seed_contact("A", email="a@example.com")
    b = xero.seed_contact("B", email="b@example.com")
    source = XeroSource(client)
    source.set_opted_out([b], False)  # no group yet: nothing to clear
    assert xero.group_id(OPT_OUT_GROUP) is None
    source.set_opted_out([a, b], True)
    group = xero.group_id(OPT_OUT_GROUP)
    assert group is not None and xero.group_members(group) == {a, b}
    assert {r.key: r.opted_out for r in source.iter_records()} == {a: True, b: True}
    source.set_opted_out([b], False)
    assert {r.key: r.opted_out for r in source.iter_records()} == {a: True, b: False}
    source.set_opted_out([a], True)  # already marked: no error
    assert xero.group_members(group) == {a}


# -- tokens -----------------------------------------------------------------------------


def test_refresh_rotates_the_refresh_token(
    xero: XeroEmulator, client: XeroClient, store: SecretStore, fake: FakeTime
) -> None:
    before = store.load_token(1)
    assert before is not None
    fake.t += 1800  # the access token has expired
    client.list_contact_groups()
    after = store.load_token(1)
    assert after is not None
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] != before["refresh_token"]
    reused = requests.post(
        xero.identity_url + "/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": before["refresh_token"],
            "client_id": CLIENT_ID,
        },
        timeout=5,
    )
    assert reused.json() == {"error": "invalid_grant"}
    assert xero.request_counts()["POST /identity/connect/token"] == 2


def test_a_rejected_token_is_refreshed_once(
    xero: XeroEmulator, client: XeroClient, store: SecretStore
) -> None:
    token = store.load_token(1)
    assert token is not None
    store.save_token(1, {**token, "access_token": "revoked"})
    assert client.list_contact_groups() == []
    assert store.load_token(1)["access_token"] != "revoked"  # type: ignore[index]


def test_a_spent_refresh_token_asks_to_reconnect_to_xero(
    client: XeroClient, store: SecretStore, fake: FakeTime
) -> None:
    token = store.load_token(1)
    assert token is not None
    store.save_token(1, {**token, "refresh_token": "spent"})
    fake.t += 1800
    with pytest.raises(NeedsReconnect, match="Xero needs you to connect again"):
        client.list_contact_groups()
