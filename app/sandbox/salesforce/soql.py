"""A SOQL subset: what a sync client sends, parsed into a small tree.

``SELECT fields | COUNT() | FIELDS(ALL|STANDARD|CUSTOM) FROM object [WHERE conditions]
[ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]``. Conditions use
``= != <> < <= > >= LIKE IN NOT IN``, ``AND``/``OR``/``NOT`` and parentheses (mixing AND and
OR without them is an error, as in SOQL), and literals: strings, numbers, ``true``/``false``,
``null``, date-times (``2026-01-01T00:00:00Z``), dates and date constants (``TODAY``,
``YESTERDAY``, ``TOMORROW``, ``LAST_N_DAYS:n``, ``NEXT_N_DAYS:n``, ``N_DAYS_AGO:n``). Not
supported: sub-queries, GROUP BY, aggregates other than COUNT(), TYPEOF, semi-joins.

Errors carry the column they point at; ``caret`` renders Salesforce's pointer message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.sandbox.salesforce.errors import SfError

KEYWORDS = frozenset(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "NULLS",
        "FIRST",
        "LAST",
        "LIMIT",
        "OFFSET",
        "TRUE",
        "FALSE",
        "NULL",
        "INCLUDES",
        "EXCLUDES",
        "GROUP",
        "HAVING",
        "WITH",
        "FOR",
    ]
)
DATE_CONSTANTS = frozenset(
    ("TODAY", "YESTERDAY", "TOMORROW", "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO")
)
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\dT]))
  | (?P<number>-?\d+(?:\.\d+)?(?![\w-]))
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<op><>|!=|<=|>=|=|<|>)
  | (?P<punct>[(),.:])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int

    @property
    def upper(self) -> str:
        return self.text.upper()


@dataclass(frozen=True)
class Literal:
    """A value in a condition. ``kind``: string, number, boolean, null, datetime, date,
    constant (a date constant; ``value`` its name, ``n`` its day count)."""

    kind: str
    value: Any
    pos: int
    n: int = 0


@dataclass(frozen=True)
class FieldRef:
    path: tuple[str, ...]
    pos: int

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Compare:
    field: FieldRef
    op: str  # = != < <= > >= LIKE IN NOT IN
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Logic:
    op: str  # AND OR
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    part: Any


@dataclass(frozen=True)
class Order:
    field: FieldRef
    descending: bool = False
    nulls_last: bool = False


@dataclass
class Query:
    text: str
    sobject: str
    sobject_pos: int
    fields: list[FieldRef] = field(default_factory=list)
    count: bool = False
    fields_function: str | None = None  # ALL, STANDARD, CUSTOM
    where: Any = None
    order: list[Order] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0


def caret(text: str, pos: int, message: str) -> str:
    """Salesforce's pointer: the query, a caret under the column, the row and column."""
    line = " ".join(text.split("\n"))
    return f"\n{line}\n{' ' * pos}^\nERROR at Row:1:Column:{pos + 1}\n{message}"


def query_error(code: str, text: str, pos: int, message: str) -> SfError:
    return SfError(400, code, caret(text, pos, message))


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise query_error(
                "MALFORMED_QUERY",
                text,
                pos,
                f"line 1:{pos} no viable alternative at character '{text[pos]}'",
            )
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers --------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tok
        self.i += 1
        return token

    def is_kw(self, *words: str) -> bool:
        return self.tok.kind == "ident" and self.tok.upper in words

    def expect_kw(self, word: str) -> Token:
        if not self.is_kw(word):
            self.unexpected()
        return self.next()

    def expect_punct(self, char: str) -> Token:
        if self.tok.text != char:
            self.unexpected()
        return self.next()

    def unexpected(self) -> None:
        token = self.tok
        shown = token.text if token.kind != "end" else "<EOF>"
        raise query_error("MALFORMED_QUERY", self.text, token.pos, f"unexpected token: '{shown}'")

    # -- grammar --------------------------------------------------------------------------

    def query(self) -> Query:
        self.expect_kw("SELECT")
        items = self.select_list()
        self.expect_kw("FROM")
        if self.tok.kind != "ident" or self.tok.upper in KEYWORDS:
            self.unexpected()
        name = self.next()
        query = Query(self.text, name.text, name.pos)
        for item in items:
            if isinstance(item, str):
                if item == "COUNT":
                    query.count = True
                else:
                    query.fields_function = item
            else:
                query.fields.append(item)
        if query.count and (query.fields or query.fields_function or len(items) > 1):
            raise query_error("MALFORMED_QUERY", self.text, 7, "COUNT() must be used alone")
        if self.is_kw("WHERE"):
            self.next()
            query.where = self.condition()
        if self.is_kw("ORDER"):
            self.next()
            self.expect_kw("BY")
            query.order = self.order_list()
        if self.is_kw("LIMIT"):
            self.next()
            query.limit = self.integer()
        if self.is_kw("OFFSET"):
            self.next()
            query.offset = self.integer()
        if self.tok.kind != "end":
            self.unexpected()
        return query

    def integer(self) -> int:
        token = self.tok
        if token.kind != "number" or not token.text.isdigit():
            self.unexpected()
        self.next()
        return int(token.text)

    def select_list(self) -> list[FieldRef | str]:
        items: list[FieldRef | str] = []
        while True:
            if self.is_kw("COUNT") and self.peek().text == "(":
                self.next()
                self.next()
                self.expect_punct(")")
                items.append("COUNT")
            elif self.is_kw("FIELDS") and self.peek().text == "(":
                self.next()
                self.next()
                if not self.is_kw("ALL", "STANDARD", "CUSTOM"):
                    self.unexpected()
                items.append(self.next().upper)
                self.expect_punct(")")
            elif self.tok.text == "(":
                raise query_error(
                    "MALFORMED_QUERY",
                    self.text,
                    self.tok.pos,
                    "The Salesforce sandbox does not emulate sub-queries",
                )
            else:
                items.append(self.field_ref())
            if self.tok.text != ",":
                return items
            self.next()

    def order_list(self) -> list[Order]:
        orders = []
        while True:
            ref = self.field_ref()
            descending = False
            if self.is_kw("ASC", "DESC"):
                descending = self.next().upper == "DESC"
            nulls_last = descending  # SOQL: NULLS FIRST ascending, NULLS LAST descending
            if self.is_kw("NULLS"):
                self.next()
                if not self.is_kw("FIRST", "LAST"):
                    self.unexpected()
                nulls_last = self.next().upper == "LAST"
            orders.append(Order(ref, descending, nulls_last))
            if self.tok.text != ",":
                return orders
            self.next()

    def field_ref(self) -> FieldRef:
        token = self.tok
        if token.kind != "ident" or token.upper in ("FROM", "WHERE"):
            self.unexpected()
        parts = [self.next().text]
        while self.tok.text == ".":
            self.next()
            if self.tok.kind != "ident":
                self.unexpected()
            parts.append(self.next().text)
        return FieldRef(tuple(parts), token.pos)

    def condition(self) -> Any:
        first = self.unary()
        if not self.is_kw("AND", "OR"):
            return first
        op = self.tok.upper
        parts = [first]
        while self.is_kw("AND", "OR"):
            if self.tok.upper != op:
                self.unexpected()  # SOQL needs parentheses to mix AND and OR
            self.next()
            parts.append(self.unary())
        return Logic(op, tuple(parts))

    def unary(self) -> Any:
        if self.is_kw("NOT"):
            self.next()
            return Not(self.unary())
        if self.tok.text == "(":
            self.next()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Compare:
        ref = self.field_ref()
        if self.tok.kind == "op":
            op = self.next().text
            return Compare(ref, "!=" if op == "<>" else op, (self.literal(),))
        if self.is_kw("LIKE"):
            self.next()
            return Compare(ref, "LIKE", (self.literal(),))
        negate = False
        if self.is_kw("NOT") and self.peek().upper == "IN":
            self.next()
            negate = True
        if self.is_kw("IN"):
            self.next()
            self.expect_punct("(")
            values = [self.literal()]
            while self.tok.text == ",":
                self.next()
                values.append(self.literal())
            self.expect_punct(")")
            return Compare(ref, "NOT IN" if negate else "IN", tuple(values))
        self.unexpected()
        raise AssertionError  # unexpected() always raises

    def literal(self) -> Literal:
        token = self.tok
        if token.kind == "string":
            self.next()
            return Literal("string", _unquote(token.text), token.pos)
        if token.kind == "number":
            self.next()
            value = float(token.text) if "." in token.text else int(token.text)
            return Literal("number", value, token.pos)
        if token.kind in ("datetime", "date"):
            self.next()
            return Literal(token.kind, token.text, token.pos)
        if token.kind == "ident" and token.upper in ("TRUE", "FALSE"):
            self.next()
            return Literal("boolean", token.upper == "TRUE", token.pos)
        if token.kind == "ident" and token.upper == "NULL":
            self.next()
            return Literal("null", None, token.pos)
        if token.kind == "ident" and token.upper in DATE_CONSTANTS:
            self.next()
            n = 0
            if token.upper.endswith("_N_DAYS") or token.upper == "N_DAYS_AGO":
                self.expect_punct(":")
                n = self.integer()
            return Literal("constant", token.upper, token.pos, n)
        self.unexpected()
        raise AssertionError


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def parse(text: str) -> Query:
    """The query tree, or MALFORMED_QUERY with Salesforce's caret message."""
    if not text.strip():
        raise SfError(400, "MALFORMED_QUERY", "unexpected token: <EOF>")
    return _Parser(text).query()
