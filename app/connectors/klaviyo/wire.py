"""How ContactBridge speaks to Klaviyo: its private API key, its revision, its limit signals.

Every request carries ``Authorization: Klaviyo-API-Key pk_…`` and the ``revision`` header,
and JSON:API bodies (``application/vnd.api+json``). Klaviyo answers "slow down" with a 429
that should carry ``Retry-After`` but was recorded live without it, the wait only in its text
("Expected available in 0 seconds."): both are read, and without either the session backs
off. Cloudflare in front of Klaviyo may answer a burst with a 403 HTML challenge
(``cf-mitigated: challenge``): also a "slow down". A wait of hours (the 150 lists a day) is no
throttle to sit through: the run stops there and resumes once Klaviyo allows it again.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta

from requests import PreparedRequest

from app.connectors.auth import WireAuth
from app.connectors.wire import (
    MIN_THROTTLE_WAIT,
    Answer,
    LimitVerdict,
    Wait,
    WirePolicy,
    Words,
    header_seconds,
)
from app.core.errors import QuotaExceeded

SERVICE = "Klaviyo"
REVISION = "2026-07-15"
JSONAPI = "application/vnd.api+json"
# A wait longer than this is a daily allowance used up, not a burst: the run stops.
LONGEST_THROTTLE = 300.0
_EXPECTED = re.compile(r"Expected available in (\d+(?:\.\d+)?) seconds?", re.IGNORECASE)


class KlaviyoKeyAuth(WireAuth):
    """A private API key: ``Authorization: Klaviyo-API-Key pk_…`` on every attempt."""

    def __init__(self, api_key: str) -> None:
        self._key = api_key

    def secrets(self) -> tuple[str, ...]:
        return (self._key,)

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = f"Klaviyo-API-Key {self._key}"
        return request


def errors_of(body: str) -> list[dict[str, object]]:
    """The ``errors`` array of a Klaviyo error body (empty when it is not one)."""
    try:
        data = json.loads(body)
    except ValueError:
        return []
    found = data.get("errors") if isinstance(data, dict) else None
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def message_of(body: str) -> str:
    """Klaviyo's own words from an error body: the first error's detail (or title)."""
    for error in errors_of(body):
        text = str(error.get("detail") or error.get("title") or "").strip()
        if text:
            return text
    return ""


def _wait_in_text(body: str) -> float | None:
    match = _EXPECTED.search(message_of(body))
    return float(match.group(1)) if match else None


def _used_up(seconds: float, now: datetime) -> QuotaExceeded:
    resets_at = now + timedelta(seconds=seconds)
    hours = max(1, math.ceil(seconds / 3600))
    return QuotaExceeded(
        f"Klaviyo's daily limit for this step is used up (it allows 150 new lists a day). "
        f"The run has stopped and resumes where it stopped once Klaviyo allows it again, at "
        f"{resets_at:%H:%M} UTC (in about {hours} hour{'s' if hours != 1 else ''}).",
        resets_at=resets_at,
    )


def throttle(answer: Answer, policy: WirePolicy, now: datetime) -> LimitVerdict:
    """A 429 waits ``Retry-After``, else the wait its text names, else a backoff; a wait of
    hours stops the run (``QuotaExceeded``). A Cloudflare challenge backs off."""
    if answer.status == 403 and answer.headers.get("cf-mitigated", "").lower() == "challenge":
        return Wait(None)
    if answer.status != 429:
        return None
    seconds = header_seconds(answer.headers, "Retry-After", now)
    if seconds is None:
        seconds = _wait_in_text(answer.body)
    if seconds is None:
        return Wait(None)
    if seconds > LONGEST_THROTTLE:
        return _used_up(seconds, now)
    return Wait(max(seconds, MIN_THROTTLE_WAIT))


KLAVIYO_WIRE = WirePolicy(
    service=SERVICE,
    signals=(throttle,),
    message_of=message_of,
    words=Words(
        auth_refused=(
            "Klaviyo did not accept the private API key. Check it in Klaviyo (Settings > API "
            "keys) and connect again."
        ),
        forbidden=(
            "Klaviyo refused this request: the private API key may lack the access it needs "
            "(lists, profiles, subscriptions and events: full access).{said}"
        ),
    ),
)
