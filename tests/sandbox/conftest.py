"""Fixtures for every emulator's tests (a fake clock, an HTTP session) and the Constant
Contact emulator's own (an emulator, an API client).

An emulator's tests in a folder below take ``clock`` and ``session`` from here; a folder
whose service needs another starting time overrides ``clock``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.sandbox.cc_support import Api
from tests.sandbox.fake_clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "cc-sandbox.sqlite3"


@pytest.fixture
def emulator(state_path: Path, clock: FakeClock) -> Iterator[ConstantContactEmulator]:
    with ConstantContactEmulator(state_path, clock=clock, enforce_limits=False) as emu:
        yield emu


@pytest.fixture
def api(emulator: ConstantContactEmulator, session: requests.Session) -> Api:
    return Api(emulator, session)
