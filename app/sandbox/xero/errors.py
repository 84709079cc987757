"""Xero's error answers: validation, query, auth, tenant, not-found and rate-limit bodies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.xero.util import new_id


class XeroError(Exception):
    """Raised by handlers; the server turns it into its reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def _problem(status: int, title: str, detail: str) -> XeroError:
    """The identity gateway's problem+json body (401s and 403s)."""
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": new_id(),
        "Extensions": {},
    }
    return XeroError(Reply(status, body))


def unauthorized() -> XeroError:
    """No bearer token, or one Xero does not know (or that expired)."""
    return _problem(401, "Unauthorized", "AuthenticationUnsuccessful")


def missing_scope() -> XeroError:
    """A good token whose grant lacks the scope the call needs.

    Xero answers 401 ``AuthorizationUnsuccessful`` here, not 403: e.g. ``GET /Organisation``
    without ``accounting.settings`` (XeroAPI/Xero-NetStandard issues 97 and 178; the same body
    for the Assets API without ``assets``, issue 298). The spec declares no 401 body.
    """
    return _problem(401, "Unauthorized", "AuthorizationUnsuccessful")


def forbidden(detail: str = "AuthenticationUnsuccessful") -> XeroError:
    """A missing ``xero-tenant-id``, or an organisation the grant is not connected to.

    Xero says 403 ``AuthenticationUnsuccessful`` for both (NangoHQ/nango issue 203, a call
    without the header; XeroAPI/xero-node issue 432 and dcblogdev/laravel-xero issue 40, a
    stale tenant id). The spec declares no 403 body.
    """
    return _problem(403, "Forbidden", detail)


def not_found() -> XeroError:
    return XeroError(
        Reply(
            404,
            raw="The resource you're looking for cannot be found",
            content_type="text/plain",
        )
    )


def query_error(message: str) -> XeroError:
    """A ``where`` or ``order`` Xero cannot parse."""
    return XeroError(
        Reply(400, {"ErrorNumber": 16, "Type": "QueryParseException", "Message": message})
    )


def bad_request(message: str) -> XeroError:
    """A body that is not the expected envelope."""
    return XeroError(
        Reply(400, {"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": message})
    )


def validation(elements: Iterable[Mapping[str, Any]]) -> XeroError:
    """``ValidationException``: each element is the submitted item with its errors."""
    return XeroError(
        Reply(
            400,
            {
                "ErrorNumber": 10,
                "Type": "ValidationException",
                "Message": "A validation exception occurred",
                "Elements": [dict(e) for e in elements],
            },
        )
    )


def rate_limited(problem: str, retry_after: int) -> XeroError:
    """429 with ``Retry-After`` (seconds) and ``X-Rate-Limit-Problem`` (minute, day...)."""
    return XeroError(
        Reply(
            429,
            raw="You have exceeded the rate limit",
            content_type="text/plain",
            headers=[
                ("Retry-After", str(max(1, retry_after))),
                ("X-Rate-Limit-Problem", problem),
            ],
        )
    )


def server_error(status: int = 500) -> XeroError:
    if status == 503:
        return XeroError(Reply(503, raw="Service Unavailable", content_type="text/plain"))
    return XeroError(
        Reply(
            500,
            {
                "ErrorNumber": 500,
                "Type": "UnknownErrorException",
                "Message": "An error occurred in Xero. Check the API Status page for details.",
            },
        )
    )
