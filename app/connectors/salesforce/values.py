"""Field values as text (how records carry them) and back into what Salesforce takes.

Reads come as JSON (REST: booleans, numbers, ``null``, nested parents) or CSV (Bulk API:
all text, empty for null): both become the same text, by the field's type, so a record
read one way looks unchanged when read the other. A parent may be ``null`` while its id is
set (the user cannot see it): its columns are then empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.connectors.salesforce.client import parse_time

NUMBER_TYPES = frozenset({"double", "currency", "percent"})
INTEGER_TYPES = frozenset({"int", "long"})
TRUE = frozenset({"true", "1", "yes", "y", "x", "on"})


def text_of(value: Any, kind: str = "string") -> str:
    """A value as the text a record carries."""
    if value is None:
        return ""
    if kind == "boolean" or isinstance(value, bool):
        if isinstance(value, bool):
            return "true" if value else "false"
        return "true" if str(value).strip().lower() in TRUE else "false"
    if kind in NUMBER_TYPES or kind in INTEGER_TYPES or isinstance(value, int | float):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value).strip()
        return str(int(number)) if number.is_integer() else repr(number)
    if kind == "datetime":
        moment = parse_time(str(value))
        return moment.isoformat(timespec="seconds") if moment else str(value).strip()
    return str(value).strip()


def _path(record: Mapping[str, Any], column: str) -> Any:
    value: Any = record
    for part in column.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def from_json(
    record: Mapping[str, Any], columns: Sequence[str], types: Mapping[str, str]
) -> dict[str, str]:
    """A REST record's columns as text (``Account.Name`` from the nested parent)."""
    return {c: text_of(_path(record, c), types.get(c, "string")) for c in columns}


def from_csv(
    row: Mapping[str, str], columns: Sequence[str], types: Mapping[str, str]
) -> dict[str, str]:
    """A Bulk API row's columns as text (every cell is text already; empty is null)."""
    out = {}
    for column in columns:
        cell = row.get(column)
        out[column] = "" if cell in (None, "") else text_of(cell, types.get(column, "string"))
    return out


def to_json(text: str, kind: str) -> Any:
    """A column's text as the JSON value Salesforce takes for a field of ``kind``
    (``null`` empties it). A number that does not read as one is sent as it is, and
    Salesforce's own message says why it is refused."""
    text = text.strip()
    if kind == "boolean":
        return text.lower() in TRUE
    if not text:
        return None
    try:
        if kind in NUMBER_TYPES:
            return float(text.replace(",", ""))
        if kind in INTEGER_TYPES:
            return int(float(text.replace(",", "")))
    except ValueError:
        return text
    return text


def to_csv(text: str, kind: str, *, empties: bool) -> str:
    """A column's text as a Bulk API cell: ``#N/A`` empties a field (``empties``: an
    update; an empty cell would leave it as it is)."""
    text = text.strip()
    if kind == "boolean":
        return "true" if text.lower() in TRUE else "false"
    if not text:
        return "#N/A" if empties else ""
    return text
