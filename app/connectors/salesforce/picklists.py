"""State and Country/Territory picklists: codes in, codes out, and no refused records.

When an org has the picklists on, each address has ``…CountryCode`` and ``…StateCode``
picklists (ISO codes) next to its text fields, and Salesforce refuses a record whose state
is not one of its country's configured states (``FIELD_INTEGRITY_EXCEPTION``). By default
only about ten countries have states (AU, BR, CA, CN, IN, IE, IT, JP, MX, US), and state
codes repeat across countries (``CA`` is California and Cagliari), so a state is only ever
checked together with its country.

Reading, the state and country columns give the codes. Writing, a country is sent as its
code, and a state as its code when its country has it configured; otherwise the state is
left out, with a note on the record's result, instead of failing the whole record. A
country the picklist does not know is left out the same way.

The states' ``validFor`` is a base64 bitmap over the country picklist's values, in order:
bit ``i`` (most significant bit first) set means the state is valid for country ``i``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.countries import country_code as iso_country
from app.core.countries import country_name, match_key, subdivision


def _valid_for(bitmap: str, count: int) -> list[int]:
    try:
        data = base64.b64decode(bitmap or "")
    except ValueError:
        return []
    return [i for i in range(min(count, len(data) * 8)) if data[i >> 3] & (0x80 >> (i & 7))]


@dataclass(frozen=True)
class AddressPicklists:
    """One address's picklists, from describe (empty when the org has them off).

    Attributes:
        countries: code -> label of the active countries.
        states: country code -> state code -> label.
    """

    countries: Mapping[str, str] = field(default_factory=dict)
    states: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.countries)

    @classmethod
    def from_describe(
        cls, fields: Sequence[Mapping[str, Any]], country_field: str, state_field: str
    ) -> AddressPicklists:
        by_name = {str(f.get("name")): f for f in fields}
        country = by_name.get(country_field)
        if country is None:
            return cls()
        values = list(country.get("picklistValues") or ())
        codes = [str(v.get("value") or "") for v in values]
        countries = {
            str(v.get("value")): str(v.get("label") or v.get("value"))
            for v in values
            if v.get("value") and v.get("active", True)
        }
        states: dict[str, dict[str, str]] = {}
        for value in (by_name.get(state_field) or {}).get("picklistValues") or ():
            if not value.get("value") or not value.get("active", True):
                continue
            for index in _valid_for(str(value.get("validFor") or ""), len(codes)):
                states.setdefault(codes[index], {})[str(value["value"])] = str(
                    value.get("label") or value["value"]
                )
        return cls(countries, states)

    def country(self, text: str) -> str | None:
        """The picklist's code for a country however it is written, or None."""
        text = text.strip()
        if not text:
            return None
        if text.upper() in self.countries:
            return text.upper()
        wanted = match_key(text)
        for code, label in self.countries.items():
            if match_key(label) == wanted:
                return code
        found = iso_country(text)
        return found if found in self.countries else None

    def has_states(self, country: str) -> bool:
        return bool(self.states.get(country))

    def state(self, country: str, text: str) -> str | None:
        """The picklist's code for a state of ``country`` however it is written, or None."""
        text = text.strip()
        options = self.states.get(country) or {}
        if not text or not options:
            return None
        if text.upper() in options:
            return text.upper()
        wanted = match_key(text)
        for code, label in options.items():
            if match_key(label) == wanted:
                return code
        found = subdivision(text, country)
        return found[0] if found and found[0] in options else None

    def place(
        self, values: Mapping[str, str], spec_fields: tuple[str, str, str, str]
    ) -> tuple[dict[str, str], list[str]]:
        """The address values to write, with codes; and notes on what was left out.

        ``spec_fields``: the state, country, state code and country code field names.
        The text fields are not sent (Salesforce fills them from the codes).
        """
        state_f, country_f, state_code_f, country_code_f = spec_fields
        out = {k: v for k, v in values.items() if k not in (state_f, country_f)}
        notes: list[str] = []
        country_text = values.get(country_code_f) or values.get(country_f) or ""
        state_text = values.get(state_code_f) or values.get(state_f) or ""
        if country_f not in values and country_code_f not in values and state_text:
            notes.append(f"State “{state_text}” not sent: the record has no country.")
            out.pop(state_code_f, None)
            return out, notes
        code = self.country(country_text) if country_text else None
        if country_text and code is None:
            notes.append(
                f"Country “{country_text}” not sent: it is not one of the countries "
                "this Salesforce org offers."
            )
            out.pop(country_code_f, None)
        elif country_f in values or country_code_f in values:
            out[country_code_f] = code or ""
        if not state_text:
            if state_f in values or state_code_f in values:
                out[state_code_f] = ""
            return out, notes
        state = self.state(code, state_text) if code else None
        if state is not None:
            out[state_code_f] = state
        else:
            where = country_name(code) if code else "a country it does not know"
            why = (
                f"it is not one of the states set up for {where}"
                if code and self.has_states(code)
                else f"this Salesforce org has no states set up for {where}"
            )
            notes.append(f"State “{state_text}” not sent: {why}.")
            out.pop(state_code_f, None)
        return out, notes
