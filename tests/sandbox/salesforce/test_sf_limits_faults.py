"""The daily allowance (``Sforce-Limit-Info`` and 403 ``REQUEST_LIMIT_EXCEEDED``), forced
faults like the other emulators', and the request counts benches print."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from app.sandbox.salesforce import CONSUMER_KEY, USERNAME, SalesforceEmulator, seed_samples
from tests.sandbox.salesforce.sf_support import Api, FakeClock

LIMIT_ERROR = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


def _used(answer: requests.Response) -> tuple[int, int]:
    used, limit = answer.headers["Sforce-Limit-Info"].removeprefix("api-usage=").split("/")
    return int(used), int(limit)


def test_every_data_answer_reports_api_usage(api: Api) -> None:
    first = api.query("SELECT Id FROM Contact LIMIT 1")
    assert _used(first) == (1, 15_000)
    assert first.headers["Content-Type"] == "application/json;charset=UTF-8"
    bad = api.query("SELECT Nope FROM Contact")
    assert _used(bad) == (2, 15_000)  # errors count too
    created = api.post("/sobjects/Contact/", json={"LastName": "Counted"})
    assert _used(created) == (3, 15_000)
    limits = api.get("/limits").json()
    assert limits["DailyApiRequests"] == {"Max": 15_000, "Remaining": 15_000 - 4}


def test_daily_limit_refuses_with_403_until_calls_age_out(
    emu: SalesforceEmulator, api: Api, clock: FakeClock
) -> None:
    emu.set_daily_limit(5)
    emu.spend_api_calls(4)
    assert api.get("/limits").status_code == 200
    refused = api.query("SELECT Id FROM Contact")
    assert (refused.status_code, refused.json()) == (403, LIMIT_ERROR)
    assert emu.api_usage() == 5  # a refused call is not counted
    clock.advance(hours=24, seconds=1)
    assert api.query("SELECT Id FROM Contact").status_code == 401  # the session timed out too
    api.access = emu.issue_token(USERNAME, CONSUMER_KEY)["access_token"]
    again = api.query("SELECT Id FROM Contact LIMIT 1")
    assert again.status_code == 200 and _used(again) == (1, 5)


def test_limits_can_be_left_unenforced(tmp_path: Path, clock: FakeClock) -> None:
    emu = SalesforceEmulator(
        tmp_path / "x.sqlite3", clock=clock, enforce_limits=False, daily_limit=2
    )
    seed_samples(emu)
    emu.start()
    try:
        with requests.Session() as session:
            api = Api(emu, session, emu.issue_token(USERNAME, CONSUMER_KEY)["access_token"])
            answers = [api.get("/limits") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert _used(answers[-1]) == (3, 2)
    finally:
        emu.stop()


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("request-limit", 403, "REQUEST_LIMIT_EXCEEDED"),
        ("concurrent-limit", 403, "REQUEST_LIMIT_EXCEEDED"),
        ("invalid-session", 401, "INVALID_SESSION_ID"),
        ("500", 500, "UNKNOWN_EXCEPTION"),
    ],
)
def test_forced_error_arrays(
    emu: SalesforceEmulator, api: Api, kind: str, status: int, code: str
) -> None:
    emu.faults.force("GET /services/data/vXX.X/query", kind)
    answer = api.query("SELECT Id FROM Contact")
    assert answer.status_code == status and answer.json()[0]["errorCode"] == code
    assert api.query("SELECT Id FROM Contact").status_code == 200  # one-shot


def test_forced_429_503_and_reset(emu: SalesforceEmulator, api: Api) -> None:
    emu.faults.retry_after = 7
    emu.faults.force("POST /services/data/vXX.X/composite/sobjects", "429")
    throttled = api.post("/composite/sobjects", json={"records": []})
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "7"
    emu.faults.force("GET /services/data/vXX.X/query/{locator}", "503")
    emu.seed_contacts(2_100)
    first = api.query("SELECT Id FROM Contact").json()
    down = api.get(first["nextRecordsUrl"])
    assert down.status_code == 503 and "text/html" in down.headers["Content-Type"]
    assert api.get(first["nextRecordsUrl"]).status_code == 200  # the cursor survived
    emu.faults.force("GET /services/data/vXX.X/limits", "reset")
    with pytest.raises(requests.ConnectionError):
        api.get("/limits")
    emu.faults.force("POST /login/services/oauth2/token", "503")
    token = api.session.post(f"{emu.login_url}/services/oauth2/token", data={}, timeout=10)
    assert token.status_code == 503


def test_admin_endpoint_sets_faults_and_reports_counts(emu: SalesforceEmulator, api: Api) -> None:
    api.query("SELECT Id FROM Contact")
    api.get("/sobjects/Contact/describe")
    counts = requests.get(f"{emu.base_url}/__emulator/counts", timeout=10).json()
    assert counts["GET /services/data/vXX.X/query"] == 1
    assert counts["GET /services/data/vXX.X/sobjects/{sobject}/describe"] == 1
    configured = requests.post(
        f"{emu.base_url}/__emulator/faults",
        json={"force": [{"pattern": "GET */limits", "kind": "request-limit", "times": 2}]},
        timeout=10,
    )
    assert configured.status_code == 200
    assert [api.get("/limits").status_code for _ in range(3)] == [403, 403, 200]
    requests.post(f"{emu.base_url}/__emulator/counts/reset", timeout=10)
    assert emu.request_counts() == {}


def test_random_error_rate_answers_500s(emu: SalesforceEmulator, api: Api) -> None:
    emu.faults.error_rate = 1.0
    assert api.get("/limits").status_code == 500
    emu.faults.clear()
    assert api.get("/limits").status_code == 200


def test_parallel_reads_and_writes_all_get_answers(emu: SalesforceEmulator, api: Api) -> None:
    """Several clients at once (the sync engine runs writes beside reads): every call is
    answered, none waits on another forever."""
    from concurrent.futures import ThreadPoolExecutor

    emu.set_flag("duplicate_rules", True)  # flags are read while other calls write

    def call(index: int) -> int:
        with requests.Session() as own:
            mine = Api(emu, own, api.access)
            if index % 3 == 0:
                return mine.post(
                    "/sobjects/Contact/", json={"LastName": f"Parallel{index}"}
                ).status_code
            if index % 3 == 1:
                return mine.query("SELECT Id, Account.Name FROM Contact").status_code
            return mine.get("/sobjects/Account/describe").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(call, range(24), timeout=60))
    assert sorted(set(statuses)) == [200, 201]
    assert len(api.records("SELECT Id FROM Contact WHERE LastName LIKE 'Parallel%'")) == 8
