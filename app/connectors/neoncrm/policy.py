"""How NeonCRM is spoken to: its name in messages, its limits, and its error bodies.

Neon limits requests by how many of an org's run at once on each endpoint: one account
search at a time, five on most others; over that it answers 429, with no ``Retry-After`` and
no body, so the session backs off a little longer each time. Every 2xx is a success (HTTP 222
is a merged account's answer, and came back live on a list call too). Errors carry an array
of ``{code, message}``, one per problem; a 404 has an empty body.
"""

from __future__ import annotations

import json
from typing import Any

from app.connectors.wire import ConcurrencyCaps, WirePolicy, Words, throttle_on_429

SERVICE = "NeonCRM"
SEARCH = "POST /accounts/search"
PER_SECOND = 10  # practitioners pace Neon to 10 requests a second

NEON_WORDS = Words(
    auth_refused=(
        "NeonCRM did not accept the org ID and API key.{said} Check them (in NeonCRM: "
        "Settings > User Management, the API user's key) and connect again."
    ),
    forbidden=("NeonCRM refused this request: the API user's permissions may not allow it.{said}"),
)


def neon_message(body: str) -> str:
    """Neon's own words from an error body: each ``{code, message}``, joined."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        text = body.strip()
        return text if 0 < len(text) <= 120 and "<" not in text else ""
    items = data if isinstance(data, list) else [data]
    messages = [
        str(item.get("message") or "").strip()
        for item in items
        if isinstance(item, dict) and item.get("message")
    ]
    return "; ".join(m for m in messages if m)


NEON_WIRE = WirePolicy(
    service=SERVICE,
    signals=(throttle_on_429(),),
    concurrency=ConcurrencyCaps(default=5, endpoints={SEARCH: 1}),
    message_of=neon_message,
    words=NEON_WORDS,
)
