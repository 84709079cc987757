"""Rate limits, the daily quota, fault injection, request counts and persistence."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.sandbox.cc_support import Api
from tests.sandbox.fake_clock import FakeClock

THROTTLED = {"error_key": "throttled", "error_message": "Too Many Requests"}
QUOTA = {"error_key": "quota_exceeded", "error_message": "Limit Exceeded"}


@pytest.fixture
def limited(state_path: Path, clock: FakeClock) -> Iterator[ConstantContactEmulator]:
    with ConstantContactEmulator(state_path, clock=clock, enforce_limits=True) as emu:
        yield emu


def test_more_than_four_requests_a_second_are_throttled(
    limited: ConstantContactEmulator, session: requests.Session
) -> None:
    api = Api(limited, session)
    codes = [api.get("/contact_lists").status_code for _ in range(5)]
    assert codes[:4] == [200, 200, 200, 200]
    assert codes[4] == 429
    response = api.get("/contact_lists")
    assert response.status_code == 429
    assert response.json() == THROTTLED
    assert "Retry-After" not in response.headers


def test_throttled_body_and_recovery(
    state_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with ConstantContactEmulator(state_path, clock=clock, rate_per_second=4) as emu:
        api = Api(emu, session)
        responses = [api.get("/contacts") for _ in range(8)]
        throttled = [r for r in responses if r.status_code == 429]
        assert throttled
        assert throttled[0].json() == THROTTLED
        time.sleep(0.3)  # the bucket refills at 4 per second
        assert api.get("/contacts").status_code == 200


def test_quota_exceeded_until_next_utc_midnight(
    state_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with ConstantContactEmulator(
        state_path, clock=clock, rate_per_second=1000, daily_quota=3
    ) as emu:
        api = Api(emu, session)
        assert [api.get("/contacts").status_code for _ in range(3)] == [200, 200, 200]
        over = api.get("/contacts")
        assert over.status_code == 429
        assert over.json() == QUOTA
        clock.now = datetime(2025, 3, 14, 23, 59, 59, tzinfo=UTC)
        assert api.get("/contacts").status_code == 429
        clock.now = datetime(2025, 3, 15, 0, 0, 0, tzinfo=UTC)
        assert api.get("/contacts").status_code == 200


def test_token_endpoint_allows_one_request_a_second(
    limited: ConstantContactEmulator, session: requests.Session
) -> None:
    data = {"grant_type": "refresh_token", "refresh_token": "nope", "client_id": "c"}
    first = session.post(limited.auth_url + "/token", data=data, timeout=10)
    second = session.post(limited.auth_url + "/token", data=data, timeout=10)
    assert first.status_code == 400
    assert second.status_code == 429


def test_forced_500_and_429_are_one_shot(api: Api) -> None:
    api.emulator.faults.force("GET /v3/contacts", "500")
    api.emulator.faults.force("GET /v3/contact_lists*", "throttled", times=2)
    assert api.get("/contacts").status_code == 500
    assert api.get("/contacts").status_code == 200
    lists = [api.get("/contact_lists") for _ in range(3)]
    assert [r.status_code for r in lists] == [429, 429, 200]
    assert lists[0].json() == THROTTLED


def test_forced_quota_and_503(api: Api) -> None:
    api.emulator.faults.force("* /v3/contacts", "quota_exceeded")
    api.emulator.faults.force("POST /v3/activities/*", "503")
    assert api.get("/contacts").json() == QUOTA
    list_id = api.emulator.create_list("L")
    body = {"import_data": [{"email": "a@example.com"}], "list_ids": [list_id]}
    assert api.post("/activities/contacts_json_import", json=body).status_code == 503


def test_forced_reset_drops_the_connection(api: Api) -> None:
    api.emulator.faults.force("GET /v3/contacts/{contact_id}", "reset")
    contact_id = api.emulator.seed_contact("a@example.com")
    with pytest.raises(requests.ConnectionError):
        api.get(f"/contacts/{contact_id}")
    assert api.get(f"/contacts/{contact_id}").status_code == 200


def test_forced_timeout_holds_the_response(api: Api) -> None:
    api.emulator.faults.timeout_seconds = 1.0
    api.emulator.faults.force("GET /v3/contacts", "timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("/contacts", timeout=0.3)
    assert api.get("/contacts").status_code == 200


def test_error_rate_and_latency(api: Api) -> None:
    faults = api.emulator.faults
    faults.seed = 7
    faults.error_rate = 0.5
    codes = [api.get("/contacts").status_code for _ in range(20)]
    assert set(codes) == {200, 500}
    faults.clear()
    faults.latency_ms = 150
    started = time.monotonic()
    assert api.get("/contacts").status_code == 200
    assert time.monotonic() - started >= 0.15


def test_unknown_fault_kind_is_rejected(api: Api) -> None:
    with pytest.raises(ValueError):
        api.emulator.faults.force("*", "explode")


def test_request_counts_by_template(api: Api) -> None:
    api.emulator.reset_counts()
    contact_id = api.emulator.seed_contact("a@example.com")
    api.get("/contacts")
    api.get("/contacts")
    api.get(f"/contacts/{contact_id}")
    counts = api.emulator.request_counts()
    assert counts == {"GET /v3/contacts": 2, "GET /v3/contacts/{contact_id}": 1}
    api.emulator.reset_counts()
    assert api.emulator.request_counts() == {}


def test_admin_endpoints_count_and_set_faults(api: Api) -> None:
    base = api.emulator.base_url
    api.get("/contacts")
    counts = api.session.get(base + "/__emulator/counts", timeout=10).json()
    assert counts == {"GET /v3/contacts": 1}
    assert api.session.post(base + "/__emulator/counts/reset", timeout=10).status_code == 200
    faults = {"force": [{"pattern": "GET /v3/contacts", "kind": "503"}]}
    assert api.session.post(base + "/__emulator/faults", json=faults, timeout=10).status_code == 200
    assert api.get("/contacts").status_code == 503
    assert api.emulator.request_counts() == {"GET /v3/contacts": 1}


def test_state_persists_across_restart(
    state_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with ConstantContactEmulator(state_path, clock=clock, enforce_limits=False) as emu:
        token = emu.issue_token()["access_token"]
        emu.seed_contact("kept@example.com", "Kept", list_names=["Regulars"])
    with ConstantContactEmulator(state_path, clock=clock, enforce_limits=False) as emu:
        assert emu.contacts_on_list("Regulars") == {"kept@example.com"}
        response = session.get(
            emu.api_url + "/contacts", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert [c["first_name"] for c in response.json()["contacts"]] == ["Kept"]


def test_the_same_emulator_can_restart(api: Api) -> None:
    emu = api.emulator
    list_id = emu.create_list("L")
    emu.stop()
    emu.start()
    api.token = emu.issue_token()["access_token"]
    body = {"import_data": [{"email": "again@example.com"}], "list_ids": [list_id]}
    activity_id = api.post("/activities/contacts_json_import", json=body).json()["activity_id"]
    assert api.wait_activity(activity_id)["state"] == "completed"
