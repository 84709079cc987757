"""A reply before it becomes a WSGI response, and the compact JSON the emulators write."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Response


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


def gateway_throttled(retry_after: int) -> Reply:
    """A gateway's 429 in front of a service: plain text, with ``Retry-After``."""
    return Reply(
        429,
        raw="Too Many Requests",
        content_type="text/plain",
        headers=[("Retry-After", str(retry_after))],
    )
