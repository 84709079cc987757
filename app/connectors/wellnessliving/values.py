"""Reading WellnessLiving's JSON as it really arrives, not as the spec types it.

Booleans come as ``true``/``false``, ``0``/``1`` or ``"0"``/``"1"``/``""``; keys as numbers
or strings; an empty map as ``[]`` (PHP); a missing text as ``""`` or ``null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_bool(value: Any) -> bool | None:
    """True, False, or None when the value is null (never set)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    text = str(value).strip().lower()
    return text not in ("", "0", "false", "no", "off")


def as_key(value: Any) -> str:
    """A key as text: ``51299234`` and ``"51299234"`` are the same key; null is ""."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_text(value: Any) -> str:
    return "" if value is None or isinstance(value, Mapping | list) else str(value).strip()


def as_map(value: Any) -> Mapping[str, Any]:
    """A keyed object; PHP's empty array ``[]`` (or null) is an empty map."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return []
