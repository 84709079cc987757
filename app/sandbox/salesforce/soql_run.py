"""Running a planned query: which records match, in what order, and how each is shown.

Values are compared as SOQL does: text without regard to case, date-times as instants,
date constants as day ranges in UTC. A ``SystemModstamp >`` condition at the top level is
also given to SQLite, so an incremental read of a large org does not load every record.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from app.sandbox.salesforce import derived
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.fields import NUMBER_TYPES, TEXT_TYPES, FieldSpec, address_parts
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.soql import Literal, Logic, Not
from app.sandbox.salesforce.soql_plan import Column, Plan
from app.sandbox.salesforce.store import Stored
from app.sandbox.salesforce.times import parse_datetime, to_ms

Getter = Callable[[Column], Any]


class Loader:
    """Records by id for relationship fields, loaded in batches and kept for the call."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.cache: dict[str, Stored | None] = {}

    def prefetch(self, ids: Iterable[str | None]) -> None:
        wanted = [i for i in ids if i and i not in self.cache]
        found = records.load_many(self.conn, wanted)
        for record_id in wanted:
            self.cache[record_id] = found.get(record_id)

    def get(self, record_id: str | None) -> Stored | None:
        if not record_id:
            return None
        if record_id not in self.cache:
            self.prefetch([record_id])
        return self.cache[record_id]


def raw_value(org: Org, stored: Stored, spec: FieldSpec) -> Any:
    if spec.type == "address":
        parts = address_parts(spec.compound or "", org.flag("picklists"))
        return {k: stored.data.get(f) if f else None for k, f in parts.items()}
    return stored.data.get(spec.name)


def follow(loader: Loader, stored: Stored | None, column: Column) -> Stored | None:
    """The record at the end of a column's relationship hops (None when a link is empty)."""
    for hop in column.hops:
        if stored is None:
            return None
        stored = loader.get(stored.data.get(hop.name))
    return stored


# -- matching -----------------------------------------------------------------------------


def matching(
    org: Org, conn: sqlite3.Connection, plan: Plan, *, include_deleted: bool
) -> list[Stored]:
    """The records the query returns, ordered, with LIMIT and OFFSET applied."""
    since, inclusive = _modstamp_floor(plan.where)
    rows = list(
        records.scan(
            conn,
            plan.sobject.name,
            include_deleted=include_deleted,
            modstamp_after=since,
            modstamp_inclusive=inclusive,
        )
    )
    derived.enrich(conn, plan.sobject.name, rows)
    loader = Loader(conn)
    if plan.where is not None:
        test = _compile(plan.where, org.now_ms())
        prefetch(loader, rows, _columns(plan.where))
        rows = [r for r in rows if test(_getter(org, loader, r))]
    if plan.order:
        prefetch(loader, rows, [c for c, _, _ in plan.order])
        for column, descending, nulls_last in reversed(plan.order):
            rows = _sort(org, loader, rows, column, descending, nulls_last)
    end = None if plan.query.limit is None else plan.query.offset + plan.query.limit
    return rows[plan.query.offset : end]


def _getter(org: Org, loader: Loader, stored: Stored) -> Getter:
    def get(column: Column) -> Any:
        target = follow(loader, stored, column)
        return None if target is None else raw_value(org, target, column.spec)

    return get


def prefetch(loader: Loader, rows: list[Stored], columns: list[Column]) -> None:
    """Load the parents of ``rows`` that ``columns`` reach, a level at a time."""
    for column in columns:
        level = rows
        for hop in column.hops:
            loader.prefetch(r.data.get(hop.name) for r in level)
            level = [p for p in (loader.get(r.data.get(hop.name)) for r in level) if p]


def _columns(node: Any) -> list[Column]:
    if isinstance(node, Logic):
        return [c for p in node.parts for c in _columns(p)]
    if isinstance(node, Not):
        return _columns(node.part)
    return [node[0]]


def _modstamp_floor(node: Any) -> tuple[int | None, bool]:
    parts = node.parts if isinstance(node, Logic) and node.op == "AND" else (node,)
    for part in parts:
        if isinstance(part, tuple):
            column, op, values = part
            if (
                not column.hops
                and column.spec.name == "SystemModstamp"
                and op in (">", ">=")
                and values[0].kind == "datetime"
            ):
                moment = parse_datetime(values[0].value)
                if moment is not None:
                    return to_ms(moment), op == ">="
    return None, False


def _sort(
    org: Org, loader: Loader, rows: list[Stored], column: Column, descending: bool, last: bool
) -> list[Stored]:
    keyed = [(_normal(column.spec, _getter(org, loader, r)(column)), r) for r in rows]
    nulls = [r for k, r in keyed if k is None]
    values = [(k, r) for k, r in keyed if k is not None]
    values.sort(key=lambda pair: pair[0], reverse=descending)
    ordered = [r for _, r in values]
    return ordered + nulls if last else nulls + ordered


# -- conditions ---------------------------------------------------------------------------


def _normal(spec: FieldSpec, value: Any) -> Any:
    """A value in the form SOQL compares: lower-case text, instants for date-times."""
    if value is None:
        return None
    if spec.type == "datetime":
        moment = parse_datetime(value) if isinstance(value, str) else None
        return to_ms(moment) if moment else None
    if spec.type in ("id", "reference"):
        return value
    if spec.type in TEXT_TYPES and isinstance(value, str):
        return value.lower()
    if spec.type in NUMBER_TYPES:
        return float(value)
    return value


def _literal(spec: FieldSpec, lit: Literal, now_ms: int) -> Any:
    if lit.kind == "constant":
        start, end = _day_range(lit, now_ms)
        if spec.type == "date":
            return (start.date().isoformat(), end.date().isoformat())
        return (to_ms(start), to_ms(end))
    if lit.kind == "datetime":
        moment = parse_datetime(lit.value)
        return to_ms(moment) if moment else None
    if lit.kind == "number":
        return float(lit.value)
    return _normal(spec, lit.value)


def _day_range(lit: Literal, now_ms: int) -> tuple[datetime, datetime]:
    today = datetime.fromtimestamp(now_ms / 1000, UTC).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    day = timedelta(days=1)
    ranges = {
        "TODAY": (today, today + day),
        "YESTERDAY": (today - day, today),
        "TOMORROW": (today + day, today + 2 * day),
        "LAST_N_DAYS": (today - lit.n * day, today + day),
        "NEXT_N_DAYS": (today + day, today + (lit.n + 1) * day),
        "N_DAYS_AGO": (today - lit.n * day, today - (lit.n - 1) * day),
    }
    return ranges[lit.value]


def _like(pattern: str) -> re.Pattern[str]:
    out = ""
    escaped = False
    for ch in pattern:
        if escaped:
            out += re.escape(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "%":
            out += ".*"
        elif ch == "_":
            out += "."
        else:
            out += re.escape(ch)
    return re.compile(f"^{out}$", re.IGNORECASE | re.DOTALL)


def _compile(node: Any, now_ms: int) -> Callable[[Getter], bool]:
    if isinstance(node, Logic):
        parts = [_compile(p, now_ms) for p in node.parts]
        if node.op == "AND":
            return lambda get: all(p(get) for p in parts)
        return lambda get: any(p(get) for p in parts)
    if isinstance(node, Not):
        inner = _compile(node.part, now_ms)
        return lambda get: not inner(get)
    column, op, literals = node
    spec = column.spec
    if op == "LIKE":
        pattern = _like(str(literals[0].value or ""))
        return lambda get: isinstance(v := get(column), str) and bool(pattern.match(v))
    wanted = [_literal(spec, lit, now_ms) for lit in literals]
    if op in ("IN", "NOT IN"):
        allowed = set(wanted)
        negate = op == "NOT IN"
        return lambda get: (_normal(spec, get(column)) in allowed) != negate
    target = wanted[0]

    def compare(get: Getter) -> bool:
        value = _normal(spec, get(column))
        if isinstance(target, tuple):  # a date constant's [start, end)
            start, end = target
            if value is None:
                return op == "!="
            inside = start <= value < end
            return {
                "=": inside,
                "!=": not inside,
                "<": value < start,
                "<=": value < end,
                ">": value >= end,
                ">=": value >= start,
            }[op]
        if op == "=":
            return value == target
        if op == "!=":
            return value != target
        if value is None or target is None:
            return False
        return {
            "<": value < target,
            "<=": value <= target,
            ">": value > target,
            ">=": value >= target,
        }[op]

    return compare
