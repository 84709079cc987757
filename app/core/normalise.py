"""Values as Constant Contact keeps them, so what was sent and what is read back compare (pure).

Constant Contact stores a street address's state and country codes as names: ``"IL"`` comes
back as ``"Illinois"``, ``"CA"`` as ``"California"`` and ``"US"`` as ``"United States"``, in
the answer to the write and in every later read. A value read back can therefore differ from
the value sent without anyone editing it. Change detection and write-back compare values
through :func:`same_value` (or whole items through :func:`normalised`), never as raw strings,
or every pushed address would look like an edit made in Constant Contact.

Any spelling ContactBridge recognises counts ("Calif." is California too); a value it does not
recognise compares as itself. Places ignore letter case; every value ignores how its blanks
run. A bulk import's ``street2`` is appended to ``street`` (the swagger), so the street read
back is compared with both lines sent (:func:`kept_value`).
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.countries import country_code, country_name, subdivision
from app.core.transforms import ADDRESS_KEY_PAIRS

_COUNTRY_KEYS = frozenset(pair[0] for pair in ADDRESS_KEY_PAIRS)
_STATE_KEYS = {state: country for country, state in ADDRESS_KEY_PAIRS}
_STREET2_OF = {f"{prefix}street": f"{prefix}street2" for prefix in ("", "home_", "work_", "other_")}


def normalise_value(key: str, value: str, country: str = "") -> str:
    """``value`` of field ``key`` as Constant Contact would keep it.

    Args:
        key: a flat import key: ``state``, ``country``, ``work_state``... Other keys only
            lose surrounding blanks.
        country: for a state, the address's country in any form ("US", "Canada"), or "".
    """
    text = " ".join(value.split())
    if not text:
        return ""
    if key in _COUNTRY_KEYS:
        code = country_code(text)
        return country_name(code) if code else text
    if key in _STATE_KEYS:
        found = subdivision(text, country_code(country) if country.strip() else None)
        return found[1] if found else text
    return text


def normalised(item: Mapping[str, str]) -> dict[str, str]:
    """A flat import item with every address's state and country as Constant Contact keeps them."""
    out = {key: normalise_value(key, value) for key, value in item.items()}
    for country_key, state_key in ADDRESS_KEY_PAIRS:
        if item.get(state_key):
            out[state_key] = normalise_value(state_key, item[state_key], item.get(country_key, ""))
    return out


def kept_value(item: Mapping[str, str], key: str) -> str:
    """What Constant Contact keeps under ``key`` of a sent item, read back as one value.

    The street holds both lines sent; a state or country is named as in :func:`normalise_value`.
    """
    value = item.get(key, "")
    line2 = item.get(_STREET2_OF.get(key, ""), "")
    if line2:
        value = f"{value} {line2}" if value else line2
    country_key = _STATE_KEYS.get(key)
    return normalise_value(key, value, item.get(country_key, "") if country_key else "")


def _folded(key: str, value: str) -> str:
    # Places compare regardless of letter case ("illinois" is Illinois); a name does not.
    return value.casefold() if key in _COUNTRY_KEYS or key in _STATE_KEYS else value


def same_value(key: str, sent: str, read: str, country: str = "") -> bool:
    """Whether ``read`` (from Constant Contact) is what ``sent`` became, not an edit.

    Args:
        country: the address's country (either side's), to read a state by.
    """
    if sent == read:
        return True
    a = normalise_value(key, sent, country)
    b = normalise_value(key, read, country)
    return _folded(key, a) == _folded(key, b)


def same_items(sent: Mapping[str, str], read: Mapping[str, str]) -> bool:
    """Whether two flat items hold the same values once normalised (blank values ignored)."""
    a = {k: _folded(k, v) for k, v in normalised(sent).items() if v}
    b = {k: _folded(k, v) for k, v in normalised(read).items() if v}
    return a == b
