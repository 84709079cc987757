"""Splitting a stream of bulk-import items into payloads Constant Contact will accept.

``POST /activities/contacts_json_import`` takes at most 40,000 contacts and less than 4 MB;
data past 4 MB is silently dropped, so sizes are measured, not estimated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from app.core.fields import IMPORT_MAX_BYTES, IMPORT_MAX_CONTACTS

# Room for the envelope: {"import_data": [...], "list_ids": [up to 50 uuids]} is ~2.5 KB.
ENVELOPE_MARGIN = 16 * 1024
DEFAULT_MAX_BYTES = IMPORT_MAX_BYTES - ENVELOPE_MARGIN
_SEPARATOR = len(", ")  # json.dumps' default item separator, as requests sends it


def item_size(item: Mapping[str, Any]) -> int:
    """Bytes ``item`` takes in the request body (same serialization as the request)."""
    return len(json.dumps(item).encode("utf-8"))


def payload_size(import_data: Sequence[Mapping[str, Any]], list_ids: Sequence[str]) -> int:
    """Bytes of the whole import request body."""
    return len(encode_import_body(import_data, list_ids))


def encode_import_body(import_data: Sequence[Mapping[str, Any]], list_ids: Sequence[str]) -> bytes:
    """The import request body, encoded item by item (the same bytes as one ``json.dumps``)."""
    items = ", ".join(json.dumps(item) for item in import_data)
    return f'{{"import_data": [{items}], "list_ids": {json.dumps(list(list_ids))}}}'.encode()


def chunk_import_items(
    items: Iterable[Mapping[str, Any]],
    max_count: int = IMPORT_MAX_CONTACTS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[list[Mapping[str, Any]]]:
    """Yield lists of items, each at most ``max_count`` long and ``max_bytes`` as a JSON array.

    Streams: holds one chunk at a time. Raises ValueError for a single item too large to send.
    """
    if max_count < 1:
        raise ValueError("max_count must be at least 1")
    chunk: list[Mapping[str, Any]] = []
    size = 2  # "[]"
    for item in items:
        n = item_size(item)
        if n + 2 > max_bytes:
            raise ValueError(f"One contact is too large to import ({n} bytes of data).")
        if chunk and (len(chunk) >= max_count or size + _SEPARATOR + n > max_bytes):
            yield chunk
            chunk, size = [], 2
        size += n + (_SEPARATOR if chunk else 0)
        chunk.append(item)
    if chunk:
        yield chunk
