"""Runs: syncs, dry runs, retries and undos of a profile, under its lock and its Constant
Contact account's, and what each run left (history, results).

A profile runs once at a time anywhere, and, as NeonCRM does, one sync activity holds a
Constant Contact account at a time (``app/sync/locks.py``): a second one waits for the first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import cast

from app.connectors import registry
from app.connectors.base import Source, WritableSource
from app.core.errors import AppError, ConfigError
from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.core.profiles import SyncProfile
from app.store.journal_repo import JournalRepository
from app.sync.engine import EngineDeps, PushEngine
from app.sync.facade.connections import Connections
from app.sync.facade.migration import open_migration, source_of
from app.sync.facade.profiles import Profiles
from app.sync.facade.store import Store
from app.sync.facade.values import RecordDetails, sent_values
from app.sync.gc_pause import gc_paused
from app.sync.locks import AccountLock, Activity, Holder, Origin, ProfileLock, account_key
from app.sync.progress import CancelToken, NullReporter, ProgressReporter
from app.sync.result_ids import with_contact_ids
from app.sync.undo import Undo
from app.sync.undo_report import UndoReport, undo_target

log = logging.getLogger(__name__)


class Runs:
    """Implements ``RunsApi``: runs profiles through the engine, and holds the locks.

    Args:
        home: the app's data folder (locks live under it).
        store: the repositories.
        profiles: the profiles and their sources.
        connections: the Constant Contact clients.
        clock: the time now, for the runs' records.
        origin: which kind of process this is (the window, the command line, ``run-due``),
            so another one waiting for the same account can say what it waits for.
    """

    def __init__(
        self,
        home: Path,
        store: Store,
        profiles: Profiles,
        connections: Connections,
        *,
        clock: Callable[[], datetime],
        origin: Origin = Origin.WINDOW,
    ) -> None:
        self._locks = home / "locks"
        self._store = store
        self._profiles = profiles
        self._connections = connections
        self.clock = clock
        self.origin = origin

    # -- running -----------------------------------------------------------------------------

    def sync(
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
        scheduled: bool = False,
    ) -> RunSummary:
        """Run one profile now. Raises RunLocked if it is already running anywhere.

        ``scheduled``: the run started on its own (its schedule, the periodic check); a
        profile whose ``scheduled_optouts_only`` says so then resyncs only unsubscribes.

        ``confirm`` lets a run go ahead that unsubscribes or removes many contacts (else
        it stops with NeedsConfirmation); ``only_keys`` limits it to some records. While
        another activity holds the profile's Constant Contact account the run waits,
        telling ``on_wait`` what for (see ``AccountLock.acquire``); ``wait=False`` raises
        ``AccountBusy`` instead, and the cancel token ends the wait with ``Cancelled``.
        """
        profile = self._profiles.require(profile_id)
        if profile.connection_id is None:
            raise ConfigError(f'"{profile.name}" has no Constant Contact connection yet.')
        cancel = cancel or CancelToken()
        kind = Activity.DRY_RUN if dry_run else Activity.SYNC
        holder = Holder(Activity.RETRY if only_keys is not None else kind, profile.name)
        with (
            ProfileLock(self._locks, profile_id, profile.name),
            self.account_slot(profile.connection_id, holder, wait, cancel, on_wait),
            gc_paused(),
        ):
            cc = self._connections.cc_client(profile.connection_id)
            migration = None
            if profile.into_constant_contact:
                source: Source = self._profiles.open_source(
                    profile.source, profile.options.opt_out_column
                )
            else:  # Constant Contact into another service
                source = source_of(profile, cc)
                migration = open_migration(
                    profile, cc, self._connections, self._store, self.clock, cancel
                )
            deps = EngineDeps(
                runs=self._store.runs,
                links=self._store.links,
                mirror=self._store.mirror,
                profiles=self._store.profiles,
                cc=cc,
                source=source,
                connection_id=profile.connection_id,
                clock=self.clock,
                migration=migration,
            )
            engine = PushEngine(deps, reporter or NullReporter(), cancel)
            try:
                return engine.run(
                    profile,
                    dry_run=dry_run,
                    confirm=confirm,
                    only_keys=only_keys,
                    optouts_only=scheduled and profile.options.scheduled_optouts_only,
                )
            finally:
                if migration is not None:
                    migration.destination.close()

    def undo(
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
        them off its list, and removes the records it created in the source (a service
        that keeps everything archives them). See ``app.sync.undo``.

        Raises:
            ConfigError: nothing to undo (see ``undo_target``); RunLocked / AccountBusy as
            for ``sync``.
        """
        profile = self._profiles.require(profile_id)
        if profile.connection_id is None:
            raise ConfigError(f'"{profile.name}" has no Constant Contact connection yet.')
        if not profile.into_constant_contact:
            destination = registry.label(profile.destination.kind)
            raise ConfigError(
                f'"{profile.name}" copies Constant Contact into {destination}; its runs are '
                f"not undone from ContactBridge (nothing is deleted there: change it in "
                f"{destination} itself)."
            )
        journal = JournalRepository()
        target = undo_target(self._store.runs, journal, profile_id, run_id)
        cancel = cancel or CancelToken()
        holder = Holder(Activity.DRY_RUN if dry_run else Activity.UNDO, profile.name)
        with (
            ProfileLock(self._locks, profile_id, profile.name),
            self.account_slot(profile.connection_id, holder, wait, cancel, on_wait),
        ):
            deps = EngineDeps(
                runs=self._store.runs,
                links=self._store.links,
                mirror=self._store.mirror,
                profiles=self._store.profiles,
                cc=self._connections.cc_client(profile.connection_id),
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

    def _open_writable(self, profile: SyncProfile) -> WritableSource:
        """The profile's source, to write back to (an undo putting back what a sync wrote
        there: only a source that can be written had such writes)."""
        source = self._profiles.open_source(profile.source, profile.options.opt_out_column)
        return cast(WritableSource, source)

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
        ``run_id`` (in every direction); ``wait`` and ``on_wait`` as for ``sync``.

        Raises:
            ConfigError: the run had no failures, or the profile's last run is unfinished
                (sync to finish it first: a resumed run retries nothing by itself).
        """
        runs = self._store.runs
        summary = runs.get(run_id)
        if summary is None:
            raise ConfigError(f"There is no run {run_id}.")
        profile = self._profiles.named(summary.profile_name)
        undone = runs.checkpoint(run_id).get("undo_of")
        if undone is not None:
            raise ConfigError(
                f"Run {run_id} was an undo of run {undone}: undo run {undone} again to put back "
                "what it could not, rather than syncing those records again."
            )
        keys = sorted({k for ks in runs.failed_keys_by_direction(run_id).values() for k in ks})
        if not keys:
            raise ConfigError("Nothing to retry: no record failed in that run.")
        if runs.resumable_run(profile.saved_id) is not None:
            raise ConfigError(
                f'The last sync of "{profile.name}" did not finish. Sync it to finish it '
                "first; then retry what still failed."
            )
        return self.sync(
            profile.saved_id,
            reporter=reporter,
            cancel=cancel,
            confirm=confirm,
            only_keys=keys,
            wait=wait,
            on_wait=on_wait,
        )

    # -- what runs left ----------------------------------------------------------------------

    def history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        return self._store.runs.history(profile_id, limit)

    def results(self, run_id: int) -> list[RecordResult]:
        """The run's records; a blank Constant Contact id is filled from the mirror."""
        runs = self._store.runs
        with gc_paused():
            rows = runs.results(run_id)
            return with_contact_ids(rows, self._store.mirror, runs.connection_of(run_id))

    def record_details(self, run_id: int, key: str, email: str) -> RecordDetails:
        """What the run sent for ``key`` and what the local copy holds for ``email`` now."""
        payload = self._store.runs.payload_of(run_id, key)
        sent = sent_values(payload) if payload is not None else None
        connection = self._store.runs.connection_of(run_id)
        snapshot = (
            self._store.mirror.snapshots(connection, [email]).get(email.strip().lower())
            if connection is not None and email
            else None
        )
        if snapshot is None:
            return RecordDetails(sent, None)
        held = {"email": snapshot["email"]}
        held.update({k: str(v) for k, v in snapshot["fields"].items() if v not in (None, "")})
        return RecordDetails(sent, held, snapshot["permission"], len(snapshot["list_ids"]))

    def last_failed(self, profile_id: int) -> RunSummary | None:
        """The profile's latest real run, when some of its records failed."""
        last = self._store.runs.last_run(profile_id, include_dry_runs=False)
        return last if last is not None and last.counts.failed else None

    def resumable(self, profile_id: int) -> RunSummary | None:
        return self._store.runs.resumable_run(profile_id)

    def last_started(self) -> dict[int, str]:
        return self._store.runs.last_started()

    def activity_marker(self) -> str:
        return self._store.runs.activity_marker()

    # -- what runs now -----------------------------------------------------------------------

    def is_running(self, profile_id: int) -> bool:
        """Whether the profile is running (or waiting to) anywhere, this process included."""
        lock = ProfileLock(self._locks, profile_id)
        try:
            lock.acquire()
        except Exception:
            return True
        lock.release()
        return False

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
        for profile in self._store.profiles.list() if names else ():
            if profile.name in names and profile.id is not None and self.is_running(profile.id):
                newest = (
                    r.run_id for r in self._store.runs.history(profile.id) if r.status in unfinished
                )
                live.update(islice(newest, 1))
        return frozenset(live)

    def account_lock(self, connection_id: int) -> AccountLock:
        """The lock of the Constant Contact account a connection signs in to.

        Keyed by the account's id when the store knows it (saved at connect time), so two
        connections to one account share it; else by the connection. A connection made
        before ids were saved learns its id here once, when there are several connections
        (with one, the connection is the account).
        """
        rows = self._store.connections
        conn = rows.get(connection_id)
        settings = conn.settings if conn is not None else {}
        if (
            conn is not None
            and not settings.get("account_id")
            and len(self._connections.cc_connections()) > 1
        ):
            try:
                found = self._connections.cc_client(connection_id).get_account_summary()
            except AppError as exc:  # offline, not connected: the connection id will do
                log.info("account of connection %s unknown: %s", connection_id, exc)
            else:
                if found.get("encoded_account_id"):
                    conn = rows.update_settings(
                        connection_id, {"account_id": str(found["encoded_account_id"])}
                    )
                    settings = conn.settings
        return AccountLock(self._locks, account_key(connection_id, settings))

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
