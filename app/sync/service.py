"""The application service: what the GUI and the CLI ask of ContactBridge, with no Qt.

It owns the repositories, the secret store and the Constant Contact clients, and runs
profiles through the engine under a per-profile lock. ``app/application.py`` and
``app/cli.py`` build one and pass it on; nothing reaches it through a global.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.connectors.base import RequestStats
from app.connectors.constant_contact import ConstantContactClient
from app.connectors.csv_file import FileSource
from app.connectors.endpoints import ServiceUrls
from app.connectors.oauth import TokenManager, authorize_pkce
from app.core.errors import ConfigError, NeedsReconnect
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SourceKind, SourceSpec, SyncProfile
from app.core.records import ContactList
from app.core.store_types import Connection
from app.secrets.store import SecretStore
from app.store.repositories import (
    ConnectionRepository,
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)
from app.sync.engine import EngineDeps, PushEngine
from app.sync.gc_pause import gc_paused
from app.sync.locks import ProfileLock
from app.sync.progress import CancelToken, NullReporter, ProgressReporter

log = logging.getLogger(__name__)
CC_SERVICE = "constant_contact"


@dataclass(frozen=True)
class ProfileOverview:
    """A profile with its last run, for the main window's list."""

    profile: SyncProfile
    last_run: RunSummary | None


class ContactBridgeService:
    """Everything the user can do, as plain method calls.

    Args:
        home: the app's data folder (locks live under it).
        secrets: where tokens live.
        urls_for: the Constant Contact URLs for a connection (the sandbox's are per launch).
        open_browser: shows an authorization page to the user.
        client_id: the Constant Contact API key used for new connections.
    """

    def __init__(
        self,
        home: Path,
        secrets: SecretStore,
        *,
        urls_for: Callable[[Connection], ServiceUrls],
        open_browser: Callable[[str], object],
        client_id: str = "",
        sandbox: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.home = home
        self.secrets = secrets
        self.urls_for = urls_for
        self.open_browser = open_browser
        self.client_id = client_id
        self.sandbox = sandbox
        self.clock = clock
        self.profiles = ProfileRepository()
        self.runs = RunRepository()
        self.links = LinkRepository()
        self.mirror = MirrorRepository()
        self.connections = ConnectionRepository()
        self.stats = RequestStats()

    # -- profiles --------------------------------------------------------------------------

    def list_profiles(self) -> list[ProfileOverview]:
        return [ProfileOverview(p, self.runs.last_run(p.id)) for p in self.profiles.list()]

    def get_profile(self, name: str) -> SyncProfile:
        profile = self.profiles.get_by_name(name)
        if profile is None:
            names = ", ".join(f'"{p.name}"' for p in self.profiles.list()) or "none yet"
            raise ConfigError(f'There is no profile named "{name}". Profiles: {names}.')
        return profile

    def save_profile(self, profile: SyncProfile) -> SyncProfile:
        return self.profiles.save(profile)

    def delete_profile(self, profile_id: int) -> None:
        self.profiles.delete(profile_id)

    # -- sources ---------------------------------------------------------------------------

    def open_source(self, spec: SourceSpec, opt_out_column: str = "") -> FileSource:
        if spec.kind is not SourceKind.FILE:
            raise ConfigError(f"{spec.describe()} sources are coming soon.")
        if not spec.path:
            raise ConfigError("Choose a CSV or Excel file for this profile.")
        return FileSource(
            Path(spec.path),
            key_column=spec.settings.get("key_column") or None,
            opt_out_column=opt_out_column or None,
        )

    def preview_source(self, spec: SourceSpec, rows: int = 20) -> tuple[list[str], list[list[str]]]:
        return self.open_source(spec).preview(rows)

    def suggest_mapping(self, columns: list[str]) -> FieldMapping:
        return suggest_mapping(columns)

    def count_matching(self, spec: SourceSpec, filters: FilterGroup) -> tuple[int, int]:
        """How many of the source's records pass the filters: (matching, total)."""
        matching = total = 0
        for record in self.open_source(spec).iter_records():
            total += 1
            matching += filters.matches(record.values)
        return matching, total

    # -- Constant Contact ------------------------------------------------------------------

    def cc_connections(self) -> list[Connection]:
        return self.connections.list(CC_SERVICE)

    def default_connection(self) -> Connection | None:
        conns = self.cc_connections()
        return conns[0] if conns else None

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
            conn = self.connections.create(
                CC_SERVICE, label, {"client_id": self.client_id, "sandbox": self.sandbox}
            )
        else:
            conn = self.connections.get(connection_id)
        urls = self.urls_for(conn)
        token = authorize_pkce(
            auth_url=urls.auth_url,
            client_id=self.client_id,
            open_browser=self.open_browser,
            should_stop=(cancel.wait if cancel else None),
        )
        self.secrets.save_token(conn.id, token)
        self.connections.set_status(conn.id, "connected")
        client = self.cc_client(conn.id)
        summary = client.get_account_summary()
        name = summary.get("organization_name") or summary.get("contact_email") or label
        self.connections.set_account_name(conn.id, str(name))
        return self.connections.get(conn.id)

    def disconnect(self, connection_id: int) -> None:
        self.secrets.delete_token(connection_id)
        self.connections.set_status(connection_id, "disconnected")

    def cc_client(self, connection_id: int) -> ConstantContactClient:
        conn = self.connections.get(connection_id)
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
            on_needs_reconnect=lambda cid: self.connections.set_status(cid, "needs_reconnect"),
        )
        return ConstantContactClient(urls, tokens, stats=self.stats)

    def list_contact_lists(self, connection_id: int) -> list[ContactList]:
        return self.cc_client(connection_id).list_contact_lists()

    # -- runs ------------------------------------------------------------------------------

    def run_profile(
        self,
        profile_id: int,
        *,
        dry_run: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
    ) -> RunSummary:
        """Run one profile now. Raises RunLocked if it is already running anywhere."""
        profile = self.profiles.get(profile_id)
        if profile.connection_id is None:
            raise ConfigError(f'"{profile.name}" has no Constant Contact connection yet.')
        with ProfileLock(self.home / "locks", profile_id, profile.name), gc_paused():
            deps = EngineDeps(
                runs=self.runs,
                links=self.links,
                mirror=self.mirror,
                profiles=self.profiles,
                cc=self.cc_client(profile.connection_id),
                source=self.open_source(profile.source, profile.options.opt_out_column),
                connection_id=profile.connection_id,
                clock=self.clock,
            )
            engine = PushEngine(deps, reporter or NullReporter(), cancel or CancelToken())
            return engine.run(profile, dry_run=dry_run)

    def is_running(self, profile_id: int) -> bool:
        lock = ProfileLock(self.home / "locks", profile_id)
        try:
            lock.acquire()
        except Exception:
            return True
        lock.release()
        return False

    def run_results(self, run_id: int) -> list[RecordResult]:
        with gc_paused():
            return self.runs.results(run_id)

    def run_history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        return self.runs.history(profile_id, limit)
