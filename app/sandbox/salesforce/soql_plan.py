"""A parsed query checked against the org's objects: columns, typed conditions, order.

Errors are the ones a live org gives, with its caret message: ``INVALID_TYPE`` for an
unknown object, ``INVALID_FIELD`` for an unknown field or relationship and for a literal of
the wrong type, ``INVALID_QUERY_FILTER_OPERATOR`` for an id that is not one, and
``MALFORMED_QUERY`` for what the grammar refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.sandbox.salesforce import soql
from app.sandbox.salesforce.errors import SfError
from app.sandbox.salesforce.fields import NUMBER_TYPES, TEXT_TYPES, FieldSpec, ObjectSpec
from app.sandbox.salesforce.ids import to18
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.soql import Compare, FieldRef, Literal, Logic, Not, Query, query_error

FIELDS_LIMIT = 200
_TYPE_NAMES = {"datetime": "dateTime", "int": "integer", "currency": "double", "percent": "double"}


@dataclass(frozen=True)
class Column:
    """A selected or filtered field: the relationship hops and the field at the end.

    ``hops`` are the reference fields followed (``AccountId`` for ``Account.Name``).
    """

    hops: tuple[FieldSpec, ...]
    spec: FieldSpec

    @property
    def key(self) -> str:
        return ".".join([*(h.relationship or "" for h in self.hops), self.spec.name])


@dataclass
class Plan:
    query: Query
    sobject: ObjectSpec
    columns: list[Column] = field(default_factory=list)
    where: Any = None  # the query's tree with FieldRefs replaced by Columns
    order: list[tuple[Column, bool, bool]] = field(default_factory=list)

    @property
    def long_text(self) -> bool:
        return any(c.spec.is_long_text for c in self.columns)


def plan(org: Org, text: str) -> Plan:
    query = soql.parse(text)
    sobject = org.sobject(query.sobject)
    if sobject is None:
        raise query_error(
            "INVALID_TYPE",
            text,
            query.sobject_pos,
            f"sObject type '{query.sobject}' is not supported. If you are attempting to use a"
            " custom object, be sure to append the '__c' after the entity name. Please"
            " reference your WSDL or the describe call for the appropriate names.",
        )
    result = Plan(query, sobject)
    if query.fields_function:
        if query.fields_function != "STANDARD" and (query.limit is None or query.limit > 200):
            raise SfError(
                400,
                "MALFORMED_QUERY",
                f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}",
            )
        wanted = query.fields_function
        result.columns = [
            Column((), f)
            for f in sobject.fields.values()
            if wanted == "ALL" or (f.custom == (wanted == "CUSTOM"))
        ]
    seen = {c.key.lower() for c in result.columns}
    for ref in query.fields:
        column = resolve(org, sobject, ref, text)
        if column.key.lower() in seen:
            raise query_error(
                "INVALID_FIELD", text, ref.pos, f"duplicate field selected: {ref.dotted}"
            )
        seen.add(column.key.lower())
        result.columns.append(column)
    if query.where is not None:
        result.where = _condition(org, sobject, query.where, text)
    for order in query.order:
        result.order.append(
            (resolve(org, sobject, order.field, text), order.descending, order.nulls_last)
        )
    return result


def resolve(org: Org, sobject: ObjectSpec, ref: FieldRef, text: str) -> Column:
    path = list(ref.path)
    if len(path) > 1 and path[0].lower() == sobject.name.lower():
        path = path[1:]  # "Contact.Email" FROM Contact
    hops: list[FieldSpec] = []
    current = sobject
    for name in path[:-1]:
        hop = current.relationship(name)
        if hop is None:
            raise query_error(
                "INVALID_FIELD",
                text,
                ref.pos,
                f"Didn't understand relationship '{name}' in field path. If you are attempting"
                " to use a custom relationship, be sure to append the '__r' after the custom"
                " relationship name. Please reference your WSDL or the describe call for the"
                " appropriate names.",
            )
        hops.append(hop)
        target = org.sobject(hop.reference_to[0]) if hop.reference_to else None
        if target is None:
            target = org.sobject("User")
        assert target is not None
        current = target
    spec = current.field(path[-1])
    if spec is None and hops and len(hops[-1].reference_to) > 1:
        spec = _polymorphic_field(org, hops[-1], path[-1])
    if spec is None:
        raise query_error(
            "INVALID_FIELD",
            text,
            ref.pos,
            f"No such column '{path[-1]}' on entity '{current.name}'. If you are attempting to"
            " use a custom field, be sure to append the '__c' after the custom field name."
            " Please reference your WSDL or the describe call for the appropriate names.",
        )
    return Column(tuple(hops), spec)


def _polymorphic_field(org: Org, hop: FieldSpec, name: str) -> FieldSpec | None:
    for target in hop.reference_to:
        found = org.sobject(target)
        spec = found.field(name) if found else None
        if spec is not None:
            return spec
    return None


def _condition(org: Org, sobject: ObjectSpec, node: Any, text: str) -> Any:
    if isinstance(node, Logic):
        return Logic(node.op, tuple(_condition(org, sobject, p, text) for p in node.parts))
    if isinstance(node, Not):
        return Not(_condition(org, sobject, node.part, text))
    assert isinstance(node, Compare)
    column = resolve(org, sobject, node.field, text)
    if column.spec.type == "address":
        raise query_error(
            "INVALID_FIELD",
            text,
            node.field.pos,
            f"field '{column.spec.name}' can not be filtered in a query call",
        )
    values = tuple(_literal(column.spec, lit, text) for lit in node.values)
    return (column, node.op, values)


def _literal(spec: FieldSpec, lit: Literal, text: str) -> Literal:
    if lit.kind == "null":
        return lit
    kind = spec.type
    if kind == "datetime":
        ok = lit.kind in ("datetime", "constant")
    elif kind == "date":
        ok = lit.kind in ("date", "constant")
    elif kind == "boolean":
        ok = lit.kind == "boolean"
    elif kind in NUMBER_TYPES:
        ok = lit.kind == "number"
    else:
        ok = lit.kind == "string"
    if not ok:
        quoted = kind in TEXT_TYPES
        wording = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
        type_name = "string" if quoted else _TYPE_NAMES.get(kind, kind)
        raise query_error(
            "INVALID_FIELD",
            text,
            lit.pos,
            f"value of filter criterion for field '{spec.name}' must be of type {type_name} and"
            f" {wording}",
        )
    if kind in ("id", "reference") and lit.value:
        full = to18(lit.value)
        if full is None:
            raise SfError(
                400,
                "INVALID_QUERY_FILTER_OPERATOR",
                f"\n{text}\n{' ' * lit.pos}^\nERROR at"
                f" Row:1:Column:{lit.pos + 1}\ninvalid ID field: {lit.value}",
            )
        return Literal("string", full, lit.pos)
    return lit
