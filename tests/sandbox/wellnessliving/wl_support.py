"""A raw WellnessLiving caller for the emulator tests, signing requests its own way.

It follows the published algorithm (shared/notes/wellnessliving-real-behaviour.md) without
the connector's code, so a mistake shared by the emulator and the connector would show.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import requests

from app.sandbox.wellnessliving import WellnessLivingEmulator

COOKIES = {
    "us.wellnessliving.com": ("p", "t"),
    "au.wellnessliving.com": ("ap", "at"),
    "staging.wellnessliving.com": ("sp", "st"),
    "demo.wellnessliving.com": ("dp", "dt"),
}
DELIMITERS = (
    "r 4S zqX zqiOK TLVS75V Ue5aLaIIG75 uODJYM2JsCX4G kt58wZfHHGQkHW4QN Lh9Fl5989crMU4E7P6E"
)


def hashed_password(password: str, notepad: str) -> str:
    inner = "".join(d + password for d in DELIMITERS.split())
    first = hashlib.sha3_512(inner.encode()).hexdigest()
    return hashlib.sha3_512((notepad + first).encode()).hexdigest()


class RawWl:
    """Signed calls to one host of the emulator, holding that host's session cookies."""

    def __init__(
        self,
        emulator: WellnessLivingEmulator,
        app_id: str,
        secret: str,
        host: str = "us.wellnessliving.com",
    ) -> None:
        self.emulator = emulator
        self.app_id = app_id
        self.secret = secret
        self.host = host
        self.session = requests.Session()
        self.cookie_names = COOKIES[host]

    def close(self) -> None:
        self.session.close()

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.session.cookies if c.name == name), "") or ""

    def sign(self, method: str, resource: str, variables: dict[str, str], when: datetime) -> str:
        persistent, transient = (self.cookie(n) for n in self.cookie_names)
        lines = [
            "Core\\Request\\Api::20150518",
            when.strftime("%Y-%m-%d %H:%M:%S"),
            self.secret,
            self.host,
            self.app_id,
            method,
            resource,
            persistent,
            transient,
        ]
        lines += [
            f"{k.lower()}={v}" for k, v in sorted(variables.items(), key=lambda i: i[0].lower())
        ]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def call(
        self,
        method: str,
        resource: str,
        params: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        secret: str | None = None,
    ) -> requests.Response:
        query = {k: str(v) for k, v in (params or {}).items()}
        body = {k: str(v) for k, v in (form or {}).items()}
        when = datetime.now(UTC).replace(microsecond=0)
        sent = {"Host": self.host, "Date": format_datetime(when, usegmt=True)}
        if signed:
            real, self.secret = self.secret, secret or self.secret
            try:
                signature = self.sign(method, resource, {**query, **body}, when)
            finally:
                self.secret = real
            sent["Authorization"] = f"20150518,{self.app_id},,{signature}"
        sent.update(headers or {})
        return self.session.request(
            method,
            f"{self.emulator.base_url}/{resource}",
            params=query,
            data=body or None,
            headers=sent,
            timeout=10,
        )

    def json(
        self,
        method: str,
        resource: str,
        params: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        response = self.call(method, resource, params, form, **kwargs)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def sign_in(self, login: str, password: str) -> dict[str, Any]:
        pad = self.json(
            "GET", "Core/Passport/Login/Enter/Notepad.json", {"s_login": login, "s_type": ""}
        )
        assert pad["status"] == "ok", pad
        return self.json(
            "POST",
            "Core/Passport/Login/Enter/Enter.json",
            form={
                "s_login": login,
                "s_notepad": pad["s_notepad"],
                "s_password": hashed_password(password, pad["s_notepad"]),
                "s_remember": "",
                "s_captcha": "",
                "json_data": "",
                "url_return": "",
            },
        )
