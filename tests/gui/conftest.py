"""Fixtures for the main window tests: a fake service, the real sandbox, result builders."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.profiles import SourceSpec, SyncProfile
from app.core.store_types import Connection, ConnectionStatus
from app.core.vocabulary import RunTallies
from app.sync.progress import CancelToken, ProgressReporter
from app.sync.service import ProfileOverview

PLAN_PHASE, IMPORT_PHASE = "Planning", "Importing to Constant Contact"


def make_results(n: int, seed: int = 0) -> tuple[RecordResult, ...]:
    """``n`` results cycling through every outcome, some matched to existing contacts."""
    outcomes = list(Outcome)
    out = []
    for i in range(n):
        outcome = outcomes[(i + seed) % len(outcomes)]
        out.append(
            RecordResult(
                row=i + 2,
                key=f"C{i:06d}",
                email=f"person{i}@example.com",
                outcome=outcome,
                reason="Missing email"
                if outcome is Outcome.SKIPPED
                else ("Constant Contact refused it" if outcome is Outcome.FAILED else ""),
                matched_existing=outcome in (Outcome.UPDATED, Outcome.UNCHANGED) and i % 2 == 0,
            )
        )
    return tuple(out)


def summary_of(
    run_id: int,
    rows: tuple[RecordResult, ...],
    *,
    name: str = "Shop customers",
    status: RunStatus = RunStatus.COMPLETED,
    dry_run: bool = False,
) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        profile_name=name,
        status=status,
        counts=RunCounts.of(r.outcome for r in rows),
        dry_run=dry_run,
        extra=RunTallies.of(rows).as_extra(),  # as the engine stores them when a run ends
        message="Created 1, updated 1.",
        started_at="2026-03-02T10:00:00+00:00",
        finished_at="2026-03-02T10:01:05+00:00",
    )


def make_profile(pid: int, name: str) -> SyncProfile:
    return SyncProfile(
        name=name,
        source=SourceSpec("file", {"path": f"/data/{name.lower()}.csv"}),
        main_list="Newsletter",
        connection_id=1,
        id=pid,
    )


@dataclass
class FakeService:
    """Just enough of ``ContactBridgeService`` for the window, with a controllable run.

    ``run_profile`` reports a plan phase, then an import phase of ``steps`` progress reports,
    and waits for ``release`` (or the cancel token) before it returns.
    """

    home: Path
    sandbox: bool = True
    profiles_by_id: dict[int, SyncProfile] = field(default_factory=dict)
    history: dict[int, list[RunSummary]] = field(default_factory=dict)
    results: dict[int, tuple[RecordResult, ...]] = field(default_factory=dict)
    run_rows: tuple[RecordResult, ...] = field(default_factory=lambda: make_results(10))
    error: Exception | None = None
    steps: int = 5
    release: threading.Event = field(default_factory=threading.Event)
    connection_status: ConnectionStatus | None = ConnectionStatus.CONNECTED
    calls: list[tuple[int, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.release.set()
        self.profiles = SimpleNamespace(
            get=lambda pid: self.profiles_by_id[pid],
            list=lambda: list(self.profiles_by_id.values()),
        )
        self._next_run = 100

    def add_profile(self, pid: int, name: str) -> SyncProfile:
        self.profiles_by_id[pid] = make_profile(pid, name)
        return self.profiles_by_id[pid]

    def list_profiles(self) -> list[ProfileOverview]:
        return [
            ProfileOverview(p, (self.history.get(pid) or [None])[0])
            for pid, p in self.profiles_by_id.items()
        ]

    def default_connection(self) -> Connection | None:
        if self.connection_status is None:
            return None
        return Connection(
            1, "constant_contact", "Sandbox", "Sandbox Bakery", self.connection_status
        )

    def delete_profile(self, profile_id: int) -> None:
        del self.profiles_by_id[profile_id]

    def run_history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        return self.history.get(profile_id, [])[:limit]

    def live_run_ids(self, runs: Iterable[RunSummary]) -> frozenset[int]:
        """Runs in progress in another process: none here (this window's are the runner's)."""
        return frozenset()

    def run_results(self, run_id: int) -> list[RecordResult]:
        return list(self.results.get(run_id, ()))

    def run_profile(
        self,
        profile_id: int,
        *,
        dry_run: bool = False,
        reporter: ProgressReporter,
        cancel: CancelToken,
        on_wait: Callable[[str], None] | None = None,
    ) -> RunSummary:
        self.calls.append((profile_id, dry_run))
        reporter.phase(PLAN_PHASE)
        reporter.advance(len(self.run_rows), 0, f"{len(self.run_rows)} records planned")
        reporter.phase(IMPORT_PHASE)
        for i in range(1, self.steps + 1):
            reporter.advance(i, self.steps, f"{i} / {self.steps}")
        self._next_run += 1
        run_id = self._next_run
        status = RunStatus.DRY_RUN if dry_run else RunStatus.COMPLETED
        while not self.release.wait(0.005):
            if cancel.cancelled:
                status = RunStatus.CANCELLED
                break
        if self.error is not None:
            raise self.error
        summary = summary_of(
            run_id,
            self.run_rows,
            name=self.profiles_by_id[profile_id].name,
            status=status,
            dry_run=dry_run,
        )
        self.results[run_id] = self.run_rows
        self.history.setdefault(profile_id, []).insert(0, summary)
        return summary


@pytest.fixture
def fake_service(tmp_path: Path) -> FakeService:
    service = FakeService(home=tmp_path)
    service.add_profile(1, "Shop customers")
    service.add_profile(2, "Studio members")
    return service


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Any]:
    """The real service on the sandbox emulator with its sample profile."""
    from app.sync.bootstrap import open_service

    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()
