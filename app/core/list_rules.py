"""Which Constant Contact lists a record joins besides the profile's main list.

A source may keep people in lists of its own (Xero contact groups, Salesforce campaigns,
NeonCRM lists, or a "Lists" column in a file). A profile maps them to Constant Contact lists in
its source settings::

    "list_map": {"VIP": "VIP customers", "Wholesale": "Trade news"},
    "lists_column": "Groups"          # optional: a column naming each row's lists

A record then joins the Constant Contact list of each of its source lists that the map names,
and leaves a mapped list when it leaves the source list. Lists the map does not name are never
touched. Consent is the planner's: a record that is not sent (opted out, unsubscribed) joins
no list at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.records import SourceRecord

_SPLIT = re.compile(r"[;,|\n]")


@dataclass(frozen=True)
class ListRules:
    """A profile's source-list → Constant Contact list map (names compared without case)."""

    targets: Mapping[str, str] = field(default_factory=dict)  # source list (folded) → CC list
    column: str = ""

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ListRules:
        raw = settings.get("list_map") or {}
        targets = {
            " ".join(str(k).split()).casefold(): " ".join(str(v).split())
            for k, v in (raw.items() if isinstance(raw, Mapping) else ())
            if str(k).strip() and str(v).strip()
        }
        return cls(targets, str(settings.get("lists_column") or ""))

    def __bool__(self) -> bool:
        return bool(self.targets)

    @property
    def list_names(self) -> tuple[str, ...]:
        """Every Constant Contact list the map names, once each, in a stable order."""
        return tuple(sorted(set(self.targets.values()), key=str.casefold))

    def source_lists(self, record: SourceRecord) -> list[str]:
        """The record's own lists: the source's, then the lists column's."""
        names = list(record.lists)
        if self.column:
            names += _SPLIT.split(record.values.get(self.column, ""))
        return [" ".join(n.split()) for n in names if n.strip()]

    def wanted(self, record: SourceRecord) -> tuple[str, ...]:
        """The Constant Contact lists (beyond the main list) this record belongs on."""
        found = {self.targets.get(n.casefold(), "") for n in self.source_lists(record)}
        found.discard("")
        return tuple(sorted(found, key=str.casefold))
