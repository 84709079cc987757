"""Fixtures: the seeded NeonCRM emulator on loopback HTTP, and clients signed in to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.connectors.http import RateLimiter, RetryPolicy
from app.connectors.neoncrm.client import NeonClient
from app.sandbox.neoncrm import API_KEY, ORG_ID, NeonCrmEmulator, seed_samples


class Sleeps(list[float]):
    """The waits a client asked for, instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _emulator(path: Path, *, enforce_limits: bool) -> NeonCrmEmulator:
    emu = NeonCrmEmulator(path, enforce_limits=enforce_limits)
    seed_samples(emu)
    return emu.start()


@pytest.fixture
def neon(tmp_path: Path) -> Iterator[NeonCrmEmulator]:
    """The sample nonprofit, with Neon's limits off."""
    emu = _emulator(tmp_path / "neon.sqlite3", enforce_limits=False)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[NeonCrmEmulator]:
    """The sample nonprofit, with Neon's limits on (one search at a time, five others)."""
    emu = _emulator(tmp_path / "neon-limited.sqlite3", enforce_limits=True)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(sleeps: Sleeps) -> Iterator[Callable[..., NeonClient]]:
    made: list[NeonClient] = []

    def make(emu: NeonCrmEmulator, **options: Any) -> NeonClient:
        options.setdefault("limiter", RateLimiter(100_000, sleep=sleeps))
        options.setdefault("sleep", sleeps)
        options.setdefault("retry", RetryPolicy())
        root = options.pop("root", emu.api_url)
        client = NeonClient(
            root, options.pop("org_id", ORG_ID), options.pop("api_key", API_KEY), **options
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(neon: NeonCrmEmulator, make_client: Callable[..., NeonClient]) -> NeonClient:
    return make_client(neon)
