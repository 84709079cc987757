"""Connections: signing in to Constant Contact and the other services, and what a connector
may ask of the app (``ConnectorHost``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.connectors import registry
from app.connectors.base import RequestStats
from app.connectors.connector import ConnectRequest, SubAccount
from app.connectors.constant_contact import ConstantContactClient
from app.connectors.endpoints import ServiceUrls
from app.connectors.oauth import TokenManager, authorize_pkce
from app.core.errors import ConfigError, NeedsReconnect
from app.core.mapping import FieldMapping
from app.core.records import CustomField
from app.core.store_types import Connection, ConnectionStatus
from app.secrets.store import SecretStore
from app.sync.facade.profiles import suggested_mapping
from app.sync.facade.store import Store
from app.sync.progress import CancelToken

CC_SERVICE = "constant_contact"


class Connections:
    """The saved connections: their rows in the store, their tokens in the keyring.

    Implements ``ConnectionsApi`` for the app and ``ConnectorHost`` for the connectors
    (``app/connectors/connector.py``): a connector signs in, opens its source and keeps
    its settings through this object, never through the database or the keyring itself.

    Args:
        store: the repositories.
        secrets: where tokens live.
        urls_for: the Constant Contact URLs for a connection (the sandbox's are per launch).
        open_browser: shows an authorization page to the user.
        client_id: the Constant Contact API key used for new connections.
        sandbox: whether this is the sandbox (connections made here say so).
        stats: the requests made, by endpoint, shared by every client.
        source_urls: another service's URLs for a connection (the sandbox's emulators);
            default: the real service's, from the registry.
        source_client_id: the OAuth client id new connections to a service use.
    """

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        *,
        urls_for: Callable[[Connection], ServiceUrls],
        open_browser: Callable[[str], object],
        client_id: str = "",
        sandbox: bool = False,
        stats: RequestStats | None = None,
        source_urls: Callable[[str, Connection], Any] | None = None,
        source_client_id: Callable[[str], str] | None = None,
    ) -> None:
        self._store = store
        self._rows = store.connections
        self.secrets = secrets
        self.urls_for = urls_for
        self._open_browser = open_browser
        self.client_id = client_id
        self.sandbox = sandbox
        self.stats = stats if stats is not None else RequestStats()
        self._source_urls = source_urls or (
            lambda kind, conn: registry.connector(kind).urls(conn.settings)
        )
        self._source_client_id = source_client_id or (
            lambda kind: registry.connector(kind).client_id()
        )

    # -- the connections ---------------------------------------------------------------------

    def cc_connections(self) -> list[Connection]:
        return self._rows.list(CC_SERVICE)

    def default_connection(self) -> Connection | None:
        conns = self.cc_connections()
        return conns[0] if conns else None

    def all(self) -> list[Connection]:
        return self._rows.list()

    def connection(self, connection_id: int) -> Connection | None:
        return self._rows.get(connection_id)

    def connections_of(self, kind: str) -> list[Connection]:
        return self._rows.list(kind)

    def require(self, connection_id: int) -> Connection:
        """The connection; ``ConfigError`` when it was removed."""
        conn = self._rows.get(connection_id)
        if conn is None:
            raise ConfigError("That connection was removed. Connect again.")
        return conn

    # -- Constant Contact --------------------------------------------------------------------

    def connect_constant_contact(
        self,
        label: str = "Constant Contact",
        cancel: CancelToken | None = None,
        connection_id: int | None = None,
    ) -> Connection:
        """Authorize in the browser (PKCE) and save the token in the keyring."""
        if not self.client_id:
            raise ConfigError(
                "Enter your Constant Contact API key first (see Help > Getting an API key)."
            )
        if connection_id is None:
            conn = self._rows.create(
                CC_SERVICE, label, {"client_id": self.client_id, "sandbox": self.sandbox}
            )
        else:
            conn = self.require(connection_id)
        urls = self.urls_for(conn)
        token = authorize_pkce(
            auth_url=urls.auth_url,
            client_id=self.client_id,
            open_browser=self._open_browser,
            should_stop=(cancel.wait if cancel else None),
        )
        self.secrets.save_token(conn.id, token)
        self._rows.set_status(conn.id, ConnectionStatus.CONNECTED)
        client = self.cc_client(conn.id)
        summary = client.get_account_summary()
        name = summary.get("organization_name") or summary.get("contact_email") or label
        self._rows.set_account_name(conn.id, str(name))
        if summary.get("encoded_account_id"):  # which account: two connections may share one
            self._rows.update_settings(conn.id, {"account_id": str(summary["encoded_account_id"])})
        return self.require(conn.id)

    def disconnect(self, connection_id: int) -> None:
        """Forget the token and the account's lists and contacts kept on this computer (for
        another service's connection, what its screens kept: its connector's
        ``local_settings``).

        Profiles, their run history and links stay, as NeonCRM keeps imported records, so
        connecting again picks up where things were. Nothing changes in Constant Contact.
        """
        self.secrets.delete_token(connection_id)
        self._rows.purge_remote_data(connection_id)
        conn = self._rows.get(connection_id)
        if conn is not None and conn.service != CC_SERVICE:
            keys = self._local_settings(conn.service)
            if keys:  # what the service's own screens kept about its records
                self._rows.update_settings(connection_id, dict.fromkeys(keys))
        self._rows.set_status(connection_id, ConnectionStatus.DISCONNECTED)

    @staticmethod
    def _local_settings(kind: str) -> tuple[str, ...]:
        try:
            return registry.connector(kind).local_settings
        except ConfigError:  # a service this version does not offer: nothing of its kept
            return ()

    def cc_client(self, connection_id: int) -> ConstantContactClient:
        """A client of the connection's Constant Contact account, its token refreshed as
        needed (a refused refresh marks the connection "needs reconnect")."""
        conn = self._rows.get(connection_id)
        if conn is None:
            raise ConfigError("This profile's Constant Contact connection was removed.")
        if self.secrets.load_token(conn.id) is None:
            raise NeedsReconnect("Connect to Constant Contact to continue.")
        urls = self.urls_for(conn)
        tokens = TokenManager(
            connection_id=conn.id,
            token_store=self.secrets,
            client_id=str(conn.settings.get("client_id") or self.client_id),
            token_url=urls.auth_url + "/token",
            on_needs_reconnect=lambda cid: self._rows.set_status(
                cid, ConnectionStatus.NEEDS_RECONNECT
            ),
        )
        return ConstantContactClient(urls, tokens, stats=self.stats)

    def custom_fields(self, connection_id: int) -> list[CustomField]:
        """The account's custom fields (at most 100), for the mapping page."""
        return self.cc_client(connection_id).list_custom_fields()

    def create_custom_field(self, connection_id: int, label: str) -> CustomField:
        """Create a text custom field in the account (or return the one with that label)."""
        return self.cc_client(connection_id).create_custom_field(label, "string")

    # -- the other services (``app/connectors/registry.py``) ---------------------------------

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
        """Sign in to a service (in the browser, or with what its form asked for) and save
        the connection, its secrets in the keyring; ``account_id`` picks one of the accounts
        the sign-in allows; ``options`` carries the form's answers (see ``ConnectRequest``)."""
        connector = registry.connector(kind)
        if connector.connect is None:
            raise ConfigError(f"{connector.label} needs no connection.")
        request = ConnectRequest(
            label or connector.label,
            connection_id=connection_id,
            account_id=account_id,
            should_stop=cancel.wait if cancel else None,
            options=dict(options or {}),
        )
        return connector.connect(self, request)

    def source_accounts(self, connection_id: int) -> list[SubAccount]:
        """The accounts a connection's sign-in allows (a CRM's organisations), if several."""
        conn = self.require(connection_id)
        connector = registry.connector(conn.service)
        return connector.accounts(self, conn.id) if connector.accounts else []

    def select_source_account(self, connection_id: int, account_id: str) -> Connection:
        conn = self.require(connection_id)
        connector = registry.connector(conn.service)
        if connector.select_account is None:
            return conn
        return connector.select_account(self, conn.id, account_id)

    # -- what a connector may ask (``ConnectorHost``) ----------------------------------------

    def open_browser(self, url: str) -> object:
        return self._open_browser(url)

    def create_connection(self, kind: str, label: str, settings: Mapping[str, Any]) -> Connection:
        return self._rows.create(kind, label, dict(settings))

    def save_connection(
        self,
        connection_id: int,
        *,
        status: str | None = None,
        account_name: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Connection:
        if status is not None:
            self._rows.set_status(connection_id, ConnectionStatus(status))
        if account_name is not None:
            self._rows.set_account_name(connection_id, account_name)
        if settings is not None:
            return self._rows.update_settings(connection_id, dict(settings))
        found = self._rows.get(connection_id)
        assert found is not None
        return found

    def service_urls(self, kind: str, connection: Connection) -> Any:
        return self._source_urls(kind, connection)

    def oauth_client_id(self, kind: str) -> str:
        return self._source_client_id(kind)

    def suggest_mapping(self, columns: list[str]) -> FieldMapping:
        return suggested_mapping(self._store.settings, columns)
