"""Fixtures for the WellnessLiving emulator tests: the seeded emulator, and raw signed
callers (a signed-in staff member, or none); the clock is tests/sandbox's."""

from __future__ import annotations

from collections.abc import Iterator
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
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.serving import serving
from tests.sandbox.wellnessliving.wl_support import RawWl


@pytest.fixture
def wl(tmp_path: Path, clock: FakeClock) -> Iterator[WellnessLivingEmulator]:
    emu = WellnessLivingEmulator(tmp_path / "wl.sqlite3", clock=clock, enforce_limits=False)
    yield from serving(emu, seed_samples)


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
