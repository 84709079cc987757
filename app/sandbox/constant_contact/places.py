"""How Constant Contact stores street addresses: state and country codes become names.

The real service answers ``state: "IL"`` with ``"Illinois"`` and ``country: "US"`` with
``"United States"``, in the POST/PUT response and in every later GET (bulk imports too). It
keeps values it does not recognise as they were sent. This module is the emulator's own
reading of pycountry; it shares nothing with the client's normalisation in ``app.core``.
"""

from __future__ import annotations

from functools import cache, lru_cache

import pycountry

# A state with no country is read as a US state, as the service's own address forms do.
DEFAULT_COUNTRY = "US"


@cache
def _countries() -> dict[str, tuple[str, str]]:
    """Upper-cased alpha-2 code or lower-cased name -> (alpha-2, the name the service shows)."""
    index: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        entry = (country.alpha_2, str(country.name))
        index[country.alpha_2.upper()] = entry
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(str(value).lower(), entry)
    return index


@cache
def _states(alpha_2: str) -> dict[str, str]:
    """Upper-cased subdivision code ("IL") -> its name, for a country's top-level ones."""
    found = pycountry.subdivisions.get(country_code=alpha_2) or []
    return {
        sub.code.split("-", 1)[1].upper(): str(sub.name)
        for sub in found
        if not getattr(sub, "parent_code", None)
    }


@lru_cache(maxsize=4096)
def country_value(text: str) -> str:
    """A two-letter country code as the country's name; anything else as it was."""
    stripped = text.strip()
    if len(stripped) != 2:
        return text
    found = _countries().get(stripped.upper())
    return found[1] if found else text


@lru_cache(maxsize=4096)
def _alpha_2(country: str | None) -> str:
    if not country or not country.strip():
        return DEFAULT_COUNTRY
    stripped = country.strip()
    found = _countries().get(stripped.upper()) or _countries().get(stripped.lower())
    return found[0] if found else ""


@lru_cache(maxsize=4096)
def state_value(text: str, country: str | None) -> str:
    """A state or province code of the address's country ("IL") as its name ("Illinois")."""
    code = _alpha_2(country)
    if not code:
        return text
    return _states(code).get(text.strip().upper(), text)


def normalise(address: dict[str, str]) -> None:
    """Rewrite ``state`` and ``country`` of one stored address in place."""
    country = address.get("country")
    state = address.get("state")
    if state:
        address["state"] = state_value(state, country)
    if country:
        address["country"] = country_value(country)
