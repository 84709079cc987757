"""Fixtures for the WellnessLiving emulator tests: a settable clock, the seeded emulator, and
raw signed callers (a signed-in staff member, or none)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.sandbox.wellnessliving import (
    APPLICATION_ID,
    APPLICATION_SECRET,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    WellnessLivingEmulator,
    seed_samples,
)
from tests.sandbox.wellnessliving.wl_support import FakeClock, RawWl


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def wl(tmp_path: Path, clock: FakeClock) -> Iterator[WellnessLivingEmulator]:
    emu = WellnessLivingEmulator(tmp_path / "wl.sqlite3", clock=clock, enforce_limits=False)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def raw(wl: WellnessLivingEmulator) -> Iterator[RawWl]:
    """Signed calls to US production, not signed in."""
    caller = RawWl(wl, APPLICATION_ID, APPLICATION_SECRET)
    try:
        yield caller
    finally:
        caller.close()


@pytest.fixture
def staff(raw: RawWl) -> RawWl:
    """Signed calls to US production, signed in as the sample business's owner."""
    answer = raw.sign_in(STAFF_LOGIN, STAFF_PASSWORD)
    assert answer["status"] == "ok", answer
    return raw
