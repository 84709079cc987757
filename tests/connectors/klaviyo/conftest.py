"""Fixtures: both sandbox emulators and a migration profile from Constant Contact to Klaviyo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter
from tests.connectors.klaviyo.kl_world import World


@pytest.fixture
def no_cc_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Constant Contact's 4 requests a second are the emulator's to enforce, not these tests'."""
    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))


@pytest.fixture
def world(tmp_path: Path, no_cc_throttle: None) -> Iterator[World]:
    found = World(tmp_path / "home")
    try:
        yield found
    finally:
        found.close()
