"""Counting the requests an emulator serves, by "METHOD /path-template"."""

from __future__ import annotations

import threading
from collections import Counter


class RequestCounter:
    """Thread-safe counts of served requests by "METHOD /path-template"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


def path_template(rule: str) -> str:
    """A werkzeug rule's path as counts name it: ``/accounts/<id>`` → ``/accounts/{id}``."""
    return rule.replace("<", "{").replace(">", "}")
