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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 9, 1, 12, 0, 0, tzinfo=UTC))


def _sample_account(path: Path, clock: FakeClock, *, enforce_limits: bool) -> KlaviyoEmulator:
    emu = KlaviyoEmulator(path, clock=clock, enforce_limits=enforce_limits, seed=7)
    seed_samples(emu)
    return emu


@pytest.fixture
def kl(tmp_path: Path, clock: FakeClock) -> Iterator[KlaviyoEmulator]:
    with _sample_account(tmp_path / "klaviyo.sqlite3", clock, enforce_limits=False) as emu:
        yield emu


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[KlaviyoEmulator]:
    """The sample account with the rate limits on."""
    with _sample_account(tmp_path / "limited.sqlite3", clock, enforce_limits=True) as emu:
        yield emu


@pytest.fixture
def api(kl: KlaviyoEmulator, session: requests.Session) -> KlaviyoApi:
    return KlaviyoApi(kl, session)


@pytest.fixture
def limited_api(limited: KlaviyoEmulator) -> Iterator[KlaviyoApi]:
    with requests.Session() as session:
        yield KlaviyoApi(limited, session)
