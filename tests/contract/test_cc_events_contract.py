"""Contract tests: the emulator's event routes against Constant Contact's spec.

Every request and answer of ``GET /events``, ``GET /events/{event_id}`` and its
registrations is validated, paging included; refused parameters and unknown events answer
with the statuses the spec declares.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from app.sandbox.constant_contact import ConstantContactEmulator, seed_sample_events
from app.sandbox.constant_contact import event_store as es
from app.sandbox.constant_contact.event_samples import PAIRING, WORKSHOP
from tests.contract.test_cc_emulator_contract import Checked
from tests.sandbox.fake_clock import FakeClock

pytestmark = pytest.mark.contract
NOWHERE = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def checked(tmp_path: Path, openapi: Any) -> Iterator[Checked]:
    clock = FakeClock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    emulator = ConstantContactEmulator(
        tmp_path / "state.sqlite3", clock=clock, enforce_limits=False
    )
    emulator.start()
    seed_sample_events(emulator)
    try:
        with requests.Session() as session:
            yield Checked(emulator, session, openapi)
    finally:
        emulator.stop()


def _follow(checked: Checked, first: dict[str, Any]) -> list[dict[str, Any]]:
    pages = [first]
    while "next" in pages[-1].get("_links", {}):
        pages.append(checked("GET", pages[-1]["_links"]["next"]["href"], 200))
    return pages


def test_events_list_page_and_filter(checked: Checked) -> None:
    pages = _follow(checked, checked("GET", "/events?limit=1", 200))
    assert len(pages) == 4  # three held events and a draft, one a page
    assert all(p["total_records"] == 4 for p in pages)
    assert "next_cursor" in pages[0] and "next_cursor" not in pages[-1]
    names = [p["records"][0]["name"] for p in pages]
    assert WORKSHOP in names and PAIRING in names
    assert checked("GET", "/events?event_status=DRAFT", 200)["total_records"] == 1
    found = checked("GET", "/events?search_text=sourdough&sort_by=name&sort_order=DESC", 200)
    assert [r["name"] for r in found["records"]] == [WORKSHOP]
    checked("GET", "/events?limit=101", 400)
    checked("GET", "/events?event_status=SOON", 400)
    checked("GET", "/events?sort_by=colour", 400)


def test_an_event_and_its_registrations(checked: Checked) -> None:
    listing = checked("GET", "/events?search_text=sourdough", 200)["records"][0]
    event = checked("GET", f"/events/{listing['event_id']}", 200)
    track = event["default_track"]["track_id"]
    base = f"/events/{event['event_id']}/tracks/{track}/registrations"
    pages = _follow(checked, checked("GET", f"{base}?limit=2", 200))
    assert len(pages) == 3 and pages[0]["total_records"] == 6
    people = [r for p in pages for r in p["records"]]
    assert {r["registration_status"] for r in people} == {"REGISTERED", "CANCELED"}
    assert all(r["track_key"] == track for r in people)
    paid = checked("GET", f"{base}?payment_status=PAID&sort_by=tickets&sort_order=DESC", 200)
    assert paid["records"][0]["tickets"] == 3
    checked("GET", f"{base}?page_size=2&limit=2", 200)
    checked("GET", f"{base}?page_size=3&limit=2", 400)
    checked("GET", f"{base}?registration_status=LATE", 400, invalid=True)
    checked("GET", f"/events/{event['event_id']}/tracks/zzzzzz/registrations", 404)
    checked("GET", f"/events/{NOWHERE}", 404)


def test_a_deleted_event_is_gone(checked: Checked) -> None:
    emu = checked.emulator
    start = emu.clock() + timedelta(days=3)
    gone = es.seed_event(emu.state, "Cancelled picnic", start, start, status="DELETED")
    assert gone not in {r["event_id"] for r in checked("GET", "/events", 200)["records"]}
    assert checked("GET", "/events?event_status=DELETED", 200)["total_records"] == 1
    checked("GET", f"/events/{gone}", 404)
