"""Fixtures: the seeded Salesforce emulator on loopback HTTP, and sources connected to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from app.connectors.auth import BearerAuth
from app.connectors.http import RateLimiter
from app.connectors.oauth import TokenManager
from app.connectors.salesforce import ObjectType, SalesforceClient, SalesforceSource
from app.connectors.salesforce.endpoints import login_urls
from app.connectors.salesforce.settings import SalesforceSourceSettings
from app.sandbox.salesforce import CONSUMER_KEY, USERNAME, SalesforceEmulator, seed_samples

CONNECTION = 1


class MemoryTokens:
    """A token store in memory (the keyring's part in these tests)."""

    def __init__(self) -> None:
        self.tokens: dict[int, dict[str, Any]] = {}
        self.saves = 0

    def load_token(self, connection_id: int) -> dict[str, Any] | None:
        found = self.tokens.get(connection_id)
        return dict(found) if found else None

    def save_token(self, connection_id: int, token: Mapping[str, Any]) -> None:
        self.saves += 1
        self.tokens[connection_id] = dict(token)


def short_sleep(seconds: float) -> None:
    """Bulk polls and retries wait a token amount instead of their real pace."""
    time.sleep(min(seconds, 0.01))


@pytest.fixture
def sf(tmp_path: Path) -> Iterator[SalesforceEmulator]:
    emulator = SalesforceEmulator(tmp_path / "sf.sqlite3", enforce_limits=False)
    seed_samples(emulator)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def tokens(sf: SalesforceEmulator) -> MemoryTokens:
    store = MemoryTokens()
    store.save_token(CONNECTION, sf.issue_token(USERNAME, CONSUMER_KEY))
    store.saves = 0
    return store


@pytest.fixture
def make_client(
    sf: SalesforceEmulator, tokens: MemoryTokens
) -> Iterator[Callable[..., SalesforceClient]]:
    made: list[SalesforceClient] = []

    def make(**options: Any) -> SalesforceClient:
        manager = TokenManager(
            CONNECTION,
            tokens,
            CONSUMER_KEY,
            login_urls(sf.login_url).token_url,
            service="Salesforce",
        )
        options.setdefault("limiter", RateLimiter(100_000))
        options.setdefault("sleep", short_sleep)
        client = SalesforceClient(sf.instance_url, "66.0", BearerAuth(manager), **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def make_source(
    sf: SalesforceEmulator, make_client: Callable[..., SalesforceClient]
) -> Callable[..., SalesforceSource]:
    def make(
        object_type: ObjectType = ObjectType.CONTACT,
        *,
        client: SalesforceClient | None = None,
        bulk_read_over: int = 100_000,
        bulk_write_over: int | None = None,
        **choices: Any,
    ) -> SalesforceSource:
        settings = SalesforceSourceSettings(object_type, **choices)
        return SalesforceSource(
            client or make_client(),
            settings,
            bulk_read_over=bulk_read_over,
            bulk_write_over=bulk_write_over,
            now=sf.clock,  # the org's clock, which the tests move on
        )

    return make


def calls(sf: SalesforceEmulator, fragment: str) -> int:
    """Requests the emulator served whose "METHOD /path" contains ``fragment``."""
    return sum(n for key, n in sf.request_counts().items() if fragment in key)
