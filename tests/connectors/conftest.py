"""Fixtures: a Constant Contact emulator on loopback HTTP, and clients connected to it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from app.connectors.constant_contact import ConstantContactClient
from app.connectors.endpoints import ServiceUrls
from app.connectors.http import RateLimiter
from app.connectors.oauth import TokenManager, normalize_token
from app.secrets import SecretStore

CLIENT_ID = "contactbridge-tests"
CONNECTION_ID = 1


class FakeWallClock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def short_sleep(seconds: float) -> None:
    """Retries and polls in tests wait a token amount instead of the real backoff."""
    time.sleep(min(seconds, 0.01))


def unlimited() -> RateLimiter:
    """No client-side throttle (the emulator's limits are off too); short waits after 429s."""
    return RateLimiter(max_calls=100_000, period=1.0, sleep=short_sleep)


def _emulator_class():
    module = pytest.importorskip(
        "app.sandbox.constant_contact", reason="the Constant Contact emulator is not built yet"
    )
    if not hasattr(module, "ConstantContactEmulator"):
        pytest.skip("the Constant Contact emulator is not built yet")
    return module.ConstantContactEmulator


@pytest.fixture
def make_emulator(tmp_path):
    """Start emulators with the given options (limits off by default); stops them after."""
    started = []

    def make(**options):
        options.setdefault("clock", lambda: datetime.now(UTC))
        options.setdefault("enforce_limits", False)
        emu = _emulator_class()(tmp_path / f"cc{len(started)}.sqlite3", **options)
        emu.start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(make_emulator):
    return make_emulator()


@pytest.fixture
def urls(emulator) -> ServiceUrls:
    return ServiceUrls(emulator.api_url, emulator.auth_url)


@pytest.fixture
def token_store() -> SecretStore:
    return SecretStore.session_only()


@pytest.fixture
def wall_clock() -> FakeWallClock:
    return FakeWallClock()


@pytest.fixture
def connect(emulator, token_store, wall_clock):
    """Put a freshly issued emulator token into the token store, as a sign-in would."""

    def connect(connection_id: int = CONNECTION_ID) -> dict:
        raw = emulator.issue_token(CLIENT_ID)
        token = normalize_token(raw, wall_clock())
        token_store.save_token(connection_id, token)
        return token

    return connect


@pytest.fixture
def token_manager(connect, urls, token_store, wall_clock) -> TokenManager:
    connect()
    return TokenManager(CONNECTION_ID, token_store, CLIENT_ID, urls.token_url, clock=wall_clock)


@pytest.fixture
def make_client(token_store, wall_clock):
    """``make_client(emulator, **options)``: a connected client of another emulator."""
    clients = []

    def make(emu, connection_id: int = 2, **options) -> ConstantContactClient:
        emu_urls = ServiceUrls(emu.api_url, emu.auth_url)
        token_store.save_token(
            connection_id, normalize_token(emu.issue_token(CLIENT_ID), wall_clock())
        )
        manager = TokenManager(
            connection_id, token_store, CLIENT_ID, emu_urls.token_url, clock=wall_clock
        )
        options.setdefault("limiter", unlimited())
        options.setdefault("sleep", short_sleep)
        client = ConstantContactClient(emu_urls, manager, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def cc_client(urls, token_manager):
    client = ConstantContactClient(urls, token_manager, limiter=unlimited(), sleep=short_sleep)
    yield client
    client.close()


@pytest.fixture
def auto_approver():
    """``auto_approver(sink)`` makes an ``open_browser`` that approves (see ``approver``)."""
    return approver


def approver(sink: list[str] | None = None):
    """An ``open_browser`` that plays the user: open the consent page, approve, follow back.

    It GETs the consent page, POSTs the same parameters plus ``approve=1`` without following
    the redirect, then GETs the ``Location`` (the loopback listener).
    """

    def open_browser(url: str) -> bool:
        if sink is not None:
            sink.append(url)
        parts = urlsplit(url)
        form = dict(parse_qsl(parts.query))
        endpoint = f"{parts.scheme}://{parts.netloc}{parts.path}"
        with requests.Session() as browser:
            page = browser.get(url, timeout=5)
            assert page.status_code == 200, page.text
            answer = browser.post(
                endpoint, data={**form, "approve": "1"}, allow_redirects=False, timeout=5
            )
            assert answer.status_code in (302, 303), answer.text
            landing = browser.get(answer.headers["Location"], timeout=5)
            assert landing.status_code == 200
            assert "close this tab" in landing.text
        return True

    return open_browser
