"""Fixtures for the Xero emulator tests: a settable clock, an emulator and a raw API caller."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.xero import XeroEmulator
from tests.sandbox.xero.xero_support import FakeClock, XeroApi


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def xero(tmp_path: Path, clock: FakeClock) -> Iterator[XeroEmulator]:
    emu = XeroEmulator(tmp_path / "xero.sqlite3", clock=clock, enforce_limits=False)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def api(xero: XeroEmulator) -> Iterator[XeroApi]:
    with requests.Session() as session:
        yield XeroApi(xero, session)
