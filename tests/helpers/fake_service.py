"""``FakeService``: every concern of ``ContactBridgeService`` in memory, for the window's tests.

It is what the window is typed against (``ContactBridgeApi``, ``app/sync/facade/api.py``):
mypy checks it below, and ``tests/sync/test_facade_protocols.py`` checks each fake's
signatures against its protocol, so a protocol change the fakes miss fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.profiles import SyncProfile
from app.core.records import ContactList
from app.core.store_types import Connection

from .builders import make_profile
from .fake_connections import FakeConnections, cc_connection
from .fake_lists import FakeLists, FakeReports
from .fake_profiles import FakeProfiles
from .fake_runs import FakeRuns
from .fake_stats import FakeStats

if TYPE_CHECKING:
    from app.sync.facade.api import ContactBridgeApi

LISTS = (ContactList("l1", "Newsletter", 12), ContactList("l2", "VIP customers", 3))


class FakeService:
    """The concerns, wired as the real service wires them (the profiles' overviews show
    the fake runs' newest run; reports read the fake runs).

    Args:
        home: the data folder (the window keeps its settings there).
        profiles: the profiles saved already.
        connections: the saved connections (default: one connected Constant Contact).
        clock: when set, each run records its start by it (for the scheduler).
    """

    def __init__(
        self,
        home: Path,
        *profiles: SyncProfile,
        sandbox: bool = True,
        connections: tuple[Connection, ...] = (cc_connection(),),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.home = home
        self.sandbox = sandbox
        self.profiles = FakeProfiles(*profiles)
        self.connections = FakeConnections(*connections, sandbox=sandbox)
        self.runs = FakeRuns(self.profiles, clock)
        self.lists = FakeLists(self.profiles, *LISTS)
        self.reports = FakeReports(self.profiles, self.runs)
        self.stats = FakeStats()
        self.profiles.last_run = lambda pid: self.runs.newest(pid, dry_run=False)
        self.profiles.last_dry_run = lambda pid: self.runs.newest(pid, dry_run=True)

    def add_profile(self, pid: int, name: str) -> SyncProfile:
        """A saved profile of a file into "Newsletter" on connection 1."""
        return self.profiles.add(make_profile(pid, name))


if TYPE_CHECKING:  # mypy checks the fakes against the protocols (``mypy`` reads tests/helpers)

    def _is_the_api(fake: FakeService) -> ContactBridgeApi:
        return fake
