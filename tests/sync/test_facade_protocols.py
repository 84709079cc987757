"""The service facade's protocols, the service and the tests' fakes agree.

The window is typed against the protocols (``app/sync/facade/api.py``); its tests run on the
fakes (``tests/helpers``). A method added to a protocol, or a parameter to one of its methods,
that the service or a fake lacks fails here, before a window test passes on a fake that no
longer looks like the service. (``mypy`` checks the same, with the types, on both sides.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.secrets.store import SecretStore
from app.sync.facade.api import (
    ConnectionsApi,
    ContactBridgeApi,
    ListsApi,
    ProfilesApi,
    ReportsApi,
    RunsApi,
    StatsApi,
)
from app.sync.facade.connections import Connections
from app.sync.facade.lists import Lists
from app.sync.facade.profiles import Profiles
from app.sync.facade.reports import Reports
from app.sync.facade.runs import Runs
from app.sync.facade.stats import Stats
from app.sync.service import ContactBridgeService
from tests.helpers.fake_connections import FakeConnections
from tests.helpers.fake_lists import FakeLists, FakeReports
from tests.helpers.fake_profiles import FakeProfiles
from tests.helpers.fake_runs import FakeRuns
from tests.helpers.fake_service import FakeService
from tests.helpers.fake_stats import FakeStats

CONCERNS = [
    pytest.param(ProfilesApi, Profiles, FakeProfiles, "profiles", id="profiles"),
    pytest.param(ConnectionsApi, Connections, FakeConnections, "connections", id="connections"),
    pytest.param(RunsApi, Runs, FakeRuns, "runs", id="runs"),
    pytest.param(ListsApi, Lists, FakeLists, "lists", id="lists"),
    pytest.param(ReportsApi, Reports, FakeReports, "reports", id="reports"),
    pytest.param(StatsApi, Stats, FakeStats, "stats", id="stats"),
]


def methods(protocol: type) -> list[str]:
    """The protocol's methods, its base protocols' included (``ConnectorHost``'s)."""
    bases = [c for c in protocol.__mro__ if getattr(c, "_is_protocol", False)]
    return sorted(
        {n for c in bases for n, v in vars(c).items() if callable(v) and not n.startswith("_")}
    )


def shape(method: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    """Each parameter's name, kind (positional, keyword-only...) and default."""
    params = inspect.signature(method).parameters.values()
    return [(p.name, p.kind, p.default) for p in params]


@pytest.fixture
def service(tmp_path: Path) -> ContactBridgeService:
    return ContactBridgeService(
        tmp_path, SecretStore(), urls_for=lambda conn: None, open_browser=lambda url: None
    )


@pytest.mark.parametrize(("protocol", "real", "fake", "attribute"), CONCERNS)
def test_the_service_and_the_fake_take_what_the_protocol_says(protocol, real, fake, attribute):
    names = methods(protocol)
    assert names, f"{protocol.__name__} declares no method"
    for name in names:
        want = shape(getattr(protocol, name))
        assert shape(getattr(real, name)) == want, f"{real.__name__}.{name} differs"
        assert shape(getattr(fake, name)) == want, f"{fake.__name__}.{name} differs"


@pytest.mark.parametrize(("protocol", "real", "fake", "attribute"), CONCERNS)
def test_each_concern_of_the_service_and_of_the_fake_is_its_protocol(
    protocol, real, fake, attribute, service, tmp_path
):
    assert isinstance(getattr(service, attribute), real)
    assert isinstance(getattr(service, attribute), protocol)
    assert isinstance(getattr(FakeService(tmp_path), attribute), protocol)


def test_the_service_and_the_fake_are_what_the_window_is_given(service, tmp_path):
    assert isinstance(service, ContactBridgeApi)
    assert isinstance(FakeService(tmp_path), ContactBridgeApi)
    concerns = {p.values[3] for p in CONCERNS}
    declared = {n for n, v in vars(ContactBridgeApi).items() if isinstance(v, property)}
    assert concerns <= declared  # each concern is reachable from what the window is given
