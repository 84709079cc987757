"""Fixtures for the Neon CRM emulator tests: the seeded emulator (limits off unless a test
turns them on), and a raw caller signed in to the sample org (the clock is tests/sandbox's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox.neoncrm import API_KEY, ORG_ID, NeonCrmEmulator, seed_samples
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.neoncrm.neon_support import RawNeon
from tests.sandbox.serving import serving


@pytest.fixture
def neon(tmp_path: Path, clock: FakeClock) -> Iterator[NeonCrmEmulator]:
    path = tmp_path / "neon.sqlite3"
    yield from serving(NeonCrmEmulator(path, clock=clock, enforce_limits=False), seed_samples)


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[NeonCrmEmulator]:
    """The seeded emulator with Neon's limits enforced."""
    path = tmp_path / "neon-limited.sqlite3"
    yield from serving(NeonCrmEmulator(path, clock=clock, enforce_limits=True), seed_samples)


@pytest.fixture
def raw(neon: NeonCrmEmulator) -> Iterator[RawNeon]:
    """Calls to the production host as the sample org's API user."""
    caller = RawNeon(neon, ORG_ID, API_KEY)
    try:
        yield caller
    finally:
        caller.close()
