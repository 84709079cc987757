"""Fixtures for the Klaviyo emulator tests: a clock of its own time, the sample account
(limits off, or on), and a caller of each (the session is tests/sandbox's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.klaviyo import KlaviyoEmulator, seed_samples
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi
from tests.sandbox.serving import serving


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 9, 1, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def kl(tmp_path: Path, clock: FakeClock) -> Iterator[KlaviyoEmulator]:
    path = tmp_path / "klaviyo.sqlite3"
    yield from serving(
        KlaviyoEmulator(path, clock=clock, enforce_limits=False, seed=7), seed_samples
    )


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[KlaviyoEmulator]:
    """The sample account with the rate limits on."""
    path = tmp_path / "limited.sqlite3"
    yield from serving(
        KlaviyoEmulator(path, clock=clock, enforce_limits=True, seed=7), seed_samples
    )


@pytest.fixture
def api(kl: KlaviyoEmulator, session: requests.Session) -> KlaviyoApi:
    return KlaviyoApi(kl, session)


@pytest.fixture
def limited_api(limited: KlaviyoEmulator) -> Iterator[KlaviyoApi]:
    with requests.Session() as session:
        yield KlaviyoApi(limited, session)
