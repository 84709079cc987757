"""Helpers for the Constant Contact emulator tests: a fake clock and a small API client."""

from __future__ import annotations

from typing import Any

import requests

from app.sandbox.constant_contact import ConstantContactEmulator
from tests.sandbox.raw_calls import RawCalls


class Api(RawCalls):
    """A thin requests wrapper that speaks to one emulator with a bearer token."""

    def __init__(self, emulator: ConstantContactEmulator, session: requests.Session) -> None:
        self.emulator = emulator
        self.session = session
        self.token = emulator.issue_token()["access_token"]

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        url = path if path.startswith("http") else self.emulator.base_url + _v3(path)
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, url, headers=headers, **kwargs)

    def wait_activity(self, activity_id: str) -> dict[str, Any]:
        assert self.emulator.wait_for_activities(30)
        response = self.get(f"/activities/{activity_id}")
        assert response.status_code == 200
        return response.json()


def _v3(path: str) -> str:
    return path if path.startswith(("/v3/", "/oauth2/", "/__emulator/")) else "/v3" + path
