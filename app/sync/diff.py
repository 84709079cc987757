"""Readable "old → new" descriptions of what a run changes, for previews and results."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.fields import label
from app.core.normalise import same_value

MAX_DETAIL = 500  # characters; a results cell, not a report


def _name(key: str) -> str:
    return label(key)


def describe_changes(old: Mapping[str, str] | None, new: Mapping[str, str]) -> str:
    """``"First name: Ada → Augusta; City: (blank) → Paris"`` for the fields that differ.

    ``old`` None means the values last sent were not recorded: the new values are listed.
    A state or country written another way ("IL" and "Illinois") is not a change.
    """
    if old is None:
        parts = [f"{_name(k)}: {v}" for k, v in sorted(new.items()) if v and k != "email"]
        text = "Sends " + "; ".join(parts) if parts else ""
        return _cut(text)
    parts = []
    country = new.get("country") or old.get("country") or ""
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, ""), new.get(key, "")
        if not same_value(key, before, after, country):
            parts.append(f"{_name(key)}: {before or '(blank)'} → {after or '(blank)'}")
    return _cut("; ".join(parts))


def describe_values(values: Mapping[str, str]) -> str:
    """``"First Name: Ada; Last Name: Lovelace"`` (for records created in the source)."""
    return _cut("; ".join(f"{k}: {v}" for k, v in values.items() if v))


def _cut(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"
