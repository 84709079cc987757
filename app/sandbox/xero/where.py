"""The part of Xero's ``where`` filter language the emulator understands, for contacts.

Supported (anything else answers 400 ``QueryParseException``):

* comparisons ``Field==value``, ``!=``, ``>``, ``>=``, ``<``, ``<=`` where value is a
  ``"string"``, ``true``, ``false``, ``null`` or a number; string equality ignores case;
  ``null`` also matches a blank value;
* methods ``Field.Contains("x")``, ``Field.StartsWith("x")``, ``Field.EndsWith("x")``
  (case-insensitive);
* ``AND``/``&&`` binding tighter than ``OR``/``||``, ``!`` before a method call, parentheses;
* fields: ContactID, ContactNumber, AccountNumber, ContactStatus, Name, FirstName, LastName,
  EmailAddress, IsCustomer, IsSupplier.

E.g. ``ContactStatus=="ACTIVE"``, ``IsCustomer==true``, ``EmailAddress!=null``,
``IsCustomer==true AND EmailAddress!=null``, ``Name.StartsWith("B")``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.sandbox.xero.contact_store import Contact
from app.sandbox.xero.errors import query_error

Predicate = Callable[[Contact], bool]
FIELDS = (
    "ContactID",
    "ContactNumber",
    "AccountNumber",
    "ContactStatus",
    "Name",
    "FirstName",
    "LastName",
    "EmailAddress",
    "IsCustomer",
    "IsSupplier",
)
_FIELDS = {f.lower(): f for f in FIELDS}
_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>==|!=|>=|<=|&&|\|\||[<>()!,.])'
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?))"
)
_METHODS = {
    "contains": lambda v, a: a in v,
    "startswith": lambda v, a: v.startswith(a),
    "endswith": lambda v, a: v.endswith(a),
}


def field_value(contact: Contact, field: str) -> Any:
    if field == "ContactID":
        return contact.contact_id
    if field == "ContactStatus":
        return contact.status
    if field in ("IsCustomer", "IsSupplier"):
        return bool(contact.doc.get(field))
    return str(contact.doc.get(field) or "")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise query_error(f"Unexpected text in the where clause at position {pos}.")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1].upper() != value.upper()):
            raise query_error(f"The where clause is incomplete: expected {value or 'more'}.")
        self.pos += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[1].upper() in values

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        extra = self.peek()
        if extra is not None:
            raise query_error(f"Unexpected {extra[1]!r} in the where clause.")
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.at("OR", "||"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda c: any(p(c) for p in parts)

    def conjunction(self) -> Predicate:
        parts = [self.clause()]
        while self.at("AND", "&&"):
            self.take()
            parts.append(self.clause())
        return parts[0] if len(parts) == 1 else lambda c: all(p(c) for p in parts)

    def clause(self) -> Predicate:
        if self.at("("):
            self.take("(")
            inner = self.disjunction()
            self.take(")")
            return inner
        if self.at("!"):
            self.take("!")
            negated = self.clause()
            return lambda c: not negated(c)
        kind, word = self.take()
        field = _FIELDS.get(word.lower()) if kind == "word" else None
        if field is None:
            raise query_error(f"The where clause names an unknown field: {word!r}.")
        if self.at("."):
            self.take(".")
            _, method = self.take()
            test = _METHODS.get(method.lower())
            if test is None:
                raise query_error(f"The where clause uses an unknown method: {method!r}.")
            self.take("(")
            argument = str(self.value()).lower()
            self.take(")")
            return lambda c: test(str(field_value(c, field)).lower(), argument)
        _, op = self.take()
        if op not in ("==", "!=", ">", ">=", "<", "<="):
            raise query_error(f"The where clause uses an unknown operator: {op!r}.")
        return _compare(field, op, self.value())

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", text[1:-1])
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        if kind == "word" and re.fullmatch(r"-?\d+(?:\.\d+)?", text):
            return float(text)
        raise query_error(f"The where clause has a value Xero cannot read: {text!r}.")


def _compare(field: str, op: str, expected: Any) -> Predicate:
    def test(contact: Contact) -> bool:
        actual = field_value(contact, field)
        if expected is None:
            blank = actual in ("", None)
            return blank if op == "==" else not blank
        if isinstance(expected, str) and isinstance(actual, str):
            left, right = actual.lower(), expected.lower()
        else:
            left, right = actual, expected
        try:
            return {
                "==": left == right,
                "!=": left != right,
                ">": left > right,
                ">=": left >= right,
                "<": left < right,
                "<=": left <= right,
            }[op]
        except TypeError:
            return False

    return test


def parse_where(text: str) -> Predicate:
    """A predicate over contacts; raises the 400 for anything outside the subset."""
    return _Parser(text).parse()
