"""Fixtures for the engine tests: the real service on the sandbox emulator, and a bakery driver."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SyncProfile
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync.bootstrap import ServiceHandle, open_service
from app.sync.progress import CancelToken, ProgressReporter

PLAUSIBLE_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]+", re.IGNORECASE)
IMPORT_KEY = "POST /v3/activities/contacts_json_import"
CONTACTS_KEY = "GET /v3/contacts"
EMAIL_COLUMN, KEY_COLUMN, OPT_OUT_COLUMN = "Email Address", "Customer ID", "Email Opt Out"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceHandle]:
    """The real service on an in-process emulator (limits off) with the sample data.

    The emulator enforces no rate limit here, so the client's own 4-a-second throttle
    (shared by the whole process) is lifted too; it is tested in tests/connectors.
    """
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()


@dataclass
class Bakery:
    """Drives the sample profile ("Bakery customers → Newsletter") against the emulator."""

    handle: ServiceHandle

    @property
    def service(self) -> Any:
        return self.handle.service

    @property
    def emulator(self) -> Any:
        assert self.handle.emulator is not None
        return self.handle.emulator

    @property
    def csv_path(self) -> Path:
        assert self.handle.sample_csv is not None
        return self.handle.sample_csv

    @property
    def profile(self) -> SyncProfile:
        return self.service.profiles.named(SAMPLE_PROFILE_NAME)

    def run(
        self,
        *,
        dry_run: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
    ) -> RunSummary:
        return self.service.runs.sync(
            self.profile.id, dry_run=dry_run, reporter=reporter, cancel=cancel
        )

    def results(self, summary: RunSummary) -> dict[str, RecordResult]:
        """The run's results by source key (Customer ID)."""
        return {r.key: r for r in self.service.runs.results(summary.run_id)}

    # -- the source file --------------------------------------------------------------------

    def rows(self) -> list[dict[str, str]]:
        with self.csv_path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def edit(self, key: str, **changes: str) -> None:
        """Change columns of the row with this Customer ID, as a user editing the file."""
        rows = self.rows()
        target = next(r for r in rows if r[KEY_COLUMN] == key)
        target.update(changes)
        with self.csv_path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.DictWriter(fh, fieldnames=list(rows[0]))
            out.writeheader()
            out.writerows(rows)

    def pushable_emails(self) -> set[str]:
        """Distinct plausible emails of rows not opted out, worked out from the file alone.

        The sample's only bad addresses are a blank one and "tess@example" (no dot in the
        domain), so a plain check stands in for the app's validator here.
        """
        return {
            r[EMAIL_COLUMN].strip().lower()
            for r in self.rows()
            if PLAUSIBLE_EMAIL.fullmatch(r[EMAIL_COLUMN].strip()) and r[OPT_OUT_COLUMN] != "Yes"
        }

    def opted_out_emails(self) -> set[str]:
        return {
            r[EMAIL_COLUMN].lower()
            for r in self.rows()
            if r[OPT_OUT_COLUMN] == "Yes" and r[EMAIL_COLUMN]
        }

    # -- Constant Contact (the emulator's own state) ----------------------------------------

    def contact_emails(self) -> list[str]:
        """Every live contact's email, lower-cased, one entry per contact (so repeats show)."""
        with self.emulator.state.tx() as conn:
            rows = conn.execute(
                "SELECT email_lower FROM contacts WHERE deleted_at IS NULL"
            ).fetchall()
        return [r[0] for r in rows]

    def on_list(self, name: str = "Newsletter") -> set[str]:
        return {e.lower() for e in self.emulator.contacts_on_list(name)}

    def lists_named(self, name: str) -> list[str]:
        with self.emulator.state.tx() as conn:
            rows = conn.execute(
                "SELECT list_id FROM lists WHERE lower(name) = lower(?) AND deleted_at IS NULL",
                (name,),
            ).fetchall()
        return [r[0] for r in rows]

    def imports_started(self) -> int:
        """How many bulk imports Constant Contact accepted (refused requests not counted)."""
        with self.emulator.state.tx() as conn:
            row = conn.execute(
                "SELECT count(*) FROM activities WHERE kind = 'contacts_json_import'"
            ).fetchone()
        return int(row[0])

    def requests(self, key: str) -> int:
        return self.emulator.request_counts().get(key, 0)


@pytest.fixture
def bakery(sandbox: ServiceHandle) -> Bakery:
    return Bakery(sandbox)


class PhaseReporter:
    """Records phases and progress; ``on_advance(phase, done, total)`` may act (e.g. cancel)."""

    def __init__(self, on_advance: Any = None) -> None:
        self.phases: list[str] = []
        self.advances: list[tuple[str, int, int]] = []
        self._on_advance = on_advance

    @property
    def current(self) -> str:
        return self.phases[-1] if self.phases else ""

    def phase(self, name: str, total: int = 0) -> None:
        self.phases.append(name)

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        self.advances.append((self.current, done, total))
        if self._on_advance is not None:
            self._on_advance(self.current, done, total)


@pytest.fixture
def two_way(sandbox: ServiceHandle):  # type: ignore[no-untyped-def]
    """A profile on a writable in-memory source (see ``tests/sync/two_way.py``)."""
    from tests.sync.two_way import TwoWay

    return TwoWay(sandbox)
