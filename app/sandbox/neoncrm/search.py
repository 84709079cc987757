"""``POST /accounts/search`` and its field lists (``searchFields``, ``outputFields``).

Live behaviour followed (shared/notes/neoncrm-real-behaviour.md):
- a 400 lists every problem at once: search fields first (23 unknown field, 29 unknown or
  missing operator, 24 + 25 a missing value, 25 a bad one), then one 28 per unknown output
  name (27 per unknown integer id), then 1061 over 300 outputs, then the page (9001, 9004);
- pages hold at most 200 rows; ``currentPage`` counts from 0; ``sortColumn`` and
  ``sortDirection`` come back null when not sent;
- rows are flat objects keyed by the output field's display name, every asked key present,
  ``null`` when empty; custom fields asked by integer id come back under their name;
- custom ids are integers in these lists (strings in ``/customFields``).
Comparisons ignore case; a comparison with an empty value is false (SQL's NULL), so
``NOT_EQUAL`` and ``NOT_CONTAIN`` leave out accounts where the field is blank.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from app.sandbox.kit.replies import Reply
from app.sandbox.neoncrm import custom_fields, errors, fields
from app.sandbox.neoncrm.account_store import AccountRow
from app.sandbox.neoncrm.calls import Call, Env
from app.sandbox.neoncrm.custom_fields import CustomField
from app.sandbox.neoncrm.errors import Message, bad_request
from app.sandbox.neoncrm.records import COMPANY, INDIVIDUAL

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20
MAX_OUTPUT_FIELDS = 300
NO_VALUE = ("BLANK", "NOT_BLANK")
RANGES = ("IN_RANGE", "NOT_IN_RANGE")
RANGED_KINDS = ("id", "date")

Predicate = Callable[[AccountRow], bool]


class _Invalid(Exception):
    pass


def _customs(env: Env, org_id: str) -> list[CustomField]:
    with env.state.tx() as conn:
        return custom_fields.load(conn, org_id)


def search_fields(env: Env, call: Call) -> Reply:
    customs = _customs(env, call.org_id)
    return Reply(
        200,
        {
            "standardFields": [
                {"fieldName": f.name, "operators": list(f.operators)} for f in fields.SEARCH_FIELDS
            ],
            "customFields": [
                {"displayName": f.name, "id": int(f.field_id), "operators": list(f.operators)}
                for f in customs
            ],
        },
    )


def output_fields(env: Env, call: Call) -> Reply:
    customs = _customs(env, call.org_id)
    return Reply(
        200,
        {
            "standardFields": list(fields.OUTPUT_FIELDS),
            "customFields": [{"displayName": f.name, "id": int(f.field_id)} for f in customs],
        },
    )


def search(env: Env, call: Call) -> Reply:
    body = call.json()
    if not isinstance(body, dict):
        raise bad_request(errors.BODY_INVALID)
    customs = _customs(env, call.org_id)
    problems: list[Message] = []
    predicates = _criteria(body.get("searchFields"), customs, problems)
    outputs = _outputs(body.get("outputFields"), customs, problems)
    page, size, sort_column, direction = _pagination(body.get("pagination"), customs, problems)
    if problems:
        raise bad_request(*problems)
    rows = [r for r in env.store.live(call.org_id) if all(p(r) for p in predicates)]
    if sort_column is not None:
        getter = _sort_getter(sort_column, customs)
        keyed = [(getter(r), r) for r in rows]
        present = sorted(
            (k for k in keyed if k[0] is not None),
            key=lambda k: k[0],
            reverse=direction == "DESC",
        )
        rows = [r for _, r in present] + [r for v, r in keyed if v is None]
    total = len(rows)
    chosen = rows[page * size : (page + 1) * size]
    return Reply(
        200,
        {
            "pagination": {
                "currentPage": page,
                "pageSize": size,
                "sortColumn": sort_column,
                "sortDirection": direction,
                "totalPages": math.ceil(total / size),
                "totalResults": total,
            },
            "searchResults": [{name: get(r) for name, get in outputs} for r in chosen],
        },
    )


# -- criteria --------------------------------------------------------------------------------


def _criteria(items: Any, customs: list[CustomField], problems: list[Message]) -> list[Predicate]:
    if not isinstance(items, list) or not items:
        problems.append(errors.CRITERIA_EMPTY)
        return []
    by_name = {f.name: f for f in customs}
    by_id = {f.field_id: f for f in customs}
    predicates: list[Predicate] = []
    for item in items:
        name = item.get("field") if isinstance(item, dict) else None
        if name in (None, ""):
            problems.append(errors.SEARCH_KEY_REQUIRED)
            continue
        name = str(name)
        standard = fields.SEARCH_BY_NAME.get(name)
        custom = by_name.get(name) or by_id.get(name)
        if standard is not None:
            kind, getter = standard.kind, _normalised(standard.kind, standard.get)
        elif custom is not None:
            kind, getter = _custom_getter(custom)
        else:
            problems.append(errors.SEARCH_KEY_INVALID)
            continue
        operator = item.get("operator")
        if operator not in fields.ALL_OPERATORS:
            problems.append(errors.OPERATOR_REQUIRED)
            continue
        predicate = _predicate(kind, getter, operator, item, problems)
        if predicate is not None:
            predicates.append(predicate)
    return predicates


def _custom_getter(field: CustomField) -> tuple[str, Callable[[AccountRow], Any]]:
    def get(row: AccountRow) -> Any:
        return custom_fields.search_value(field, row.record.get("_custom") or {})

    if field.is_choice:
        return "multi", _normalised("multi", get)
    if field.is_date:
        return "date", _normalised("date", get)
    return "text", _normalised("text", get)


def _normalised(kind: str, get: Callable[[AccountRow], Any]) -> Callable[[AccountRow], Any]:
    if kind == "multi":
        return lambda row: [str(v).lower() for v in get(row) or []]
    if kind in ("text", "choice"):

        def text(row: AccountRow) -> Any:
            value = get(row)
            return str(value).lower() if value not in (None, "") else None

        return text
    if kind == "date":
        return lambda row: _parse_date(get(row), strict=False)
    return get


def _parse_date(value: Any, *, strict: bool = True) -> date | None:
    if value in (None, ""):
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(str(value), pattern).date()
        except ValueError:
            continue
    if strict:
        raise _Invalid
    return None


def _query_value(kind: str, value: Any) -> Any:
    """A criterion's value in the field's terms, or ``_Invalid``."""
    text = str(value).strip()
    if kind == "id":
        if not text.isdigit():
            raise _Invalid
        return int(text)
    if kind == "date":
        return _parse_date(text)
    if kind == "yesno":
        if text.lower() not in ("yes", "no"):
            raise _Invalid
        return text.lower() == "yes"
    if kind == "account_type":
        found = {"individual": INDIVIDUAL, "company": COMPANY}.get(text.lower())
        if found is None:
            raise _Invalid
        return found
    if kind == "opt_out":
        opted_in = {v.lower(): v == fields.OPTED_IN for v in fields.OPT_OUT_VALUES}.get(
            text.lower()
        )
        if opted_in is None:
            raise _Invalid
        return opted_in
    if kind == "consent":
        code = text.upper().replace(" ", "_")
        if code not in fields.CONSENT_LABELS:
            raise _Invalid
        return code
    return str(value).lower()


def _predicate(
    kind: str,
    get: Callable[[AccountRow], Any],
    operator: str,
    item: Mapping[str, Any],
    problems: list[Message],
) -> Predicate | None:
    if operator in NO_VALUE:
        blank = operator == "BLANK"
        return lambda row: _is_blank(get(row)) == blank
    if operator in RANGES:
        raw = item.get("valueList")
        if not isinstance(raw, list) or not raw:
            problems.extend([errors.SEARCH_VALUE_REQUIRED, errors.SEARCH_VALUE_INVALID])
            return None
        try:
            values = [_query_value(kind, v) for v in raw]
        except _Invalid:
            problems.append(errors.SEARCH_VALUE_INVALID)
            return None
        if kind in RANGED_KINDS and len(values) != 2:
            problems.append(errors.SEARCH_VALUE_INVALID)
            return None
        inside = _range_test(kind, values)
        if operator == "IN_RANGE":
            return lambda row: _holds(get(row), inside)
        return lambda row: _holds(get(row), lambda v: not inside(v), every=True)
    raw_value = item.get("value")
    if raw_value in (None, ""):
        problems.extend([errors.SEARCH_VALUE_REQUIRED, errors.SEARCH_VALUE_INVALID])
        return None
    try:
        wanted = _query_value(kind, raw_value)
    except _Invalid:
        problems.append(errors.SEARCH_VALUE_INVALID)
        return None
    test = _comparison(operator, wanted)
    negative = operator in ("NOT_EQUAL", "NOT_CONTAIN")
    return lambda row: _holds(get(row), test, every=negative)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _holds(value: Any, test: Callable[[Any], bool], *, every: bool = False) -> bool:
    """A test on a value; on a list, any item (or every item for a negative test). A blank
    value satisfies nothing."""
    if _is_blank(value):
        return False
    if isinstance(value, list):
        return all(test(v) for v in value) if every else any(test(v) for v in value)
    return test(value)


def _range_test(kind: str, values: list[Any]) -> Callable[[Any], bool]:
    if kind in RANGED_KINDS:
        low, high = sorted(values)
        return lambda v: low <= v <= high
    return lambda v: v in values


def _comparison(operator: str, wanted: Any) -> Callable[[Any], bool]:
    tests: dict[str, Callable[[Any], bool]] = {
        "EQUAL": lambda v: v == wanted,
        "NOT_EQUAL": lambda v: v != wanted,
        "CONTAIN": lambda v: str(wanted) in str(v),
        "NOT_CONTAIN": lambda v: str(wanted) not in str(v),
        "GREATER_THAN": lambda v: _ordered(v, wanted) > 0,
        "LESS_THAN": lambda v: _ordered(v, wanted) < 0,
        "GREATER_AND_EQUAL": lambda v: _ordered(v, wanted) >= 0,
        "LESS_AND_EQUAL": lambda v: _ordered(v, wanted) <= 0,
    }
    return tests[operator]


def _ordered(value: Any, wanted: Any) -> int:
    try:
        return (value > wanted) - (value < wanted)
    except TypeError:
        left, right = str(value), str(wanted)
        return (left > right) - (left < right)


# -- outputs and pages ------------------------------------------------------------------------


def _outputs(
    items: Any, customs: list[CustomField], problems: list[Message]
) -> list[tuple[str, Callable[[AccountRow], Any]]]:
    if not isinstance(items, list) or not items:
        problems.append(errors.OUTPUT_FIELD_REQUIRED)
        return []
    by_name = {f.name: f for f in customs}
    by_id = {int(f.field_id): f for f in customs}
    outputs: list[tuple[str, Callable[[AccountRow], Any]]] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            custom = by_id.get(item)
            if custom is None:
                problems.append(errors.OUTPUT_ID_INVALID)
                continue
            outputs.append((custom.name, _custom_output(custom)))
        elif isinstance(item, str) and item in fields.OUTPUT_FIELDS:
            outputs.append((item, _as_text(fields.OUTPUT_FIELDS[item])))
        elif isinstance(item, str) and item in by_name:
            outputs.append((item, _custom_output(by_name[item])))
        else:
            problems.append(errors.OUTPUT_NAME_INVALID)
    if len(items) > MAX_OUTPUT_FIELDS:
        problems.append(errors.TOO_MANY_OUTPUT_FIELDS)
    return outputs


def _as_text(get: Callable[[AccountRow], Any]) -> Callable[[AccountRow], Any]:
    def text(row: AccountRow) -> Any:
        value = get(row)
        return None if value in (None, "") else str(value)

    return text


def _custom_output(field: CustomField) -> Callable[[AccountRow], Any]:
    return lambda row: custom_fields.output_value(field, row.record.get("_custom") or {})


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _pagination(
    value: Any, customs: list[CustomField], problems: list[Message]
) -> tuple[int, int, str | None, str | None]:
    sent = value if isinstance(value, dict) else {}
    page = _integer(sent.get("currentPage", 0))
    size = _integer(sent.get("pageSize", DEFAULT_PAGE_SIZE))
    if page is None or page < 0:
        problems.append(errors.CURRENT_PAGE_INVALID)
        page = 0
    if size is None or size < 1:
        problems.append(errors.PAGE_SIZE_INVALID)
        size = DEFAULT_PAGE_SIZE
    elif size > MAX_PAGE_SIZE:
        problems.append(errors.PAGE_SIZE_TOO_LARGE)
    column = sent.get("sortColumn") or None
    if column is not None and _sort_getter(str(column), customs) is None:
        problems.append(errors.SORT_COLUMN_INVALID)
    direction = sent.get("sortDirection") or None
    if direction is not None and direction not in ("ASC", "DESC"):
        problems.append(errors.value_invalid("pagination.sortDirection"))
    return page, size, column, direction


def _sort_getter(column: str, customs: list[CustomField]) -> Any:
    if column in fields.SEARCH_BY_NAME:
        found = fields.SEARCH_BY_NAME[column]
        return _normalised(found.kind, found.get)
    if column in fields.OUTPUT_FIELDS:
        if column == "Account ID":
            return lambda row: row.account_id
        return _normalised("text", fields.OUTPUT_FIELDS[column])
    custom = next((f for f in customs if f.name == column), None)
    if custom is not None:
        return _custom_getter(custom)[1]
    return None
