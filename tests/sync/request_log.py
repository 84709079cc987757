"""A log of the requests the Constant Contact emulator served, with times and tokens.

Each connection (and each process) signs in with its own token, so the log tells whose
requests were whose, and whether two runs' requests ever interleaved.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest

from app.sandbox.constant_contact.server import ApiApp

IMPORT_PATH = "/v3/activities/contacts_json_import"


@dataclass(frozen=True)
class Served:
    start: float
    end: float
    token: str
    method: str
    path: str


class RequestLog:
    """Install with ``install(monkeypatch)``; every emulator in this process then logs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.served: list[Served] = []
        self.first_import = threading.Event()  # someone started writing contacts
        self.first_import_token = ""
        # Set by a test to hold the first importer's activity polls until it sets the event:
        # that run then keeps the account for as long as the test needs, with no sleeping.
        self.gate: threading.Event | None = None

    def install(self, monkeypatch: pytest.MonkeyPatch) -> RequestLog:
        original = ApiApp.dispatch
        log = self

        def dispatch(app: ApiApp, request: Any) -> Any:
            start = time.monotonic()
            token = request.headers.get("Authorization", "")
            if request.method == "POST" and request.path == IMPORT_PATH:
                with log._lock:
                    if not log.first_import.is_set():
                        log.first_import_token = token
                        log.first_import.set()
            gate = log.gate
            if (
                gate is not None
                and token == log.first_import_token
                and request.method == "GET"
                and request.path.startswith("/v3/activities/")
            ):
                gate.wait(120)
            try:
                return original(app, request)
            finally:
                with log._lock:
                    log.served.append(
                        Served(start, time.monotonic(), token, request.method, request.path)
                    )

        monkeypatch.setattr(ApiApp, "dispatch", dispatch)
        return self

    def account_calls(self) -> list[Served]:
        """The API calls made while holding an account: all of ``/v3`` but the account
        summary, which every process reads when it signs in, before any run."""
        with self._lock:
            calls = [
                s
                for s in self.served
                if s.path.startswith("/v3/") and s.path != "/v3/account/summary"
            ]
        return sorted(calls, key=lambda s: s.start)

    def writes(self) -> list[Served]:
        return [s for s in self.account_calls() if s.method != "GET"]

    def turns(self) -> list[str]:
        """Whose calls came one after the other: each token once per unbroken stretch."""
        turns: list[str] = []
        for call in self.account_calls():
            if not turns or turns[-1] != call.token:
                turns.append(call.token)
        return turns

    def assert_one_at_a_time(self) -> None:
        """No two tokens' calls overlapped or alternated: each had the account to itself."""
        turns = self.turns()
        assert len(turns) == len(set(turns)), f"calls interleaved: {len(turns)} turns"
        calls = self.account_calls()
        spans = {
            token: (
                min(c.start for c in calls if c.token == token),
                max(c.end for c in calls if c.token == token),
            )
            for token in turns
        }
        ordered = [spans[t] for t in turns]
        for (_, end), (start, _) in pairwise(ordered):
            assert end <= start, "one run's calls overlapped the next one's"
