"""Fixtures for the Neon CRM emulator tests: a settable clock, the seeded emulator (limits
off unless a test turns them on), and a raw caller signed in to the sample org."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.sandbox.neoncrm import API_KEY, ORG_ID, NeonCrmEmulator, seed_samples
from tests.sandbox.neoncrm.neon_support import FakeClock, RawNeon


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def neon(tmp_path: Path, clock: FakeClock) -> Iterator[NeonCrmEmulator]:
    emu = NeonCrmEmulator(tmp_path / "neon.sqlite3", clock=clock, enforce_limits=False)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[NeonCrmEmulator]:
    """The seeded emulator with Neon's limits enforced."""
    emu = NeonCrmEmulator(tmp_path / "neon-limited.sqlite3", clock=clock, enforce_limits=True)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def raw(neon: NeonCrmEmulator) -> Iterator[RawNeon]:
    """Calls to the production host as the sample org's API user."""
    caller = RawNeon(neon, ORG_ID, API_KEY)
    try:
        yield caller
    finally:
        caller.close()
