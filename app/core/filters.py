"""Record filters: rule rows (field, operator, value) joined by AND or OR, evaluated purely."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar


class Operator(StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    IS_EMPTY = "is_empty"
    IS_NOT_EMPTY = "is_not_empty"
    GREATER_THAN = "greater_than"
    LESS_THAN = "less_than"
    IN_LIST = "in_list"


OPERATOR_LABELS: dict[Operator, str] = {
    Operator.EQUALS: "equals",
    Operator.NOT_EQUALS: "does not equal",
    Operator.CONTAINS: "contains",
    Operator.STARTS_WITH: "starts with",
    Operator.IS_EMPTY: "is empty",
    Operator.IS_NOT_EMPTY: "is not empty",
    Operator.GREATER_THAN: "is greater than",
    Operator.LESS_THAN: "is less than",
    Operator.IN_LIST: "is one of (comma-separated)",
}

NEEDS_VALUE = frozenset(set(Operator) - {Operator.IS_EMPTY, Operator.IS_NOT_EMPTY})


@dataclass(frozen=True, slots=True)
class FilterRule:
    """One rule row. ``field`` is a source column name. Text comparisons ignore case."""

    field: str
    op: Operator
    value: str = ""

    def matches(self, values: Mapping[str, str]) -> bool:
        actual = (values.get(self.field) or "").strip()
        wanted = self.value.strip()
        a, w = actual.casefold(), wanted.casefold()
        match self.op:
            case Operator.EQUALS:
                return a == w
            case Operator.NOT_EQUALS:
                return a != w
            case Operator.CONTAINS:
                return w in a
            case Operator.STARTS_WITH:
                return a.startswith(w)
            case Operator.IS_EMPTY:
                return not a
            case Operator.IS_NOT_EMPTY:
                return bool(a)
            case Operator.IN_LIST:
                return a in {p.strip().casefold() for p in wanted.split(",") if p.strip()}
            case Operator.GREATER_THAN | Operator.LESS_THAN:
                left, right = _comparable(actual), _comparable(wanted)
                if isinstance(left, float) and isinstance(right, float):
                    return _compare(self.op, left, right)
                if isinstance(left, date) and isinstance(right, date):
                    return _compare(self.op, left, right)
                return False  # not comparable, or a number against a date
        return False  # pragma: no cover - exhaustive match


_Comparable = TypeVar("_Comparable", float, date)


def _compare(op: Operator, left: _Comparable, right: _Comparable) -> bool:
    return left > right if op is Operator.GREATER_THAN else left < right


def _comparable(text: str) -> float | date | None:
    """A number or a date from text, or None if it is neither."""
    t = text.strip().replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip()[: len(fmt) + 2], fmt).date()
        except ValueError:
            continue
    return None


class Join(StrEnum):
    ALL = "all"  # AND
    ANY = "any"  # OR


@dataclass(frozen=True)
class FilterGroup:
    """Rules and nested groups joined by AND (``all``) or OR (``any``). Empty matches all."""

    join: Join = Join.ALL
    rules: tuple[FilterRule, ...] = ()
    groups: tuple[FilterGroup, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.rules and not self.groups

    def matches(self, values: Mapping[str, str]) -> bool:
        if self.is_empty:
            return True
        results = [r.matches(values) for r in self.rules]
        results += [g.matches(values) for g in self.groups]
        return all(results) if self.join is Join.ALL else any(results)

    def to_dict(self) -> dict[str, object]:
        return {
            "join": self.join.value,
            "rules": [{"field": r.field, "op": r.op.value, "value": r.value} for r in self.rules],
            "groups": [g.to_dict() for g in self.groups],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> FilterGroup:
        if not data:
            return cls()
        rules = tuple(
            FilterRule(str(r["field"]), Operator(str(r["op"])), str(r.get("value", "")))
            for r in data.get("rules", [])
        )
        groups = tuple(cls.from_dict(g) for g in data.get("groups", []))
        return cls(Join(str(data.get("join", "all"))), rules, groups)
