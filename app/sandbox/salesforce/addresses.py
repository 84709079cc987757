"""State and Country/Territory picklists on writes: codes and texts kept in step.

With the picklists on, setting a code sets the text to its integration value (the full name)
and setting the text sets the code; a text that is not an integration value ("USA") fails,
as does a state for a country that has no states (the UK, Germany...) or a state that is not
in its country. Removing the country also clears the state. Errors are
``FIELD_INTEGRITY_EXCEPTION`` with the wording live orgs use.
"""

from __future__ import annotations

from typing import Any

from app.sandbox.salesforce import places
from app.sandbox.salesforce.errors import RecordError
from app.sandbox.salesforce.fields import ObjectSpec
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.schema import ADDRESSES


def _country_problem(field: str) -> RecordError:
    return RecordError(
        "FIELD_INTEGRITY_EXCEPTION",
        "There's a problem with this country, even though it may appear correct. Please select"
        f" a country from the list of valid countries.: [{field}]",
        [field],
    )


def _state_problem(field: str) -> RecordError:
    return RecordError(
        "FIELD_INTEGRITY_EXCEPTION",
        "There's a problem with this state, even though it may appear correct. Please select a"
        f" state from the list of valid states.: [{field}]",
        [field],
    )


def _no_states(field: str, label: str) -> RecordError:
    return RecordError(
        "FIELD_INTEGRITY_EXCEPTION",
        "The existing country/territory doesn't recognize the state value for field:"
        f" {label}: [{field}]",
        [field],
    )


def sync(
    org: Org,
    sobject: ObjectSpec,
    data: dict[str, Any],
    changed: dict[str, Any],
    old: dict[str, Any] | None,
) -> None:
    """Check and complete one record's addresses after ``changed`` was applied to ``data``."""
    if not org.flag("picklists"):
        return
    for prefix in ADDRESSES.get(sobject.name, {}).values():
        if f"{prefix}CountryCode" in sobject.fields:
            _sync_one(sobject, prefix, data, changed, old)


def _sync_one(
    sobject: ObjectSpec,
    prefix: str,
    data: dict[str, Any],
    changed: dict[str, Any],
    old: dict[str, Any] | None,
) -> None:
    country, code = f"{prefix}Country", f"{prefix}CountryCode"
    state, state_code = f"{prefix}State", f"{prefix}StateCode"
    country_changed = False
    if code in changed:
        country_changed = True
        if data.get(code):
            place = places.country_by_code(data[code])
            if place is None:
                raise _country_problem(code)
            text = data.get(country)
            if old is not None and country in changed and text and text != place.name:
                raise _country_problem(country)  # an update whose code and text disagree
            data[country] = place.name
        else:
            data[country] = None
    elif country in changed:
        country_changed = True
        if data.get(country):
            place = places.country_by_name(data[country])
            if place is None:
                raise _country_problem(country)
            data[code], data[country] = place.code, place.name
        else:
            data[code] = None
    where = data.get(code) or ""
    if country_changed and not where and state not in changed and state_code not in changed:
        data[state] = data[state_code] = None
        return
    if state_code in changed and data.get(state_code):
        if not places.states(where):
            raise _no_states(state_code, sobject.fields[state_code].label)
        found = places.state_by_code(where, data[state_code])
        if found is None:
            raise _state_problem(state_code)
        data[state] = found.name
    elif state in changed and data.get(state):
        if not places.states(where):
            raise _no_states(state, sobject.fields[state].label)
        found = places.state_by_name(where, data[state]) or places.state_by_code(where, data[state])
        if found is None:
            raise _state_problem(state)
        data[state], data[state_code] = found.name, found.code
    elif state_code in changed or state in changed:
        data[state] = data[state_code] = None
    elif (
        country_changed
        and data.get(state_code)
        and places.state_by_code(where, data[state_code]) is None
    ):
        raise _state_problem(state_code)
