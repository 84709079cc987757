"""The ``filter`` parameter: ``equals(email,"a@x.com")``, ``any(id,["a","b"])``,
``greater-than(updated,2026-01-01T00:00:00Z)``, and ``and(...)`` of those.

Strings must be quoted; an unquoted one (``equals(email,me@test.com)``) is refused with 400
"Invalid filter provided" [P klaviyo-api-ruby#3]. Dates are written bare. Each endpoint says
which fields and operators it allows (the spec's "Allowed field(s)/operator(s)"); this module
turns the allowed conditions into SQL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.sandbox.klaviyo.errors import KlaviyoError, invalid
from app.sandbox.klaviyo.ids import parse_time, stamp

COMPARISONS = {
    "equals": "=",
    "greater-than": ">",
    "less-than": "<",
    "greater-or-equal": ">=",
    "less-or-equal": "<=",
}
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<punct>[(),\[\]])|(?P<bare>[^\s(),\[\]"']+))"""
)


@dataclass(frozen=True)
class Condition:
    op: str
    field: str
    value: Any


@dataclass(frozen=True)
class Field:
    """How an endpoint filters on one field.

    Attributes:
        sql: the column expression.
        ops: the operators the spec allows for it.
        kind: ``text``, ``text_ci`` (compared lowercased), ``time`` (stored ISO text) or
            ``epoch`` (stored unix seconds).
    """

    sql: str
    ops: frozenset[str]
    kind: str = "text"


def _bad(detail: str = "Invalid filter provided") -> KlaviyoError:
    return invalid(detail, None, "filter")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise _bad()
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise _bad()
        self.pos += 1
        return token

    def conditions(self) -> list[Condition]:
        found = self.call()
        while self.peek() == ("punct", ","):
            self.take(",")
            found += self.call()
        return found

    def call(self) -> list[Condition]:
        kind, name = self.take()
        if kind != "bare":
            raise _bad()
        self.take("(")
        if name == "and":
            found = self.conditions()
            self.take(")")
            return found
        if name in ("or", "not"):
            raise _bad(f"The '{name}' operator is not supported for this endpoint.")
        kind, field = self.take()
        if kind != "bare":
            raise _bad()
        self.take(",")
        value = self.value()
        self.take(")")
        return [Condition(name, field, value)]

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        if (kind, text) == ("punct", "["):
            items = [self.value()]
            while self.peek() == ("punct", ","):
                self.take(",")
                items.append(self.value())
            self.take("]")
            return items
        if kind != "bare":
            raise _bad()
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return float(text) if "." in text else int(text)
        moment = parse_time(text) if re.match(r"\d{4}-\d{2}-\d{2}", text) else None
        if moment is None:
            raise _bad()  # an unquoted string
        return moment


def parse_filter(text: str) -> list[Condition]:
    parser = _Parser(text)
    found = parser.conditions()
    if parser.peek() is not None:
        raise _bad()
    return found


def to_sql(text: str | None, fields: Mapping[str, Field]) -> tuple[str, list[Any]]:
    """`` AND ...`` clauses and their parameters for a filter (empty when there is none)."""
    if not text:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    for cond in parse_filter(text):
        spec = fields.get(cond.field)
        if spec is None:
            raise _bad(f"'{cond.field}' is not a valid field for this filter.")
        if cond.op not in spec.ops:
            raise _bad(f"'{cond.op}' is not a valid operator for the field '{cond.field}'.")
        if cond.op == "any":
            values = cond.value if isinstance(cond.value, list) else None
            if not values:
                raise _bad()
            converted = [_convert(v, spec) for v in values]
            clauses.append(f" AND {spec.sql} IN ({', '.join('?' * len(converted))})")
            params += converted
        elif cond.op in COMPARISONS:
            clauses.append(f" AND {spec.sql} {COMPARISONS[cond.op]} ?")
            params.append(_convert(cond.value, spec))
        else:
            raise _bad(f"'{cond.op}' is not a valid operator for the field '{cond.field}'.")
    return "".join(clauses), params


def _convert(value: Any, spec: Field) -> Any:
    if spec.kind in ("time", "epoch"):
        if not isinstance(value, datetime):
            raise _bad()
        return stamp(value) if spec.kind == "time" else int(value.timestamp())
    if not isinstance(value, str):
        raise _bad()
    return value.strip().lower() if spec.kind == "text_ci" else value
