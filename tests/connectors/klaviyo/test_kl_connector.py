"""Klaviyo on the connector platform: a destination, connected with a private API key kept in
the keyring only, and the sandbox's sample migration profile."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.connectors import registry
from app.connectors.connector import ConnectRequest
from app.connectors.klaviyo.connector import SAMPLE_PROFILE
from app.core.errors import AuthError, ConfigError, NeedsReconnect
from app.core.profiles import CONSTANT_CONTACT
from app.sandbox.klaviyo import API_KEY, sample_connection
from app.sync.bootstrap import open_service
from app.sync.due import is_scheduled, next_check_at, schedule_words
from tests.connectors.klaviyo.kl_world import World


def stored_bytes(home: Path) -> bytes:
    """Every byte ContactBridge keeps on disk of its own: the database and the logs (not the
    emulators' state, which knows the key)."""
    files = [p for p in home.rglob("*") if p.is_file() and "emulator" not in p.parts]
    assert any(p.name.startswith("contactbridge.sqlite3") for p in files)
    return b"".join(p.read_bytes() for p in files)


def test_the_registry_knows_klaviyo_as_a_destination_and_not_as_a_source() -> None:
    found = registry.connector("klaviyo")
    assert found.is_destination and not found.writable
    assert "klaviyo" not in dict(registry.COMING_SOON)
    assert not registry.FILES.is_destination
    with pytest.raises(ConfigError, match="does not read contacts from Klaviyo"):
        found.open_source(None, None)  # type: ignore[arg-type]


def test_the_key_is_checked_and_kept_in_the_keyring_only(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service = world.service
    conn = service.connections.require(world.kl_connection_id)
    assert conn.account_name == "Sandbox Bakery" and conn.status == "connected"
    assert API_KEY not in str(conn.settings)
    assert service.secrets.load_token(conn.id) == {"api_key": API_KEY}
    world.sync()  # a run's requests and logs carry the key only in the header
    assert API_KEY.encode() not in stored_bytes(world.handle.home)
    assert API_KEY not in caplog.text
    export = service.profiles.export_dict(service.profiles.require(world.profile_id or 0))
    assert API_KEY not in str(export)
    assert export["source"]["kind"] == CONSTANT_CONTACT
    assert export["destination"]["kind"] == "klaviyo"
    assert API_KEY not in repr(ConnectRequest("x", options=sample_connection()))


def test_a_wrong_key_says_so_and_saves_nothing(world: World) -> None:
    service = world.service
    before = service.connections.connections_of("klaviyo")
    with pytest.raises(AuthError, match="did not accept the private API key"):
        service.connections.connect_source("klaviyo", "Typo", options={"api_key": "pk_wrong"})
    with pytest.raises(ConfigError, match="starts with pk_"):
        service.connections.connect_source("klaviyo", "Public", options={"api_key": "AbC123"})
    assert service.connections.connections_of("klaviyo") == before


def test_a_reconnect_keeps_the_saved_key_unless_a_new_one_is_typed(world: World) -> None:
    service = world.service
    again = service.connections.connect_source(
        "klaviyo", "Sandbox Bakery", connection_id=world.kl_connection_id, options={}
    )
    assert again.id == world.kl_connection_id
    assert service.secrets.load_token(again.id) == {"api_key": API_KEY}


def test_a_profile_whose_key_is_gone_asks_to_connect_again(world: World) -> None:
    world.save_profile()
    world.service.secrets.delete_token(world.kl_connection_id)
    with pytest.raises(NeedsReconnect, match="private API key"):
        world.sync()


def test_the_sandbox_has_the_sample_migration_profile_hourly_once_synced(tmp_path: Path) -> None:
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        profile = handle.service.profiles.get_by_name(SAMPLE_PROFILE)
        assert profile is not None and not profile.into_constant_contact
        assert profile.source.kind == CONSTANT_CONTACT and profile.destination.kind == "klaviyo"
        assert profile.options.poll_minutes == 60
        assert schedule_words(profile, synced=False) == "Every hour (starts after your first sync)"
        assert schedule_words(profile) == "Every hour"
        assert is_scheduled(profile)
        # The sandbox's sample never runs by itself before the user's first sync of it.
        now = datetime.now(UTC)
        assert next_check_at(profile, None, now) is None
        assert next_check_at(profile, now, now) == now + timedelta(hours=1)
    finally:
        handle.close()


def test_undo_is_refused_for_a_migration(world: World) -> None:
    world.save_profile()
    world.sync()
    with pytest.raises(ConfigError, match="not undone from ContactBridge"):
        world.service.runs.undo(world.profile_id or 0)
