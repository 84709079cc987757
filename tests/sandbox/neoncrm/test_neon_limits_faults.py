"""Neon's limits (simultaneous requests per endpoint and org, an optional rate), injected
faults, and the ``/_sandbox`` admin routes of the Neon CRM emulator."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from app.sandbox.neoncrm import (
    API_KEY,
    ORG_ID,
    TRIAL_API_KEY,
    TRIAL_ORG_ID,
    NeonCrmEmulator,
    seed_samples,
)
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.neoncrm.neon_support import RawNeon, criterion

SEARCH = [criterion("Account Type", "EQUAL", "Individual")]
WAIT = 10.0


def _assert_neon_429(answer: requests.Response) -> None:
    assert answer.status_code == 429
    assert answer.content == b""
    assert "Retry-After" not in answer.headers


def test_a_second_simultaneous_search_gets_a_429(limited: NeonCrmEmulator) -> None:
    first, second = RawNeon(limited, ORG_ID, API_KEY), RawNeon(limited, ORG_ID, API_KEY)
    gate = limited.hold("POST /accounts/search")
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(first.search, SEARCH, ["Account ID"])
        assert gate.entered.wait(WAIT)
        _assert_neon_429(second.search(SEARCH, ["Account ID"]))
        # Other endpoints, and the same endpoint in another org, have their own limits.
        assert second.get("/accounts/1001").status_code == 200
        trial = RawNeon(limited, TRIAL_ORG_ID, TRIAL_API_KEY, trial=True)
        assert trial.search(SEARCH, ["Account ID"]).status_code == 200
        gate.release()
        assert running.result(WAIT).status_code == 200
    assert second.search(SEARCH, ["Account ID"]).status_code == 200


def test_most_endpoints_take_five_at_once(limited: NeonCrmEmulator) -> None:
    gates = [limited.hold("GET /accounts/{id}") for _ in range(5)]
    callers = [RawNeon(limited, ORG_ID, API_KEY) for _ in range(6)]
    with ThreadPoolExecutor(5) as pool:
        running = [pool.submit(c.get, "/accounts/1001") for c in callers[:5]]
        assert all(g.entered.wait(WAIT) for g in gates)
        _assert_neon_429(callers[5].get("/accounts/1002"))
        for gate in gates:
            gate.release()
        assert [r.result(WAIT).status_code for r in running] == [200] * 5
    assert callers[5].get("/accounts/1002").status_code == 200


def test_the_emulator_without_limits_never_refuses(neon: NeonCrmEmulator) -> None:
    gate = neon.hold("POST /accounts/search")
    caller = RawNeon(neon, ORG_ID, API_KEY)
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(caller.search, SEARCH, ["Account ID"])
        assert gate.entered.wait(WAIT)
        assert RawNeon(neon, ORG_ID, API_KEY).search(SEARCH, ["Account ID"]).status_code == 200
        gate.release()
        assert running.result(WAIT).status_code == 200


def test_a_rate_per_second_can_be_switched_on(tmp_path: Path, clock: FakeClock) -> None:
    emu = NeonCrmEmulator(tmp_path / "rate.sqlite3", clock=clock, per_second=2)
    seed_samples(emu)
    with emu:
        caller = RawNeon(emu, ORG_ID, API_KEY)
        assert [caller.get("/accounts/1001").status_code for _ in range(2)] == [200, 200]
        _assert_neon_429(caller.get("/accounts/1001"))
        _assert_neon_429(caller.get("/accounts/1002"))  # the same endpoint, another id
        assert caller.get("/properties/organizationProfile").status_code == 200
        clock.advance(seconds=1)
        assert caller.get("/accounts/1001").status_code == 200
        # The admin route changes it, or turns it off.
        admin = requests.post(emu.admin_url + "/limits", json={"per_second": None}, timeout=10)
        assert admin.status_code == 200
        assert [caller.get("/accounts/1001").status_code for _ in range(5)] == [200] * 5


def test_forced_faults_answer_as_neon_and_its_gateway_would(
    raw: RawNeon, neon: NeonCrmEmulator
) -> None:
    neon.faults.force("GET /accounts/{id}", "429")
    _assert_neon_429(raw.get("/accounts/1001"))
    neon.faults.force("GET /accounts/{id}", "500")
    error = raw.get("/accounts/1001")
    assert (error.status_code, error.json()) == (
        500,
        [{"code": "1", "message": "Unexpected System error occurred."}],
    )
    neon.faults.force("POST /accounts/search", "503")
    unavailable = raw.search(SEARCH, ["Account ID"])
    assert unavailable.status_code == 503
    assert unavailable.headers["Content-Type"].startswith("text/html")
    neon.faults.force("POST /accounts/search", "403")
    forbidden = raw.search(SEARCH, ["Account ID"], page=1)
    assert (forbidden.status_code, forbidden.text) == (403, "Forbidden")
    neon.faults.force("POST /accounts/search", "222")
    merged_style = raw.search(SEARCH, ["Account ID"])
    assert merged_style.status_code == 222
    assert merged_style.json()["pagination"]["totalResults"] == 40
    neon.faults.force("PATCH /accounts/{id}", "204")
    patched = raw.call(
        "PATCH", "/accounts/1010", json={"individualAccount": {"noSolicitation": True}}
    )
    assert (patched.status_code, patched.content) == (204, b"")
    assert raw.account("1010")["noSolicitation"] is True  # the change was made all the same
    neon.faults.force("GET /accounts/{id}", "reset")
    with pytest.raises(requests.ConnectionError):
        raw.get("/accounts/1001")
    assert raw.get("/accounts/1001").status_code == 200  # one-shot


def test_faults_are_set_through_the_admin_route(raw: RawNeon, neon: NeonCrmEmulator) -> None:
    body = {"force": [{"pattern": "PATCH /accounts/*", "kind": "500", "times": 2}]}
    assert requests.post(neon.admin_url + "/faults", json=body, timeout=10).status_code == 200
    patch = {"individualAccount": {"noSolicitation": True}}
    assert [raw.call("PATCH", "/accounts/1010", json=patch).status_code for _ in range(3)] == [
        500,
        500,
        200,
    ]
    bad = requests.post(
        neon.admin_url + "/faults", json={"force": [{"pattern": "*", "kind": "418"}]}, timeout=10
    )
    assert bad.status_code == 400
    requests.post(neon.admin_url + "/faults", json={"error_rate": 1.0}, timeout=10)
    assert raw.get("/accounts/1001").status_code == 500
    requests.post(neon.admin_url + "/faults", json={"clear": True}, timeout=10)
    assert raw.get("/accounts/1001").status_code == 200


def test_admin_counts_state_and_staff_actions(raw: RawNeon, neon: NeonCrmEmulator) -> None:
    raw.get("/accounts/1001")
    raw.search(SEARCH, ["Account ID"])
    counts = requests.get(neon.admin_url + "/counts", timeout=10).json()
    assert counts == {"GET /accounts/{id}": 1, "POST /accounts/search": 1}
    assert requests.get(neon.base_url + "/__emulator/counts", timeout=10).json() == counts
    requests.post(neon.admin_url + "/counts/reset", timeout=10)
    assert neon.request_counts() == {}
    state = requests.get(neon.admin_url + "/state", timeout=10).json()
    assert state["orgs"][0] == {
        "orgId": ORG_ID,
        "name": "Maple Street Community Kitchen",
        "trial": False,
        "accounts": 43,
    }
    zoe = neon.find_by_email(ORG_ID, "zoe.king@example.com")[0]
    opt_out = {"optedOut": True, "consent": "DECLINED"}
    requests.post(f"{neon.admin_url}/accounts/{zoe}/email-opt-out", json=opt_out, timeout=10)
    account = raw.account(zoe)
    assert (account["email1OptOut"], account["consent"]["email"]) == (True, "DECLINED")
    assert account["timestamps"]["lastModifiedBy"] == "Sandbox Staff"
    jack = neon.find_by_email(ORG_ID, "jack.wright@example.net")[0]
    requests.post(f"{neon.admin_url}/accounts/{jack}/merge-into/{zoe}", timeout=10)
    assert raw.get(f"/accounts/{jack}").status_code == 222
    seeded = requests.post(
        neon.admin_url + "/seed", json={"orgId": ORG_ID, "count": 25}, timeout=30
    ).json()
    assert len(seeded["ids"]) == 25
    assert requests.get(neon.admin_url + "/nothing", timeout=10).status_code == 404
    assert requests.post(neon.admin_url + "/limits", json={}, timeout=10).status_code == 409


def test_settings_switch_the_patch_answer_and_the_versions_served(
    raw: RawNeon, neon: NeonCrmEmulator
) -> None:
    requests.post(neon.admin_url + "/settings", json={"patch_json_body": True}, timeout=10)
    answer = raw.call(
        "PATCH", "/accounts/1010", json={"individualAccount": {"noSolicitation": True}}
    )
    assert answer.json() == {"accountId": "1010"}
    requests.post(neon.admin_url + "/settings", json={"versions": ["2.11"]}, timeout=10)
    older = RawNeon(neon, ORG_ID, API_KEY, version="2.8")
    assert older.get("/accounts/1010").status_code == 400


def test_a_held_request_is_let_go_when_the_emulator_stops(tmp_path: Path, clock: FakeClock) -> None:
    emu = NeonCrmEmulator(tmp_path / "stop.sqlite3", clock=clock)
    seed_samples(emu)
    emu.start()
    gate = emu.hold("GET /accounts/{id}")
    done = threading.Event()

    def call() -> None:
        with contextlib.suppress(requests.RequestException):
            RawNeon(emu, ORG_ID, API_KEY).get("/accounts/1001")
        done.set()

    threading.Thread(target=call, daemon=True).start()
    assert gate.entered.wait(WAIT)
    emu.stop()
    assert done.wait(WAIT)
