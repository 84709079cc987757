"""The HTTP layer's pure parts: the throttle, quota reset times, error text and redaction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from app.connectors.http import (
    RateLimiter,
    error_message,
    next_utc_midnight,
    quota_exceeded_error,
    redact,
    shared_limiter,
)


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_limiter_never_exceeds_four_per_second():
    clock = FakeClock()
    limiter = RateLimiter(4, 1.0, clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(40):
        limiter.acquire()
        stamps.append(clock.now)
    for i in range(len(stamps) - 4):
        assert stamps[i + 4] - stamps[i] > 1.0  # any 5 requests span more than a second
    assert stamps[-1] < 11.0  # and it does not crawl either


def test_limiter_lets_a_burst_through_then_waits():
    clock = FakeClock()
    limiter = RateLimiter(4, 1.0, margin=0.0, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(4)] == [0, 0, 0, 0]
    assert limiter.acquire() == 1.0


def test_limiter_is_shared_safely_between_threads():
    clock = FakeClock()
    limiter = RateLimiter(4, 1.0, clock=clock, sleep=lambda s: None)
    slots: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            limiter.acquire()
        with lock:
            slots.extend(limiter._slots)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 40 reservations were made; the last four are a full second+ after the four before them
    assert max(slots) >= 9 * 1.05 - 1e-9


def test_pause_holds_everyone_back():
    clock = FakeClock()
    limiter = RateLimiter(4, 1.0, clock=clock, sleep=clock.sleep)
    limiter.pause(3.0)
    assert limiter.acquire() == 3.0


def test_shared_limiter_is_per_api_key():
    assert shared_limiter("key-a") is shared_limiter("key-a")
    assert shared_limiter("key-a") is not shared_limiter("key-b")


def test_next_midnight_utc():
    now = datetime(2024, 5, 1, 15, 30, tzinfo=UTC)
    assert next_utc_midnight(now) == datetime(2024, 5, 2, tzinfo=UTC)
    assert next_utc_midnight(datetime(2024, 12, 31, 0, 0, tzinfo=UTC)) == datetime(
        2025, 1, 1, tzinfo=UTC
    )


def test_quota_message_says_when():
    error = quota_exceeded_error(datetime(2024, 5, 1, 15, 30, tzinfo=UTC))
    assert error.resets_at == datetime(2024, 5, 2, tzinfo=UTC)
    assert str(error) == (
        "Constant Contact's daily limit of requests is used up. The run has stopped and can "
        "resume after the limit resets at 00:00 UTC (in about 9 hours)."
    )
    late = quota_exceeded_error(datetime(2024, 5, 1, 23, 50, tzinfo=UTC))
    assert "(in about 1 hour)" in str(late)


def test_error_message_reads_both_body_shapes():
    assert error_message('[{"error_key":"k","error_message":"Bad thing."}]') == ("k", "Bad thing.")
    assert error_message('{"error_key":"throttled","error_message":"Too Many Requests"}') == (
        "throttled",
        "Too Many Requests",
    )
    assert error_message('{"error":"invalid_grant","error_description":"gone"}') == (
        "invalid_grant",
        "gone",
    )
    assert error_message("<html>") == ("", "")


def test_redact_removes_tokens():
    text = (
        'Authorization: Bearer abc.def.ghi {"access_token": "AT123", "refresh_token":"RT456"} '
        "code=XYZ&state=ok plain-secret"
    )
    out = redact(text, ["plain-secret"])
    for secret in ("abc.def.ghi", "AT123", "RT456", "XYZ", "plain-secret"):
        assert secret not in out
    assert "state=ok" in out
