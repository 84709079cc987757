"""WellnessLiving's error answers: HTTP 200 with a non-ok ``status``, unless asked otherwise.

Every answer carries ``status`` and ``s_version``. An error adds ``a_error`` (one item of
``html_message, id, s_field, s_message, sid``), ``class``, ``code``, ``message`` and ``k_log``
(the spec's ``ErrorResponse``). The HTTP status stays 200 unless the request sends
``X-Error-Rules``, whose rules turn matching statuses into 4xx codes (see :func:`http_status`).

Which status ids are real: ``user-out`` and ``notepad-create`` (no valid session, sign in
again), ``csrf`` (stale session cookie) and ``internal`` (a server fault) were seen in code
used against the live service. No other id was found in public code, so the others below are
the emulator's own, named to fit the default rules (ids with ``access`` answer 403 under
them, ids ending in ``-nx`` 404). Their messages are the emulator's wording too.
"""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

from app.sandbox.kit.replies import Reply

VERSION = "1.1.20260620051637"  # the spec's info.version; every answer carries one

# The documented status ids (seen live).
USER_OUT = "user-out"
NOTEPAD_CREATE = "notepad-create"
CSRF = "csrf"
INTERNAL = "internal"
# The emulator's own (see the module docstring).
SIGNATURE = "access-signature"
APPLICATION = "access-application"
STAFF_ONLY = "access-staff"
BUSINESS_ACCESS = "access-business"
LOGIN_FAILED = "login-password"
CAPTCHA = "login-captcha"
REGION = "region-other"
LIMIT = "request-limit"
NOT_FOUND = "uid-nx"
BUSINESS_NOT_FOUND = "business-nx"
REPORT_NOT_FOUND = "report-nx"
INVALID = "field-invalid"
RESOURCE_NOT_FOUND = "resource-nx"

DEFAULT_RULES = "400 -, 403 -access access access-, 404 -nx"


class WlError(Exception):
    """Raised by handlers and checks; the server turns it into the error answer."""

    def __init__(self, sid: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.sid = sid
        self.message = message
        self.field = field


def error_body(error: WlError) -> dict[str, Any]:
    return {
        "status": error.sid,
        "s_version": VERSION,
        "a_error": [
            {
                "html_message": html.escape(error.message),
                "id": None,
                "s_field": error.field,
                "s_message": error.message,
                "sid": error.sid,
            }
        ],
        "class": "Core\\Request\\Api\\ApiException",
        "code": error.sid,
        "k_log": uuid.uuid4().hex[:12],
        "message": error.message,
    }


def ok_body(body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**(body or {}), "status": "ok", "s_version": VERSION}


def _matches(pattern: str, status: str) -> bool:
    if pattern == "-":
        return True
    if len(pattern) > 2 and pattern.startswith("-") and pattern.endswith("-"):
        return pattern in status
    if pattern.startswith("-"):
        return status.endswith(pattern)
    if pattern.endswith("-"):
        return status.startswith(pattern)
    return status == pattern


def http_status(rules: str | None, status: str) -> int:
    """The HTTP code for a non-ok ``status`` under an ``X-Error-Rules`` header.

    Entries are comma-separated ``{4xx} {pattern} [pattern...]``; ``default`` expands to
    ``400 -, 403 -access access access-, 404 -nx`` where it stands. The first entry with a
    matching pattern wins; the catch-all ``-`` only takes what no other pattern matched;
    nothing matches (or no header) → 200.
    """
    if not rules or not rules.strip():
        return 200
    entries: list[tuple[int, list[str]]] = []
    for raw in rules.split(","):
        words = raw.split()
        if words == ["default"]:
            entries += [(int(e.split()[0]), e.split()[1:]) for e in DEFAULT_RULES.split(", ")]
        elif len(words) >= 2 and re.fullmatch(r"4\d\d", words[0]):
            entries.append((int(words[0]), words[1:]))
    # "-" catches what no other rule matched, wherever it stands.
    for code, patterns in entries:
        if any(p != "-" and _matches(p, status) for p in patterns):
            return code
    return next((code for code, patterns in entries if "-" in patterns), 200)


def error_reply(error: WlError, rules: str | None) -> Reply:
    return Reply(http_status(rules, error.sid), error_body(error))
