"""``FakeStats``: campaign statistics in memory, for the window's tests (``StatsApi``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.core.campaign_stats import (
    DEFAULT_SCHEDULE,
    SCHEDULES,
    ActivityEvent,
    ActivityPoint,
    CampaignSummary,
    PersonActivity,
    PullReport,
)
from app.core.errors import ValidationError
from app.sync import exports
from app.sync.progress import CancelToken, ProgressReporter
from app.sync.stats_export import campaigns_sheet, people_sheet


@dataclass
class FakeStats:
    """What a test puts in is what the window reads; ``pull`` returns ``next_pull`` (and
    counts its calls), raising ``Cancelled`` if the token was cancelled first;
    ``next_pull_at`` says ``due_at``.

    Attributes:
        summaries: the campaigns, in any order (``campaigns`` sorts them as the store does).
        people_of: campaign id -> its people.
        events: every event (``person_events`` filters by email).
    """

    summaries: list[CampaignSummary] = field(default_factory=list)
    people_of: dict[str, list[PersonActivity]] = field(default_factory=dict)
    events: list[ActivityEvent] = field(default_factory=list)
    next_pull: PullReport = field(default_factory=PullReport)
    pulls: int = 0
    hold: threading.Event | None = None  # a pull waits for it before it looks at its token
    due_at: datetime | None = None
    _schedule: str = DEFAULT_SCHEDULE

    def campaigns(self, search: str = "") -> list[CampaignSummary]:
        wanted = search.strip().casefold()
        found = [c for c in self.summaries if wanted in c.name.casefold()]
        sent = [c for c in found if c.sent_at is not None]
        sent.sort(key=lambda c: c.sent_at or datetime.min, reverse=True)
        drafts = sorted((c for c in found if c.sent_at is None), key=lambda c: c.name.lower())
        return sent + drafts

    def campaign(self, campaign_id: str) -> CampaignSummary | None:
        return next((c for c in self.summaries if c.campaign_id == campaign_id), None)

    def people(self, campaign_id: str) -> list[PersonActivity]:
        return list(self.people_of.get(campaign_id, []))

    def person_events(self, email: str) -> list[ActivityEvent]:
        mine = [e for e in self.events if e.email.lower() == email.strip().lower()]
        return sorted(mine, key=lambda e: e.at, reverse=True)

    def timeline(self, campaign_id: str | None = None) -> list[ActivityPoint]:
        days: dict[date, list[int]] = {}
        for e in self.events:
            if campaign_id is not None and e.campaign_id != campaign_id:
                continue
            if e.kind in ("open", "click"):
                counts = days.setdefault(e.at.date(), [0, 0])
                counts[e.kind == "click"] += 1
        return [ActivityPoint(d, o, c) for d, (o, c) in sorted(days.items())]

    def pull(
        self, progress: ProgressReporter | None = None, cancel: CancelToken | None = None
    ) -> PullReport:
        if self.hold is not None:
            self.hold.wait(10)
        if cancel is not None:
            cancel.raise_if_cancelled()
        self.pulls += 1
        return self.next_pull

    def next_pull_at(self, now: datetime) -> datetime | None:
        return self.due_at

    def export(self, path: Path, campaign_name: str | None = None) -> Path:
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationError(f"{path.name}: choose a file ending in .csv or .xlsx.")
        sheets = [campaigns_sheet(self.campaigns())]
        if campaign_name is not None:
            found = [c for c in self.summaries if c.name == campaign_name]
            if not found:
                raise ValidationError(f"There is no campaign named “{campaign_name}”.")
            sheets = [people_sheet(self.people(found[0].campaign_id), title=found[0].name)]
        if path.suffix.lower() == ".xlsx":
            exports.write_xlsx(path, sheets)
        else:
            exports.write_csv(path, sheets[0])
        return path

    def schedule(self) -> str:
        return self._schedule

    def set_schedule(self, value: str) -> None:
        if value not in SCHEDULES:
            raise ValidationError(f"“{value}” is not a statistics schedule.")
        self._schedule = value

    def has_data(self) -> bool:
        return bool(self.summaries)
