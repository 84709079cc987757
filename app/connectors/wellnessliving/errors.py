"""WellnessLiving's error answers, turned into the app's errors in WellnessLiving's own words.

WellnessLiving answers HTTP 200 even for an error; the body's ``status`` is then not ``ok``
and ``a_error`` (and ``message``) say what went wrong. ``status: ok`` may still carry
``a_error``: notes, not failures. What a status means:

* ``user-out``, ``notepad-create``, ``csrf``: the session is gone or stale; signing in
  again fixes it (the client does so once, by itself).
* ``internal``: a fault on WellnessLiving's side.
* an id containing ``access`` (the ids WellnessLiving's own ``X-Error-Rules`` defaults map to
  403): the application or the staff member may not do this.
* an id ending in ``-nx`` (mapped to 404): what was asked for does not exist.
* an id containing ``limit`` or ``throttl``: too many requests (no live throttled answer is
  on record; this is how one would read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.errors import AppError, AuthError, RateLimited, RemoteError

SERVICE = "WellnessLiving"
SESSION_STATUSES = frozenset({"user-out", "notepad-create", "csrf"})
DEFAULT_LIMIT_WAIT = 60.0


class WellnessLivingError(RemoteError):
    """A non-ok answer from WellnessLiving.

    Attributes:
        answer_status: WellnessLiving's status id, e.g. ``user-out`` (``status`` stays the
            HTTP status, 200, as for every ``RemoteError``).
        said: its own message, as it wrote it ("" when it gave none).
        field: the request field the error is about, when it named one.
    """

    def __init__(self, message: str, *, status: str, said: str, field: str = "", body: str = ""):
        super().__init__(message, 200, body)
        self.answer_status = status
        self.said = said
        self.field = field


class SessionExpired(WellnessLivingError):
    """The staff session is gone or stale: sign in again."""


class WellnessLivingNotFound(WellnessLivingError):
    """What the call named (a client, the business) does not exist."""


def said(body: Mapping[str, Any]) -> str:
    """WellnessLiving's own words from an answer: the first ``a_error`` message, or
    ``message``."""
    errors = body.get("a_error")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, Mapping) and str(item.get("s_message") or "").strip():
                return str(item["s_message"]).strip()
    return str(body.get("message") or "").strip()


def _field(body: Mapping[str, Any]) -> str:
    errors = body.get("a_error")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        return str(errors[0].get("s_field") or "")
    return ""


def notes(body: Mapping[str, Any]) -> list[str]:
    """The messages of an ``ok`` answer's ``a_error`` (non-fatal)."""
    errors = body.get("a_error")
    if not isinstance(errors, list):
        return []
    return [str(e.get("s_message") or "") for e in errors if isinstance(e, Mapping)]


def error_from_body(body: Mapping[str, Any], text: str, what: str) -> AppError:
    """The error for a non-ok answer to ``what`` (a short description of the call)."""
    status = str(body.get("status") or "unknown-error")
    words = said(body)
    quoted = f' WellnessLiving said: "{words}"' if words else ""
    field = _field(body)
    lowered = status.lower()
    if status in SESSION_STATUSES:
        return SessionExpired(
            f"WellnessLiving ended the staff sign-in while {what}.{quoted}",
            status=status,
            said=words,
            field=field,
            body=text,
        )
    if "limit" in lowered or "throttl" in lowered:
        return RateLimited(
            f"WellnessLiving is busy and asked ContactBridge to slow down.{quoted}",
            retry_after=DEFAULT_LIMIT_WAIT,
        )
    if "access" in lowered:
        return AuthError(
            f"WellnessLiving refused access while {what}: the application id, its "
            f"authorization code or the staff member's permissions may be wrong.{quoted}",
            details=f"status {status}",
        )
    if lowered.endswith("-nx"):
        return WellnessLivingNotFound(
            f"WellnessLiving could not find it while {what}.{quoted}",
            status=status,
            said=words,
            field=field,
            body=text,
        )
    if status == "internal":
        return WellnessLivingError(
            f"WellnessLiving had a problem on its side while {what}. Try again later.{quoted}",
            status=status,
            said=words,
            field=field,
            body=text,
        )
    return WellnessLivingError(
        f"WellnessLiving refused the request while {what}.{quoted}",
        status=status,
        said=words,
        field=field,
        body=text,
    )
