"""Value transforms applied to an import item before it goes to Constant Contact (pure).

States and provinces to codes or names, countries to one form, phone numbers to E.164 or a
national or international format, and custom field keys to Constant Contact's field names.
A value ContactBridge cannot read is left exactly as it was; countries and phones then get a
warning so the user sees why. Every lookup is cached: the planner calls these for every row
of files with a million rows.
"""

from __future__ import annotations

import re
from collections.abc import Collection, MutableMapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from app.core.countries import country_code, country_name, subdivision
from app.core.fields import CUSTOM_PREFIX, STANDARD_FIELDS, max_length

# The address key prefixes of Constant Contact's bulk import ("" is the default, home kind).
ADDRESS_PREFIXES = ("", "home_", "work_", "other_")
ADDRESS_KEY_PAIRS = tuple((p + "country", p + "state") for p in ADDRESS_PREFIXES)
PHONE_ORDER = tuple(f.key for f in STANDARD_FIELDS if f.group == "Phone")


class StateFormat(StrEnum):
    """How states and provinces are sent."""

    AS_IS = "as_is"
    CODE = "code"  # "OR", "ON", "NSW"
    NAME = "name"  # "Oregon", "Ontario", "New South Wales"


class CountryFormat(StrEnum):
    """How countries are sent."""

    AS_IS = "as_is"
    NAME = "name"  # "United States"
    CODE = "code"  # ISO 3166-1 alpha-2: "US"


class PhoneFormat(StrEnum):
    """How phone numbers are sent."""

    AS_IS = "as_is"
    E164 = "e164"  # +15035550101
    INTERNATIONAL = "international"  # +1 503-555-0101
    NATIONAL = "national"  # (503) 555-0101; numbers from another country stay international


# Named once: the transforms compare with these for every row.
_STATE_AS_IS, _COUNTRY_AS_IS = StateFormat.AS_IS, CountryFormat.AS_IS
_PHONE_AS_IS = PhoneFormat.AS_IS
_PHONE_FORMATS = {
    PhoneFormat.E164: PhoneNumberFormat.E164,
    PhoneFormat.INTERNATIONAL: PhoneNumberFormat.INTERNATIONAL,
    PhoneFormat.NATIONAL: PhoneNumberFormat.NATIONAL,
}
# A plain North American number: (503) 555-0101, 503.555.0101, +1 503 555 0101...
_NANP = re.compile(r"\s*(?:\+?1[\s.-]*)?\(?([2-9]\d\d)\)?[\s.-]*([2-9]\d\d)[\s.-]*(\d{4})\s*")


def custom_field_name(label: str) -> str:
    """Constant Contact's name for a custom field: a lower-case slug of its label.

    "Favourite Cake" -> ``favourite_cake``, as live answers show (the swagger says only
    "blanks become underscores"); Constant Contact makes it again when the label changes.
    """
    return re.sub(r"[\W_]+", "_", label.lower()).strip("_")


@lru_cache(maxsize=1024)
def field_limit(key: str) -> int:
    """``fields.max_length``, cached: the planner asks for every value of every row."""
    return max_length(key)


@lru_cache(maxsize=1024)
def import_key(key: str) -> str:
    """The bulk-import key for a mapping target: ``cf:Favourite cake`` -> ``cf:favourite_cake``."""
    if key.startswith(CUSTOM_PREFIX):
        return CUSTOM_PREFIX + custom_field_name(key[len(CUSTOM_PREFIX) :])
    return key


@lru_cache(maxsize=4096)
def format_state(text: str, fmt: StateFormat, country: str | None = None) -> str:
    """A state or province as a code or a full name; unknown values come back untouched.

    Args:
        country: the record's alpha-2 country, to tell "WA" in Australia from Washington.
    """
    if fmt == StateFormat.AS_IS:
        return text
    found = subdivision(text, country)
    if found is None:
        return text
    return found[0] if fmt == StateFormat.CODE else found[1]


@lru_cache(maxsize=4096)
def format_country(text: str, fmt: CountryFormat) -> tuple[str, str | None]:
    """(the country in the chosen form, a warning when it is not a country ContactBridge knows)."""
    if fmt == CountryFormat.AS_IS:
        return text, None
    code = country_code(text)
    if code is None:
        return text, f'Country "{text}" not recognised; sent as it is'
    return (code if fmt == CountryFormat.CODE else country_name(code)), None


@lru_cache(maxsize=65536)
def format_phone(text: str, fmt: PhoneFormat, region: str | None) -> tuple[str, str | None]:
    """(the number in the chosen format, a warning when it could not be read).

    Args:
        region: the alpha-2 country a number without a "+" belongs to (the profile's default
            region, else the record's country); None when neither is known.
    """
    if fmt == PhoneFormat.AS_IS:
        return text, None
    formatted = _phone(text, fmt, region)
    if formatted is None:
        why = "" if region or text.lstrip().startswith("+") else " (no country to read it by)"
        return text, f'Phone "{text}" is not a valid phone number{why}; sent as it is'
    return formatted, None


def _phone(text: str, fmt: PhoneFormat, region: str | None) -> str | None:
    if region is not None and _is_nanp(region):
        match = _NANP.fullmatch(text)
        if match is not None and _nanp_valid(match[1], match[2]):
            npa, nxx, line = match.groups()
            if fmt == PhoneFormat.E164:
                return f"+1{npa}{nxx}{line}"
            if fmt == PhoneFormat.INTERNATIONAL:
                return f"+1 {npa}-{nxx}-{line}"
            return f"({npa}) {nxx}-{line}"
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    style = _PHONE_FORMATS[fmt]
    if style == PhoneNumberFormat.NATIONAL and (
        region is None or phonenumbers.region_code_for_number(number) != region
    ):
        style = PhoneNumberFormat.INTERNATIONAL  # a national form would lose the country
    return str(phonenumbers.format_number(number, style))


@lru_cache(maxsize=4096)
def _address(
    country: str | None, state: str | None, country_format: CountryFormat, state_format: StateFormat
) -> tuple[str | None, str | None, str | None, str | None]:
    """An address's country code, and its country, warning and state to send (None: as it is).

    One cached lookup per distinct pair: a file holds few of them, on every row.
    """
    code = country_code(country) if country else None
    sent_country = warning = sent_state = None
    if country and country_format != _COUNTRY_AS_IS:
        sent_country, warning = format_country(country, country_format)
    if state and state_format != _STATE_AS_IS:
        sent_state = format_state(state, state_format, code)
    return code, sent_country, warning, sent_state


@lru_cache(maxsize=256)
def _is_nanp(region: str) -> bool:
    return phonenumbers.country_code_for_region(region) == 1


@lru_cache(maxsize=65536)
def _nanp_valid(npa: str, nxx: str) -> bool:
    # Validity of a North American number depends on its area code and exchange only, so one
    # check per pair stands for every line number behind it (phonenumbers takes ~30 µs).
    return bool(phonenumbers.is_valid_number(phonenumbers.parse(f"+1{npa}{nxx}2000")))


@dataclass(frozen=True)
class Transformer:
    """The transforms a profile's options ask for, applied to one import item in place.

    ``pairs`` and ``phones`` are the (country, state) keys and phone keys it looks at: all of
    them, or only those a mapping can fill (``narrowed``), so a row costs no idle lookups.
    """

    state: StateFormat = StateFormat.AS_IS
    country: CountryFormat = CountryFormat.AS_IS
    phone: PhoneFormat = PhoneFormat.AS_IS
    phone_region: str = ""  # alpha-2; blank: the record's country
    pairs: tuple[tuple[str, str], ...] = ADDRESS_KEY_PAIRS
    phones: tuple[str, ...] = PHONE_ORDER

    @cached_property
    def active(self) -> bool:
        return (self.state, self.country, self.phone) != (
            StateFormat.AS_IS,
            CountryFormat.AS_IS,
            PhoneFormat.AS_IS,
        )

    def narrowed(self, keys: Collection[str]) -> Transformer:
        """The same transforms, looking only at ``keys`` (those an item can hold)."""
        pairs = tuple(p for p in self.pairs if p[0] in keys or p[1] in keys)
        return replace(self, pairs=pairs, phones=tuple(k for k in self.phones if k in keys))

    def apply(self, item: MutableMapping[str, str]) -> list[str]:
        """Transform the address and phone values of ``item``; returns warnings."""
        warnings: list[str] = []
        if not self.active:
            return warnings
        get = item.get
        record_country: str | None = None
        for country_key, state_key in self.pairs:
            raw_country, raw_state = get(country_key), get(state_key)
            if not raw_country and not raw_state:
                continue
            code, country, warning, state = _address(
                raw_country, raw_state, self.country, self.state
            )
            if record_country is None:
                record_country = code
            if country is not None:
                item[country_key] = country
                if warning:
                    warnings.append(warning)
            if state is not None:
                item[state_key] = state
        if self.phone != _PHONE_AS_IS:
            region = self.phone_region.upper() or record_country
            for key in self.phones:
                number = get(key)
                if number:
                    item[key], warning = format_phone(number, self.phone, region)
                    if warning:
                        warnings.append(warning)
        return warnings


@lru_cache(maxsize=32)
def transformer(
    state: StateFormat = StateFormat.AS_IS,
    country: CountryFormat = CountryFormat.AS_IS,
    phone: PhoneFormat = PhoneFormat.AS_IS,
    phone_region: str = "",
) -> Transformer:
    """One shared ``Transformer`` per combination of options."""
    return Transformer(state, country, phone, phone_region)
