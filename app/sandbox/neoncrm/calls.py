"""What a handler is given: the emulator's environment and the authenticated call."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Request

from app.sandbox.neoncrm import errors
from app.sandbox.neoncrm.account_store import AccountStore
from app.sandbox.neoncrm.state import State


@dataclass
class Settings:
    """Behaviour switches a test or the admin route may change.

    ``patch_json_body``: False (the default, as practitioners saw it live) answers a
    successful ``PATCH /accounts/{id}`` with 200 and an empty body; True answers the
    spec's ``{"accountId": ...}``.
    ``versions``: the ``NEON-API-VERSION`` values served (others get a 400).
    """

    patch_json_body: bool = False
    versions: tuple[str, ...] = tuple(f"2.{n}" for n in range(12))


@dataclass
class Env:
    state: State
    store: AccountStore
    clock: Callable[[], datetime]
    settings: Settings = field(default_factory=Settings)

    def now_ms(self) -> int:
        return int(self.clock().timestamp() * 1000)


@dataclass
class Call:
    request: Request
    params: Mapping[str, str]
    org_id: str
    user_name: str
    user_id: str
    version: tuple[int, int]

    def json(self) -> Any:
        try:
            return json.loads(self.request.get_data(as_text=True) or "null")
        except ValueError:
            raise errors.bad_request(errors.BODY_INVALID) from None
