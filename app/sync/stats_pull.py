"""One Constant Contact account's statistics pull: discover campaigns, counts, then reports.

Within the API's 10,000 requests a day (``connector-facts.md`` §5):

1. **Discover.** ``GET /emails?after_date=<last discovery − 1 day>`` (the filter is on
   ``updated_at``) lists the campaigns that changed; ``GET /emails/{id}`` is read once for
   each new or changed campaign that is not a draft, for its activities. The discovery's
   start becomes the next ``after_date`` only once every campaign it found has been read.
2. **Counts.** The bulk summaries report (500 campaigns a page, last sent first) gives every
   campaign's counts and its send date; paging stops at campaigns sent before the window.
3. **Reports.** Each activity's tracking reports are paged back to their marks
   (``app.sync.stats_pages``), guided by the activity stats (one request for 10
   activities), which say whether a report has anything new. A campaign sent in the last
   72 hours is read on every pull; the others only on a full ("nightly") pull. ``sends``
   and ``didnotopens`` are read once, after the campaign is done.

Everything read is stored as it comes, so a cancelled pull, or one stopped by the quota,
resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.connectors.campaign_reports import CampaignReportsClient
from app.core.campaign_stats import LIVE_REPORTS, SETTLED_REPORTS
from app.core.errors import NotFound, QuotaExceeded
from app.store.campaign_pull_repo import CampaignPullRepository, StoredCampaign
from app.sync.progress import CancelToken, NullReporter, ProgressReporter
from app.sync.stats_pages import read_report

RECENT = timedelta(hours=72)  # campaigns still gathering activity: read on every pull
DISCOVERY_OVERLAP = timedelta(days=1)  # ``after_date`` goes this far before the last look

PHASE_DISCOVER = "Finding campaigns"
PHASE_COUNTS = "Reading campaign counts"
PHASE_REPORTS = "Reading who opened and clicked"


def is_draft(status: str) -> bool:
    return status.strip().upper() == "DRAFT"


def is_done(status: str) -> bool:
    """Whether the campaign has gone out for good (``current_status`` "Done"/"DONE")."""
    return status.strip().upper() == "DONE"


def is_removed(status: str) -> bool:
    return status.strip().upper() in ("REMOVED", "DELETED")


@dataclass
class AccountTally:
    """What one account's pull did (summed into the ``PullReport``)."""

    campaigns_new: int = 0
    activities: int = 0
    events_new: int = 0


class AccountPull:
    """The pull of one connection's account.

    Args:
        connection_id: the Constant Contact connection.
        client: its reports client (counts the requests).
        repo: the store's pull side.
        now: the time now (UTC), for the 72-hour window and the marks.
        full: read every campaign's reports ("nightly"), not only the recent ones.
        marks: told each mark a pass ended at, as "activity/report" -> ISO time.
    """

    def __init__(
        self,
        connection_id: int,
        client: CampaignReportsClient,
        repo: CampaignPullRepository,
        *,
        now: Callable[[], datetime],
        full: bool,
        progress: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        marks: dict[str, str] | None = None,
    ) -> None:
        self.connection_id = connection_id
        self.client = client
        self.repo = repo
        self.now = now
        self.full = full
        self.progress = progress or NullReporter()
        self.cancel = cancel
        self.marks = marks if marks is not None else {}
        self.tally = AccountTally()

    def run(self) -> AccountTally:
        """Discover, count, read the reports. Raises ``Cancelled`` or ``QuotaExceeded`` when
        it stops early (what was read is kept)."""
        self.discover()
        self.counts()
        self.reports()
        return self.tally

    def _check(self) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()

    # -- 1. discover -------------------------------------------------------------------------

    def discover(self) -> None:
        self.progress.phase(PHASE_DISCOVER)
        started = self.now()
        state = self.repo.state(self.connection_id)
        after = None if state.discovered_at is None else state.discovered_at - DISCOVERY_OVERLAP
        found = list(self.client.campaigns(updated_after=after))
        self.tally.campaigns_new += self.repo.upsert_campaigns(self.connection_id, found)
        stored = self.repo.stored_campaigns(self.connection_id)
        todo = [c for c in stored.values() if self._needs_details(c)]
        for n, campaign in enumerate(todo, 1):
            self._check()
            info, activities = self.client.campaign(campaign.campaign_id)
            self.repo.set_activities(
                self.connection_id,
                campaign.campaign_id,
                activities,
                campaign.updated_at or info.updated_at,
            )
            self.progress.advance(n, len(todo))
        self.repo.set_state(self.connection_id, discovered_at=started)

    @staticmethod
    def _needs_details(campaign: StoredCampaign) -> bool:
        if is_draft(campaign.status) or is_removed(campaign.status):
            return False
        if campaign.details_at is None:
            return True
        return campaign.updated_at is not None and campaign.updated_at > campaign.details_at

    # -- 2. counts ---------------------------------------------------------------------------

    def counts(self) -> None:
        self._check()
        self.progress.phase(PHASE_COUNTS)
        since = None if self.full else self.now() - RECENT
        self.repo.upsert_summaries(self.connection_id, self.client.summaries(sent_after=since))

    # -- 3. reports --------------------------------------------------------------------------

    def _due(self, campaign: StoredCampaign) -> bool:
        if is_draft(campaign.status) or is_removed(campaign.status):
            return False
        if self.full:
            return True
        sent = campaign.sent_at or campaign.updated_at
        return sent is None or sent >= self.now() - RECENT

    def reports(self) -> None:
        stored = self.repo.stored_campaigns(self.connection_id)
        work: list[tuple[str, str, str]] = []  # (campaign, activity, report)
        for campaign in sorted(stored.values(), key=lambda c: c.campaign_id):
            if not self._due(campaign):
                continue
            reports = LIVE_REPORTS + (SETTLED_REPORTS if is_done(campaign.status) else ())
            activities = self.repo.activities(self.connection_id, campaign.campaign_id)
            for activity_id, _role in activities:
                self.tally.activities += 1
                work += [(campaign.campaign_id, activity_id, r) for r in reports]
        counts = self._counts({a for _c, a, _r in work})
        self.progress.phase(PHASE_REPORTS, len(work))
        for n, (campaign_id, activity_id, report) in enumerate(work, 1):
            read = read_report(
                self.client,
                self.repo,
                self.connection_id,
                campaign_id,
                activity_id,
                report,
                self.cancel,
                expected=counts.get(activity_id, {}).get(report),
            )
            self.tally.events_new += read.new
            if read.mark is not None:
                self.marks[f"{activity_id}/{report}"] = read.mark.isoformat()
            self.progress.advance(n, len(work))

    def _counts(self, activity_ids: set[str]) -> dict[str, dict[str, int]]:
        """The activity stats of the activities read before (one request per 10): a live
        report whose rows kept match them has nothing new. Without them (refused), each
        report is read back to its overlap's floor."""
        read_before = sorted(
            a
            for a in activity_ids
            if any(self.repo.mark(self.connection_id, a, r).mark for r in LIVE_REPORTS)
        )
        if not read_before:
            return {}
        self._check()
        try:
            return self.client.activity_counts(read_before)
        except NotFound:
            return {}


FULL_EVERY = timedelta(hours=20)  # a pull this long after the last full one reads everything


def pull_account(
    repo: CampaignPullRepository,
    connection_id: int,
    client: CampaignReportsClient,
    clock: Callable[[], datetime],
    full: bool,
    progress: ProgressReporter | None,
    cancel: CancelToken | None,
    marks: dict[str, str],
    total: AccountTally,
) -> None:
    """One account's pull, its account already held by the caller (a pull, or a sync that
    reads the statistics it copies): what it read is kept even when it stops."""
    pull = AccountPull(
        connection_id,
        client,
        repo,
        now=clock,
        full=full,
        progress=progress,
        cancel=cancel,
        marks=marks,
    )
    try:
        pull.run()
    finally:
        _add(total, pull.tally)
        repo.drop_opened_did_not_opens(connection_id)
        # Opt-outs read so far reach the syncs even when the pull stopped.
        repo.apply_optouts_to_mirror(connection_id)


def pull_held(
    repo: CampaignPullRepository,
    connection_id: int,
    client: CampaignReportsClient,
    clock: Callable[[], datetime],
    cancel: CancelToken | None = None,
) -> AccountTally:
    """Bring one account's statistics up to date from within a run that holds the account:
    full when the last full pull is old, as the job does; the pull's state is kept the
    same way (a quota stop resumes after the reset)."""
    start = clock()
    state = repo.state(connection_id)
    full = state.nightly_at is None or start - state.nightly_at >= FULL_EVERY
    repo.set_state(connection_id, tried_at=start)
    total = AccountTally()
    try:
        pull_account(repo, connection_id, client, clock, full, None, cancel, {}, total)
    except QuotaExceeded as exc:
        repo.set_state(connection_id, resume_at=exc.resets_at)
        raise
    repo.set_state(connection_id, pulled_at=clock(), resume_at=None)
    if full:
        repo.set_state(connection_id, nightly_at=start)
    return total


def _add(total: AccountTally, part: AccountTally) -> None:
    total.campaigns_new += part.campaigns_new
    total.activities += part.activities
    total.events_new += part.events_new
