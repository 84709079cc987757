"""Fixtures for the Constant Contact emulator tests: a fake clock, an emulator, an API client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.sandbox.cc_support import Api, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "cc-sandbox.sqlite3"


@pytest.fixture
def emulator(state_path: Path, clock: FakeClock) -> Iterator[ConstantContactEmulator]:
    emu = ConstantContactEmulator(state_path, clock=clock, enforce_limits=False)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def api(emulator: ConstantContactEmulator, session: requests.Session) -> Api:
    return Api(emulator, session)
