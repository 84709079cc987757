"""Checks an emulator's requests and answers against its vendor's OpenAPI spec (openapi-core).

Hook :meth:`Validator.hook` into a ``requests`` session; every exchange is then checked, and
what does not match the spec is collected in ``problems`` (a test asserts it stays empty).
"""

from __future__ import annotations

from typing import Any

import requests


def describe(error: Exception) -> str:
    """An openapi-core error with the schema problems it wraps (paths and messages)."""
    cause = error.__cause__ or error
    details = getattr(cause, "schema_errors", None)
    if details:
        return "; ".join(
            f"{'/'.join(str(p) for p in d.absolute_path)}: {d.message[:200]}" for d in details
        )
    return repr(cause)[:400]


class Validator:
    """Checks request/response pairs against the spec; collects the problems.

    ``checked`` names each exchange as "METHOD /path -> status".
    """

    def __init__(self, spec: Any) -> None:
        self.spec = spec
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, response: requests.Response, *, request_valid: bool | None = True) -> None:
        """Validate the answer, and the request unless ``request_valid`` is None (expecting
        it valid, or not)."""
        from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

        prepared = response.request
        path = requests.utils.urlparse(prepared.url).path
        request = RequestsOpenAPIRequest(prepared)
        errors = [describe(e) for e in self.spec.iter_request_errors(request)]
        if request_valid is not None and bool(errors) == request_valid:
            self.problems.append(f"{prepared.method} {path}: request {errors}")
        wrapped = RequestsOpenAPIResponse(response)
        errors = [describe(e) for e in self.spec.iter_response_errors(request, wrapped)]
        if errors:
            self.problems.append(f"{prepared.method} {path} -> {response.status_code}: {errors}")
        self.checked.append(f"{prepared.method} {path} -> {response.status_code}")

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.check(response)
