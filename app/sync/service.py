"""The application service: what the GUI and the CLI ask of ContactBridge, with no Qt.

It owns the repositories, the secret store and the Constant Contact clients, and runs
profiles through the engine under a per-profile lock and, as NeonCRM does, one sync activity
per Constant Contact account at a time (``app/sync/locks.py``): a second one waits for the
first. ``app/application.py`` and ``app/cli.py`` build one and pass it on; nothing reaches it
through a global.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, cast

from app.connectors import registry
from app.connectors.base import RequestStats, Source, WritableSource
from app.connectors.connector import ConnectRequest, OpenRequest, SubAccount
from app.connectors.constant_contact import ConstantContactClient
from app.connectors.endpoints import ServiceUrls
from app.connectors.oauth import TokenManager, authorize_pkce
from app.core.errors import (
    AppError,
    ConfigError,
    ConflictError,
    NeedsReconnect,
    RemoteError,
    ValidationError,
)
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.records import ContactList, CustomField, Permission, SourceRecord
from app.core.settings import Preferences
from app.core.source_preview import SourcePreview
from app.core.store_types import Connection, ConnectionStatus
from app.secrets.store import SecretStore
from app.store.journal_repo import JournalRepository
from app.store.repositories import (
    ConnectionRepository,
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)
from app.store.settings_repo import SettingsRepository
from app.sync.engine import EngineDeps, PushEngine
from app.sync.gc_pause import gc_paused
from app.sync.import_errors import ImportItem, attribute_errors
from app.sync.locks import AccountLock, Activity, Holder, Origin, ProfileLock, account_key
from app.sync.planner import PlanContext, Planner, RemoteInfo
from app.sync.progress import CancelToken, NullReporter, ProgressReporter
from app.sync.result_ids import with_contact_ids
from app.sync.undo import Undo, UndoReport, undo_target

log = logging.getLogger(__name__)
CC_SERVICE = "constant_contact"


@dataclass(frozen=True)
class ProfileOverview:
    """A profile with its last sync (an undo is not one), for the main window's list;
    ``latest`` is its newest run of any kind (an undo running elsewhere, say)."""

    profile: SyncProfile
    last_run: RunSummary | None
    latest: RunSummary | None = None


@dataclass(frozen=True, slots=True)
class ListMember:
    """One contact on a Constant Contact list, as the lists manager shows it."""

    contact_id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    permission: Permission = Permission.NOT_SET


@dataclass(frozen=True)
class ListAddResult:
    """What adding source records to a list did: emails sent, and (who, why) refused."""

    added: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RunFilter:
    """Which runs a report shows: one profile or all, some statuses, a range of local days."""

    profile_id: int | None = None
    statuses: frozenset[RunStatus] = frozenset()  # empty: every status
    since: date | None = None
    until: date | None = None  # inclusive

    def matches(self, run: RunSummary) -> bool:
        if self.statuses and run.status not in self.statuses:
            return False
        if self.since is None and self.until is None:
            return True
        try:
            day = datetime.fromisoformat(run.started_at).astimezone().date()
        except ValueError:
            return False
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


MAX_LIST_ADD = 5000  # records added to a list in one go (one import activity)


class ContactBridgeService:
    """Everything the user can do, as plain method calls.

    Args:
        home: the app's data folder (locks live under it).
        secrets: where tokens live.
        urls_for: the Constant Contact URLs for a connection (the sandbox's are per launch).
        open_browser: shows an authorization page to the user.
        client_id: the Constant Contact API key used for new connections.
        source_urls: another service's URLs for a connection (the sandbox's emulators);
            default: the real service's, from the registry.
        source_client_id: the OAuth client id new connections to a service use.
        origin: which kind of process this is (the window, the command line, ``run-due``),
            so another one waiting for the same account can say what it waits for.
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
        source_urls: Callable[[str, Connection], Any] | None = None,
        source_client_id: Callable[[str], str] | None = None,
        origin: Origin = Origin.WINDOW,
    ) -> None:
        self.origin = origin
        self._source_urls = source_urls or (
            lambda kind, conn: registry.connector(kind).urls(conn.settings)
        )
        self._source_client_id = source_client_id or (
            lambda kind: registry.connector(kind).client_id()
        )
        self.home = home
        self.secrets = secrets
        self.urls_for = urls_for
        self.open_browser = open_browser
        self.client_id = client_id
        self.sandbox = sandbox
        self.clock = clock
        self.profiles = ProfileRepository()
        self.runs = RunRepository(source_words=registry.source_words)
        self.links = LinkRepository()
        self.mirror = MirrorRepository()
        self.connections = ConnectionRepository()
        self.settings = SettingsRepository()
        self.stats = RequestStats()

    # -- profiles --------------------------------------------------------------------------

    def list_profiles(self) -> list[ProfileOverview]:
        return [
            ProfileOverview(
                p,
                self.runs.last_run(p.saved_id, include_undo=False),
                self.runs.last_run(p.saved_id),
            )
            for p in self.profiles.list()
        ]

    def _profile(self, profile_id: int) -> SyncProfile:
        profile = self.profiles.get(profile_id)
        if profile is None:
            raise ConfigError("This profile no longer exists: it was deleted.")
        return profile

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

    def open_source(self, spec: SourceSpec, opt_out_column: str = "") -> Source:
        """The source a profile reads, opened by its service's connector."""
        request = OpenRequest(spec.settings, opt_out_column)
        return registry.connector(spec.kind).open_source(self, request)

    def _open_writable(self, profile: SyncProfile) -> WritableSource:
        """The profile's source, to write back to (an undo putting back what a sync wrote
        there: only a source that can be written had such writes)."""
        source = self.open_source(profile.source, profile.options.opt_out_column)
        return cast(WritableSource, source)

    def describe_source(self, spec: SourceSpec) -> str:
        """The source in a few words for lists: a file's name, a service's."""
        return registry.describe_source(spec)

    def preview_source(self, spec: SourceSpec, rows: int = 20) -> tuple[list[str], list[list[str]]]:
        columns, numbered = self.open_source(spec).numbered_preview(rows)
        return columns, [cells for _, cells in numbered]

    def source_preview(self, spec: SourceSpec, rows: int = 20) -> SourcePreview:
        """The first rows, each with its row number, and how the source was read (the
        headings below any title lines, the workbook sheet and why, a guessed encoding)."""
        return self.open_source(spec).look(rows)

    def numbered_preview(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """The columns and the first rows, each with the row number a sync's results give it."""
        return self.open_source(spec).numbered_preview(rows)

    def suggest_mapping(self, columns: list[str]) -> FieldMapping:
        """The usual spellings matched to Constant Contact fields, plus, when Settings says
        so, a custom field for every other column."""
        return self.preferences().mapping_for(columns, suggest_mapping(columns))

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
            conn = self._connection(connection_id)
        urls = self.urls_for(conn)
        token = authorize_pkce(
            auth_url=urls.auth_url,
            client_id=self.client_id,
            open_browser=self.open_browser,
            should_stop=(cancel.wait if cancel else None),
        )
        self.secrets.save_token(conn.id, token)
        self.connections.set_status(conn.id, ConnectionStatus.CONNECTED)
        client = self.cc_client(conn.id)
        summary = client.get_account_summary()
        name = summary.get("organization_name") or summary.get("contact_email") or label
        self.connections.set_account_name(conn.id, str(name))
        if summary.get("encoded_account_id"):  # which account: two connections may share one
            self.connections.update_settings(
                conn.id, {"account_id": str(summary["encoded_account_id"])}
            )
        return self._connection(conn.id)

    def disconnect(self, connection_id: int) -> None:
        """Forget the token and the account's lists and contacts kept on this computer.

        Profiles, their run history and links stay, as NeonCRM keeps imported records, so
        connecting again picks up where things were. Nothing changes in Constant Contact.
        """
        self.secrets.delete_token(connection_id)
        self.connections.purge_remote_data(connection_id)
        self.connections.set_status(connection_id, ConnectionStatus.DISCONNECTED)

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
            on_needs_reconnect=lambda cid: self.connections.set_status(
                cid, ConnectionStatus.NEEDS_RECONNECT
            ),
        )
        return ConstantContactClient(urls, tokens, stats=self.stats)

    def list_contact_lists(self, connection_id: int) -> list[ContactList]:
        return self.cc_client(connection_id).list_contact_lists()

    def list_custom_fields(self, connection_id: int) -> list[CustomField]:
        """The account's custom fields (at most 100), for the mapping page."""
        return self.cc_client(connection_id).list_custom_fields()

    def create_custom_field(self, connection_id: int, label: str) -> CustomField:
        """Create a text custom field in the account (or return the one with that label)."""
        return self.cc_client(connection_id).create_custom_field(label, "string")

    # -- the other services (``app/connectors/registry.py``) ------------------------------

    def connection(self, connection_id: int) -> Connection | None:
        return self.connections.get(connection_id)

    def connections_of(self, kind: str) -> list[Connection]:
        return self.connections.list(kind)

    def create_connection(self, kind: str, label: str, settings: Mapping[str, Any]) -> Connection:
        return self.connections.create(kind, label, dict(settings))

    def save_connection(
        self,
        connection_id: int,
        *,
        status: str | None = None,
        account_name: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Connection:
        if status is not None:
            self.connections.set_status(connection_id, ConnectionStatus(status))
        if account_name is not None:
            self.connections.set_account_name(connection_id, account_name)
        if settings is not None:
            return self.connections.update_settings(connection_id, dict(settings))
        found = self.connections.get(connection_id)
        assert found is not None
        return found

    def service_urls(self, kind: str, connection: Connection) -> Any:
        return self._source_urls(kind, connection)

    def oauth_client_id(self, kind: str) -> str:
        return self._source_client_id(kind)

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
        conn = self._connection(connection_id)
        connector = registry.connector(conn.service)
        return connector.accounts(self, conn.id) if connector.accounts else []

    def select_source_account(self, connection_id: int, account_id: str) -> Connection:
        conn = self._connection(connection_id)
        connector = registry.connector(conn.service)
        if connector.select_account is None:
            return conn
        return connector.select_account(self, conn.id, account_id)

    def _connection(self, connection_id: int) -> Connection:
        conn = self.connections.get(connection_id)
        if conn is None:
            raise ConfigError("That connection was removed. Connect again.")
        return conn

    # -- runs ------------------------------------------------------------------------------

    def run_profile(
        self,
        profile_id: int,
        *,
        dry_run: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        confirm: bool = False,
        only_keys: Sequence[str] | None = None,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> RunSummary:
        """Run one profile now. Raises RunLocked if it is already running anywhere.

        ``confirm`` lets a run go ahead that unsubscribes or removes many contacts (else
        it stops with NeedsConfirmation); ``only_keys`` limits it to some records. While
        another activity holds the profile's Constant Contact account the run waits,
        telling ``on_wait`` what for (see ``AccountLock.acquire``); ``wait=False`` raises
        ``AccountBusy`` instead, and the cancel token ends the wait with ``Cancelled``.
        """
        profile = self._profile(profile_id)
        if profile.connection_id is None:
            raise ConfigError(f'"{profile.name}" has no Constant Contact connection yet.')
        if not profile.into_constant_contact:
            destination = registry.label(profile.destination.kind)
            raise ConfigError(
                f'"{profile.name}" copies Constant Contact into {destination}, which this '
                "version of ContactBridge cannot do yet."
            )
        cancel = cancel or CancelToken()
        kind = Activity.DRY_RUN if dry_run else Activity.SYNC
        holder = Holder(Activity.RETRY if only_keys is not None else kind, profile.name)
        with (
            ProfileLock(self.home / "locks", profile_id, profile.name),
            self.account_slot(profile.connection_id, holder, wait, cancel, on_wait),
            gc_paused(),
        ):
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
            engine = PushEngine(deps, reporter or NullReporter(), cancel)
            return engine.run(profile, dry_run=dry_run, confirm=confirm, only_keys=only_keys)

    def undo_run(
        self,
        profile_id: int,
        run_id: int | None = None,
        *,
        dry_run: bool = False,
        delete_created: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> UndoReport:
        """Undo a run of the profile (default: its last completed sync), or with
        ``dry_run`` say exactly what that would restore. ``delete_created`` deletes the
        contacts the run created (the caller has confirmed it) instead of only taking
        them off its list, and removes the records it created in the source (archived in
        Xero). See ``app.sync.undo``.

        Raises:
            ConfigError: nothing to undo (see ``undo_target``); RunLocked / AccountBusy as
            for ``run_profile``.
        """
        profile = self._profile(profile_id)
        if profile.connection_id is None:
            raise ConfigError(f'"{profile.name}" has no Constant Contact connection yet.')
        journal = JournalRepository()
        target = undo_target(self.runs, journal, profile_id, run_id)
        cancel = cancel or CancelToken()
        holder = Holder(Activity.DRY_RUN if dry_run else Activity.UNDO, profile.name)
        with (
            ProfileLock(self.home / "locks", profile_id, profile.name),
            self.account_slot(profile.connection_id, holder, wait, cancel, on_wait),
        ):
            deps = EngineDeps(
                runs=self.runs,
                links=self.links,
                mirror=self.mirror,
                profiles=self.profiles,
                cc=self.cc_client(profile.connection_id),
                source=None,  # opened only when undo writes it
                connection_id=profile.connection_id,
                clock=self.clock,
                journal=journal,
            )
            undo = Undo(
                deps,
                profile,
                reporter,
                cancel,
                delete_created,
                open_source=lambda: self._open_writable(profile),
            )
            return undo.preview(target) if dry_run else undo.run(target)

    def retry_failed(
        self,
        run_id: int,
        *,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        confirm: bool = False,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> RunSummary:
        """A new run of the same profile that processes only the records that failed in
        ``run_id`` (in every direction); ``wait`` and ``on_wait`` as for ``run_profile``.

        Raises:
            ConfigError: the run had no failures, or the profile's last run is unfinished
                (sync to finish it first: a resumed run retries nothing by itself).
        """
        summary = self.runs.get(run_id)
        if summary is None:
            raise ConfigError(f"There is no run {run_id}.")
        profile = self.get_profile(summary.profile_name)
        undone = self.runs.checkpoint(run_id).get("undo_of")
        if undone is not None:
            raise ConfigError(
                f"Run {run_id} was an undo of run {undone}: undo run {undone} again to put back "
                "what it could not, rather than syncing those records again."
            )
        keys = sorted({k for ks in self.runs.failed_keys_by_direction(run_id).values() for k in ks})
        if not keys:
            raise ConfigError("Nothing to retry: no record failed in that run.")
        if self.runs.resumable_run(profile.saved_id) is not None:
            raise ConfigError(
                f'The last sync of "{profile.name}" did not finish. Sync it to finish it '
                "first; then retry what still failed."
            )
        return self.run_profile(
            profile.saved_id,
            reporter=reporter,
            cancel=cancel,
            confirm=confirm,
            only_keys=keys,
            wait=wait,
            on_wait=on_wait,
        )

    def last_failed_run(self, profile_id: int) -> RunSummary | None:
        """The profile's latest real run, when some of its records failed."""
        last = self.runs.last_run(profile_id, include_dry_runs=False)
        return last if last is not None and last.counts.failed else None

    def is_running(self, profile_id: int) -> bool:
        """Whether the profile is running (or waiting to) anywhere, this process included."""
        lock = ProfileLock(self.home / "locks", profile_id)
        try:
            lock.acquire()
        except Exception:
            return True
        lock.release()
        return False

    def account_lock(self, connection_id: int) -> AccountLock:
        """The lock of the Constant Contact account a connection signs in to.

        Keyed by the account's id when the store knows it (saved at connect time), so two
        connections to one account share it; else by the connection. A connection made
        before ids were saved learns its id here once, when there are several connections
        (with one, the connection is the account).
        """
        conn = self.connections.get(connection_id)
        settings = conn.settings if conn is not None else {}
        if conn is not None and not settings.get("account_id") and len(self.cc_connections()) > 1:
            try:
                found = self.cc_client(connection_id).get_account_summary()
            except AppError as exc:  # offline, not connected: the connection id will do
                log.info("account of connection %s unknown: %s", connection_id, exc)
            else:
                if found.get("encoded_account_id"):
                    conn = self.connections.update_settings(
                        connection_id, {"account_id": str(found["encoded_account_id"])}
                    )
                    settings = conn.settings
        return AccountLock(self.home / "locks", account_key(connection_id, settings))

    @contextmanager
    def account_slot(
        self,
        connection_id: int,
        holder: Holder,
        wait: bool = True,
        cancel: CancelToken | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> Iterator[None]:
        """Hold the connection's Constant Contact account for a ``with`` block, waiting for
        any other sync activity on it first (see ``AccountLock.acquire``)."""
        holder = replace(holder, origin=self.origin)
        with self.account_lock(connection_id).holding(
            holder, wait=wait, cancel=cancel, on_wait=on_wait
        ):
            yield

    def live_run_ids(self, runs: Iterable[RunSummary]) -> frozenset[int]:
        """Which of ``runs`` are still in progress, here or in another process.

        A run's row says "running" from its start until it stops, so a row left running by a
        process that died looks the same as a live one. The profile's lock tells them apart:
        it is held for as long as the run's process lives (an OS lock dies with it). A live
        run is the newest running row of a profile whose lock is held; every other running
        row was interrupted.
        """
        unfinished = (RunStatus.RUNNING, RunStatus.PENDING)
        names = {run.profile_name for run in runs if run.status in unfinished}
        live: set[int] = set()
        for profile in self.profiles.list() if names else ():
            if profile.name in names and profile.id is not None and self.is_running(profile.id):
                newest = (r.run_id for r in self.runs.history(profile.id) if r.status in unfinished)
                live.update(islice(newest, 1))
        return frozenset(live)

    def run_results(self, run_id: int) -> list[RecordResult]:
        """The run's records; a blank Constant Contact id is filled from the mirror."""
        with gc_paused():
            rows = self.runs.results(run_id)
            return with_contact_ids(rows, self.mirror, self.runs.connection_of(run_id))

    def run_history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        return self.runs.history(profile_id, limit)

    # -- lists (the lists manager) ---------------------------------------------------------

    def all_connections(self) -> list[Connection]:
        return self.connections.list()

    def create_contact_list(self, connection_id: int, name: str) -> ContactList:
        """Create a list; a name already in use is refused (list names are unique)."""
        name = " ".join(name.split())
        taken = ValidationError(f"There is already a list named “{name}”. Choose another name.")
        client = self.cc_client(connection_id)
        if client.find_list_by_name(name) is not None:  # create_list would return it
            raise taken
        try:
            return client.create_list(name)
        except ConflictError as exc:  # the same name in other letter case
            raise taken from exc

    def rename_contact_list(
        self, connection_id: int, list_id: str, old_name: str, new_name: str
    ) -> ContactList:
        """Rename a list, and the main list of the profiles that send to it."""
        new_name = " ".join(new_name.split())
        try:
            renamed = self.cc_client(connection_id).rename_list(list_id, new_name)
        except ConflictError as exc:
            raise ValidationError(
                f"There is already a list named “{new_name}”. Choose another name.",
                details=exc.details,
            ) from exc
        for profile in self.profiles_using_list(connection_id, old_name):
            self.profiles.save(profile.with_changes(main_list=renamed.name))
        return renamed

    def profiles_using_list(self, connection_id: int, list_name: str) -> list[SyncProfile]:
        """The profiles whose main list this is (profiles name their list, capitals aside)."""
        return [
            p
            for p in self.profiles.list()
            if p.connection_id == connection_id
            and p.main_list.casefold() == list_name.casefold()  # names ignore capitals
        ]

    def delete_contact_list(
        self,
        connection_id: int,
        list_id: str,
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Delete a list and wait until Constant Contact is done; its contacts stay.

        Waits first while a sync holds the account (``on_wait`` as for ``run_profile``).
        """
        holder = Holder(Activity.LIST_DELETE, subject=list_name)
        with self.account_slot(connection_id, holder, True, cancel, on_wait):
            client = self.cc_client(connection_id)
            activity = client.delete_list(list_id)
            if activity:
                client.wait_for_activity(activity, should_stop=cancel.wait if cancel else None)

    def list_members(
        self, connection_id: int, list_id: str, cancel: CancelToken | None = None
    ) -> list[ListMember]:
        members = []
        for n, c in enumerate(self.cc_client(connection_id).iter_list_members(list_id)):
            if cancel is not None and n % 500 == 0:
                cancel.raise_if_cancelled()
            members.append(
                ListMember(
                    c.contact_id,
                    c.email,
                    c.fields.get("first_name", ""),
                    c.fields.get("last_name", ""),
                    c.permission,
                )
            )
        return members

    def source_records(self, profile_id: int, limit: int = 1000) -> list[SourceRecord]:
        """The first ``limit`` records of a profile's source, opt-out marks included."""
        profile = self._profile(profile_id)
        source = self.open_source(profile.source, profile.options.opt_out_column)
        return list(islice(source.iter_records(), limit))

    def add_records_to_list(
        self,
        connection_id: int,
        list_id: str,
        profile_id: int,
        records: Sequence[SourceRecord],
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> ListAddResult:
        """Send source records to a list with the profile's mapping, by bulk import.

        Records are planned as a sync would plan them, without the profile's filters (the
        user picked them): no email, an invalid one, a duplicate, an opt-out in the source
        and a contact unsubscribed in Constant Contact are refused, each with its reason.
        So is a row the import itself refused: its activity errors name the email.
        Waits first while a sync holds the account (``on_wait`` as for ``run_profile``).
        """
        if len(records) > MAX_LIST_ADD:
            raise ValidationError(f"Add at most {MAX_LIST_ADD:,} records at a time.")
        holder = Holder(Activity.LIST_ADD, subject=list_name)
        with self.account_slot(connection_id, holder, True, cancel, on_wait):
            return self._add_records_to_list(connection_id, list_id, profile_id, records, cancel)

    def _add_records_to_list(
        self,
        connection_id: int,
        list_id: str,
        profile_id: int,
        records: Sequence[SourceRecord],
        cancel: CancelToken | None,
    ) -> ListAddResult:
        profile = self._profile(profile_id)
        client = self.cc_client(connection_id)
        # Only the person can opt back in: never put an unsubscribed contact on a list.
        unsubscribed = RemoteInfo("", Permission.UNSUBSCRIBED.value, False)
        remote = {
            c.email.lower(): unsubscribed for c in client.iter_contacts(status="unsubscribed")
        }
        options = replace(profile.options, opt_out_handling=OptOutHandling.SKIP)
        planner = Planner(
            PlanContext(profile.with_changes(filters=FilterGroup(), options=options), remote=remote)
        )
        items: list[dict[str, str]] = []
        sent: list[ImportItem] = []  # each item's record: its place in the import, its row
        refused = []
        for record in records:
            plan = planner.plan(record)
            if plan.item is None:
                refused.append((plan.email or f"Row {record.row}", plan.reason))
            else:
                sent.append(ImportItem(len(items), record.row, plan.email))
                items.append(dict(plan.item))
        failed: dict[int, str] = {}
        if items:
            activity = client.start_contacts_import(items, [list_id])
            status = client.wait_for_activity(activity, should_stop=cancel.wait if cancel else None)
            if not status.succeeded:
                raise RemoteError(
                    "Constant Contact could not add these contacts to the list.",
                    body="\n".join(status.errors),
                )
            failed = attribute_errors(status.errors, sent)  # "Row 14: ... refused it: ..."
        refused.extend((items[i]["email"], why) for i, why in sorted(failed.items()))
        kept = [item for i, item in enumerate(items) if i not in failed]
        added = tuple(i["email"] for i in kept)
        # Every profile on the account sees them at once (see MirrorRepository.record_import).
        self.mirror.record_import(connection_id, kept, list_id)
        return ListAddResult(added, tuple(refused))

    def remove_list_members(
        self,
        connection_id: int,
        list_id: str,
        contact_ids: Sequence[str],
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> int:
        """Take contacts off a list (they stay in the account); returns how many.

        Waits first while a sync holds the account (``on_wait`` as for ``run_profile``).
        """
        holder = Holder(Activity.LIST_REMOVE, subject=list_name)
        with self.account_slot(connection_id, holder, True, cancel, on_wait):
            client = self.cc_client(connection_id)
            activity = client.remove_list_memberships([list_id], list(contact_ids))
            if activity:
                client.wait_for_activity(activity, should_stop=cancel.wait if cancel else None)
            self.mirror.remove_from_list(connection_id, contact_ids, list_id)
        return len(contact_ids)

    # -- reports and preferences -----------------------------------------------------------

    def run_reports(self, run_filter: RunFilter, limit: int = 200) -> list[RunSummary]:
        """Runs across profiles (or of one), newest first, that pass the filter."""
        profiles = [
            p
            for p in self.profiles.list()
            if run_filter.profile_id is None or p.id == run_filter.profile_id
        ]
        runs = [
            r
            for p in profiles
            for r in self.runs.history(p.saved_id, limit)
            if run_filter.matches(r)
        ]
        runs.sort(key=lambda r: (r.started_at, r.run_id), reverse=True)
        return runs

    def preferences(self) -> Preferences:
        return self.settings.load()

    def save_preferences(self, prefs: Preferences) -> None:
        self.settings.save(prefs)

    def new_profile_options(self, base: SyncOptions | None = None) -> SyncOptions:
        """The options a new profile starts from: the Settings dialog's defaults."""
        return self.preferences().sync_options(base)
