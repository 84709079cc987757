"""Fixtures for the profile wizard's GUI tests: the fake service (``tests/helpers``) over a
real CSV file."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.core.profiles import SyncProfile
from tests.helpers.fake_service import FakeService

# A Monday morning: the schedule page's "Next run" is computed from it.
NOW = datetime(2025, 6, 2, 8, 30)

HEADER = ["Customer ID", "First Name", "Last Name", "E-mail", "Phone", "City", "Type", "Opt Out"]
ROWS = [
    ["C1", "Ada", "Lovelace", "ada@example.com", "555-0101", "Portland", "Retail", ""],
    ["C2", "Grace", "Hopper", "grace@example.com", "", "Austin", "Wholesale", ""],
    ["C3", "Alan", "Turing", "alan@example.com", "555-0103", "Boston", "Retail", "yes"],
    ["C4", "Maya", "Patel", "maya@example.com", "", "Denver", "Cafe", ""],
    ["C5", "Omar", "Haddad", "omar@example.com", "555-0105", "Portland", "Retail", ""],
]


@pytest.fixture
def contacts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


@pytest.fixture
def service(tmp_path: Path) -> FakeService:
    """No profiles yet, one Constant Contact account with two lists; files read for real."""
    return FakeService(tmp_path)


@pytest.fixture
def no_auth_service(service: FakeService) -> FakeService:
    service.connections.set_status(None)
    return service


@pytest.fixture
def make_wizard(qtbot, service: FakeService) -> Iterator[Callable[..., object]]:
    """Builds a shown ProfileWizard over the fake service, with the clock fixed at NOW."""
    from app.ui.profile_wizard.wizard import ProfileWizard

    made: list[ProfileWizard] = []

    def make(profile: SyncProfile | None = None, **kwargs: object) -> ProfileWizard:
        kwargs.setdefault("clock", lambda: NOW)
        wizard = ProfileWizard(service, profile=profile, **kwargs)
        wizard.report_error = _fail_on_dialog  # type: ignore[method-assign]
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        return wizard

    yield make


def _fail_on_dialog(exc: Exception) -> None:
    raise AssertionError(f"unexpected error dialog: {exc}")


@pytest.fixture
def now() -> datetime:
    return NOW
