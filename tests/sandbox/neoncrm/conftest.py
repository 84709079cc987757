"""Fixtures for the Neon CRM emulator tests: the seeded emulator (limits off unless a test
turns them on), and a raw caller signed in to the sample org (the clock is tests/sandbox's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox.neoncrm import API_KEY, ORG_ID, NeonCrmEmulator, seed_samples
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.neoncrm.neon_support import RawNeon


def _seeded(path: Path, clock: FakeClock, *, enforce_limits: bool) -> NeonCrmEmulator:
    emu = NeonCrmEmulator(path, clock=clock, enforce_limits=enforce_limits)
    seed_samples(emu)
    return emu


@pytest.fixture
def neon(tmp_path: Path, clock: FakeClock) -> Iterator[NeonCrmEmulator]:
    with _seeded(tmp_path / "neon.sqlite3", clock, enforce_limits=False) as emu:
        yield emu


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[NeonCrmEmulator]:
    """The seeded emulator with Neon's limits enforced."""
    with _seeded(tmp_path / "neon-limited.sqlite3", clock, enforce_limits=True) as emu:
        yield emu


@pytest.fixture
def raw(neon: NeonCrmEmulator) -> Iterator[RawNeon]:
    """Calls to the production host as the sample org's API user."""
    caller = RawNeon(neon, ORG_ID, API_KEY)
    try:
        yield caller
    finally:
        caller.close()
