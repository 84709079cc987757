"""A sandbox with Constant Contact and Klaviyo, and a migration profile between them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.connectors.klaviyo.connector import migration_profile
from app.connectors.klaviyo.settings import KlaviyoSettings
from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SyncProfile
from app.sandbox.constant_contact import ConstantContactEmulator
from app.sandbox.klaviyo import KlaviyoEmulator, sample_connection
from app.sync.bootstrap import ServiceHandle, open_service
from app.sync.service import ContactBridgeService

CC_INTEGRATION = "constant_contact"  # the metrics the migration's events land on


class World:
    """Both emulators, the service, and one migration profile (saved on first use)."""

    def __init__(self, home: Path, *, enforce_limits: bool = False) -> None:
        self.handle: ServiceHandle = open_service(
            sandbox=True, home=home, enforce_limits=enforce_limits, with_samples=False
        )
        self.service: ContactBridgeService = self.handle.service
        assert self.handle.emulator is not None
        self.cc: ConstantContactEmulator = self.handle.emulator
        self.kl: KlaviyoEmulator = self.handle.emulators["klaviyo"]
        self.kl.settings.job_seconds = 0  # jobs end on their first look: tests do not wait
        cc_conn = self.service.connections.default_connection()
        assert cc_conn is not None
        self.cc_connection_id = cc_conn.id
        self.cc_client = self.service.connections.cc_client(cc_conn.id)
        kl_conn = self.service.connections.connect_source(
            "klaviyo", "Sandbox Bakery", options=sample_connection()
        )
        self.kl_connection_id = kl_conn.id
        self.profile_id: int | None = None
        self._offset = timedelta()

    def close(self) -> None:
        self.handle.close()

    # -- set-up ------------------------------------------------------------------------------

    def save_profile(
        self, list_names: Iterable[str] = (), settings: KlaviyoSettings | None = None
    ) -> SyncProfile:
        ids = [self.cc.list_id(n) or self.cc.create_list(n) for n in list_names]
        profile = migration_profile(
            "Move to Klaviyo",
            self.cc_connection_id,
            self.kl_connection_id,
            list_ids=[str(i) for i in ids],
            settings=settings,
        )
        if self.profile_id is not None:
            profile = replace(profile, id=self.profile_id)
        saved = self.service.profiles.save(profile)
        self.profile_id = saved.saved_id
        return saved

    def contact(
        self, email: str, permission: str = "implicit", lists: Iterable[str] = (), **fields: Any
    ) -> str:
        first, _, last = email.split("@")[0].partition(".")
        return self.cc.seed_contact(
            email, first.title(), last.title(), permission, list(lists), **fields
        )

    def tick(self, seconds: int = 2) -> None:
        """Let time pass in Constant Contact (changes get later timestamps)."""
        self._offset += timedelta(seconds=seconds)
        offset = self._offset
        self.cc.clock = lambda: datetime.now(UTC) + offset

    # -- runs ----------------------------------------------------------------------------------

    def sync(self, **kwargs: Any) -> RunSummary:
        if self.profile_id is None:
            self.save_profile()
        assert self.profile_id is not None
        summary = self.service.runs.sync(self.profile_id, **kwargs)
        self.check_counts(summary)
        return summary

    def results(self, summary: RunSummary) -> list[RecordResult]:
        return self.service.runs.results(summary.run_id)

    def result_for(self, summary: RunSummary, email: str) -> RecordResult:
        (found,) = [r for r in self.results(summary) if r.email.lower() == email.lower()]
        return found

    def check_counts(self, summary: RunSummary) -> None:
        """Every contact of the run ends as exactly one outcome, and the counts say so."""
        rows = self.results(summary)
        assert summary.counts.total == len(rows)
        assert all(r.outcome is not None for r in rows) or summary.status != "completed"
        assert sum(1 for r in rows if r.outcome.value == "failed") == summary.counts.failed

    def kl_writes(self) -> dict[str, int]:
        return self.kl.write_request_counts()

    def cc_events(self, kinds: Iterable[str] = ("send", "open", "click")) -> int:
        """Tracking rows the statistics store holds for the migrated contacts."""
        held = set(self.service.store.links.load(self.profile_id or 0))
        store = self.service.store.campaign_stats
        found = store.events_after(
            self.cc_connection_id, 0, datetime(2000, 1, 1, tzinfo=UTC), list(kinds), 10**9
        )
        return sum(1 for _, e in found if e.contact_id in held)
