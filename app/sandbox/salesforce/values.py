"""Field values in and out: JSON or CSV text into stored values, checked by field type."""

from __future__ import annotations

import re
from typing import Any

from app.sandbox.salesforce.errors import RecordError, SfError, json_parser_error
from app.sandbox.salesforce.fields import NUMBER_TYPES, TEXT_TYPES, FieldSpec, ObjectSpec
from app.sandbox.salesforce.ids import to18
from app.sandbox.salesforce.times import parse_date, parse_datetime, sf_datetime, to_ms

# Salesforce's own check is looser than RFC 5322 but refuses what a form would refuse.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_XSD = {
    "boolean": "boolean",
    "date": "date",
    "datetime": "dateTime",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "int": "int",
}


class BadValue(ValueError):
    """A value the field's type cannot hold; ``xsd`` names the type as Salesforce does."""

    def __init__(self, spec: FieldSpec, value: Any) -> None:
        super().__init__(spec.name)
        self.spec = spec
        self.value = value
        self.xsd = f"xsd:{_XSD.get(spec.type, 'string')}"


def coerce(spec: FieldSpec, value: Any) -> Any:
    """The stored form of ``value`` for ``spec``; raises BadValue when the type is wrong."""
    if value is None:
        return None
    kind = spec.type
    if kind in TEXT_TYPES:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise BadValue(spec, value)
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        raise BadValue(spec, value)
    if kind == "date":
        if isinstance(value, str) and parse_date(value) is not None:
            return value.strip()
        raise BadValue(spec, value)
    if kind == "datetime":
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise BadValue(spec, value)
        return sf_datetime(to_ms(moment))
    if kind in NUMBER_TYPES:
        number = value
        if isinstance(value, str):
            try:
                number = float(value) if kind != "int" else int(value)
            except ValueError:
                raise BadValue(spec, value) from None
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise BadValue(spec, value)
        return int(number) if kind == "int" else number
    raise BadValue(spec, value)


def json_values(sobject: ObjectSpec, body: Any) -> dict[str, Any]:
    """A record's JSON fields as stored values under their canonical names.

    Raises the whole-request errors a live org gives before it looks at any record:
    ``INVALID_FIELD`` for an unknown field and ``JSON_PARSER_ERROR`` for a wrong type.
    """
    if not isinstance(body, dict):
        raise json_parser_error("Cannot deserialize instance of sObject from non-object value")
    values: dict[str, Any] = {}
    for name, raw in body.items():
        if name == "attributes":
            continue
        if name.lower() == "id" and isinstance(raw, str):
            values["Id"] = raw
            continue
        spec = sobject.field(name)
        if spec is None:
            raise SfError(
                400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject.name}"
            )
        try:
            values[spec.name] = coerce(spec, raw)
        except BadValue as exc:
            shown = "START_OBJECT" if isinstance(raw, dict | list) else "VALUE_STRING"
            raise json_parser_error(
                f"Cannot deserialize instance of {exc.xsd[4:]} from {shown} value {raw} or"
                " request may be missing a required field"
            ) from None
    return values


def check_text(spec: FieldSpec, value: Any) -> None:
    """Length and email format, as a record error (the rest of the call goes on)."""
    if not isinstance(value, str):
        return
    if (
        spec.length
        and spec.type not in ("picklist", "reference", "id")
        and (len(value) > spec.length)
    ):
        raise RecordError(
            "STRING_TOO_LONG",
            f"{spec.label}: data value too large: {value} (max length={spec.length})",
            [spec.name],
        )
    if spec.type == "email" and value and not _EMAIL.match(value):
        raise RecordError(
            "INVALID_EMAIL_ADDRESS", f"{spec.label}: invalid email address: {value}", [spec.name]
        )


def check_reference(spec: FieldSpec, value: str) -> str:
    """The 18-character id, or MALFORMED_ID."""
    full = to18(value)
    if full is None:
        raise RecordError(
            "MALFORMED_ID", f"{spec.label}: id value of incorrect type: {value}", [spec.name]
        )
    return full
