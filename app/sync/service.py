"""The application service: what the GUI and the CLI ask of ContactBridge, with no Qt.

``ContactBridgeService`` composes the facade's concerns (``app/sync/facade/``), one attribute
each, over one set of repositories, the secret store and the Constant Contact clients:

- ``profiles``: the sync profiles, their sources and the preferences new ones start from;
- ``connections``: Constant Contact and the other services' sign-ins (and ``ConnectorHost``);
- ``runs``: syncs, dry runs, retries and undos, their locks, history and results;
- ``lists``: the lists manager's changes to Constant Contact lists;
- ``reports``: runs across profiles, and their exports;
- ``stats``: campaign statistics, their pull and exports.

Each implements its protocol in ``app/sync/facade/api.py``; the window is typed against those
(``ContactBridgeApi``), so the tests' fakes stand in for this class. ``app/application.py``
and ``app/cli.py`` build one (``app/sync/bootstrap.py``) and pass it on; nothing reaches it
through a global.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.connectors.base import RequestStats
from app.connectors.endpoints import ServiceUrls
from app.core.store_types import Connection
from app.secrets.store import SecretStore
from app.sync.facade.connections import Connections
from app.sync.facade.lists import Lists
from app.sync.facade.profiles import Profiles
from app.sync.facade.reports import Reports
from app.sync.facade.runs import Runs
from app.sync.facade.stats import Stats
from app.sync.facade.store import Store
from app.sync.locks import Origin
from app.sync.stats_job import StatsJob

if TYPE_CHECKING:
    from app.sync.facade.api import ContactBridgeApi


class ContactBridgeService:
    """Everything the user can do, one concern per attribute.

    Args:
        home: the app's data folder (locks live under it).
        secrets: where tokens live.
        urls_for: the Constant Contact URLs for a connection (the sandbox's are per launch).
        open_browser: shows an authorization page to the user.
        client_id: the Constant Contact API key used for new connections.
        sandbox: whether this is the sandbox.
        clock: the time now (UTC), for the runs' records.
        source_urls: another service's URLs for a connection (the sandbox's emulators);
            default: the real service's, from the registry.
        source_client_id: the OAuth client id new connections to a service use.
        origin: which kind of process this is (the window, the command line, ``run-due``),
            so another one waiting for the same account can say what it waits for
            (``runs.origin`` may change it once the process knows).

    Attributes:
        store: the repositories the concerns share (tests read what a run stored there).
        request_stats: the requests made to Constant Contact and the other services, by
            endpoint.
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
        self.home = home
        self.sandbox = sandbox
        self.secrets = secrets
        self.request_stats = RequestStats()
        self.store = Store()
        self.connections = Connections(
            self.store,
            secrets,
            urls_for=urls_for,
            open_browser=open_browser,
            client_id=client_id,
            sandbox=sandbox,
            stats=self.request_stats,
            source_urls=source_urls,
            source_client_id=source_client_id,
        )
        self.profiles = Profiles(self.store, host=self.connections)
        self.runs = Runs(
            home, self.store, self.profiles, self.connections, clock=clock, origin=origin
        )
        self.lists = Lists(self.store, self.profiles, self.connections, self.runs)
        self.reports = Reports(self.store)
        self.stats = Stats(
            self.store, StatsJob(self.store, self.connections, self.runs, clock=clock)
        )


if TYPE_CHECKING:  # mypy proves the service is what the window is typed against

    def _is_the_api(service: ContactBridgeService) -> ContactBridgeApi:
        return service
