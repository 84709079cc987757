"""App preferences, each declared once with its type, default and plain words (STYLE rule 17).

These are the account-wide choices of the Settings dialog, modelled on NeonCRM's Constant
Contact settings page: unsubscribe behaviour in both directions, the import rules, and the push
defaults. Profiles carry their own options (``app.core.profiles.SyncOptions``); these settings
are what a new profile starts from. Where a setting is the default of a profile option, it
names that option in ``profile_option`` and uses the same name after its section prefix.

Pure: the store persists the raw values (``app.store.settings_repo``), the UI shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Generic, TypeVar, cast

from app.core.fields import CUSTOM_FIELD_LABEL_MAX, custom_key
from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import AmbiguousMatch, ImportScope, OptOutHandling, SyncOptions

T = TypeVar("T", bool, str)


class Section(StrEnum):
    UNSUBSCRIBE = "unsubscribe"
    IMPORT = "import"
    PUSH = "push"


@dataclass(frozen=True)
class Option(Generic[T]):
    """One preference.

    Attributes:
        key: the stored name, ``section.name``.
        default: the value until the user changes it; its type is the option's type.
        label: the words next to the control.
        help: one sentence on what it does.
        choices: for a choice option, each value with its words, in the order shown.
        profile_option: the ``SyncOptions`` field a new profile takes from it, if any.
    """

    key: str
    default: T
    label: str
    help: str
    choices: tuple[tuple[T, str], ...] = ()
    profile_option: str = ""

    @property
    def section(self) -> Section:
        return Section(self.key.split(".", 1)[0])

    def parse(self, raw: Any) -> T:
        """The stored value as this option's type; the default when it is missing or unfit."""
        if isinstance(self.default, bool):
            return raw if isinstance(raw, bool) else self.default
        kind = type(self.default)
        try:
            value = kind(raw)
        except (TypeError, ValueError):
            return self.default
        if self.choices and value not in {v for v, _ in self.choices}:
            return self.default
        return value

    def dump(self, value: T) -> bool | str:
        """The JSON-able form the store keeps."""
        return value if isinstance(value, bool) else str(value)


UNSUBSCRIBE_FROM_CC: Option[bool] = Option(
    "unsubscribe.optout_to_source",
    True,
    "When someone unsubscribes in Constant Contact, mark them as opted out in your records",
    "Keeps your own records from emailing people who asked Constant Contact to stop.",
    profile_option="optout_to_source",
)
CLEAR_ON_RESUBSCRIBE: Option[bool] = Option(
    "unsubscribe.clear_optout_on_resubscribe",
    False,
    "Remove that mark again when they resubscribe in Constant Contact",
    "Only people who opt back in themselves can resubscribe, so their choice is respected.",
    profile_option="clear_optout_on_resubscribe",
)
UNSUBSCRIBE_TO_CC: Option[bool] = Option(
    "unsubscribe.opt_out_handling",
    True,
    "When someone opts out in your records, unsubscribe them in Constant Contact",
    "People marked as opted out in your records are never sent; this also stops Constant "
    "Contact from emailing them.",
    profile_option="opt_out_handling",
)
MULTIPLE_MATCH: Option[str] = Option(
    "import.import_ambiguous",
    AmbiguousMatch.SKIP.value,
    "When a contact matches more than one of your records by name and email",
    "ContactBridge matches by email, then by name and email; this rule settles the rest.",
    choices=(
        (AmbiguousMatch.SKIP.value, "Don't import it (it is listed in the error report)"),
        (AmbiguousMatch.LINK.value, "Link it to one of the matching records"),
        (AmbiguousMatch.CREATE.value, "Create a new record for it"),
    ),
    profile_option="import_ambiguous",
)
IMPORT_SCOPE: Option[str] = Option(
    "import.import_scope",
    ImportScope.MAIN_LIST.value,
    "Import contacts from",
    "Which Constant Contact contacts an import brings into your records.",
    choices=(
        (ImportScope.MAIN_LIST.value, "The profile's main list only"),
        (ImportScope.ALL_ACTIVE.value, "All active contacts in the account"),
    ),
    profile_option="import_scope",
)
PUSH_UPDATE_EXISTING: Option[bool] = Option(
    "push.update_existing",
    True,
    "Update contacts that are already in Constant Contact",
    "When off, only new contacts are added; existing ones keep their details.",
    profile_option="update_existing",
)
PUSH_ADDRESSES: Option[bool] = Option(
    "push.sync_addresses",
    True,
    "Send addresses",
    "Street, city, state, postal code and country.",
    profile_option="sync_addresses",
)
PUSH_PHONES: Option[bool] = Option(
    "push.sync_phones",
    True,
    "Send phone numbers",
    "Home, work, mobile and other phone numbers.",
    profile_option="sync_phones",
)
PUSH_UNKNOWN_NAMES: Option[bool] = Option(
    "push.unknown_for_blank_names",
    False,
    "Use “Unknown” when a first or last name is blank",
    "So greetings such as “Dear [First name]” never read oddly.",
    profile_option="unknown_for_blank_names",
)
PUSH_CUSTOM_FIELDS: Option[bool] = Option(
    "push.other_columns_to_custom_fields",
    False,
    "Send other columns to custom fields of the same name",
    "Columns that match no standard field, such as a customer type, are mapped to a custom "
    "field named after the column. You can change this in each profile's field mapping.",
)

OPTIONS: tuple[Option[Any], ...] = (
    UNSUBSCRIBE_FROM_CC,
    CLEAR_ON_RESUBSCRIBE,
    UNSUBSCRIBE_TO_CC,
    MULTIPLE_MATCH,
    IMPORT_SCOPE,
    PUSH_UPDATE_EXISTING,
    PUSH_ADDRESSES,
    PUSH_PHONES,
    PUSH_UNKNOWN_NAMES,
    PUSH_CUSTOM_FIELDS,
)
BY_KEY: dict[str, Option[Any]] = {o.key: o for o in OPTIONS}


def _defaults() -> dict[str, Any]:
    return {o.key: o.default for o in OPTIONS}


@dataclass(frozen=True)
class Preferences:
    """A complete set of preference values, every one parsed to its option's type."""

    values: Mapping[str, Any] = field(default_factory=_defaults)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Preferences:
        """From stored values: unknown keys are ignored, missing or unfit ones defaulted."""
        return cls({o.key: o.parse(raw[o.key]) if o.key in raw else o.default for o in OPTIONS})

    def get(self, option: Option[T]) -> T:
        return cast(T, self.values[option.key])  # parsed to its option's type on the way in

    def with_value(self, option: Option[T], value: T) -> Preferences:
        return replace(self, values={**self.values, option.key: option.parse(value)})

    def dump(self) -> dict[str, bool | str]:
        return {o.key: o.dump(self.values[o.key]) for o in OPTIONS}

    def sync_options(self, base: SyncOptions | None = None) -> SyncOptions:
        """The options a new profile starts with (``base`` keeps the rest, e.g. a column)."""
        changes: dict[str, Any] = {
            o.profile_option: self.values[o.key] for o in OPTIONS if o.profile_option
        }
        changes["opt_out_handling"] = (
            OptOutHandling.UNSUBSCRIBE if changes["opt_out_handling"] else OptOutHandling.SKIP
        )
        return SyncOptions.from_dict({**(base or SyncOptions()).to_dict(), **changes})

    def mapping_for(
        self, columns: Sequence[str], suggested: FieldMapping, skip: Sequence[str] = ()
    ) -> FieldMapping:
        """A new profile's mapping: ``suggested`` plus, when chosen, custom fields for the
        remaining columns (except those in ``skip``, such as the key and opt-out columns)."""
        if not self.get(PUSH_CUSTOM_FIELDS):
            return suggested
        used = {f.source for f in suggested.fields} | set(skip)
        extra = tuple(
            FieldMap(c, custom_key(" ".join(c.split())[:CUSTOM_FIELD_LABEL_MAX]))
            for c in columns
            if c.strip() and c not in used
        )
        return FieldMapping(suggested.fields + extra)
