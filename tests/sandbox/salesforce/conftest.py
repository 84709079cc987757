"""Fixtures for the Salesforce emulator tests: a settable clock, the sample org, and a raw
caller signed in as the sample user."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.salesforce import CONSUMER_KEY, USERNAME, SalesforceEmulator, seed_samples
from tests.sandbox.salesforce.sf_support import Api, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 5, 6, 9, 30, 15, tzinfo=UTC))


@pytest.fixture
def emu(tmp_path: Path, clock: FakeClock) -> Iterator[SalesforceEmulator]:
    emulator = SalesforceEmulator(tmp_path / "sf.sqlite3", clock=clock)
    seed_samples(emulator)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def api(emu: SalesforceEmulator, session: requests.Session) -> Api:
    return Api(emu, session, emu.issue_token(USERNAME, CONSUMER_KEY)["access_token"])
