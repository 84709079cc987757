"""JSON:API plumbing: resource links, opaque cursors, keyset pages and collection documents.

Every page has ``links.self``, ``links.next`` and ``links.prev``; the last page's ``next`` and
the first page's ``prev`` are ``null`` (keys present) [R nango]. The top-level ``self`` has no
trailing slash and echoes the query percent-encoded; each resource's ``self`` ends in ``/``.
Cursors are opaque base64; a whole ``next`` URL passed as the cursor is refused [P].
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from app.sandbox.klaviyo.calls import Call
from app.sandbox.klaviyo.errors import invalid


def self_link(call: Call, path: str, item_id: str) -> dict[str, str]:
    return {"self": call.link(f"{path}/{item_id}/")}


def relationship_links(call: Call, path: str, item_id: str, name: str) -> dict[str, str]:
    return {
        "self": call.link(f"{path}/{item_id}/relationships/{name}/"),
        "related": call.link(f"{path}/{item_id}/{name}/"),
    }


def _query(call: Call, cursor: str | None) -> str:
    items = [(k, v) for k, v in call.request.args.items(multi=True) if k != "page[cursor]"]
    if cursor is not None:
        items.append(("page[cursor]", cursor))
    return urlencode(items)


def request_link(call: Call, cursor: str | None = None, *, keep_cursor: bool = False) -> str:
    """The request's URL, query percent-encoded; with ``cursor`` in place of its own."""
    if keep_cursor:
        query = urlencode(list(call.request.args.items(multi=True)))
    else:
        query = _query(call, cursor)
    path = call.request.path.rstrip("/") or "/"
    return call.link(path) + (f"?{query}" if query else "")


def encode_cursor(values: Sequence[Any], forward: bool) -> str:
    raw = json.dumps([*values, forward], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[list[Any], bool]:
    try:
        padded = text + "=" * (-len(text) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise invalid("Invalid cursor provided.", None, "page[cursor]") from None
    if not isinstance(value, list) or len(value) < 2 or not isinstance(value[-1], bool):
        raise invalid("Invalid cursor provided.", None, "page[cursor]")
    return value[:-1], value[-1]


def keyset_page(
    conn: sqlite3.Connection,
    call: Call,
    sql: str,
    params: Sequence[Any],
    order: Sequence[str],
    *,
    descending: bool,
    size: int,
) -> tuple[list[sqlite3.Row], str | None, str | None]:
    """One page of ``sql`` (a SELECT with a WHERE clause) ordered by ``order`` columns.

    The SELECT must return the ``order`` columns under the names ``k0``, ``k1``... Returns the
    rows and the next and previous cursors (None at either end).
    """
    raw = call.arg("page[cursor]")
    keys = [f"k{i}" for i in range(len(order))]
    cursor: list[Any] | None = None
    forward = True
    if raw:
        cursor, forward = decode_cursor(raw)
        if len(cursor) != len(order):
            raise invalid("Invalid cursor provided.", None, "page[cursor]")
    ascending = forward != descending
    direction = "ASC" if ascending else "DESC"
    where, args = sql, list(params)
    if cursor is not None:
        where += (
            f" AND ({', '.join(order)}) {'>' if ascending else '<'} ({', '.join('?' * len(order))})"
        )
        args += cursor
    order_by = ", ".join(f"{column} {direction}" for column in order)
    rows = conn.execute(f"{where} ORDER BY {order_by} LIMIT ?", (*args, size + 1)).fetchall()
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return rows, None, None
    first, last = [rows[0][k] for k in keys], [rows[-1][k] for k in keys]
    if forward:
        next_cursor = encode_cursor(last, True) if more else None
        prev_cursor = encode_cursor(first, False) if cursor is not None else None
    else:
        next_cursor = encode_cursor(last, True)
        prev_cursor = encode_cursor(first, False) if more else None
    return rows, next_cursor, prev_cursor


def collection(
    call: Call,
    data: list[dict[str, Any]],
    next_cursor: str | None,
    prev_cursor: str | None,
    included: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "data": data,
        "links": {
            "self": request_link(call, keep_cursor=True),
            "next": request_link(call, next_cursor) if next_cursor else None,
            "prev": request_link(call, prev_cursor) if prev_cursor else None,
        },
    }
    if included is not None:
        body["included"] = included
    return body


def single(
    call: Call, data: dict[str, Any], included: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data, "links": {"self": request_link(call, keep_cursor=True)}}
    if included is not None:
        body["included"] = included
    return body


def require_type(data: Any, expected: str, pointer: str = "/data") -> dict[str, Any]:
    """``data`` must be an object of ``type`` ``expected``."""
    if not isinstance(data, dict):
        raise invalid("The payload provided in the request is invalid.", pointer)
    if data.get("type") != expected:
        raise invalid(
            f"The type '{data.get('type')}' is not valid; expected '{expected}'.", f"{pointer}/type"
        )
    return data


def attributes(data: dict[str, Any], pointer: str = "/data") -> dict[str, Any]:
    attrs = data.get("attributes")
    if not isinstance(attrs, dict):
        raise invalid("`attributes` must be an object.", f"{pointer}/attributes")
    return attrs
