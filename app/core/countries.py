"""Country and state/province lookups over pycountry, cached so a million rows stay cheap.

Values from real files come in many spellings ("USA", "U.S.", "united states of america",
"Calif.", "Québec"); ``match_key`` folds them to one key, and the lookups answer from dicts
built once. Nothing here does I/O beyond pycountry's own data files, read on first use.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import pycountry

# Where to look for a state when the record has no (recognised) country: Constant Contact's
# own address forms know US states and Canadian provinces; Australia's states follow.
# On a clash the first country wins ("WA" is Washington before Western Australia).
DEFAULT_STATE_COUNTRIES = ("US", "CA", "AU")

# Spellings pycountry does not know (keys already folded by ``match_key``).
COUNTRY_ALIASES = {
    "america": "US",
    "united states": "US",
    "united states america": "US",
    "us of a": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "korea": "KR",
    "russia": "RU",
    "holland": "NL",
    "deutschland": "DE",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "macedonia": "MK",
    "turkey": "TR",
    "vatican": "VA",
}

# Older or common short forms of subdivisions, by country (keys folded by ``match_key``).
STATE_ALIASES = {
    "US": {
        "calif": "CA",
        "mass": "MA",
        "penn": "PA",
        "wash": "WA",
        "washington dc": "DC",
        "wash dc": "DC",
        "fla": "FL",
        "tex": "TX",
    },
    "CA": {"pq": "QC", "que": "QC", "nf": "NL", "newfoundland": "NL", "yukon territory": "YT"},
    "AU": {"tas": "TAS", "vic": "VIC", "qld": "QLD", "victoria state": "VIC"},
}


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """``text`` folded for matching: accents, dots, case, "&" and extra spaces dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.casefold().replace(".", "").replace("&", " and ")
    for sep in ",-_/()'":
        plain = plain.replace(sep, " ")
    words = plain.split()
    if words[:1] == ["the"]:
        words = words[1:]
    if "of" in words and len(words) > 2:
        words = [w for w in words if w != "of"]
    return " ".join(words)


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "common_name", "official_name", "alpha_3", "alpha_2"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(match_key(value), code)
    index.update({match_key(alias): code for alias, code in COUNTRY_ALIASES.items()})
    return index


@lru_cache(maxsize=65536)
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country however it is spelled, or None."""
    if not text.strip():
        return None
    return _country_index().get(match_key(text))


@cache
def country_name(code: str) -> str:
    """The short English name of a country by alpha-2 code ("South Korea", not "Korea, ...")."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@cache
def _subdivisions(code: str) -> dict[str, tuple[str, str]]:
    """Folded spelling -> (short code, name) for a country's top-level subdivisions."""
    index: dict[str, tuple[str, str]] = {}
    subdivisions = pycountry.subdivisions.get(country_code=code) or []
    for sub in subdivisions:
        if getattr(sub, "parent_code", None):
            continue  # counties, districts... under a region: not what a state field holds
        short = sub.code.split("-", 1)[1]
        entry = (short, str(sub.name))
        for spelling in (short, sub.code, sub.name):
            index.setdefault(match_key(spelling), entry)
    for alias, short in STATE_ALIASES.get(code, {}).items():
        found = index.get(match_key(short))
        if found is not None:
            index.setdefault(match_key(alias), found)
    return index


@cache
def _default_subdivisions() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for code in DEFAULT_STATE_COUNTRIES:
        for key, entry in _subdivisions(code).items():
            merged.setdefault(key, entry)
    return merged


@lru_cache(maxsize=65536)
def subdivision(text: str, country: str | None = None) -> tuple[str, str] | None:
    """(short code, name) of a state or province, e.g. ("OR", "Oregon"), or None if unknown.

    Args:
        text: the state as written ("Oregon", "or", "US-OR", "Calif.").
        country: the record's alpha-2 country code, if known; without it the US, Canada and
            Australia are searched, in that order.
    """
    if not text.strip():
        return None
    table = _subdivisions(country) if country else _default_subdivisions()
    return table.get(match_key(text))


@cache
def all_countries() -> tuple[tuple[str, str], ...]:
    """Every country as (alpha-2 code, short name), sorted by name, for pickers."""
    pairs = ((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries)
    return tuple(sorted(pairs, key=lambda pair: match_key(pair[1])))
