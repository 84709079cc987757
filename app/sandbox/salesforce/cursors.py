"""Open query cursors behind ``nextRecordsUrl``.

A cursor holds the ids a query matched, in order; each page loads its records again. Live
orgs drop a cursor after 15 minutes idle and keep at most 10 per user (the oldest goes
first); a dropped cursor answers ``INVALID_QUERY_LOCATOR``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from app.sandbox.salesforce.errors import SfError
from app.sandbox.salesforce.ids import opaque
from app.sandbox.salesforce.soql_plan import Plan

IDLE_MS = 15 * 60 * 1000
PER_USER = 10


@dataclass
class Cursor:
    key: str
    user_id: str
    plan: Plan
    ids: list[str]
    page: int
    version: str
    used_ms: int


def invalid_locator() -> SfError:
    return SfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")


class Cursors:
    def __init__(self, now_ms: Callable[[], int]) -> None:
        self.now_ms = now_ms
        self._lock = threading.Lock()
        self._open: OrderedDict[str, Cursor] = OrderedDict()

    def open(self, user_id: str, plan: Plan, ids: list[str], page: int, version: str) -> Cursor:
        key = "0r8" + opaque(15)
        cursor = Cursor(key, user_id, plan, ids, page, version, self.now_ms())
        with self._lock:
            self._open[key] = cursor
            mine = [c for c in self._open.values() if c.user_id == user_id]
            for old in mine[: max(0, len(mine) - PER_USER)]:
                del self._open[old.key]
        return cursor

    def take(self, user_id: str, locator: str) -> tuple[Cursor, int]:
        """The cursor and offset a locator (``<id>-<offset>``) names."""
        key, _, offset = locator.rpartition("-")
        now = self.now_ms()
        with self._lock:
            cursor = self._open.get(key)
            if cursor is None or cursor.user_id != user_id or now - cursor.used_ms > IDLE_MS:
                self._open.pop(key, None)
                raise invalid_locator()
            if not offset.isdigit() or int(offset) > len(cursor.ids):
                raise invalid_locator()
            cursor.used_ms = now
            return cursor, int(offset)

    def close(self, key: str) -> None:
        with self._lock:
            self._open.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._open.clear()
