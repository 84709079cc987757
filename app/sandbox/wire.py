"""What every emulator shares: replies, JSON, cut connections and forced faults.

Each emulator keeps its own routes, state and error bodies; this module holds only the
plumbing that does not depend on which service is emulated.
"""

from __future__ import annotations

import fnmatch
import json
import random
import socket
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from werkzeug.wrappers import Request, Response


@dataclass(frozen=True)
class Reply:
    """A response before it becomes a WSGI response: status, JSON body (or raw), headers."""

    status: int
    body: Any = None
    headers: Sequence[tuple[str, str]] = ()
    raw: str | bytes | None = None
    content_type: str = "application/json"


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def to_response(reply: Reply) -> Response:
    if reply.raw is not None:
        response = Response(reply.raw, status=reply.status, mimetype=reply.content_type)
    elif reply.body is None:
        response = Response(status=reply.status)
    else:
        response = Response(dumps(reply.body), status=reply.status, mimetype=reply.content_type)
    for name, value in reply.headers:
        response.headers[name] = value
    return response


class Dropped(Exception):
    """The connection was cut on purpose; no response is sent."""


def drop(request: Request) -> None:
    """Cut the connection: an RST where the platform allows, so the client sees a reset."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise Dropped


@dataclass
class _Forced:
    pattern: str
    kind: str
    remaining: int


class ForcedFaults:
    """One-shot forced answers by endpoint pattern, and a seeded random-error rate.

    Subclasses name their ``FORCE_KINDS`` and add the knobs of their service.
    """

    FORCE_KINDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, seed: int | None = 0) -> None:
        self._lock = threading.Lock()
        self._forced: list[_Forced] = []
        self._rng = random.Random(seed)
        self.error_rate = 0.0

    def force(self, endpoint_pattern: str, kind: str, times: int = 1) -> None:
        """Answer the next ``times`` calls matching ``endpoint_pattern`` (fnmatch over
        "METHOD /path-template") with ``kind``."""
        if kind not in self.FORCE_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {self.FORCE_KINDS}")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._forced.append(_Forced(endpoint_pattern, kind, times))

    def take_forced(self, endpoint: str) -> str | None:
        """Consume and return the forced kind for ``endpoint``, if one is queued."""
        with self._lock:
            for item in self._forced:
                if fnmatch.fnmatchcase(endpoint, item.pattern):
                    item.remaining -= 1
                    if item.remaining <= 0:
                        self._forced.remove(item)
                    return item.kind
        return None

    def roll_error(self) -> bool:
        with self._lock:
            return self.error_rate > 0 and self._rng.random() < self.error_rate
