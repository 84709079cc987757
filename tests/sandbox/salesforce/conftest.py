"""Fixtures for the Salesforce emulator tests: a clock of its own time, the sample org, and a
raw caller signed in as the sample user (the session is tests/sandbox's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.salesforce import CONSUMER_KEY, USERNAME, SalesforceEmulator, seed_samples
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.salesforce.sf_support import Api
from tests.sandbox.serving import serving


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 5, 6, 9, 30, 15, tzinfo=UTC))


@pytest.fixture
def emu(tmp_path: Path, clock: FakeClock) -> Iterator[SalesforceEmulator]:
    yield from serving(SalesforceEmulator(tmp_path / "sf.sqlite3", clock=clock), seed_samples)


@pytest.fixture
def api(emu: SalesforceEmulator, session: requests.Session) -> Api:
    return Api(emu, session, emu.issue_token(USERNAME, CONSUMER_KEY)["access_token"])
