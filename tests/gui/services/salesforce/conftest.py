"""The sandbox (the real service, store and emulators) the Salesforce wizard tests run on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.connectors import constant_contact as cc_client
from app.connectors.http import RateLimiter


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Iterator[object]:
    from app.sync.bootstrap import open_service

    monkeypatch.setattr(cc_client, "shared_limiter", lambda *a, **k: RateLimiter(100_000))
    handle = open_service(sandbox=True, home=tmp_path / "home", enforce_limits=False)
    yield handle
    handle.close()
