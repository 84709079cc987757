"""Klaviyo's JSON:API error answers, in the shapes recorded from the live service.

Every error is ``{"errors":[{"id","status","code","title","detail","source",...}]}`` with
``application/vnd.api+json``. Bodies marked [R] are recorded live (see
``shared/notes/klaviyo-real-behaviour.md``); [I] marks our inference where no recording exists.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from app.sandbox.kit.replies import Reply

JSONAPI = "application/vnd.api+json"
RATE_LIMIT_DOCS = (
    "https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling#rate-limits"
)


class KlaviyoError(Exception):
    """Raised by handlers; the server turns it into its reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def error_body(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    pointer: str | None = "/data/",
    parameter: str | None = None,
    links: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "status": status,
        "code": code,
        "title": title,
        "detail": detail,
    }
    if parameter is not None:
        error["source"] = {"parameter": parameter}
    elif pointer is not None:
        error["source"] = {"pointer": pointer}
    if links is not None:
        error["links"] = dict(links)
    if meta is not None:
        error["meta"] = dict(meta)
    return {"errors": [error]}


def klaviyo_error(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    headers: Sequence[tuple[str, str]] = (),
    **source: Any,
) -> KlaviyoError:
    return KlaviyoError(
        Reply(status, error_body(status, code, title, detail, **source), headers, None, JSONAPI)
    )


def invalid(
    detail: str, pointer: str | None = "/data", parameter: str | None = None
) -> KlaviyoError:
    """400 ``invalid``: the payload, a parameter or a filter is wrong."""
    return klaviyo_error(
        400,
        "invalid",
        "Invalid input.",
        detail,
        pointer=pointer,
        parameter=parameter,
        links={},
        meta={},
    )


def not_found(detail: str) -> KlaviyoError:
    """404 ``not_found`` [R amp]: ``A tag with id … does not exist.``"""
    return klaviyo_error(
        404, "not_found", "Not found.", detail, pointer="/data/", links={}, meta={}
    )


def not_authenticated() -> KlaviyoError:
    """401 with no ``Authorization`` header at all [I: the DRF wording Klaviyo's 401 uses]."""
    return klaviyo_error(
        401,
        "not_authenticated",
        "Authentication credentials were not provided.",
        "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.",
    )


def authentication_failed() -> KlaviyoError:
    """401 for an unknown key [R amp]: no ``links`` or ``meta``."""
    text = "Incorrect authentication credentials."
    return klaviyo_error(401, "authentication_failed", text, text)


def permission_denied() -> KlaviyoError:
    """403 for a key without the scope the endpoint needs [I; Segment's docs report 403]."""
    text = "You do not have permission to perform this action."
    return klaviyo_error(403, "permission_denied", text, text)


def throttled(wait: float, *, retry_after: bool = True) -> KlaviyoError:
    """429 ``throttled`` (2024 shape [R api-node#66]) with ``Retry-After`` unless told not to.

    A complete 2023 answer carried no ``Retry-After`` and no ``RateLimit-*`` header; the wait
    was only in the text [R api-python#15]. The text rounds the wait up, singular at 1.
    """
    seconds = max(0, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    headers = [("Retry-After", str(seconds))] if retry_after else []
    return klaviyo_error(
        429,
        "throttled",
        "Request was throttled.",
        f"Request was throttled. Expected available in {seconds} {unit}.",
        pointer="/data",
        links={"type": RATE_LIMIT_DOCS},
        meta={},
        headers=headers,
    )


def throttled_2023(wait: float) -> KlaviyoError:
    """The 2023 429 exactly [R api-python#15]: pointer ``/data/``, no links, no Retry-After."""
    seconds = max(0, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    return klaviyo_error(
        429,
        "throttled",
        "Request was throttled.",
        f"Request was throttled. Expected available in {seconds} {unit}.",
        pointer="/data/",
    )


def duplicate_profile(profile_id: str) -> KlaviyoError:
    """409 ``duplicate_profile`` [R]: ``meta.duplicate_profile_id`` names the existing one."""
    return klaviyo_error(
        409,
        "duplicate_profile",
        "Conflict.",
        "A profile already exists with one of these identifiers.",
        pointer="/data/attributes",
        links={},
        meta={"duplicate_profile_id": profile_id},
    )


def revision_missing() -> KlaviyoError:
    """400 without a ``revision`` header [I: no recording; the spec marks it required]."""
    return invalid("Missing `revision` header.", pointer=None, parameter="revision")


def revision_malformed(value: str) -> KlaviyoError:
    return invalid(
        f"Invalid revision '{value}'. The format is YYYY-MM-DD[.suffix].",
        pointer=None,
        parameter="revision",
    )


def no_valid_revision() -> KlaviyoError:
    """404 for a revision older than the endpoint [P klaviyo-swift-sdk#730, probed live]."""
    return klaviyo_error(
        404, "not_found", "Not found.", "No valid revisions found for method", pointer=None
    )


def revision_gone(value: str) -> KlaviyoError:
    """410 for a retired revision [P: "GONE" when v1/v2 were retired; revisions are supported
    for two years after release (Klaviyo's changelog)]."""
    return klaviyo_error(
        410,
        "gone",
        "Gone.",
        f"Revision {value} is no longer supported. Please upgrade to a newer revision.",
        pointer=None,
    )


def unsupported_media_type(content_type: str) -> KlaviyoError:
    return klaviyo_error(
        415,
        "unsupported_media_type",
        "Unsupported media type.",
        f'Unsupported media type "{content_type}" in request.',
        pointer=None,
    )


def payload_too_large(limit: str) -> KlaviyoError:
    """413 for a body over the endpoint's limit [I: the spec gives the limits, not the answer]."""
    return klaviyo_error(
        413,
        "payload_too_large",
        "Request entity too large.",
        f"The maximum allowed payload size is {limit}.",
        pointer="/data",
    )


def method_not_allowed(method: str) -> KlaviyoError:
    return klaviyo_error(
        405,
        "method_not_allowed",
        "Method not allowed.",
        f'Method "{method}" not allowed.',
        pointer=None,
    )


def server_error(status: int = 500) -> KlaviyoError:
    text = "A server error occurred." if status == 500 else "Service unavailable."
    return klaviyo_error(status, "error", text, text, pointer=None)
