"""Helpers for the Xero emulator tests: a settable clock and a raw API caller."""

from __future__ import annotations

from typing import Any

import requests

from app.sandbox.xero import DEMO_TENANT_ID, XeroEmulator
from tests.sandbox.raw_calls import RawCalls


class XeroApi(RawCalls):
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
