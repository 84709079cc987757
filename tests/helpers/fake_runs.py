"""``RunsApi`` in memory: a scripted run the test controls, and the history it leaves."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from app.core.errors import ConfigError
from app.core.outcomes import RESUMABLE, Outcome, RecordResult, RunStatus, RunSummary
from app.sync.facade.values import RecordDetails
from app.sync.progress import CancelToken, NullReporter, ProgressReporter
from app.sync.undo_report import UndoReport

from .builders import make_results, summary_of
from .fake_profiles import FakeProfiles

PLAN_PHASE, IMPORT_PHASE = "Planning", "Importing to Constant Contact"


class FakeRuns:
    """A run reports a plan phase, then an import phase of ``steps`` progress reports, and
    waits for ``release`` (or its cancel token) before it ends with ``run_rows``.

    Attributes:
        histories: each profile's runs, newest first.
        results_by_run: each run's records.
        run_rows: the records the next run ends with.
        error: raised by a run, once it was released, when set.
        steps: the import phase's progress reports.
        release: set, runs end at once; cleared, they wait for it.
        calls: (profile id, dry run) of each run.
        started: when each profile's latest run started (``last_started``), once recorded.
        locked: profiles running in another process.
        clock: when set, each run records its start by it.
    """

    def __init__(self, profiles: FakeProfiles, clock: Callable[[], datetime] | None = None) -> None:
        self._profiles = profiles
        self.clock = clock
        self.histories: dict[int, list[RunSummary]] = {}
        self.results_by_run: dict[int, tuple[RecordResult, ...]] = {}
        self.details: dict[tuple[int, str], RecordDetails] = {}  # (run id, key): details
        self.run_rows: tuple[RecordResult, ...] = make_results(10)
        self.error: Exception | None = None
        self.steps = 5
        self.release = threading.Event()
        self.release.set()
        self.calls: list[tuple[int, bool]] = []
        self.undos: list[tuple[int, int, bool]] = []
        self.started: dict[int, str] = {}
        self.locked: set[int] = set()
        self.marker_extra = ""
        self._next_run = 100
        self._lock = threading.Lock()

    def record_start(self, profile_id: int) -> None:
        """A run of the profile started now, by ``clock`` (in this process or another)."""
        assert self.clock is not None
        self.started[profile_id] = self.clock().astimezone(UTC).isoformat(timespec="seconds")

    def newest(self, profile_id: int, dry_run: bool | None = None) -> RunSummary | None:
        """The profile's newest run (``dry_run`` True or False: of that kind only)."""
        runs = self.histories.get(profile_id, [])
        return next((r for r in runs if dry_run is None or r.dry_run == dry_run), None)

    # -- RunsApi -----------------------------------------------------------------------------

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
        reporter = reporter or NullReporter()
        cancel = cancel or CancelToken()
        with self._lock:
            self.calls.append((profile_id, dry_run))
            if self.clock is not None:
                self.record_start(profile_id)
            self._next_run += 1
            run_id = self._next_run
        rows = tuple(r for r in self.run_rows if only_keys is None or r.key in only_keys)
        reporter.phase(PLAN_PHASE)
        reporter.advance(len(rows), 0, f"{len(rows)} records planned")
        reporter.phase(IMPORT_PHASE)
        for i in range(1, self.steps + 1):
            reporter.advance(i, self.steps, f"{i} / {self.steps}")
        status = RunStatus.DRY_RUN if dry_run else RunStatus.COMPLETED
        while not self.release.wait(0.005):
            if cancel.cancelled:
                status = RunStatus.CANCELLED
                break
        if self.error is not None:
            raise self.error
        name = self._profiles.by_id[profile_id].name
        summary = summary_of(run_id, rows, name=name, status=status, dry_run=dry_run)
        with self._lock:
            self.results_by_run[run_id] = rows
            self.histories.setdefault(profile_id, []).insert(0, summary)
        return summary

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
        profile_id = self._profile_of(run_id)
        rows = self.results_by_run.get(run_id, ())
        keys = [r.key for r in rows if r.outcome is Outcome.FAILED]
        if not keys:
            raise ConfigError("Nothing to retry: no record failed in that run.")
        return self.sync(
            profile_id,
            reporter=reporter,
            cancel=cancel,
            confirm=confirm,
            only_keys=keys,
            wait=wait,
            on_wait=on_wait,
        )

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
        """Puts nothing back: the fake's runs changed nothing anywhere."""
        syncs = [r for r in self.histories.get(profile_id, ()) if not r.dry_run]
        target = run_id if run_id is not None else (syncs[0].run_id if syncs else None)
        if target is None:
            raise ConfigError("Nothing to undo: this profile has not synced yet.")
        if not dry_run:
            self.undos.append((profile_id, target, delete_created))
        return UndoReport(undo_of=target, dry_run=dry_run, steps=[])

    def history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        return self.histories.get(profile_id, [])[:limit]

    def results(self, run_id: int) -> list[RecordResult]:
        return list(self.results_by_run.get(run_id, ()))

    def record_details(self, run_id: int, key: str, email: str) -> RecordDetails:
        return self.details.get((run_id, key), RecordDetails(None, None))

    def last_failed(self, profile_id: int) -> RunSummary | None:
        last = next((r for r in self.histories.get(profile_id, ()) if not r.dry_run), None)
        return last if last is not None and last.counts.failed else None

    def resumable(self, profile_id: int) -> RunSummary | None:
        last = next((r for r in self.histories.get(profile_id, ()) if not r.dry_run), None)
        return last if last is not None and last.status in RESUMABLE else None

    def last_started(self) -> dict[int, str]:
        return dict(self.started)

    def is_running(self, profile_id: int) -> bool:
        return profile_id in self.locked

    def live_run_ids(self, runs: Iterable[RunSummary]) -> frozenset[int]:
        """Runs in progress in another process: none here (this window's are the runner's)."""
        return frozenset()

    def activity_marker(self) -> str:
        """Changes with every run recorded (``marker_extra``: a test's other changes)."""
        with self._lock:
            ids = [r.run_id for runs in self.histories.values() for r in runs]
        return f"{len(ids)}|{max(ids, default=0)}|{self.marker_extra}"

    def _profile_of(self, run_id: int) -> int:
        for profile_id, runs in self.histories.items():
            if any(r.run_id == run_id for r in runs):
                return profile_id
        raise ConfigError(f"There is no run {run_id}.")
