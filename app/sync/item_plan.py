"""The contact a source record sends, by a plan made once per profile (the planner's hot path).

Everything that depends only on the profile is worked out when the plan is made: which
columns feed which fields (fields the options leave out and the email already dropped), the
transforms those fields need, each field's length limit and bulk-import key. A record then
costs one pass over its mapped values. The result is exactly what mapping, transforming,
checking and trimming field by field would give, in the same order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter

import phonenumbers

from app import __version__
from app.core.derived_fields import BIRTHDAY, FULL_NAME, expand
from app.core.fields import ADDRESS_KEYS, PHONE_KEYS
from app.core.profiles import SyncProfile
from app.core.records import SourceRecord
from app.core.transforms import field_limit, import_key, transformer
from app.core.validation import cc_first_name, check_record_values, trim_with_note

DATE_KEYS = frozenset({"birthday_month", "birthday_day", "anniversary"})
DERIVED_KEYS = frozenset({FULL_NAME, BIRTHDAY})
# Raise this when how an item is made from a record changes without a new app version: every
# kept source digest then stops matching, and the next sync makes each item again.
ITEM_RULES = 1
_GAP = "\x1f"  # between the values a source digest covers (a value holding one is not covered)


class ItemPlan:
    """Turns a record into the flat bulk-import item to send, with its warnings."""

    __slots__ = (
        "_dates",
        "_derive",
        "_fields",
        "_keys",
        "_limits",
        "_shortest",
        "_source",
        "_source_columns",
        "_source_gaps",
        "_source_values",
        "_transform",
        "_unknown",
    )

    def __init__(self, profile: SyncProfile) -> None:
        opts = profile.options
        drop = {"email"}
        if not opts.sync_addresses:
            drop |= ADDRESS_KEYS
        if not opts.sync_phones:
            drop |= PHONE_KEYS
        # (source column, field) in the mapping's order; a field mapped twice keeps its place
        # and takes the later non-blank value, as ``FieldMapping.apply`` does.
        self._fields = tuple(
            (f.source, f.target) for f in profile.mapping.fields if f.target not in drop
        )
        targets = {target for _, target in self._fields}
        # A full name, a date of birth or an anniversary date become Constant Contact's own
        # fields (``derived_fields.expand``): plan for the fields they fill.
        self._derive = not DERIVED_KEYS.isdisjoint(targets) or "anniversary" in targets
        if FULL_NAME in targets:
            targets |= {"first_name", "last_name"}
        if BIRTHDAY in targets:
            targets |= {"birthday_month", "birthday_day"}
        targets -= DERIVED_KEYS
        found = transformer(
            opts.state_format, opts.country_format, opts.phone_format, opts.phone_region
        )
        self._transform = found.narrowed(targets) if found.active else None
        self._dates = not DATE_KEYS.isdisjoint(targets)
        # A field without a known limit raises KeyError when a value for it is sent, as before.
        self._limits = {t: field_limit(t) for t in targets if _has_limit(t)}
        self._keys = {t: import_key(t) for t in targets}  # a custom field goes by its name
        # Below the shortest limit, and with no key renamed, the values go as they are.
        plain = len(self._limits) == len(targets) and all(t == k for t, k in self._keys.items())
        self._shortest = min(self._limits.values(), default=0) if plain else 0
        self._unknown = opts.unknown_for_blank_names
        # What an item depends on besides the record: the mapping, the options, the main list
        # and the rules and tables that make it. A source digest starts from all of them.
        rules = (ITEM_RULES, __version__, phonenumbers.__version__)
        made_by = repr((*rules, profile.main_list, profile.mapping, opts))
        self._source = hashlib.blake2b(made_by.encode(), digest_size=8)
        columns = list(dict.fromkeys(source for source, _ in self._fields))
        self._source_columns = columns
        self._source_values = _values_of(columns)
        self._source_gaps = len(columns)  # one before each value: the address comes first

    def source_digest(self, values: Mapping[str, str], email: str) -> str:
        """A digest of everything the item of a record with these values and address is made
        from, or "" when it cannot tell (a value that is not text, or holds the gap).

        Two records with one digest make one item, with no warnings if the first had none. A
        missing value counts as a blank one: the item leaves both out.
        """
        try:
            text = _GAP.join((email, *self._source_values(values)))
        except (KeyError, TypeError):
            try:
                text = _GAP.join((email, *(values.get(c) or "" for c in self._source_columns)))
            except TypeError:
                return ""
        if text.count(_GAP) != self._source_gaps:
            return ""
        digest = self._source.copy()
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def build(
        self, record: SourceRecord, email: str
    ) -> tuple[dict[str, str], tuple[str, ...], Sequence[str]]:
        """The contact to send, the warnings about it, and what Constant Contact would refuse."""
        get = record.values.get
        mapped: dict[str, str] = {}
        for source, target in self._fields:
            value = get(source)
            if value is not None:
                value = value.strip()
                if value:
                    mapped[target] = value
        derived = expand(mapped) if self._derive else ()  # a full name split, a date of birth
        # States, countries and phones in the forms the options ask for (cached lookups).
        warnings = self._transform.apply(mapped) if self._transform is not None else []
        if derived:
            warnings.extend(derived)
        if record.notes:
            warnings.extend(record.notes)
        refused: Sequence[str] = ()
        if self._dates and not DATE_KEYS.isdisjoint(mapped):  # checked as Constant Contact does
            dates = {k: v for k, v in mapped.items() if k in DATE_KEYS}
            refused = check_record_values({**dates, "email": email})
        first = mapped.get("first_name")
        if first is not None and "." in first:  # "T.J." would be refused: send "TJ"
            value, warning = cc_first_name(first)
            if warning:
                warnings.append(warning)
            if value:
                mapped["first_name"] = value
            else:
                del mapped["first_name"]
        if mapped and max(map(len, mapped.values())) <= self._shortest:
            item = mapped  # nothing to cut and no key to rename
        else:
            item = self._trimmed(mapped, warnings)
        if self._unknown:
            item.setdefault("first_name", "Unknown")
            item.setdefault("last_name", "Unknown")
        item["email"] = email
        return item, tuple(warnings), refused

    def _trimmed(self, mapped: dict[str, str], warnings: list[str]) -> dict[str, str]:
        """``mapped`` by import key, each value cut to its field's limit (saying what was cut)."""
        item: dict[str, str] = {}
        limits, keys = self._limits, self._keys
        for key, value in mapped.items():
            limit = limits.get(key)
            if len(value) > (field_limit(key) if limit is None else limit):
                value, note = trim_with_note(key, value)
                if note:
                    warnings.append(note)
            item[keys[key]] = value
        return item


def _values_of(columns: list[str]) -> Callable[[Mapping[str, str]], Sequence[str]]:
    """The values of these columns, in order (raises KeyError for a missing one)."""
    if len(columns) > 1:
        return itemgetter(*columns)
    return lambda values: tuple(values[column] for column in columns)  # one key: no tuple


def _has_limit(key: str) -> bool:
    try:
        field_limit(key)
    except KeyError:
        return False
    return True
