"""The other lists a planned record joins or leaves (``app/core/list_rules.py``).

A record the push sends (created or updated) goes on its mapped lists with its import: the
import's lists are the main list and those. A record that is otherwise unchanged but joined
or left a mapped source list becomes a ``LISTS`` record: the run adds it to, or takes it off,
those Constant Contact lists with membership activities, and counts it as updated. A record
that is not sent (opted out, unsubscribed, skipped) joins no list: consent first. A record
that changed and also left a list leaves it on the next sync, when it is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.list_rules import ListRules
from app.core.records import SourceRecord
from app.sync.planner import Action, PlannedRecord

_SENT = frozenset({Action.CREATE, Action.UPDATE, Action.CHANGE_EMAIL})


class Memberships:
    """Applies a profile's list map to its planned records.

    Args:
        rules: the profile's list map.
        cp: the run's checkpoint; ``cp["lists"]`` holds each mapped list's id (``_prepare``).
        index: the local copy's contacts by email: (contact id, permission, list ids).
    """

    def __init__(self, rules: ListRules, cp: Mapping[str, Any], index: Mapping[str, Any]):
        self.rules = rules
        self.ids: dict[str, str] = {
            str(name).casefold(): str(list_id)
            for name, list_id in (cp.get("lists") or {}).items()
            if list_id
        }
        self.names = {v: k for k, v in (cp.get("lists") or {}).items() if v}
        self.managed = frozenset(self.ids.values())
        self.index = index

    def __bool__(self) -> bool:
        return bool(self.rules) and bool(self.managed)

    def apply(self, record: SourceRecord, planned: PlannedRecord) -> PlannedRecord:
        wanted = tuple(
            sorted(
                self.ids[name.casefold()]
                for name in self.rules.wanted(record)
                if name.casefold() in self.ids
            )
        )
        if planned.action in _SENT and planned.item is not None:
            return planned._replace(lists=wanted) if wanted else planned
        if planned.action is not Action.UNCHANGED:
            return planned
        found = self.index.get(planned.email)
        current = (frozenset(found[2]) if found else frozenset()) & self.managed
        add = sorted(set(wanted) - current)
        drop = sorted(current - set(wanted))
        if not add and not drop:
            return planned
        words = []
        if add:
            words.append("Added to " + ", ".join(f"“{self.names[i]}”" for i in add))
        if drop:
            words.append("Taken off " + ", ".join(f"“{self.names[i]}”" for i in drop))
        item = {"email": planned.email, "add": ",".join(add), "drop": ",".join(drop)}
        return planned._replace(action=Action.LISTS, reason="; ".join(words), item=item)
