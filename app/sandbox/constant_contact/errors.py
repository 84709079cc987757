"""Error replies in the formats the real Constant Contact v3 service uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.sandbox.kit.replies import Reply

UNAUTHORIZED_BODY = {"error_key": "unauthorized", "error_message": "Unauthorized"}
THROTTLED_BODY = {"error_key": "throttled", "error_message": "Too Many Requests"}
QUOTA_BODY = {"error_key": "quota_exceeded", "error_message": "Limit Exceeded"}
WWW_AUTHENTICATE = "Bearer realm=api.cc.email"

VALIDATION = "contacts.api.validation.error"
NOT_FOUND = "contacts.api.not_found"
CONFLICT = "contacts.api.conflict"


@dataclass
class ApiError(Exception):
    """Raised by handlers; turned into a Reply by the server."""

    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = field(default=())

    def reply(self) -> Reply:
        return Reply(self.status, self.body, self.headers)


def error_array(status: int, key: str, *messages: str) -> ApiError:
    """An error in the usual format: a JSON array of {error_key, error_message}."""
    return ApiError(status, [{"error_key": key, "error_message": m} for m in messages])


def bad_request(*messages: str, key: str = VALIDATION) -> ApiError:
    """A 400 as the service's Grape validation gives it: one element, problems joined by ", ".

    E.g. ``create_source is missing, create_source does not have a valid value``.
    """
    return error_array(400, key, ", ".join(messages))


def not_found(message: str, key: str = NOT_FOUND) -> ApiError:
    return error_array(404, key, message)


def conflict(message: str, key: str = CONFLICT) -> ApiError:
    return error_array(409, key, message)


def unauthorized() -> ApiError:
    return ApiError(401, dict(UNAUTHORIZED_BODY), (("WWW-Authenticate", WWW_AUTHENTICATE),))


def throttled() -> ApiError:
    return ApiError(429, dict(THROTTLED_BODY))


def quota_exceeded() -> ApiError:
    return ApiError(429, dict(QUOTA_BODY))


def forbidden(message: str = "Forbidden") -> ApiError:
    return error_array(403, "forbidden", message)


def server_error(status: int = 500) -> ApiError:
    if status == 503:
        return error_array(503, "service_unavailable", "Service Unavailable")
    return error_array(500, "server_error", "Internal Server Error")
