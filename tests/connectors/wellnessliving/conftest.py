"""Fixtures: the seeded WellnessLiving emulator on loopback HTTP, and clients connected to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.connectors.http import RateLimiter
from app.connectors.wellnessliving import Application, StaffLogin, WellnessLivingClient
from app.sandbox.wellnessliving import (
    APPLICATION_ID,
    APPLICATION_SECRET,
    BUSINESS_KEY,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    WellnessLivingEmulator,
    seed_samples,
)
from tests.connectors.wellnessliving.wl_fakes import Sleeps


@pytest.fixture
def wl_emulator(tmp_path: Path) -> Iterator[WellnessLivingEmulator]:
    emu = WellnessLivingEmulator(tmp_path / "wl.sqlite3", enforce_limits=False)
    seed_samples(emu)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(
    wl_emulator: WellnessLivingEmulator, sleeps: Sleeps
) -> Iterator[Callable[..., WellnessLivingClient]]:
    made: list[WellnessLivingClient] = []

    def make(
        *,
        app: tuple[str, str] = (APPLICATION_ID, APPLICATION_SECRET),
        login: tuple[str, str] = (STAFF_LOGIN, STAFF_PASSWORD),
        business: str = BUSINESS_KEY,
        **options: Any,
    ) -> WellnessLivingClient:
        options.setdefault("connect_to", wl_emulator.base_url)
        options.setdefault("limiter", RateLimiter(100_000))
        options.setdefault("sleep", sleeps)
        client = WellnessLivingClient(Application(*app), StaffLogin(*login), business, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def wl_client(make_client: Callable[..., WellnessLivingClient]) -> WellnessLivingClient:
    return make_client()
