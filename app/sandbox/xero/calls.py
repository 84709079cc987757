"""What a handler receives (the call and the emulator's shared pieces) and the reply envelope."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Request

from app.sandbox.xero.errors import bad_request
from app.sandbox.xero.state import State
from app.sandbox.xero.util import ms_date, new_id, to_ms

PROVIDER_NAME = "ContactBridge Sandbox"
TRUE_WORDS = {"true", "1"}
FALSE_WORDS = {"false", "0"}


@dataclass(frozen=True)
class Env:
    """Shared emulator pieces a handler may use."""

    state: State
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class Call:
    """One authorised API call for one tenant."""

    request: Request
    params: Mapping[str, str]
    tenant_id: str
    now: datetime

    def arg(self, name: str) -> str | None:
        """A query parameter; Xero reads parameter names without regard to case."""
        for key, value in self.request.args.items():
            if key.lower() == name.lower():
                return value
        return None

    def bool_arg(self, name: str, default: bool = False) -> bool:
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise bad_request(f"{name} must be true or false.")

    def int_arg(self, name: str) -> int | None:
        raw = self.arg(name)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"{name} must be a whole number.") from None

    def json_items(self, key: str) -> list[Any]:
        """The items of a ``{"<key>": [...]}`` envelope (a single bare object is accepted)."""
        try:
            body = json.loads(self.request.get_data() or b"null")
        except ValueError:
            raise bad_request("The request body is not valid JSON.") from None
        if isinstance(body, dict) and key in body:
            body = body[key]
        elif isinstance(body, dict):
            body = [body]
        if not isinstance(body, list) or not all(isinstance(i, dict) for i in body):
            raise bad_request(f"The request body must be {{'{key}': [...]}}.")
        return body


def envelope(now: datetime, **content: Any) -> dict[str, Any]:
    """Xero's wrapper around every accounting answer."""
    return {
        "Id": new_id(),
        "Status": "OK",
        "ProviderName": PROVIDER_NAME,
        "DateTimeUTC": ms_date(to_ms(now), offset=False),
        **content,
    }
