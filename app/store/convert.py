"""Helpers the repositories share: timestamps, batching and executemany."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar, cast

from peewee import Field, Model, ModelSelect

from app.store.db import db

T = TypeVar("T")

# Rows per write transaction in the bulk paths: big enough to be fast, small enough that
# another writer never waits long (busy_timeout is 5 s).
BATCH = 1000


def now_text() -> str:
    """The current UTC time as ISO 8601 text, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_text(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 UTC text (so text order is time order); naive means UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, streamed."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def tuple_rows(query: ModelSelect[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query.tuples()``.

    peewee's type hints keep a query's model as its row type through ``.tuples()``; this says
    what the rows are.
    """
    return cast("Iterator[tuple[Any, ...]]", iter(query.tuples()))


# Setting names that mean a secret is about to land in SQLite or an export (rule 18).
_SECRET_WORDS = ("token", "secret", "password", "api_key", "apikey")


def secret_keys(settings: Mapping[str, Any]) -> list[str]:
    """The keys of ``settings`` that look like secrets, sorted."""
    return sorted(k for k in settings if any(w in str(k).lower() for w in _SECRET_WORDS))


def insert_sql(model: type[Model], fields: Sequence[Field[Any]], conflict: str = "") -> str:
    """A one-row ``INSERT`` for ``executemany``, with an optional ``ON CONFLICT`` clause."""
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join("?" for _ in fields)
    return f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks}){conflict}'


def executemany(sql: str, params: Sequence[Sequence[Any]]) -> int:
    """Run one statement for each parameter row on this thread's connection.

    The bulk paths use this rather than peewee's ``insert_many``: building a
    multi-row query object costs ~60 µs a row, executemany ~3 µs. Returns the rows changed.
    """
    if not params:
        return 0
    cursor: sqlite3.Cursor = db.cursor()
    try:
        cursor.executemany(sql, params)
        return max(cursor.rowcount, 0)
    finally:
        cursor.close()
