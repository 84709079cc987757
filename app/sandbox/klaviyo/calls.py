"""What a handler receives: the emulator's shared pieces (``Env``) and one call (``Call``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Request

from app.sandbox.klaviyo.errors import invalid
from app.sandbox.klaviyo.ids import Ids
from app.sandbox.klaviyo.state import State


@dataclass
class Settings:
    """Behaviour a test or bench may change at any time.

    Attributes:
        job_seconds: how long after creation a bulk job completes by itself.
        job_polls: the poll of a job that completes it even when the clock has not moved
            (the first poll shows ``processing``).
        subscribe_clears_suppressions: the spec's rule that a subscription job removes
            ``UNSUBSCRIBE``, ``SPAM_COMPLAINT`` and ``USER_SUPPRESSED`` suppressions. No live
            recording shows otherwise (the live notes say: follow the spec).
    """

    job_seconds: float = 2.0
    job_polls: int = 3
    subscribe_clears_suppressions: bool = True


@dataclass
class Env:
    """Shared emulator pieces a handler may use."""

    state: State
    clock: Callable[[], datetime]
    ids: Ids
    company_id: str
    settings: Settings = field(default_factory=Settings)
    # Bulk jobs to end other than "complete": filled by Faults.fail_next_job.
    job_failures: list[str] = field(default_factory=list)


@dataclass
class Call:
    """One authenticated API call."""

    request: Request
    params: Mapping[str, str]
    now: datetime
    base_url: str
    revision: str
    scopes: frozenset[str] = frozenset()

    def arg(self, name: str) -> str | None:
        return self.request.args.get(name)

    def list_arg(self, name: str) -> list[str]:
        """A comma-separated parameter (``include``, ``additional-fields[profile]``...)."""
        raw = self.request.args.get(name) or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def page_size(self, default: int, maximum: int) -> int:
        raw = self.arg("page[size]")
        if raw is None or raw == "":
            return default
        try:
            size = int(raw)
        except ValueError:
            raise invalid(
                f"'{raw}' is not a valid integer for 'page[size]'.", None, "page[size]"
            ) from None
        if not 1 <= size <= maximum:
            raise invalid(f"Page size must be between 1 and {maximum}.", None, "page[size]")
        return size

    def document(self) -> dict[str, Any]:
        """The JSON:API body's ``data`` member (an object or a list)."""
        try:
            body = json.loads(self.request.get_data() or b"null")
        except ValueError:
            raise invalid("The payload provided in the request is invalid.") from None
        if not isinstance(body, dict) or "data" not in body:
            raise invalid("The payload provided in the request is invalid.")
        data = body["data"]
        if isinstance(data, dict) and not {"attributes", "relationships", "id"} & set(data):
            raise invalid(
                "One of `attributes`, `relationships` or `id` must be included in the"
                " request payload."
            )
        return body

    def revision_at_least(self, date: str) -> bool:
        return self.revision[:10] >= date

    def link(self, path: str) -> str:
        return f"{self.base_url}{path}"
