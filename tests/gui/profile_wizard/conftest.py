"""Fixtures for the profile wizard's GUI tests: a small service fake over a real CSV file."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from app.connectors.csv_file import FileSource
from app.core.errors import Cancelled
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.profiles import SourceSpec, SyncProfile
from app.core.records import ContactList
from app.core.source_preview import SourcePreview
from app.core.store_types import Connection, ConnectionStatus

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


class FakeProfiles:
    """The part of ProfileRepository the wizard uses."""

    def __init__(self) -> None:
        self.saved: list[SyncProfile] = []

    def list(self) -> list[SyncProfile]:
        return list(self.saved)

    def get_by_name(self, name: str) -> SyncProfile | None:
        return next((p for p in self.saved if p.name == name.strip()), None)


class FakeService:
    """Stands in for ContactBridgeService: real file reading, scripted Constant Contact.

    ``connect_gate``, when set to an Event, holds ``connect_constant_contact`` until the test
    sets it, so a test can look at the window while the sign-in is under way.
    """

    sandbox = True
    client_id = "test-client"

    def __init__(self) -> None:
        self.profiles = FakeProfiles()
        self.connections: list[Connection] = [
            Connection(
                1,
                "constant_contact",
                "Sandbox Constant Contact",
                "Sandbox Bakery",
                ConnectionStatus.CONNECTED,
            )
        ]
        self.lists = [ContactList("l1", "Newsletter", 12), ContactList("l2", "VIP customers", 3)]
        self.connect_gate: threading.Event | None = None
        self.connect_error: Exception | None = None
        self.lists_error: Exception | None = None
        self.save_error: Exception | None = None
        self.save_calls = 0
        self.count_calls = 0
        self.preview_calls = 0

    # -- sources -------------------------------------------------------------------------------

    def preview_source(self, spec: SourceSpec, rows: int = 20) -> tuple[list[str], list[list[str]]]:
        return FileSource(spec.path).preview(rows)

    def numbered_preview(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[list[str], list[tuple[int, list[str]]]]:
        return FileSource(spec.path).numbered_preview(rows)

    def source_preview(self, spec: SourceSpec, rows: int = 20) -> SourcePreview:
        self.preview_calls += 1
        return FileSource(spec.path, sheet=spec.settings.get("sheet") or None).look(rows)

    def suggest_mapping(self, columns: list[str]) -> FieldMapping:
        return suggest_mapping(columns)

    def count_matching(self, spec: SourceSpec, filters: FilterGroup) -> tuple[int, int]:
        self.count_calls += 1
        records = list(
            FileSource(spec.path, key_column=spec.settings.get("key_column")).iter_records()
        )
        return sum(filters.matches(r.values) for r in records), len(records)

    # -- Constant Contact ------------------------------------------------------------------------

    def cc_connections(self) -> list[Connection]:
        return list(self.connections)

    def default_connection(self) -> Connection | None:
        return self.connections[0] if self.connections else None

    def connect_constant_contact(
        self,
        label: str = "Constant Contact",
        cancel: object = None,
        connection_id: int | None = None,
    ) -> Connection:
        if self.connect_gate is not None:
            while not self.connect_gate.wait(0.01):
                pass
        if cancel is not None and cancel.cancelled:  # type: ignore[attr-defined]
            raise Cancelled()
        if self.connect_error is not None:
            raise self.connect_error
        conn = Connection(
            len(self.connections) + 1,
            "constant_contact",
            label,
            "Sandbox Bakery",
            ConnectionStatus.CONNECTED,
        )
        self.connections.append(conn)
        return conn

    def list_contact_lists(self, connection_id: int) -> list[ContactList]:
        if self.lists_error is not None:
            raise self.lists_error
        return list(self.lists)

    # -- saving ----------------------------------------------------------------------------------

    def save_profile(self, profile: SyncProfile) -> SyncProfile:
        self.save_calls += 1
        if self.save_error is not None:
            raise self.save_error
        saved = replace(profile, id=profile.id or len(self.profiles.saved) + 1)
        self.profiles.saved = [p for p in self.profiles.saved if p.id != saved.id] + [saved]
        return saved


@pytest.fixture
def contacts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


@pytest.fixture
def service() -> FakeService:
    return FakeService()


@pytest.fixture
def no_auth_service(service: FakeService) -> FakeService:
    service.connections = []
    return service


@pytest.fixture
def make_wizard(qtbot, service: FakeService) -> Iterator[Callable[..., object]]:
    """Builds a shown ProfileWizard over the fake service, with the clock fixed at NOW."""
    from app.ui.profile_wizard.wizard import ProfileWizard

    made: list[ProfileWizard] = []

    def make(profile: SyncProfile | None = None, **kwargs: object) -> ProfileWizard:
        kwargs.setdefault("clock", lambda: NOW)
        wizard = ProfileWizard(service, profile=profile, **kwargs)  # type: ignore[arg-type]
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
