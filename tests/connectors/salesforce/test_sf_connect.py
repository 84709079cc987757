"""Connecting to Salesforce in the sandbox (the real service, store and emulators): the
browser sign-in with PKCE, a refresh when Salesforce answers 401, the password fallback
blocked as new orgs block it, production or sandbox org, and secrets in the keyring only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors import registry
from app.connectors.salesforce import connector as sf_connector
from app.core.errors import AuthError, NeedsReconnect
from app.core.store_types import ConnectionStatus
from app.sandbox.salesforce import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    HOLIDAY,
    NEWSLETTER,
    PASSWORD,
    SANDBOX_USERNAME,
    SECURITY_TOKEN,
    USERNAME,
    SalesforceEmulator,
)
from app.sync.bootstrap import ServiceHandle, open_service
from app.sync.sandbox_browser import approve_in_sandbox

KIND = "salesforce"
TOKEN_CALLS = "POST /login/services/oauth2/token"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[ServiceHandle]:
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


def emulator(handle: ServiceHandle) -> SalesforceEmulator:
    found: SalesforceEmulator = handle.emulators[KIND]
    return found


def stored_bytes(home: Path) -> bytes:
    """What ContactBridge keeps on disk of its own: the database and the logs."""
    files = [p for p in home.rglob("*") if p.is_file() and "emulator" not in p.parts]
    return b"".join(p.read_bytes() for p in files)


def password_options(**extra: str) -> dict[str, str]:
    return {
        "auth": "password",
        "consumer_key": CONSUMER_KEY,
        "consumer_secret": CONSUMER_SECRET,
        "username": USERNAME,
        "password": PASSWORD,
        "security_token": SECURITY_TOKEN,
        **extra,
    }


def test_the_registry_knows_salesforce_as_two_way_and_incremental() -> None:
    found = registry.connector(KIND)
    caps = found.capabilities
    assert caps.create and caps.update and caps.opt_out and caps.incremental and caps.archive
    assert found.panel == "app.ui.services.salesforce"
    assert "Email Opt Out" in found.opt_out_note
    assert "salesforce" not in dict(registry.COMING_SOON)


def test_the_sandbox_connects_in_the_browser_with_pkce_and_adds_the_sample_profile(
    sandbox: ServiceHandle,
) -> None:
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    assert conn.status is ConnectionStatus.CONNECTED
    assert conn.account_name == USERNAME
    assert conn.settings["api_version"] == "66.0"  # the newest the org offers, pinned
    assert conn.settings["instance_url"] == emulator(sandbox).instance_url
    assert conn.settings["auth"] == "browser" and conn.settings["consumer_key"] == CONSUMER_KEY

    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    assert profile.name == "Salesforce contacts → Newsletter"
    assert profile.source.kind == KIND and profile.main_list == "Newsletter"
    settings = profile.source.settings
    assert settings["object_type"] == "Contact"
    assert sorted(settings["list_map"].values()) == [HOLIDAY, NEWSLETTER]
    assert sorted(settings["campaigns"]) == sorted(settings["list_map"])
    mapped = {f.target: f.source for f in profile.mapping.fields}
    assert mapped["email"] == "Email" and mapped["first_name"] == "FirstName"
    assert registry.describe_source(profile.source) == "Salesforce contacts (2 campaigns)"


def test_a_pkce_sign_in_sends_an_s256_challenge_and_a_safe_verifier(
    sandbox: ServiceHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = sandbox.service
    seen: list[str] = []

    def browser(url: str) -> None:
        seen.append(url)
        approve_in_sandbox(url)

    monkeypatch.setattr(service.connections, "_open_browser", browser)
    conn = service.connections.connect_source(
        KIND, "Another", options={"auth": "browser", "consumer_key": CONSUMER_KEY}
    )
    assert "code_challenge_method=S256" in seen[0] and "code_challenge=" in seen[0]
    assert "scope=api+refresh_token" in seen[0]
    assert conn.status is ConnectionStatus.CONNECTED
    # The emulator refuses a verifier with "~" as live orgs do; the token proves it had none.
    assert service.secrets.load_token(conn.id)["refresh_token"]


def test_a_session_salesforce_ends_is_refreshed_once_and_the_read_goes_on(
    sandbox: ServiceHandle,
) -> None:
    service, sf = sandbox.service, emulator(sandbox)
    (conn,) = service.connections.connections_of(KIND)
    before = service.secrets.load_token(conn.id)
    assert "expires_in" not in before and "expires_at" not in before  # Salesforce gives none
    sf.expire_tokens()
    sf.reset_counts()

    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    columns, rows = service.profiles.numbered_preview(profile.source, 3)

    assert len(rows) == 3 and "Email" in columns
    assert sf.request_counts().get(TOKEN_CALLS) == 1
    after = service.secrets.load_token(conn.id)
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]  # kept: no rotation here

    # Revoked: the connection asks to connect again, in Salesforce's name.
    sf.revoke_refresh_tokens()
    with pytest.raises(NeedsReconnect, match="Salesforce needs you to connect again"):
        service.profiles.numbered_preview(profile.source, 3)
    assert service.connections.connection(conn.id).status is ConnectionStatus.NEEDS_RECONNECT


def test_the_password_fallback_says_what_to_do_when_the_org_blocks_it(
    sandbox: ServiceHandle, caplog: pytest.LogCaptureFixture
) -> None:
    service, sf = sandbox.service, emulator(sandbox)
    caplog.set_level(logging.DEBUG)
    before = service.connections.connections_of(KIND)

    with pytest.raises(AuthError) as refused:
        service.connections.connect_source(KIND, "Password", options=password_options())

    message = refused.value.message
    assert "refused the user name, password and security token" in message
    assert "Orgs created since Summer '23 block signing in with a password" in message
    assert "Allow OAuth Username-Password Flows" in message
    assert service.connections.connections_of(KIND) == before  # nothing saved

    sf.allow_password_flow()
    conn = service.connections.connect_source(KIND, "Password", options=password_options())
    assert conn.settings["auth"] == "password" and conn.account_name == USERNAME
    assert "password" not in conn.settings and "security_token" not in conn.settings
    saved = service.secrets.load_token(conn.id)
    assert saved["password"] == PASSWORD and saved["security_token"] == SECURITY_TOKEN
    for secret in (PASSWORD, SECURITY_TOKEN, CONSUMER_SECRET, saved["access_token"]):
        assert secret.encode() not in stored_bytes(sandbox.home)
        assert secret not in caplog.text

    # No refresh token: after a 401 it signs in again with what the keyring holds.
    profile = service.profiles.named(sf_connector.SAMPLE_PROFILE)
    spec = profile.source.__class__(KIND, {**profile.source.settings, "connection_id": conn.id})
    sf.expire_tokens()
    _, rows = service.profiles.numbered_preview(spec, 2)
    assert len(rows) == 2
    assert service.secrets.load_token(conn.id)["access_token"] != saved["access_token"]


def test_a_sandbox_org_signs_in_on_the_test_host(sandbox: ServiceHandle) -> None:
    service, sf = sandbox.service, emulator(sandbox)
    sf.reset_counts()
    conn = service.connections.connect_source(
        KIND, "UAT", options={"auth": "browser", "org_type": "sandbox"}
    )
    assert conn.settings["username"] == SANDBOX_USERNAME
    assert conn.account_name == f"{SANDBOX_USERNAME} (sandbox org)"
    assert sf.request_counts().get("POST /test/services/oauth2/token") == 1
    assert TOKEN_CALLS not in sf.request_counts()


def test_the_browser_sign_in_keeps_tokens_out_of_files_and_logs(
    sandbox: ServiceHandle, caplog: pytest.LogCaptureFixture
) -> None:
    service = sandbox.service
    caplog.set_level(logging.DEBUG)
    conn = service.connections.connect_source(KIND, "Logged", options={"auth": "browser"})
    token = service.secrets.load_token(conn.id)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("app"))
    assert "Connected to Salesforce" in ours
    for secret in (token["access_token"], token["refresh_token"]):
        assert secret.encode() not in stored_bytes(sandbox.home)  # the database and log files
        assert secret not in ours
