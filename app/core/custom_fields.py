"""Checks of a mapping's custom fields against the account's, before a run writes anything."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.errors import ConfigError
from app.core.fields import MAX_CUSTOM_FIELDS_PER_CONTACT, custom_name, is_custom
from app.core.mapping import FieldMapping
from app.core.records import CustomField
from app.core.transforms import custom_field_name


def mapped_custom_fields(mapping: FieldMapping) -> list[str]:
    """The custom field labels a mapping fills, in mapping order."""
    return [custom_name(t) for t in mapping.targets if is_custom(t)]


def find_custom_field(label: str, fields: Iterable[CustomField]) -> CustomField | None:
    """The account's field a mapped label sends to (by the name the import uses), or None."""
    wanted = custom_field_name(label).casefold()
    for field in fields:
        if field.name.casefold() == wanted or field.label.casefold() == label.casefold():
            return field
    return None


def check_custom_fields(mapping: FieldMapping, fields: Iterable[CustomField]) -> None:
    """Stop a run whose mapping cannot work: too many custom fields, or deleted ones.

    Raises:
        ConfigError: in words that say which field and what to do.
    """
    labels = mapped_custom_fields(mapping)
    if len(labels) > MAX_CUSTOM_FIELDS_PER_CONTACT:
        raise ConfigError(
            f"This profile maps {len(labels)} custom fields; Constant Contact allows at most "
            f"{MAX_CUSTOM_FIELDS_PER_CONTACT} per contact. Remove some in the field mapping, "
            "then sync again."
        )
    existing = list(fields)
    missing = [label for label in labels if find_custom_field(label, existing) is None]
    if len(missing) == 1:
        raise ConfigError(
            f'The custom field "{missing[0]}" was deleted in Constant Contact. Map that column '
            "to another field, or recreate the field, then sync again."
        )
    if missing:
        names = ", ".join(f'"{label}"' for label in missing)
        raise ConfigError(
            f"The custom fields {names} were deleted in Constant Contact. Map those columns "
            "to other fields, or recreate the fields, then sync again."
        )
