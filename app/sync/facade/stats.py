"""Campaign statistics: what the window and the command line read, the pull, and exports.

Implements ``StatsApi`` (``app/sync/facade/api.py``), reached as ``service.stats``. The reads
come from the store, across every Constant Contact connection; ``pull`` fetches what changed
in each connected account (``app.sync.stats_pull``), under the account's lock, like a sync.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.core.campaign_stats import (
    ActivityEvent,
    ActivityPoint,
    CampaignSummary,
    PersonActivity,
    PullReport,
)
from app.core.errors import ConfigError, ValidationError
from app.core.store_types import ConnectionStatus
from app.sync import exports
from app.sync.due import next_stats_pull_at, parse_started
from app.sync.facade.connections import CC_SERVICE
from app.sync.facade.store import Store
from app.sync.progress import CancelToken, ProgressReporter
from app.sync.stats_export import campaigns_sheet, people_sheet

EXPORT_SUFFIXES = (".csv", ".xlsx")

# Runs the pull: (progress, cancel) -> report. The service gives the one that reaches
# Constant Contact (``app.sync.stats_job``); the store-only tests give none.
Puller = Callable[[ProgressReporter | None, CancelToken | None], PullReport]


class Stats:
    """Implements ``StatsApi`` over the store and the statistics pull."""

    def __init__(self, store: Store, puller: Puller | None = None) -> None:
        self._store = store
        self.puller = puller

    def campaigns(self, search: str = "") -> list[CampaignSummary]:
        """Every campaign kept, newest sent first; ``search`` matches names."""
        return self._store.campaign_stats.campaigns(search)

    def campaign(self, campaign_id: str) -> CampaignSummary | None:
        return self._store.campaign_stats.campaign(campaign_id)

    def people(self, campaign_id: str) -> list[PersonActivity]:
        """Who the campaign reached and what each did, with their source record if linked."""
        return self._store.campaign_stats.people(campaign_id)

    def person_events(self, email: str) -> list[ActivityEvent]:
        """One address's events, newest first, across campaigns."""
        return self._store.campaign_stats.person_events(email)

    def timeline(self, campaign_id: str | None = None) -> list[ActivityPoint]:
        """Opens and clicks per day, of one campaign or of all."""
        return self._store.campaign_stats.timeline(campaign_id)

    def has_data(self) -> bool:
        return self._store.campaign_stats.has_data()

    def schedule(self) -> str:
        """When the pull runs by itself: "nightly" (default), "hourly" or "off"."""
        return self._store.campaign_stats.schedule()

    def set_schedule(self, value: str) -> None:
        """Raises ``ValidationError`` for a value that is not a schedule."""
        try:
            self._store.campaign_stats.set_schedule(value)
        except ValueError as exc:
            raise ValidationError(
                f"“{value}” is not a statistics schedule: choose nightly, hourly or off."
            ) from exc

    def next_pull_at(self, now: datetime) -> datetime | None:
        """When the schedule next pulls (in ``now``'s zone), for each connected account the
        earliest; None when it is off or no account is connected. A pull the daily quota
        stopped is due again after the quota's reset."""
        schedule = self.schedule()
        times = []
        for conn in self._store.connections.list(CC_SERVICE):
            if conn.status is not ConnectionStatus.CONNECTED:
                continue
            state = self._store.campaign_pull.state(conn.id)
            since = state.tried_at or parse_started(conn.created_at, now) or now
            when = next_stats_pull_at(schedule, since.astimezone(now.tzinfo), state.resume_at)
            if when is not None:
                times.append(when)
        return min(times, default=None)

    def pull(
        self, progress: ProgressReporter | None = None, cancel: CancelToken | None = None
    ) -> PullReport:
        """Fetch what changed in each connected Constant Contact account: resumable (a stop
        resumes where it left off, nothing kept twice), cancellable, and locked per account
        like a sync. Stops at the daily quota with ``stopped="quota"``."""
        if self.puller is None:
            raise ConfigError("Campaign statistics cannot be pulled here.")
        return self.puller(progress, cancel)

    def export(self, path: Path, campaign_name: str | None = None) -> Path:
        """Write the campaigns table, or one campaign's people (``campaign_name``), to a
        .csv or .xlsx file chosen by ``path``'s suffix; returns the path written.

        Raises:
            ValidationError: another suffix, or no campaign of that name.
        """
        suffix = path.suffix.lower()
        if suffix not in EXPORT_SUFFIXES:
            raise ValidationError(
                f"{path.name}: choose a file ending in .csv or .xlsx for the export."
            )
        if campaign_name is None:
            sheets = [campaigns_sheet(self.campaigns())]
        else:
            wanted = campaign_name.strip().casefold()
            found = [c for c in self.campaigns() if c.name.strip().casefold() == wanted]
            if not found:
                names = ", ".join(sorted({c.name for c in self.campaigns()})) or "none yet"
                raise ValidationError(
                    f"There is no campaign named “{campaign_name}”. Campaigns: {names}."
                )
            sheets = [
                people_sheet(self.people(found[0].campaign_id), title=found[0].name),
                campaigns_sheet(found[:1], title="Summary"),
            ]
        if suffix == ".xlsx":
            exports.write_xlsx(path, sheets)
        else:
            exports.write_csv(path, sheets[0])
        return path
