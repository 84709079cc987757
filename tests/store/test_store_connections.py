"""ConnectionRepository: saved service accounts, and no secrets in SQLite."""

from __future__ import annotations

import pytest

from app.core.errors import BugError, ConfigError
from app.core.store_types import Connection, ConnectionStatus
from app.store.repositories import ConnectionRepository


def test_create_get_list(connections: ConnectionRepository) -> None:
    cc = connections.create(
        "constant_contact", "Shop", {"api_url": "https://api", "client_id": "id"}
    )
    xero = connections.create("xero", "Books", status=ConnectionStatus.CONNECTED)

    assert isinstance(cc, Connection) and cc.id > 0
    assert cc.status is ConnectionStatus.DISCONNECTED
    assert cc.settings == {"api_url": "https://api", "client_id": "id"}
    assert cc.created_at and cc.created_at == cc.updated_at
    assert connections.get(cc.id) == cc
    assert connections.get(999) is None
    assert connections.list() == [xero, cc]  # by label
    assert connections.list("xero") == [xero]


def test_updates(connections: ConnectionRepository) -> None:
    conn = connections.create("constant_contact", "Shop", {"a": 1, "b": 2})
    connections.set_status(conn.id, ConnectionStatus.NEEDS_RECONNECT)
    connections.set_account_name(conn.id, "owner@shop.example")
    connections.set_label(conn.id, "The shop")
    updated = connections.update_settings(conn.id, {"b": None, "c": 3})

    assert updated.settings == {"a": 1, "c": 3}
    again = connections.get(conn.id)
    assert again == updated
    assert again.status is ConnectionStatus.NEEDS_RECONNECT  # type: ignore[union-attr]
    assert (again.account_name, again.label) == ("owner@shop.example", "The shop")  # type: ignore[union-attr]

    connections.delete(conn.id)
    assert connections.get(conn.id) is None
    with pytest.raises(ConfigError):
        connections.update_settings(conn.id, {"a": 2})


@pytest.mark.parametrize("key", ["access_token", "refresh_token", "client_secret", "Password"])
def test_secrets_are_refused(connections: ConnectionRepository, key: str) -> None:
    with pytest.raises(BugError, match="secret"):
        connections.create("constant_contact", "Shop", {key: "x"})
    conn = connections.create("constant_contact", "Shop")
    with pytest.raises(BugError):
        connections.update_settings(conn.id, {key: "x"})
    assert connections.get(conn.id).settings == {}  # type: ignore[union-attr]
