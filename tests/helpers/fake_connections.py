"""``ConnectionsApi`` in memory: connections in a list, sign-ins that answer at once, and
what a connector may ask of the app (``ConnectorHost``) with secrets in memory."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from app.connectors.base import RequestStats
from app.connectors.connector import SubAccount
from app.core.errors import Cancelled, ConfigError
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.records import CustomField
from app.core.store_types import Connection, ConnectionStatus
from app.secrets.store import SecretStore
from app.sync.facade.connections import CC_SERVICE
from app.sync.progress import CancelToken

ACCOUNT_NAME = "Sandbox Bakery"


def cc_connection(
    label: str = "Sandbox Constant Contact",
    status: ConnectionStatus = ConnectionStatus.CONNECTED,
    connection_id: int = 1,
) -> Connection:
    return Connection(connection_id, CC_SERVICE, label, ACCOUNT_NAME, status)


class FakeConnections:
    """Saved connections; signing in adds one (or reconnects the one named).

    Attributes:
        connections: every connection, oldest first.
        connect_gate: when set to an Event, a sign-in waits for it (a test looks meanwhile).
        connect_error: raised by a sign-in when set.
        connect_calls: (label, connection_id) of each Constant Contact sign-in.
        fields: the account's custom fields.
        browsed: the pages a connector asked to show in the browser.
    """

    def __init__(self, *connections: Connection, sandbox: bool = True) -> None:
        self.sandbox = sandbox
        self.stats = RequestStats()
        self.secrets = SecretStore()  # in memory
        self.browsed: list[str] = []
        self.connections: list[Connection] = list(connections)
        self.connect_gate: threading.Event | None = None
        self.connect_error: Exception | None = None
        self.connect_calls: list[tuple[str, int | None]] = []
        self.fields: list[CustomField] = []

    def set_status(self, status: ConnectionStatus | None) -> None:
        """The Constant Contact connection's state; None: there is none."""
        if status is None:
            self.connections = [c for c in self.connections if c.service != CC_SERVICE]
        else:
            self.connections = [
                replace(c, status=status) if c.service == CC_SERVICE else c
                for c in self.connections
            ]

    def _signed_in(self, conn: Connection) -> Connection:
        self.connections = [conn if c.id == conn.id else c for c in self.connections]
        if conn not in self.connections:
            self.connections.append(conn)
        return conn

    def _sign_in(self, cancel: CancelToken | None) -> None:
        if self.connect_gate is not None:
            while not self.connect_gate.wait(0.01):
                pass
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if self.connect_error is not None:
            raise self.connect_error

    # -- ConnectionsApi ----------------------------------------------------------------------

    def cc_connections(self) -> list[Connection]:
        return [c for c in self.connections if c.service == CC_SERVICE]

    def default_connection(self) -> Connection | None:
        conns = self.cc_connections()
        return conns[0] if conns else None

    def all(self) -> list[Connection]:
        return list(self.connections)

    def connection(self, connection_id: int) -> Connection | None:
        return next((c for c in self.connections if c.id == connection_id), None)

    def connections_of(self, kind: str) -> list[Connection]:
        return [c for c in self.connections if c.service == kind]

    def connect_constant_contact(
        self,
        label: str = "Constant Contact",
        cancel: CancelToken | None = None,
        connection_id: int | None = None,
    ) -> Connection:
        self.connect_calls.append((label, connection_id))
        self._sign_in(cancel)
        found = self.connection(connection_id) if connection_id is not None else None
        if found is not None:
            return self._signed_in(replace(found, status=ConnectionStatus.CONNECTED))
        new_id = max((c.id for c in self.connections), default=0) + 1
        return self._signed_in(cc_connection(label, connection_id=new_id))

    def connect_source(
        self,
        kind: str,
        label: str = "",
        cancel: CancelToken | None = None,
        connection_id: int | None = None,
        account_id: str | None = None,
        *,
        options: Mapping[str, Any] | None = None,
    ) -> Connection:
        self._sign_in(cancel)
        new_id = max((c.id for c in self.connections), default=0) + 1
        conn = Connection(
            connection_id or new_id,
            kind,
            label or kind,
            f"{kind} account",
            ConnectionStatus.CONNECTED,
            {"account_id": account_id} if account_id else {},
        )
        return self._signed_in(conn)

    def source_accounts(self, connection_id: int) -> list[SubAccount]:
        return []  # one account per sign-in here

    def select_source_account(self, connection_id: int, account_id: str) -> Connection:
        conn = self.connection(connection_id)
        if conn is None:
            raise ConfigError("That connection was removed. Connect again.")
        return self._signed_in(replace(conn, settings={**conn.settings, "account_id": account_id}))

    def disconnect(self, connection_id: int) -> None:
        conn = self.connection(connection_id)
        if conn is not None:
            self._signed_in(replace(conn, status=ConnectionStatus.DISCONNECTED))

    def custom_fields(self, connection_id: int) -> list[CustomField]:
        return list(self.fields)

    def create_custom_field(self, connection_id: int, label: str) -> CustomField:
        found = next((f for f in self.fields if f.label.casefold() == label.casefold()), None)
        if found is None:
            n = len(self.fields) + 1
            found = CustomField(f"cf{n}", label.lower().replace(" ", "_"), label)
            self.fields.append(found)
        return found

    # -- ConnectorHost -----------------------------------------------------------------------

    def open_browser(self, url: str) -> object:
        self.browsed.append(url)
        return None

    def create_connection(self, kind: str, label: str, settings: Mapping[str, Any]) -> Connection:
        new_id = max((c.id for c in self.connections), default=0) + 1
        return self._signed_in(Connection(new_id, kind, label, settings=dict(settings)))

    def save_connection(
        self,
        connection_id: int,
        *,
        status: str | None = None,
        account_name: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Connection:
        conn = self.connection(connection_id)
        assert conn is not None
        if status is not None:
            conn = replace(conn, status=ConnectionStatus(status))
        if account_name is not None:
            conn = replace(conn, account_name=account_name)
        if settings is not None:
            conn = replace(conn, settings={**conn.settings, **settings})
        return self._signed_in(conn)

    def service_urls(self, kind: str, connection: Connection) -> Any:
        return None  # the fake's services answer nowhere: their tests use the sandbox

    def oauth_client_id(self, kind: str) -> str:
        return "test-client"

    def suggest_mapping(self, columns: list[str]) -> FieldMapping:
        return suggest_mapping(columns)
