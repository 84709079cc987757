"""State and Country/Territory picklists, as a new org has them (from pycountry).

A 2026 Developer Edition org lists every country and has states for exactly ten of them:
IT, US (with DC), JP, IN, CN, MX, BR, IE, CA and AU. A state code means something only with
its country (``CA`` is California and Cagliari). The integration value of each entry, the
text that ``MailingCountry`` holds, is its full name ("United States").

Approximations: pycountry lists 249 countries (the org 235), and Italy's entries here are its
106 current provinces and metropolitan cities (the org 110).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

import pycountry

COUNTRIES_WITH_STATES = ("AU", "BR", "CA", "CN", "IE", "IN", "IT", "JP", "MX", "US")
# Which pycountry subdivision types the org's state lists hold, where not all of them.
_STATE_TYPES = {
    "US": {"State", "District"},
    "IE": {"County"},
    "IT": {
        "Province",
        "Metropolitan city",
        "Autonomous province",
        "Free municipal consortium",
        "Decentralized regional entity",
    },
}


@dataclass(frozen=True)
class Place:
    code: str
    name: str


@functools.cache
def countries() -> tuple[Place, ...]:
    return tuple(sorted((Place(c.alpha_2, c.name) for c in pycountry.countries), key=_by_name))


def _by_name(place: Place) -> str:
    return place.name


@functools.cache
def states(country_code: str) -> tuple[Place, ...]:
    if country_code not in COUNTRIES_WITH_STATES:
        return ()
    wanted = _STATE_TYPES.get(country_code)
    found = [
        Place(s.code.split("-", 1)[1], s.name)
        for s in pycountry.subdivisions.get(country_code=country_code) or ()
        if wanted is None or s.type in wanted
    ]
    return tuple(sorted(found, key=_by_name))


@functools.cache
def _country_index() -> dict[str, int]:
    return {p.code: i for i, p in enumerate(countries())}


def country_by_code(code: str) -> Place | None:
    index = _country_index().get(code)
    return None if index is None else countries()[index]


def country_by_name(name: str) -> Place | None:
    """The entry whose integration value (full name) is ``name``; abbreviations fail."""
    wanted = name.strip().casefold()
    return next((p for p in countries() if p.name.casefold() == wanted), None)


def state_by_code(country_code: str, code: str) -> Place | None:
    return next((s for s in states(country_code) if s.code == code), None)


def state_by_name(country_code: str, name: str) -> Place | None:
    wanted = name.strip().casefold()
    return next((s for s in states(country_code) if s.name.casefold() == wanted), None)


def valid_for(country_code: str) -> str:
    """The base64 ``validFor`` bitmap of a dependent state value: one bit per country, in
    the country picklist's order, most significant bit first."""
    index = _country_index()[country_code]
    size = (len(countries()) + 7) // 8
    bitmap = bytearray(size)
    bitmap[index // 8] |= 0x80 >> (index % 8)
    return base64.b64encode(bytes(bitmap)).decode()


def country_values() -> list[dict[str, object]]:
    return [_value(p, None) for p in countries()]


def state_values() -> list[dict[str, object]]:
    return [
        _value(s, valid_for(country))
        for country in sorted(COUNTRIES_WITH_STATES)
        for s in states(country)
    ]


def _value(place: Place, valid: str | None) -> dict[str, object]:
    return {
        "active": True,
        "defaultValue": False,
        "label": place.name,
        "validFor": valid,
        "value": place.code,
    }
