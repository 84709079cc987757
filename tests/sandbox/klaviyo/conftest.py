"""Fixtures for the Klaviyo emulator tests: a settable clock, the sample account, a caller."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.klaviyo import KlaviyoEmulator, seed_samples
from tests.sandbox.klaviyo.kl_support import FakeClock, KlaviyoApi


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 9, 1, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def kl(tmp_path: Path, clock: FakeClock) -> Iterator[KlaviyoEmulator]:
    emu = KlaviyoEmulator(tmp_path / "klaviyo.sqlite3", clock=clock, enforce_limits=False, seed=7)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[KlaviyoEmulator]:
    """The sample account with the rate limits on."""
    emu = KlaviyoEmulator(tmp_path / "limited.sqlite3", clock=clock, enforce_limits=True, seed=7)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def api(kl: KlaviyoEmulator) -> Iterator[KlaviyoApi]:
    with requests.Session() as session:
        yield KlaviyoApi(kl, session)


@pytest.fixture
def limited_api(limited: KlaviyoEmulator) -> Iterator[KlaviyoApi]:
    with requests.Session() as session:
        yield KlaviyoApi(limited, session)
