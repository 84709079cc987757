"""What a route handler receives: the parsed call and the emulator's shared environment."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from app.sandbox.constant_contact.errors import ApiError, bad_request, error_array
from app.sandbox.constant_contact.state import State

if TYPE_CHECKING:  # only for annotations; the runner imports calls at run time
    from app.sandbox.constant_contact.activities import ActivityRunner

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


@dataclass(frozen=True)
class Env:
    """Shared emulator pieces a handler may use."""

    state: State
    clock: Callable[[], datetime]
    runner: ActivityRunner


@dataclass(frozen=True)
class Call:
    """One authorised API request."""

    request: Request
    params: Mapping[str, str]
    client_id: str
    now: datetime
    query: Mapping[str, str] | None = None  # replaces the URL query (decoded cursors)

    @property
    def args(self) -> Mapping[str, str]:
        return self.request.args if self.query is None else self.query

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.args.get(name, default)

    def csv_arg(self, name: str) -> list[str]:
        raw = self.args.get(name)
        return [part.strip() for part in raw.split(",") if part.strip()] if raw else []

    def bool_arg(self, name: str, default: bool = False) -> bool:
        raw = self.args.get(name)
        if raw is None:
            return default
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise bad_request(f"{name} must be true or false.")

    def int_arg(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.args.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"{name} must be an integer.") from None
        if not low <= value <= high:
            raise bad_request(f"{name} must be between {low} and {high}.")
        return value

    def json(self, max_bytes: int | None = None) -> Any:
        """The JSON body; 415 unless Content-Type is application/json, 400 if malformed."""
        mimetype = self.request.mimetype
        if mimetype != "application/json":
            raise error_array(
                415,
                "unsupported_media_type",
                "Unsupported Media Type; the payload must be in JSON format, "
                "and Content-Type must be application/json",
            )
        length = self.request.content_length
        if max_bytes is not None and length is not None and length >= max_bytes:
            raise too_large(max_bytes)
        data = self.request.get_data(cache=True)
        if max_bytes is not None and len(data) >= max_bytes:
            raise too_large(max_bytes)
        try:
            return json.loads(data or b"null")
        except ValueError:
            raise bad_request("The request body is not valid JSON.", key="malformed_json") from None

    def json_object(self, max_bytes: int | None = None) -> dict[str, Any]:
        body = self.json(max_bytes)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        return body


def too_large(max_bytes: int) -> ApiError:
    megabytes = max_bytes // (1024 * 1024)
    return bad_request(f"The request body must be smaller than {megabytes} MB.")
