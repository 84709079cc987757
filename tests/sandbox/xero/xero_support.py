"""Helpers for the Xero emulator tests: a settable clock and a raw API caller."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import requests

from app.sandbox.xero import DEMO_TENANT_ID, XeroEmulator


class FakeClock:
    """A settable clock for token expiry, the limit windows and UpdatedDateUTC."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class XeroApi:
    """Raw calls to one emulator with a bearer token and the demo tenant."""

    def __init__(self, emulator: XeroEmulator, session: requests.Session) -> None:
        self.emulator = emulator
        self.session = session
        self.token = emulator.issue_token()["access_token"]
        self.tenant = DEMO_TENANT_ID

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", "xero-tenant-id": self.tenant}
        headers.update(kwargs.pop("headers", {}))
        headers = {k: v for k, v in headers.items() if v is not None}
        url = path if path.startswith("http") else self.emulator.api_url + path
        return self.session.request(method, url, headers=headers, timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)
