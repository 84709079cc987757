"""What a handler gets: the org and its services (``Env``), and one request (``Call``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from app.sandbox.salesforce.errors import SfError, json_parser_error, not_found
from app.sandbox.salesforce.fields import ObjectSpec
from app.sandbox.salesforce.org import Org

if TYPE_CHECKING:
    from app.sandbox.salesforce.cursors import Cursors
    from app.sandbox.salesforce.limits import ApiUsage


@dataclass
class Env:
    org: Org
    cursors: Cursors
    usage: ApiUsage
    # Polls of a Bulk job's info that still say InProgress after its data was processed.
    bulk_in_progress_polls: int = 1


@dataclass
class Call:
    """One authenticated data call: the request, its API version, the signed-in user."""

    request: Request
    version: str  # "66.0"
    user_id: str

    @property
    def base(self) -> str:
        return f"/services/data/v{self.version}"

    def json(self) -> Any:
        raw = self.request.get_data(as_text=True)
        try:
            return json.loads(raw)
        except ValueError:
            raise json_parser_error(
                f"Unexpected character ('{raw[:1] or ' '}' (code {ord(raw[:1] or ' ')})):"
                " expected a valid value (number, String, array, object, 'true', 'false' or"
                " 'null') at [line:1, column:1]"
            ) from None

    @property
    def allow_duplicates(self) -> bool:
        header = self.request.headers.get("Sforce-Duplicate-Rule-Header", "")
        return "allowsave=true" in header.replace(" ", "").lower()


def sobject_or_404(org: Org, name: str) -> ObjectSpec:
    found = org.sobject(name)
    if found is None:
        raise not_found()
    return found


def bad_request(code: str, message: str, fields: list[str] | None = None) -> SfError:
    return SfError(400, code, message, fields)
