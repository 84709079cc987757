"""The statistics pull as a job: every connected account in turn, each under its lock.

Like a sync, the pull holds the Constant Contact account (``Runs.account_slot``) while it
reads, so it waits for a sync of the same account and a sync waits for it. It is cancellable
(``stopped="cancelled"``) and stops at the daily quota (``stopped="quota"``, to resume after
the reset); what it read is kept either way and the next pull goes on from there.

A pull is full ("nightly": every campaign's reports) when the account's last full pull is
more than ``FULL_EVERY`` old, else it reads only the campaigns of the last 72 hours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from app.connectors.campaign_reports import CampaignReportsClient
from app.core.campaign_stats import PullReport
from app.core.errors import AuthError, Cancelled, ConfigError, QuotaExceeded, RemoteError
from app.core.store_types import ConnectionStatus
from app.sync.facade.connections import Connections
from app.sync.facade.runs import Runs
from app.sync.facade.store import Store
from app.sync.locks import Activity, Holder
from app.sync.progress import CancelToken, ProgressReporter
from app.sync.stats_pull import FULL_EVERY, AccountTally, pull_account

log = logging.getLogger(__name__)


NOT_CONNECTED = "Connect a Constant Contact account to read its campaign statistics."
CANCELLED = "The statistics pull was stopped; the next pull goes on from where it stopped."
NO_REPORTS = (
    "Constant Contact did not let ContactBridge read this account's campaign reports. "
    "Connect the account again (Connections, Reconnect) to allow campaign statistics, or ask "
    "the account's owner for access to reports."
)


class StatsJob:
    """Runs the pull for ``Stats.pull`` (``app/sync/facade/stats.py``).

    Args:
        store, connections, runs: the service's concerns (clients, locks, the store).
        clock: the time now, UTC.
        page_size: rows a report page (tests lower it to exercise paging).
    """

    def __init__(
        self,
        store: Store,
        connections: Connections,
        runs: Runs,
        clock: Callable[[], datetime],
        page_size: int | None = None,
    ) -> None:
        self.store = store
        self.connections = connections
        self.runs = runs
        self.clock = clock
        self.page_size = page_size

    def __call__(
        self, progress: ProgressReporter | None = None, cancel: CancelToken | None = None
    ) -> PullReport:
        repo = self.store.campaign_pull
        connections = [
            c for c in self.connections.cc_connections() if c.status is ConnectionStatus.CONNECTED
        ]
        if not connections:
            raise ConfigError(NOT_CONNECTED)
        total = AccountTally()
        marks: dict[str, str] = {}
        requests = 0
        stopped: str | None = None
        message = ""
        for conn in connections:
            start = self.clock()
            state = repo.state(conn.id)
            full = state.nightly_at is None or start - state.nightly_at >= FULL_EVERY
            repo.set_state(conn.id, tried_at=start)
            client: CampaignReportsClient | None = None
            try:
                with self.runs.account_slot(conn.id, Holder(Activity.STATS_PULL), cancel=cancel):
                    api = self.connections.cc_client(conn.id).api
                    client = CampaignReportsClient(api)
                    if self.page_size is not None:
                        client.page_size = self.page_size
                    pull_account(
                        repo, conn.id, client, self.clock, full, progress, cancel, marks, total
                    )
            except Cancelled:
                stopped, message = "cancelled", CANCELLED
            except QuotaExceeded as exc:
                stopped, message = "quota", exc.message
                repo.set_state(conn.id, resume_at=exc.resets_at)
            except RemoteError as exc:
                if exc.status != 403:  # a connection made before statistics asked for them
                    raise
                raise AuthError(NO_REPORTS, details=exc.details) from exc
            else:
                done = self.clock()
                repo.set_state(conn.id, pulled_at=done, resume_at=None)
                if full:
                    repo.set_state(conn.id, nightly_at=start)
            finally:
                if client is not None:
                    requests += client.requests
            if stopped:
                break
        return PullReport(
            campaigns=len(self.store.campaign_stats.campaigns()),
            campaigns_new=total.campaigns_new,
            activities=total.activities,
            events_new=total.events_new,
            events_total=repo.event_count(),
            requests=requests,
            marks=marks,
            stopped=stopped,
            message=message,
        )
