"""The Klaviyo emulator's per-endpoint rate limits and headers, forced faults, and the
``/_sandbox`` admin routes."""

from __future__ import annotations

import pytest
import requests

from app.sandbox.klaviyo import KlaviyoEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.klaviyo.kl_support import KlaviyoApi, error_of


def test_answers_carry_both_windows_and_the_burst_state(limited_api: KlaviyoApi) -> None:
    first = limited_api.get("/profiles")
    assert first.headers["ratelimit-limit"] == "75, 75;w=1, 750;w=60"
    assert first.headers["ratelimit-remaining"] == "74"
    assert first.headers["ratelimit-reset"] == "0"
    second = limited_api.get("/profiles")
    assert second.headers["ratelimit-remaining"] == "73"
    metrics = limited_api.get("/metrics")
    assert metrics.headers["ratelimit-limit"] == "10, 10;w=1, 150;w=60"  # each endpoint its own
    assert metrics.headers["ratelimit-remaining"] == "9"


def test_the_burst_window_refuses_with_retry_after_and_the_wait_in_words(
    limited_api: KlaviyoApi, clock: FakeClock
) -> None:
    for _ in range(10):
        assert limited_api.get("/metrics").status_code == 200
    refused = limited_api.get("/metrics")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "ratelimit-remaining" not in refused.headers
    error = error_of(refused)
    assert (error["code"], error["title"]) == ("throttled", "Request was throttled.")
    assert error["detail"] == "Request was throttled. Expected available in 1 second."
    assert error["links"]["type"].endswith("#rate-limits")
    clock.advance(seconds=1)
    assert limited_api.get("/metrics").status_code == 200


def test_the_steady_window_holds_after_the_burst_clears(
    limited_api: KlaviyoApi, clock: FakeClock
) -> None:
    for _ in range(15):  # 150 a minute, 10 a second
        for _ in range(10):
            assert limited_api.get("/metrics").status_code == 200
        clock.advance(seconds=1)
    refused = limited_api.get("/metrics")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 45
    clock.advance(seconds=45)
    assert limited_api.get("/metrics").status_code == 200


def test_refused_calls_are_not_counted_against_the_window(
    limited_api: KlaviyoApi, clock: FakeClock
) -> None:
    for _ in range(10):
        limited_api.get("/metrics")
    for _ in range(5):
        assert limited_api.get("/metrics").status_code == 429
    clock.advance(seconds=1)
    assert limited_api.get("/metrics").headers["ratelimit-remaining"] == "9"


def test_retry_after_can_be_left_out_as_recorded_in_2023(
    limited: KlaviyoEmulator, limited_api: KlaviyoApi
) -> None:
    limited.faults.omit_retry_after = True
    for _ in range(10):
        limited_api.get("/metrics")
    refused = limited_api.get("/metrics")
    assert refused.status_code == 429
    assert "Retry-After" not in refused.headers
    assert "Expected available in 1 second." in error_of(refused)["detail"]


def test_a_forced_bare_429_is_the_2023_answer(kl: KlaviyoEmulator, api: KlaviyoApi) -> None:
    kl.faults.force("POST /api/event-bulk-create-jobs", "429-bare")
    answer = api.bulk_events([("a@example.com", [{"metric": "Opened Email"}])])
    assert answer.status_code == 429
    assert not {"Retry-After", "ratelimit-limit", "ratelimit-remaining"} & set(answer.headers)
    error = error_of(answer)
    assert error["source"] == {"pointer": "/data/"}
    assert "links" not in error
    assert kl.event_count() == 0


def test_a_429_storm_refuses_then_lets_through(kl: KlaviyoEmulator, api: KlaviyoApi) -> None:
    kl.faults.retry_after = 3
    kl.faults.force("POST /api/*", "429", times=4)
    answers = [api.event("Opened Email", "a@example.com", unique_id=f"u{i}") for i in range(6)]
    assert [a.status_code for a in answers] == [429, 429, 429, 429, 202, 202]
    assert answers[0].headers["Retry-After"] == "3"
    assert kl.event_count("Opened Email") == 2
    assert kl.request_counts()["POST /api/events"] == 6


@pytest.mark.parametrize(
    ("kind", "status"), [("500", 500), ("503", 503), ("504", 504), ("403-challenge", 403)]
)
def test_server_faults_answer_like_the_service_and_its_gateway(
    kl: KlaviyoEmulator, api: KlaviyoApi, kind: str, status: int
) -> None:
    kl.faults.force("GET /api/lists", kind)
    answer = api.get("/lists")
    assert answer.status_code == status
    if kind == "500":
        assert error_of(answer)["code"] == "error"
    else:
        assert answer.headers["Content-Type"].startswith("text/html")
    if kind == "403-challenge":
        assert answer.headers["cf-mitigated"] == "challenge"
    assert api.get("/lists").status_code == 200


def test_a_reset_cuts_the_connection(kl: KlaviyoEmulator, api: KlaviyoApi) -> None:
    kl.faults.force("GET /api/lists", "reset")
    with pytest.raises(requests.ConnectionError):
        api.get("/lists")
    assert api.get("/lists").status_code == 200


def test_the_admin_routes_count_force_and_report(kl: KlaviyoEmulator, api: KlaviyoApi) -> None:
    with requests.Session() as admin:
        api.get("/lists")
        api.create_list("Newsletter")
        counts = admin.get(f"{kl.admin_url}/counts").json()
        assert counts == {"GET /api/lists": 1, "POST /api/lists": 1}
        assert admin.get(f"{kl.admin_url}/counts/writes").json() == {"POST /api/lists": 1}
        assert (
            admin.get(f"{kl.base_url}/__emulator/counts").json() == counts
        )  # the other emulators' name
        admin.post(f"{kl.admin_url}/counts/reset", json={})
        assert kl.request_counts() == {}
        forced = admin.post(
            f"{kl.admin_url}/faults",
            json={"force": [{"pattern": "GET /api/lists", "kind": "503", "times": 2}]},
        )
        assert forced.status_code == 200
        assert [api.get("/lists").status_code for _ in range(3)] == [503, 503, 200]
        assert (
            admin.post(
                f"{kl.admin_url}/faults", json={"force": [{"pattern": "*", "kind": "nope"}]}
            ).status_code
            == 400
        )
        admin.post(f"{kl.admin_url}/settings", json={"job_polls": 10, "job_seconds": 3600})
        job = api.import_profiles([{"email": "ada@example.com"}]).json()["data"]
        assert admin.post(f"{kl.admin_url}/jobs/complete", json={}).json() == {"completed": 1}
        profile = admin.get(f"{kl.admin_url}/profile", params={"email": "ada@example.com"}).json()
        assert profile["consent"] == "NEVER_SUBSCRIBED"
        assert (
            admin.get(f"{kl.admin_url}/profile", params={"email": "nobody@example.com"}).status_code
            == 404
        )
        stats = admin.get(f"{kl.admin_url}/stats").json()
        assert stats["profiles"] == 1 and stats["jobs"] == {"import:complete": 1}
        assert stats["resubscribed_after_opt_out"] == []
        assert (
            api.get(f"/profile-bulk-import-jobs/{job['id']}").json()["data"]["attributes"]["status"]
            == "complete"
        )


def test_the_admin_clock_and_daily_limit_routes(
    limited: KlaviyoEmulator, limited_api: KlaviyoApi
) -> None:
    with requests.Session() as admin:
        admin.post(f"{limited.admin_url}/limits/use-up-list-creations", json={})
        assert (
            limited_api.post(
                "/lists", json={"data": {"type": "list", "attributes": {"name": "X"}}}
            ).status_code
            == 429
        )
        admin.post(f"{limited.admin_url}/clock/advance", json={"seconds": 86_400})
        assert (
            limited_api.post(
                "/lists", json={"data": {"type": "list", "attributes": {"name": "X"}}}
            ).status_code
            == 201
        )


def test_a_job_can_be_made_without_an_id_in_its_answer(
    kl: KlaviyoEmulator, api: KlaviyoApi
) -> None:
    kl.faults.force("POST /api/profile-bulk-import-jobs", "no-job-id")
    answer = api.import_profiles([{"email": "ada@example.com"}])
    assert answer.status_code == 202
    assert "id" not in answer.json()["data"]
    [job] = api.get("/profile-bulk-import-jobs").json()["data"]  # it exists all the same
    assert job["attributes"]["total_count"] == 1
