"""Each service's wire policy: auth, rate-limit signals, concurrency caps, errors in its name.

The services without an emulator yet (Salesforce's 403 quota, Klaviyo's bare 429, NeonCRM's
concurrency caps) are played by a scripted server on loopback HTTP that counts what it gets.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests

from app.connectors.auth import BasicAuth, SignedAuth, WireAuth
from app.connectors.http import ApiSession, RateLimiter, RetryPolicy, build_session
from app.connectors.wire import (
    Answer,
    ConcurrencyCaps,
    WirePolicy,
    daily_quota_in_body,
    next_utc_midnight,
    throttle_on_429,
)
from app.core.errors import (
    AppError,
    AuthError,
    NetworkError,
    QuotaExceeded,
    RateLimited,
    RemoteError,
)

NOW = datetime(2024, 5, 1, 15, 30, tzinfo=UTC)


@dataclass
class Reply:
    status: int = 200
    body: str = "{}"
    headers: dict[str, str] = field(default_factory=dict)
    hold: float = 0.0  # seconds to keep the request in flight (or until released)


class ScriptedServer:
    """A loopback HTTP server that answers from a script and counts what it got.

    ``script[path]`` is a list of replies used in turn (the last one repeats). It records
    each request's method, path and headers, and the most requests in flight at once per path.
    """

    def __init__(self) -> None:
        self.script: dict[str, list[Reply]] = {}
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.in_flight: dict[str, int] = {}
        self.most_in_flight: dict[str, int] = {}
        self.release = threading.Event()
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                reply = owner.enter(self.command, path, dict(self.headers.items()))
                left = False
                try:
                    if reply.hold:
                        owner.release.wait(reply.hold)
                    payload = reply.body.encode()
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    # Out of flight before the client can have its answer (the headers go
                    # out with end_headers): a caller it frees may send its next request
                    # before this thread runs again, and must not be counted as overlapping.
                    owner.leave(path)
                    left = True
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    if not left:
                        owner.leave(path)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def enter(self, method: str, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.seen.append((method, path, headers))
            now = self.in_flight.get(path, 0) + 1
            self.in_flight[path] = now
            self.most_in_flight[path] = max(self.most_in_flight.get(path, 0), now)
            replies = self.script.get(path) or [Reply()]
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def leave(self, path: str) -> None:
        with self._lock:
            self.in_flight[path] -= 1

    def count(self, path: str) -> int:
        return sum(1 for _, seen_path, _ in self.seen if seen_path == path)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


class Waits:
    """Records every wait instead of waiting (the session's sleep and the limiter's)."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.throttled: list[float] = []

    def limiter(self) -> RateLimiter:
        return RateLimiter(max_calls=100_000, sleep=self.throttled.append)


def session(
    server: ScriptedServer, policy: WirePolicy, waits: Waits | None = None, **options: Any
) -> ApiSession:
    waits = waits or Waits()
    options.setdefault("limiter", waits.limiter())
    options.setdefault("sleep", waits.slept.append)
    options.setdefault("now", lambda: NOW)
    return ApiSession(server.url, policy, **options)


SALESFORCE = WirePolicy(
    service="Salesforce",
    signals=(daily_quota_in_body(403, "REQUEST_LIMIT_EXCEEDED"), throttle_on_429()),
    message_of=lambda body: str((json.loads(body) or [{}])[0].get("message", "")),
)
KLAVIYO = WirePolicy(
    service="Klaviyo", signals=(throttle_on_429("Retry-After", "RateLimit-Reset"),)
)
NEON = WirePolicy(
    service="NeonCRM",
    signals=(throttle_on_429(),),
    concurrency=ConcurrencyCaps(default=5, endpoints={"POST /accounts/search": 1}),
)


# -- rate-limit signals -----------------------------------------------------------------------


def test_salesforce_403_request_limit_exceeded_is_the_daily_quota(server: ScriptedServer) -> None:
    body = '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]'
    server.script["/api/query"] = [Reply(403, body)]
    with session(server, SALESFORCE) as api, pytest.raises(QuotaExceeded) as caught:
        api.get("/query")
    assert server.count("/api/query") == 1  # a retry would only spend more of the day
    assert caught.value.message.startswith("Salesforce's daily limit of requests is used up.")
    assert "try again in a few hours" in caught.value.message
    assert caught.value.resets_at is None  # a rolling 24 hours: no fixed reset


def test_a_403_without_the_limit_code_is_a_refusal_not_a_quota(server: ScriptedServer) -> None:
    body = '[{"message":"Insufficient access","errorCode":"INSUFFICIENT_ACCESS"}]'
    server.script["/api/query"] = [Reply(403, body)]
    with session(server, SALESFORCE) as api, pytest.raises(RemoteError) as caught:
        api.get("/query")
    assert not isinstance(caught.value, QuotaExceeded)
    assert caught.value.message == (
        "Salesforce refused this request: the connected account may lack the permission for it. "
        'Salesforce said: "Insufficient access".'
    )


def test_a_daily_quota_with_a_reset_time_says_when(server: ScriptedServer) -> None:
    policy = WirePolicy(
        service="Acme",
        signals=(daily_quota_in_body(429, "quota_exceeded", resets=next_utc_midnight),),
    )
    server.script["/api/x"] = [Reply(429, '{"error_key":"quota_exceeded"}')]
    with session(server, policy) as api, pytest.raises(QuotaExceeded) as caught:
        api.get("/x")
    assert caught.value.resets_at == datetime(2024, 5, 2, tzinfo=UTC)
    assert "resets at 00:00 UTC (in about 9 hours)" in caught.value.message


def test_429_without_retry_after_backs_off_longer_each_time(server: ScriptedServer) -> None:
    server.script["/api/profiles"] = [Reply(429), Reply(429), Reply(429), Reply(200, '{"ok":1}')]
    waits = Waits()
    with session(server, KLAVIYO, waits) as api:
        assert api.get("/profiles") == {"ok": 1}
    assert server.count("/api/profiles") == 4
    first, second, third = waits.throttled
    assert 0.5 <= first <= 1.0 + 0.05 and 1.0 <= second <= 2.05 and 2.0 <= third <= 4.05
    assert waits.slept == []  # a throttle holds back the limiter, shared by every caller


def test_429_waits_as_long_as_ratelimit_reset_says(server: ScriptedServer) -> None:
    server.script["/api/profiles"] = [Reply(429, headers={"RateLimit-Reset": "7"}), Reply(200)]
    waits = Waits()
    with session(server, KLAVIYO, waits) as api:
        api.get("/profiles")
    assert waits.throttled == [pytest.approx(7.0, abs=0.2)]


def test_a_told_wait_of_zero_still_waits_a_second(server: ScriptedServer) -> None:
    server.script["/api/profiles"] = [Reply(429, headers={"RateLimit-Reset": "0"}), Reply(200)]
    waits = Waits()
    with session(server, KLAVIYO, waits) as api:
        api.get("/profiles")
    assert waits.throttled == [pytest.approx(1.0, abs=0.2)]


def test_retry_after_as_an_http_date(server: ScriptedServer) -> None:
    later = format_datetime(NOW + timedelta(seconds=12), usegmt=True)
    server.script["/api/query"] = [Reply(429, headers={"Retry-After": later}), Reply(200)]
    waits = Waits()
    with session(server, SALESFORCE, waits) as api:
        api.get("/query")
    assert waits.throttled == [pytest.approx(12.0, abs=0.2)]


def test_still_throttled_after_the_last_attempt_is_rate_limited(server: ScriptedServer) -> None:
    server.script["/api/profiles"] = [Reply(429)]
    with (
        session(server, KLAVIYO, retry=RetryPolicy(throttle_attempts=3)) as api,
        pytest.raises(RateLimited, match=r"^Klaviyo is busy"),
    ):
        api.get("/profiles")
    assert server.count("/api/profiles") == 3


def test_503_with_retry_after_is_honoured(server: ScriptedServer) -> None:
    server.script["/api/x"] = [Reply(503, headers={"Retry-After": "3"}), Reply(200)]
    waits = Waits()
    with session(server, KLAVIYO, waits) as api:
        api.get("/x")
    assert waits.slept == [3.0]


# -- concurrency caps -------------------------------------------------------------------------


def run_at_once(api: ApiSession, method: str, template: str, threads: int) -> list[Any]:
    """``threads`` callers send the same request at the same moment; their errors."""
    start = threading.Barrier(threads)
    errors: list[Any] = []

    def call() -> None:
        start.wait()
        try:
            api.request(method, template, idempotent=True)
        except Exception as exc:
            errors.append(exc)

    workers = [threading.Thread(target=call) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    return errors


def test_concurrency_caps_are_never_exceeded(server: ScriptedServer) -> None:
    server.script["/api/accounts/search"] = [Reply(hold=0.1)]
    server.script["/api/accounts"] = [Reply(hold=0.3)]
    policy = NEON.signed_by(None, account="org-7")
    with build_session(pool_maxsize=8) as http, session(server, policy, session=http) as api:
        assert run_at_once(api, "POST", "/accounts/search", 4) == []
        assert run_at_once(api, "GET", "/accounts", 8) == []
    assert server.count("/api/accounts/search") == 4
    assert server.most_in_flight["/api/accounts/search"] == 1
    assert server.count("/api/accounts") == 8
    assert 1 < server.most_in_flight["/api/accounts"] <= 5


def test_without_caps_the_same_calls_overlap(server: ScriptedServer) -> None:
    """The check above can fail: with no caps, the searches are in flight together."""
    server.script["/api/accounts/search"] = [Reply(hold=0.3)]
    with session(server, WirePolicy(service="NeonCRM")) as api:
        assert run_at_once(api, "POST", "/accounts/search", 4) == []
    assert server.most_in_flight["/api/accounts/search"] > 1


def test_clients_of_one_account_share_its_caps(server: ScriptedServer) -> None:
    server.script["/api/accounts/search"] = [Reply(hold=0.1)]
    policy = NEON.signed_by(None, account="org-8")
    first, second = session(server, policy), session(server, policy)
    start = threading.Barrier(2)

    def search(api: ApiSession) -> None:
        start.wait()
        api.post("/accounts/search", idempotent=True)

    workers = [threading.Thread(target=search, args=(api,)) for api in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert server.count("/api/accounts/search") == 2
    assert server.most_in_flight["/api/accounts/search"] == 1


# -- auth -------------------------------------------------------------------------------------


def test_api_key_over_http_basic(server: ScriptedServer) -> None:
    with session(server, NEON.signed_by(BasicAuth("org-1", "key-abc123456"))) as api:
        api.get("/accounts")
    ((_, _, headers),) = server.seen
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"org-1:key-abc123456").decode()


def test_a_refused_api_key_is_an_auth_error_without_the_key(server: ScriptedServer) -> None:
    server.script["/api/accounts"] = [Reply(401, '{"message":"bad key key-abc123456"}')]
    policy = NEON.signed_by(BasicAuth("org-1", "key-abc123456"))
    with session(server, policy) as api, pytest.raises(AuthError) as caught:
        api.get("/accounts")
    assert server.count("/api/accounts") == 1  # nothing to renew: no second try
    assert caught.value.message.startswith("NeonCRM did not accept the saved sign-in.")
    assert "key-abc123456" not in f"{caught.value} {caught.value.details}"


class Renewing(WireAuth):
    """A scheme that can renew once (as a session sign-in would)."""

    def __init__(self) -> None:
        self.credential = "first-credential"

    def renew(self) -> bool:
        self.credential = "second-credential"
        return True

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["X-Credential"] = self.credential
        return request


def test_a_401_renews_the_sign_in_once_and_tries_again(server: ScriptedServer) -> None:
    server.script["/api/x"] = [Reply(401), Reply(200, '{"ok":1}')]
    with session(server, WirePolicy(service="Acme", auth=Renewing())) as api:
        assert api.get("/x") == {"ok": 1}
    assert [h["X-Credential"] for _, _, h in server.seen] == [
        "first-credential",
        "second-credential",
    ]


def test_each_attempt_is_signed_afresh(server: ScriptedServer) -> None:
    """A signature covers the time it is sent: a retry is signed again, never replayed."""
    moments = iter([NOW, NOW + timedelta(seconds=2)])

    def sign(request: requests.PreparedRequest, when: datetime) -> dict[str, str]:
        line = f"{request.method} {request.path_url} {when:%Y-%m-%d %H:%M:%S} s3cret-code"
        return {
            "Authorization": "Signed " + hashlib.sha256(line.encode()).hexdigest(),
            "Date": format_datetime(when, usegmt=True),
        }

    auth = SignedAuth(sign, secrets=("s3cret-code",), now=lambda: next(moments))
    server.script["/api/Login.json"] = [Reply(503), Reply(200)]
    with session(server, WirePolicy(service="Acme", auth=auth)) as api:
        api.get("/Login.json", params={"uid": "7"})
    first, second = (headers for _, _, headers in server.seen)
    assert first["Authorization"] != second["Authorization"]
    assert first["Date"] == "Wed, 01 May 2024 15:30:00 GMT"
    assert second["Date"] == "Wed, 01 May 2024 15:30:02 GMT"


def test_status_in_a_200_body_is_read_as_the_error_it_is(server: ScriptedServer) -> None:
    body = '{"status":"access-denied","message":"No access to this business."}'
    server.script["/api/x"] = [Reply(200, body)]

    def status_of(answer: Answer) -> int:
        data = json.loads(answer.body)
        return answer.status if data.get("status", "ok") == "ok" else 403

    policy = WirePolicy(
        service="WellnessLiving",
        status_of=status_of,
        message_of=lambda body: str(json.loads(body).get("message", "")),
    )
    with session(server, policy) as api, pytest.raises(RemoteError) as caught:
        api.get("/x")
    assert caught.value.status == 403
    assert caught.value.message.startswith("WellnessLiving refused this request")
    assert 'WellnessLiving said: "No access to this business."' in caught.value.message


# -- every message in the service's name ------------------------------------------------------


def failure(server: ScriptedServer, kind: str) -> AppError:
    """The error a request meets for each kind of failure, from a service called "Acme CRM"."""
    policy = WirePolicy(
        service="Acme CRM",
        signals=(daily_quota_in_body(429, "quota_exceeded", resets=next_utc_midnight),),
        message_of=lambda body: str(json.loads(body).get("message", "")),
        auth=Renewing() if kind == "auth" else None,
    )
    replies = {
        "auth": Reply(401, '{"message":"expired"}'),
        "quota": Reply(429, '{"error_key":"quota_exceeded"}'),
        "client": Reply(422, '{"message":"Email is not valid."}'),
        "server": Reply(500, '{"message":"Oops."}'),
        "timeout": Reply(200, hold=2.0),
    }
    options: dict[str, Any] = {"retry": RetryPolicy(network_attempts=1, server_error_attempts=1)}
    if kind == "timeout":
        options["timeout"] = (1.0, 0.2)
    if kind == "unreachable":
        server.close()
    else:
        server.script["/api/x"] = [replies[kind]]
    with session(server, policy, **options) as api, pytest.raises(AppError) as caught:
        api.get("/x")
    return caught.value


@pytest.mark.parametrize(
    ("kind", "kind_of_error", "message"),
    [
        ("unreachable", NetworkError, "Could not reach Acme CRM. Check your internet connection."),
        ("timeout", NetworkError, "Acme CRM did not answer within 0.2 seconds."),
        ("auth", AuthError, "Acme CRM did not accept the saved sign-in."),
        ("quota", QuotaExceeded, "Acme CRM's daily limit of requests is used up."),
        ("client", RemoteError, 'error 422). Acme CRM said: "Email is not valid.".'),
        ("server", RemoteError, "Acme CRM had a problem on its side (error 500). Try again later."),
    ],
)
def test_every_message_names_the_service(
    server: ScriptedServer, kind: str, kind_of_error: type[AppError], message: str
) -> None:
    error = failure(server, kind)
    assert isinstance(error, kind_of_error)
    assert message in error.message
    assert "Constant Contact" not in error.message
