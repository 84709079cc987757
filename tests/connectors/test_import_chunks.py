"""Splitting import items into payloads by count and by measured JSON size."""

from __future__ import annotations

import itertools
import json

import pytest

from app.connectors.import_chunks import (
    DEFAULT_MAX_BYTES,
    chunk_import_items,
    item_size,
    payload_size,
)
from app.core.fields import IMPORT_MAX_BYTES, IMPORT_MAX_CONTACTS


def items(n, pad=0):
    return ({"email": f"p{i}@example.com", "first_name": "x" * pad} for i in range(n))


def test_splits_by_count():
    chunks = list(chunk_import_items(items(25), max_count=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert [c["email"] for chunk in chunks for c in chunk] == [
        f"p{i}@example.com" for i in range(25)
    ]


def test_default_limits_match_the_api():
    assert DEFAULT_MAX_BYTES < IMPORT_MAX_BYTES
    chunks = list(chunk_import_items(items(IMPORT_MAX_CONTACTS + 1)))
    assert [len(c) for c in chunks] == [IMPORT_MAX_CONTACTS, 1]


def test_splits_by_measured_bytes():
    limit = 2_000
    chunks = list(chunk_import_items(items(100, pad=50), max_bytes=limit))
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(json.dumps(chunk).encode()) <= limit
    # each chunk is as full as it can be: adding the next item would cross the limit
    for chunk, following in itertools.pairwise(chunks):
        assert len(json.dumps([*chunk, following[0]]).encode()) > limit


def test_bytes_count_non_ascii_as_sent():
    item = {"email": "z@example.com", "first_name": "Zoë 名前"}
    assert item_size(item) == len(json.dumps(item).encode())
    assert item_size(item) > len(json.dumps(item, ensure_ascii=False).encode("utf-8")) - 1


def test_exact_fit_stays_in_one_chunk():
    data = list(items(10))
    exact = len(json.dumps(data).encode())
    assert [len(c) for c in chunk_import_items(data, max_bytes=exact)] == [10]
    assert len(list(chunk_import_items(data, max_bytes=exact - 1))) == 2


def test_streams_lazily():
    def endless():
        i = 0
        while True:
            yield {"email": f"{i}@example.com"}
            i += 1

    first = next(chunk_import_items(endless(), max_count=3))
    assert len(first) == 3


def test_single_oversized_item_is_an_error():
    with pytest.raises(ValueError, match="too large"):
        list(
            chunk_import_items([{"email": "a@example.com", "first_name": "x" * 500}], max_bytes=100)
        )


def test_empty_input_gives_no_chunks():
    assert list(chunk_import_items([])) == []


def test_payload_size_counts_the_envelope():
    data = list(items(3))
    body = {"import_data": data, "list_ids": ["l1"]}
    assert payload_size(data, ["l1"]) == len(json.dumps(body).encode())
