"""Helpers for the Salesforce emulator tests: a settable clock, PKCE values, and a raw API
caller written from the notes, not from the connector (a mistake shared by the emulator and
the connector would otherwise hide)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from app.sandbox.salesforce import CONSUMER_KEY, PASSWORD, USERNAME, SalesforceEmulator

REDIRECT = "http://127.0.0.1:8719/callback"
VERSION = "66.0"


class FakeClock:
    """A settable clock for sessions, replication windows, cursors and the daily limit."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def pkce(verifier: str | None = None) -> tuple[str, str]:
    """A verifier of base64url characters and its S256 challenge."""
    verifier = verifier or secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(
    emu: SalesforceEmulator,
    session: requests.Session,
    *,
    host_url: str | None = None,
    challenge: str | None = None,
    username: str = USERNAME,
    password: str = PASSWORD,
    client_id: str = CONSUMER_KEY,
) -> requests.Response:
    """The browser's part of the web-server flow: the login page, then "Allow"."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "api refresh_token",
        "state": "st-1",
    }
    if challenge:
        params.update({"code_challenge": challenge, "code_challenge_method": "S256"})
    base = host_url or emu.login_url
    page = session.get(f"{base}/services/oauth2/authorize", params=params, timeout=10)
    assert page.status_code == 200, page.text
    return session.post(
        f"{base}/services/oauth2/authorize",
        data={**params, "username": username, "pw": password, "approve": "1"},
        allow_redirects=False,
        timeout=10,
    )


def code_from(answer: requests.Response) -> str:
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def token(
    emu: SalesforceEmulator, session: requests.Session, host_url: str | None = None, **form: str
) -> requests.Response:
    return session.post(
        f"{host_url or emu.login_url}/services/oauth2/token",
        data={"client_id": CONSUMER_KEY, **form},
        timeout=10,
    )


class Api:
    """Raw data calls with a bearer token, against ``/services/data/v66.0``."""

    def __init__(self, emu: SalesforceEmulator, session: requests.Session, access: str) -> None:
        self.emu = emu
        self.session = session
        self.access = access

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        if path.startswith("/services/"):
            return self.emu.base_url + path
        return f"{self.emu.base_url}/services/data/v{VERSION}{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.access}", **kwargs.pop("headers", {})}
        return self.session.request(method, self.url(path), headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def query(self, soql: str, *, every: bool = False, **kwargs: Any) -> requests.Response:
        return self.get("/queryAll" if every else "/query", params={"q": soql}, **kwargs)

    def records(self, soql: str) -> list[dict[str, Any]]:
        """Every record of a query, following ``nextRecordsUrl``."""
        answer = self.query(soql)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found = list(body["records"])
        while not body["done"]:
            body = self.get(body["nextRecordsUrl"]).json()
            found += body["records"]
        return found

    def errors(self, answer: requests.Response, status: int) -> list[dict[str, Any]]:
        assert answer.status_code == status, answer.text
        body: list[dict[str, Any]] = answer.json()
        return body
