"""Fixtures for the Xero emulator tests: an emulator and a raw API caller (the clock and the
session are tests/sandbox's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app.sandbox.xero import XeroEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.xero.xero_support import XeroApi


@pytest.fixture
def xero(tmp_path: Path, clock: FakeClock) -> Iterator[XeroEmulator]:
    with XeroEmulator(tmp_path / "xero.sqlite3", clock=clock, enforce_limits=False) as emu:
        yield emu


@pytest.fixture
def api(xero: XeroEmulator, session: requests.Session) -> XeroApi:
    return XeroApi(xero, session)
