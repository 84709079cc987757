"""Fixtures for the main window tests: the fake service (``tests/helpers``), the real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fake_connections import cc_connection
from tests.helpers.fake_service import FakeService


@pytest.fixture(autouse=True)
def wheel_guard(qapp: Any) -> Any:
    """The app-wide wheel guard, installed as ``create_application`` does."""
    from app.ui.wheel_guard import install

    return install(qapp)


@pytest.fixture
def fake_service(tmp_path: Path) -> FakeService:
    """Two profiles and a Constant Contact account labelled "Sandbox"; runs end at once
    (``runs.release`` holds them) with ten records of every outcome."""
    service = FakeService(tmp_path, connections=(cc_connection("Sandbox"),))
    service.add_profile(1, "Shop customers")
    service.add_profile(2, "Studio members")
    return service


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Any]:
    """The real service on the sandbox emulator with its sample profile."""
    from app.sync.bootstrap import open_service

    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    try:
        yield handle
    finally:
        handle.close()
