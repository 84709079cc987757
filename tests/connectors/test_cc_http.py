"""The HTTP layer against the emulator's faults: 429s, 5xx, resets, timeouts, limits."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from app.connectors.constant_contact import ConstantContactClient
from app.connectors.http import RateLimiter, RetryPolicy
from app.core.errors import NetworkError, QuotaExceeded, RateLimited, RemoteError

FIXED_NOW = datetime(2024, 5, 1, 15, 30, tzinfo=UTC)


@pytest.fixture
def slept():
    """An injected sleep that records the waits and does not wait."""
    waits: list[float] = []
    return waits


@pytest.fixture
def client(urls, token_manager, slept):
    with ConstantContactClient(
        urls,
        token_manager,
        limiter=RateLimiter(max_calls=100_000, sleep=slept.append),
        sleep=slept.append,
        now=lambda: FIXED_NOW,
    ) as client:
        yield client


def test_throttled_is_retried_with_backoff(client, emulator, slept):
    emulator.faults.force("GET /v3/contact_lists", "throttled", times=2)
    assert client.list_contact_lists() == []
    assert client.stats.by_endpoint == {"GET /v3/contact_lists": 3}
    assert len(slept) == 2


def test_throttled_gives_up_after_bounded_attempts(urls, token_manager, emulator):
    emulator.faults.force("GET /v3/contact_lists", "throttled", times=50)
    limiter = RateLimiter(max_calls=100_000, sleep=lambda s: None)
    with ConstantContactClient(
        urls, token_manager, limiter=limiter, retry=RetryPolicy(throttle_attempts=3)
    ) as client:
        with pytest.raises(RateLimited):
            client.list_contact_lists()
        assert client.stats.total == 3


def test_throttle_backoff_grows(urls, token_manager, emulator):
    emulator.faults.force("GET /v3/contact_lists", "throttled", times=3)
    waits: list[float] = []
    limiter = RateLimiter(max_calls=100_000, sleep=waits.append)
    with ConstantContactClient(urls, token_manager, limiter=limiter) as client:
        client.list_contact_lists()
    assert len(waits) == 3
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and 2.0 <= waits[2] <= 4.0


def test_quota_exceeded_stops_at_once(client, emulator):
    emulator.faults.force("GET /v3/contact_lists", "quota_exceeded")
    with pytest.raises(QuotaExceeded) as info:
        client.list_contact_lists()
    assert info.value.resets_at == datetime(2024, 5, 2, tzinfo=UTC)
    assert "resets at 00:00 UTC (in about 9 hours)" in str(info.value)
    assert client.stats.total == 1


def test_server_error_on_import_is_retried(client, emulator, slept):
    target = client.create_list("Target")
    emulator.faults.force("POST /v3/activities/contacts_json_import", "500", times=1)
    activity_id = client.start_contacts_import([{"email": "a@example.com"}], [target.list_id])
    assert activity_id
    assert client.stats.by_endpoint["POST /v3/activities/contacts_json_import"] == 2
    assert len(slept) == 1


def test_persistent_503_becomes_a_remote_error(client, emulator):
    emulator.faults.force("GET /v3/contact_lists", "503", times=10)
    with pytest.raises(RemoteError) as info:
        client.list_contact_lists()
    assert info.value.status == 503
    assert "problem on its side" in str(info.value)
    assert client.stats.total == 4


def test_connection_reset_is_retried(client, emulator):
    emulator.faults.force("GET /v3/contacts", "reset", times=1)
    assert list(client.iter_contacts()) == []
    assert client.stats.by_endpoint["GET /v3/contacts"] == 2


def test_reset_on_unsafe_post_is_not_repeated(client, emulator):
    emulator.faults.force("POST /v3/contact_lists", "reset", times=1)
    # create_list is marked safe to repeat (a duplicate answers 409 and is looked up)
    assert client.create_list("Resets").name == "Resets"
    emulator.faults.force("POST /v3/contact_lists", "reset", times=1)
    with pytest.raises(NetworkError):
        client.api.post("/contact_lists", json={"name": "Once only"})


def test_timeout_is_honoured(urls, token_manager, emulator):
    emulator.faults.timeout_seconds = 1.0
    emulator.faults.force("GET /v3/contact_lists", "timeout", times=10)
    with ConstantContactClient(
        urls,
        token_manager,
        limiter=RateLimiter(max_calls=100_000),
        timeout=(1.0, 0.2),
        retry=RetryPolicy(network_attempts=2),
        sleep=lambda s: None,
    ) as client:
        started = time.monotonic()
        with pytest.raises(NetworkError) as info:
            client.list_contact_lists()
        assert time.monotonic() - started < 1.5
    assert "did not answer within 0.2 seconds" in str(info.value)
    assert info.value.details == "GET /v3/contact_lists: ReadTimeout"


def test_unreachable_service_is_a_network_error(token_manager):
    from app.connectors.endpoints import ServiceUrls

    dead = ServiceUrls("http://127.0.0.1:9/v3", "http://127.0.0.1:9/oauth2/default/v1")
    with ConstantContactClient(
        dead, token_manager, limiter=RateLimiter(max_calls=100_000), sleep=lambda s: None
    ) as client:
        with pytest.raises(NetworkError, match="Could not reach Constant Contact"):
            client.get_account_summary()
        assert client.stats.total == 4  # never sent, so retried even for safety's sake


def test_bad_request_carries_constant_contact_words(client):
    with pytest.raises(RemoteError) as info:
        client.api.post("/contact_lists", json={"description": "no name"})
    assert info.value.status == 400
    assert "Constant Contact said" in str(info.value)


def test_secrets_never_appear_in_errors(client, emulator, token_store):
    token = token_store.load_token(1)
    emulator.faults.force("GET /v3/contact_lists", "503", times=10)
    errors = []
    for action in (
        client.list_contact_lists,
        lambda: client.get_activity("00000000-0000-4000-8000-000000000000"),
        lambda: client.api.post("/contact_lists", json={"description": "no name"}),
    ):
        with pytest.raises(Exception) as info:
            action()
        errors.append(info.value)
    for error in errors:
        text = f"{error} {getattr(error, 'details', '')} {getattr(error, 'body', '')} {error!r}"
        assert token["access_token"] not in text
        assert token["refresh_token"] not in text
        assert "Bearer" not in text


@pytest.mark.slow
def test_client_side_throttle_keeps_under_the_servers_limit(make_emulator, token_store, wall_clock):
    from app.connectors.endpoints import ServiceUrls
    from app.connectors.oauth import TokenManager, normalize_token

    emu = make_emulator(enforce_limits=True, rate_per_second=4, daily_quota=10_000)
    urls = ServiceUrls(emu.api_url, emu.auth_url)
    token_store.save_token(1, normalize_token(emu.issue_token("throttle-test"), wall_clock()))
    manager = TokenManager(1, token_store, "throttle-test", urls.token_url, clock=wall_clock)
    stamps: list[float] = []

    class Recording(RateLimiter):
        def acquire(self) -> float:
            waited = super().acquire()
            stamps.append(time.monotonic())
            return waited

    with ConstantContactClient(urls, manager, limiter=Recording()) as client:
        for _ in range(20):
            client.get_account_summary()
        assert client.stats.total == 20  # not one retry: the server never said "throttled"
    for i in range(len(stamps) - 4):
        assert stamps[i + 4] - stamps[i] >= 1.0
