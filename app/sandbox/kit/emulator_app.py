"""The WSGI app every emulator builds on: requests in, cut connections, faults, admin counts.

A subclass routes in :meth:`EmulatorApp.dispatch` and answers in its service's own formats;
this base holds only what the emulators do alike.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Generic, TypeVar

from werkzeug.wrappers import Request, Response

from app.sandbox.kit.cut_connections import Dropped, drop
from app.sandbox.kit.forced_faults import ForcedFaults
from app.sandbox.kit.replies import Reply
from app.sandbox.kit.request_counts import RequestCounter

ADMIN_PREFIXES = ("/_sandbox/", "/__emulator/")
F = TypeVar("F", bound=ForcedFaults)


def admin_route(path: str, prefixes: tuple[str, ...] = ADMIN_PREFIXES) -> str | None:
    """The admin route a path names after one of ``prefixes`` (None: not an admin path)."""
    for prefix in prefixes:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return None


class EmulatorApp(Generic[F]):
    """The WSGI callable: counts, fault knobs and the server's ``stopping`` event."""

    def __init__(self, faults: F, stopping: threading.Event) -> None:
        self.faults = faults
        self.stopping = stopping
        self.counts = RequestCounter()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Dropped:
            response = Response(b"", status=500)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        raise NotImplementedError

    def cut_if_forced(self, request: Request, kind: str | None) -> None:
        """A forced "timeout" holds the answer, then cuts the connection; "reset" cuts it
        at once. Either way the call gets no answer (:class:`Dropped` is raised)."""
        if kind == "timeout":
            self.stopping.wait(self.faults.timeout_seconds)
            drop(request)
        if kind == "reset":
            drop(request)

    def add_latency(self) -> None:
        if self.faults.latency_ms > 0:
            self.stopping.wait(self.faults.latency_ms / 1000)

    def counts_and_faults(self, request: Request, route: str) -> Reply | None:
        """The admin routes every emulator serves (None for any other route):

        ``GET counts`` (requests served), ``POST counts/reset``, ``POST faults`` (a body
        for :meth:`ForcedFaults.configure`; a bad one is a 400 saying why).
        """
        if route == "counts" and request.method == "GET":
            return Reply(200, self.counts.snapshot())
        if route == "counts/reset" and request.method == "POST":
            self.counts.reset()
            return Reply(200, {})
        if route == "faults" and request.method == "POST":
            try:
                self.faults.configure(json.loads(request.get_data() or b"{}"))
            except (ValueError, KeyError, TypeError) as exc:
                return Reply(400, {"error": str(exc)})
            return Reply(200, {})
        return None
