"""Paging for campaigns and reports: limits, opaque bookmarks and the errors they give.

Campaign lists and reports page newest first with an opaque cursor in ``_links.next.href``
(``next=`` on /emails, ``cursor=`` on the reports). The cursor is a bookmark of the last row
served (its time and sequence), so rows that arrive at the front while a reader pages back
neither repeat nor push others out of reach. On the last page ``_links`` is absent.
"""

from __future__ import annotations

from app.sandbox.constant_contact.calls import Call
from app.sandbox.constant_contact.errors import ApiError, bad_request, error_array
from app.sandbox.constant_contact.util import decode_cursor, encode_cursor, is_uuid

REPORT_NOT_FOUND = "reportingsvc.not_found"


def limit_arg(call: Call, default: int, high: int, raw: str | None = None) -> int:
    """``limit`` from 1 to ``high``; out of range or not a number is a 400, as Grape says it."""
    raw = call.arg("limit") if raw is None else raw
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= high:
        raise bad_request("limit does not have a valid value")
    return int(raw)


def read_cursor(raw: str, keys: tuple[str, ...] = ("at", "seq")) -> dict[str, str]:
    """A cursor this emulator issued; anything else is a 400."""
    decoded = decode_cursor(raw)
    if decoded is None or not all(decoded.get(k, "").lstrip("-").isdigit() for k in keys):
        raise bad_request("The cursor is not valid.", key="cursor.invalid")
    return decoded


def bookmark(values: dict[str, str], keys: tuple[str, str] = ("at", "seq")) -> tuple[int, int]:
    return int(values[keys[0]]), int(values[keys[1]])


def href(path: str, param: str, values: dict[str, str], limit: int | None = None) -> str:
    prefix = f"limit={limit}&" if limit is not None else ""
    return f"{path}?{prefix}{param}={encode_cursor(values)}"


def uuid_or_404(value: str, what: str) -> str:
    """A malformed id is a 404, as the service answers it."""
    if not is_uuid(value):
        raise not_found(what, value)
    return value


def not_found(what: str, value: str, key: str = REPORT_NOT_FOUND) -> ApiError:
    return error_array(404, key, f"The {what} {value} was not found.")
