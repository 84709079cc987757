"""How records look on the wire: REST JSON (``attributes``, every selected field, nested
parents) and Bulk CSV cells."""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce.fields import FieldSpec
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.soql_plan import Column
from app.sandbox.salesforce.soql_run import Loader, raw_value
from app.sandbox.salesforce.store import Stored
from app.sandbox.salesforce.times import bulk_datetime, parse_datetime, to_ms


def attributes(sobject: str, record_id: str, version: str) -> dict[str, str]:
    return {"type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}"}


def wire_value(spec: FieldSpec, value: Any) -> Any:
    """JSON numbers for numbers (whole ones without ``.0``), the rest as stored."""
    if isinstance(value, float) and value.is_integer() and spec.type != "double":
        return int(value)
    return value


def record_json(
    org: Org, loader: Loader, stored: Stored, columns: list[Column], version: str
) -> dict[str, Any]:
    """A query result record: ``attributes``, then each column (``null`` when empty); a
    relationship is a nested record with its own ``attributes``, or ``null``."""
    out: dict[str, Any] = {"attributes": attributes(stored.sobject, stored.id, version)}
    for column in columns:
        node: dict[str, Any] | None = out
        current: Stored | None = stored
        for hop in column.hops:
            key = hop.relationship or hop.name
            if current is not None:
                current = loader.get(current.data.get(hop.name))
            assert node is not None
            if key not in node:
                node[key] = (
                    None
                    if current is None
                    else {
                        "attributes": attributes(
                            "Name" if len(hop.reference_to) > 1 else current.sobject,
                            current.id,
                            version,
                        )
                    }
                )
            node = node[key]
            if node is None:
                break
        if node is None:
            continue
        value = None if current is None else raw_value(org, current, column.spec)
        node[column.spec.name] = wire_value(column.spec, value)
    return out


def full_record(org: Org, stored: Stored, version: str, names: list[str] | None = None) -> dict:
    """``GET /sobjects/{S}/{id}``: every field (or those asked for), compounds included."""
    sobject = org.sobject(stored.sobject)
    assert sobject is not None
    specs = [sobject.field(n) for n in names] if names else list(sobject.fields.values())
    out: dict[str, Any] = {"attributes": attributes(stored.sobject, stored.id, version)}
    for spec in specs:
        if spec is not None:
            out[spec.name] = wire_value(spec, raw_value(org, stored, spec))
    return out


def csv_cell(spec: FieldSpec, value: Any) -> str:
    """A Bulk CSV cell: empty for null, ``true``/``false``, date-times with ``Z``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if spec.type == "datetime" and isinstance(value, str):
        moment = parse_datetime(value)
        return bulk_datetime(to_ms(moment)) if moment else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_row(org: Org, loader: Loader, stored: Stored, columns: list[Column]) -> list[str]:
    row = []
    for column in columns:
        current: Stored | None = stored
        for hop in column.hops:
            current = loader.get(current.data.get(hop.name)) if current else None
        value = None if current is None else raw_value(org, current, column.spec)
        row.append(csv_cell(column.spec, value))
    return row
