"""WellnessLiving on the connector platform: connecting with keys (secrets to the keyring
only), reconnecting, opening a profile's source, the registry's entry, in the sandbox."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors import registry
from app.connectors.connector import ConnectRequest
from app.connectors.wellnessliving import WellnessLivingSource
from app.core.errors import AuthError, ConfigError, NeedsReconnect
from app.core.profiles import SourceSpec
from app.sandbox.wellnessliving import (
    APPLICATION_SECRET,
    STAFF_PASSWORD,
    sample_connection,
)
from app.sandbox.wellnessliving.samples import (
    AU_BUSINESS_KEY,
    AU_BUSINESS_NAME,
    AU_STAFF_LOGIN,
    AU_STAFF_PASSWORD,
)
from app.sync.bootstrap import ServiceHandle, open_service

KIND = "wellnessliving"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[ServiceHandle]:
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


def stored_bytes(home: Path) -> bytes:
    """Every byte ContactBridge keeps on disk of its own: the database (with its WAL) and the
    logs. The emulators' own state (a server's, which knows the password) is not the app's."""
    files = [p for p in home.rglob("*") if p.is_file() and "emulator" not in p.parts]
    assert any(p.name.startswith("contactbridge.sqlite3") for p in files)
    return b"".join(p.read_bytes() for p in files)


def test_the_registry_knows_wellnessliving_as_opt_out_only() -> None:
    found = registry.connector(KIND)
    assert (found.label, found.name) == ("WellnessLiving", "WellnessLiving")
    caps = found.capabilities
    assert caps.opt_out and not caps.create and not caps.update and not caps.incremental
    assert found.writable and found.needs_connection and found.connect is not None
    assert "news and updates" in found.opt_out_note
    assert registry.source_words(KIND) == "WellnessLiving"


def test_connecting_keeps_the_secrets_in_the_keyring_only(
    sandbox: ServiceHandle, caplog: pytest.LogCaptureFixture
) -> None:
    service = sandbox.service
    options = {
        **sample_connection(),
        "region": "au",
        "business_key": AU_BUSINESS_KEY,
        "business_name": AU_BUSINESS_NAME,
        "staff_login": AU_STAFF_LOGIN,
        "staff_password": AU_STAFF_PASSWORD + "-au",  # a password no other test uses
    }
    sandbox.emulators[KIND].add_staff(
        AU_BUSINESS_KEY, "owner@bondibreath.example", options["staff_password"]
    )
    options["staff_login"] = "owner@bondibreath.example"
    caplog.set_level(logging.DEBUG)

    conn = service.connections.connect_source(KIND, "Bondi", options=options)

    assert conn.account_name == f"{AU_BUSINESS_NAME} (au.wellnessliving.com)"
    assert conn.settings["region"] == "au" and conn.settings["host"] == "au.wellnessliving.com"
    assert conn.settings["staff_login"] == "owner@bondibreath.example"
    assert not {"application_secret", "staff_password"} & set(conn.settings)
    assert service.secrets.load_token(conn.id) == {
        "application_secret": APPLICATION_SECRET,
        "staff_password": options["staff_password"],
    }
    source = service.profiles.open_source(SourceSpec(KIND, {"connection_id": conn.id}))
    assert isinstance(source, WellnessLivingSource)
    assert [r.values["Email"] for r in source.iter_records()] == []  # Kylie never subscribed
    logging.getLogger("test").info("the form said %s", options)  # even a careless line
    for secret in (APPLICATION_SECRET, options["staff_password"]):
        assert secret.encode() not in stored_bytes(sandbox.home)
        assert secret not in caplog.text.replace("***", "")
        assert secret not in repr(ConnectRequest("x", options=options))


def test_a_refused_sign_in_saves_nothing(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    before = service.connections.connections_of(KIND)
    wrong = {**sample_connection(), "staff_password": "not-the-password"}
    with pytest.raises(AuthError, match="did not accept the staff sign-in"):
        service.connections.connect_source(KIND, "Wrong", options=wrong)
    wrong_region = {**sample_connection(), "region": "au"}
    with pytest.raises(ConfigError, match="North America"):
        service.connections.connect_source(KIND, "Wrong region", options=wrong_region)
    missing = {**sample_connection(), "business_key": "", "staff_password": ""}
    with pytest.raises(ConfigError, match="the business key, the staff password"):
        service.connections.connect_source(KIND, "Half", options=missing)
    assert service.connections.connections_of(KIND) == before


def test_reconnecting_keeps_the_saved_secrets_unless_new_ones_are_typed(
    sandbox: ServiceHandle,
) -> None:
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    again = service.connections.connect_source(
        KIND, connection_id=conn.id
    )  # no form: the saved keys
    assert again.id == conn.id and again.status == "connected"
    blank = {**sample_connection(), "application_secret": "", "staff_password": ""}
    assert (
        service.connections.connect_source(KIND, connection_id=conn.id, options=blank).id == conn.id
    )
    assert service.secrets.load_token(conn.id)["staff_password"] == STAFF_PASSWORD
    assert len(service.connections.connections_of(KIND)) == 1


def test_a_profile_whose_secrets_are_gone_asks_to_connect_again(sandbox: ServiceHandle) -> None:
    service = sandbox.service
    (conn,) = service.connections.connections_of(KIND)
    service.secrets.delete_token(conn.id)
    with pytest.raises(NeedsReconnect, match="authorization code and the staff password"):
        service.profiles.open_source(SourceSpec(KIND, {"connection_id": conn.id}))
    with pytest.raises(ConfigError, match="Connect to WellnessLiving first"):
        service.profiles.open_source(SourceSpec(KIND, {"connection_id": conn.id + 100}))


def test_reopening_the_sandbox_reconnects_without_a_second_profile(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_service(sandbox=True, home=home, enforce_limits=False).close()
    handle = open_service(sandbox=True, home=home, enforce_limits=False)
    try:
        (conn,) = handle.service.connections.connections_of(KIND)
        assert handle.service.secrets.load_token(conn.id) is not None  # memory keyring: again
        names = [o.profile.name for o in handle.service.profiles.overviews()]
        assert names.count("WellnessLiving clients → Newsletter") == 1
    finally:
        handle.close()
