"""What a service registers (``Connector``), and what the app lends it (``ConnectorHost``).

A service is one folder in ``app/connectors/`` and one in ``app/sandbox/``. Its folder exports
one ``Connector``; ``app/connectors/registry.py`` lists them, and nothing else in the app names
a service: the engine, the wizard, the connections manager and the sandbox start-up ask the
registry. The steps to add one are in ``app/connectors/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.connectors.base import (
    Destination,
    RequestStats,
    Source,
    SourceCapabilities,
    TokenStore,
)
from app.core.mapping import FieldMapping
from app.core.profiles import SyncProfile
from app.core.store_types import Connection


class ConnectorHost(Protocol):
    """What a connector may ask of the app (``service.connections`` provides it).

    It owns the connection rows (SQLite, no secrets) and the token store (the keyring); a
    connector keeps its own settings in ``Connection.settings`` and its secrets in tokens.
    """

    sandbox: bool
    stats: RequestStats

    @property
    def secrets(self) -> TokenStore: ...

    def open_browser(self, url: str) -> object: ...

    def connection(self, connection_id: int) -> Connection | None: ...

    def connections_of(self, kind: str) -> list[Connection]: ...

    def create_connection(
        self, kind: str, label: str, settings: Mapping[str, Any]
    ) -> Connection: ...

    def save_connection(
        self,
        connection_id: int,
        *,
        status: str | None = None,
        account_name: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Connection: ...

    def service_urls(self, kind: str, connection: Connection) -> Any:
        """The service's URLs for a connection: the sandbox's emulator, the environment's
        override, or the real service (``Connector.urls`` of the connection's settings)."""

    def oauth_client_id(self, kind: str) -> str:
        """The OAuth client id (API key) new connections to the service use."""

    def suggest_mapping(self, columns: list[str]) -> FieldMapping:
        """The mapping a new profile starts with (with the user's preferences applied)."""


@dataclass(frozen=True)
class SubAccount:
    """One of several accounts a sign-in may use (a Xero organisation, a business)."""

    account_id: str
    name: str


@dataclass(frozen=True)
class ConnectRequest:
    """What the user asked for when connecting: a label, which account, where to save.

    ``options`` is what the service's own form asked for, for services that sign in without
    a browser: a region, an application id, and secrets (an API key, a password). The
    connector keeps the secrets in ``host.secrets`` (the keyring) only, never in the
    connection's settings; they never show in this request's ``repr`` either. Empty on a
    reconnect: the connector uses what it saved.
    """

    label: str
    connection_id: int | None = None  # reconnect this connection instead of adding one
    account_id: str | None = None  # pick this sub-account (else the first)
    should_stop: Callable[[float], bool] | None = None  # Cancel in the window
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class OpenRequest:
    """A profile's source settings, and the profile-level choices a source needs."""

    settings: Mapping[str, Any]
    opt_out_column: str = ""


@dataclass(frozen=True)
class SandboxSpec:
    """How the sandbox runs a service with sample data.

    Attributes:
        emulator: ``"module:function"`` in ``app/sandbox`` that starts the service's emulator
            on a state file (``path, enforce_limits, with_samples``) and returns it, started,
            with a ``stop()``; "" when the service needs none (a file). The sandbox start-up
            imports it by name, so the connector never imports its emulator.
        emulator_urls: the URLs of a started emulator, as ``Connector.urls`` gives them.
        env_urls: the URLs environment variables name (an emulator run elsewhere), or None.
        env_names: those variables, for the message when nothing answers there.
        prepare: after Constant Contact is connected: connect to the emulator and return the
            sample profiles to add on first use (host, Constant Contact connection id, the
            sandbox's home folder, with_samples).
        bench: the service's own measured scenario, ``sandbox bench --scenario <kind>``:
            given an open sandbox (its service and emulators, without samples) and a size,
            it runs and returns ``runs`` (each ``run``, ``status``, ``wall_seconds``,
            ``counts`` and ``requests``: service name -> endpoint -> requests) and
            ``figures`` (``(name, value, target or None)``); None for no scenario.
    """

    emulator: str = ""
    emulator_urls: Callable[[Any], Any] = lambda emulator: None
    env_urls: Callable[[], Any] = lambda: None
    env_names: tuple[str, ...] = ()
    prepare: Callable[[ConnectorHost, int, Path, bool], Sequence[SyncProfile]] = (
        lambda host, cc_id, samples, with_samples: ()
    )
    bench: Callable[[Any, int], Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class Connector:
    """One service ContactBridge syncs with Constant Contact.

    Attributes:
        kind: the id stored in profiles and connections ("file", "xero"); never changes.
        label: the choice in the wizard ("CSV or Excel file").
        name: the service in sentences ("Xero"); "" reads "the source" (a file).
        capabilities: what its source can do besides being read.
        open_source: the source a profile reads (raises ``ConfigError`` in plain words).
        describe: the source in a few words for lists ("customers.csv"); default: ``label``.
        needs_connection: whether profiles pick a saved connection (a sign-in).
        connect: signs in and saves a connection (None: no sign-in).
        accounts: the sub-accounts a connection's sign-in allows (None: only one).
        select_account: switches a connection to another sub-account.
        urls: the real service's URLs for a connection's settings.
        client_id: the OAuth client id for new connections (e.g. from the environment).
        panel: its UI package in ``app/ui/services`` (its wizard panel and connection
            words; see ``app/ui/service_views.py``); "" for none.
        two_way_minutes: how often a two-way profile checks the service for changes.
        opt_out_note: how the service marks people who opted out, for the wizard; ""
            when the user picks an opt-out column instead (a file).
        sandbox: how the sandbox runs it.
        open_destination: for a service Constant Contact's contacts can be copied into (a
            migration profile's destination): the destination a profile writes to, from
            the profile's destination settings. None: the service is only a source.
        local_settings: the connection settings that hold what this computer keeps about
            the service's records (NeonCRM's linked lists, its accounts' last pushes);
            disconnecting forgets them. The service's records themselves are never touched.
    """

    kind: str
    label: str
    name: str
    capabilities: SourceCapabilities
    open_source: Callable[[ConnectorHost, OpenRequest], Source]
    describe: Callable[[Mapping[str, Any]], str] | None = None
    needs_connection: bool = True
    connect: Callable[[ConnectorHost, ConnectRequest], Connection] | None = None
    accounts: Callable[[ConnectorHost, int], list[SubAccount]] | None = None
    select_account: Callable[[ConnectorHost, int, str], Connection] | None = None
    urls: Callable[[Mapping[str, Any]], Any] = lambda settings: None
    client_id: Callable[[], str] = lambda: ""
    panel: str = ""
    two_way_minutes: int = 30
    opt_out_note: str = ""
    sandbox: SandboxSpec = field(default_factory=SandboxSpec)
    open_destination: Callable[[ConnectorHost, OpenRequest], Destination] | None = None
    local_settings: tuple[str, ...] = ()

    @property
    def is_destination(self) -> bool:
        """Whether profiles copy Constant Contact into it (rather than read it)."""
        return self.open_destination is not None

    @property
    def writable(self) -> bool:
        """Whether ContactBridge writes back to it (two-way profiles)."""
        caps = self.capabilities
        return caps.create or caps.update or caps.opt_out

    def describe_source(self, settings: Mapping[str, Any]) -> str:
        return self.describe(settings) if self.describe else self.label


def connection_for(
    host: ConnectorHost, kind: str, settings: Mapping[str, Any], what: str
) -> Connection:
    """The connection a profile's settings name (``connection_id``), else the service's first.

    Raises:
        ConfigError: none is saved; ``what`` says what to connect ("Connect to Xero first").
    """
    from app.core.errors import ConfigError

    wanted = settings.get("connection_id")
    conns = host.connections_of(kind)
    conn = next((c for c in conns if c.id == wanted), None) if wanted else None
    conn = conn or (None if wanted else next(iter(conns), None))
    if conn is None:
        raise ConfigError(what)
    return conn
