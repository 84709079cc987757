"""Sync profiles: saved, listed, exported and imported as portable JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import IntegrityError

from app.core.errors import ConfigError, ValidationError
from app.core.filters import FilterGroup
from app.core.mapping import FieldMap, FieldMapping
from app.core.profile_check import check_profile_export
from app.core.profiles import (
    CONSTANT_CONTACT,
    DEFAULT_SOURCE_KIND,
    SourceSpec,
    SyncOptions,
    SyncProfile,
)
from app.core.schedule import Schedule
from app.store import models as m
from app.store.convert import now_text, secret_keys
from app.store.db import db

EXPORT_FORMAT = "contactbridge-profile"
EXPORT_VERSION = 1


def _mapping_pairs(mapping: FieldMapping) -> list[list[str]]:
    # A list of pairs, not a dict: keeps the order and allows one column to feed two fields.
    return [[f.source, f.target] for f in mapping.fields]


def _mapping_of(pairs: Any) -> FieldMapping:
    return FieldMapping(tuple(FieldMap(str(s), str(t)) for s, t in pairs or ()))


def _columns(profile: SyncProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "source_kind": str(profile.source.kind),
        "source_settings": dict(profile.source.settings),
        "destination_kind": str(profile.destination.kind),
        "destination_settings": dict(profile.destination.settings),
        "connection": profile.connection_id,
        "main_list": profile.main_list,
        "options": profile.options.to_dict(),
        "mapping": _mapping_pairs(profile.mapping),
        "filters": profile.filters.to_dict(),
        "schedule": profile.schedule.to_dict(),
    }


def _to_profile(row: m.Profile) -> SyncProfile:
    return SyncProfile(
        id=row.id,
        name=row.name,
        source=SourceSpec(str(row.source_kind), dict(row.source_settings or {})),
        destination=SourceSpec(str(row.destination_kind), dict(row.destination_settings or {})),
        main_list=row.main_list,
        connection_id=row.connection_id,
        options=SyncOptions.from_dict(row.options),
        mapping=_mapping_of(row.mapping),
        filters=FilterGroup.from_dict(row.filters),
        schedule=Schedule.from_dict(row.schedule),
    )


def _duplicate(name: str) -> ValidationError:
    return ValidationError(f'A profile named "{name}" already exists.')


class ProfileRepository:
    """Profiles by id; names are unique, ignoring case."""

    def list(self) -> list[SyncProfile]:
        return [_to_profile(r) for r in m.Profile.select().order_by(m.Profile.name)]

    def get(self, profile_id: int) -> SyncProfile | None:
        row = m.Profile.get_or_none(m.Profile.id == profile_id)
        return _to_profile(row) if row else None

    def get_by_name(self, name: str) -> SyncProfile | None:
        row = m.Profile.get_or_none(m.Profile.name == name.strip())
        return _to_profile(row) if row else None

    def save(self, profile: SyncProfile) -> SyncProfile:
        """Insert (``id`` None) or update a profile; returns it as stored, with its id.

        Changing the main list or the connection forgets the cached main list id.

        Raises:
            ValidationError: the name is blank or another profile has it.
            ConfigError: the profile or its connection no longer exists.
        """
        name = profile.name.strip()
        if not name:
            raise ValidationError("Enter a name for the profile.")
        values = _columns(profile.with_changes(name=name))
        now = now_text()
        try:
            with db.atomic():
                if profile.id is None:
                    profile_id = m.Profile.insert(
                        created_at=now, updated_at=now, **values
                    ).execute()
                else:
                    profile_id = profile.id
                    old = m.Profile.get_or_none(m.Profile.id == profile_id)
                    if old is None:
                        raise ConfigError(f'The profile "{name}" no longer exists.')
                    if (old.main_list, old.connection_id) != (
                        profile.main_list,
                        values["connection"],
                    ):
                        values["main_list_id"] = None
                    m.Profile.update(updated_at=now, **values).where(
                        m.Profile.id == profile_id
                    ).execute()
        except IntegrityError as exc:
            if "UNIQUE" in str(exc).upper():
                raise _duplicate(name) from exc
            raise ConfigError(
                "The Constant Contact connection chosen for this profile no longer exists.",
                details=str(exc),
            ) from exc
        saved = self.get(profile_id)
        assert saved is not None
        return saved

    def delete(self, profile_id: int) -> None:
        """Delete a profile with its runs, their records and its links."""
        m.Profile.delete().where(m.Profile.id == profile_id).execute()

    def set_main_list_id(self, profile_id: int, list_id: str | None) -> None:
        m.Profile.update(main_list_id=list_id).where(m.Profile.id == profile_id).execute()

    def main_list_id(self, profile_id: int) -> str | None:
        """The cached Constant Contact id of the profile's main list, if known."""
        row = (
            m.Profile.select(m.Profile.main_list_id)
            .where(m.Profile.id == profile_id)
            .tuples()
            .first()
        )
        return row[0] if row else None

    def export_dict(self, profile: SyncProfile) -> dict[str, Any]:
        """A portable JSON-ready dict: no ids, no connection, no secrets."""
        source_settings = dict(profile.source.settings)
        for key in secret_keys(source_settings):
            del source_settings[key]
        destination_settings = dict(profile.destination.settings)
        for key in secret_keys(destination_settings):
            del destination_settings[key]
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "name": profile.name,
            "source": {"kind": str(profile.source.kind), "settings": source_settings},
            "destination": {
                "kind": str(profile.destination.kind),
                "settings": destination_settings,
            },
            "main_list": profile.main_list,
            "options": profile.options.to_dict(),
            "mapping": _mapping_pairs(profile.mapping),
            "filters": profile.filters.to_dict(),
            "schedule": profile.schedule.to_dict(),
        }

    def import_dict(self, data: Mapping[str, Any], replace: bool = False) -> SyncProfile:
        """Save a profile from ``export_dict`` output.

        Args:
            replace: overwrite the profile of the same name (keeping its id and connection)
                instead of refusing.

        Raises:
            ValidationError: not a profile export, a newer format, or the name is taken.
        """
        profile = profile_from_export(data)
        existing = self.get_by_name(profile.name)
        if existing is not None:
            if not replace:
                raise _duplicate(existing.name)
            profile = profile.with_changes(id=existing.id, connection_id=existing.connection_id)
        return self.save(profile)


def profile_from_export(data: Mapping[str, Any]) -> SyncProfile:
    """Parse ``export_dict`` output into an unsaved profile.

    Raises:
        ValidationError: the data is not a profile export this version can read.
    """
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise ValidationError("This file is not a ContactBridge profile.")
    version = data.get("version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        raise ValidationError(
            "This profile was exported by a newer version of ContactBridge. "
            "Install the latest ContactBridge to import it."
        )
    check_profile_export(data)
    try:
        source = data.get("source") or {}
        destination = data.get("destination") or {}
        return SyncProfile(
            name=str(data["name"]).strip(),
            source=SourceSpec(
                str(source.get("kind", DEFAULT_SOURCE_KIND)), dict(source.get("settings") or {})
            ),
            main_list=str(data.get("main_list", "")),
            options=SyncOptions.from_dict(data.get("options")),
            mapping=_mapping_of(data.get("mapping")),
            filters=FilterGroup.from_dict(data.get("filters")),
            schedule=Schedule.from_dict(data.get("schedule")),
            destination=SourceSpec(
                str(destination.get("kind", CONSTANT_CONTACT)),
                dict(destination.get("settings") or {}),
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ValidationError(
            "This ContactBridge profile file is damaged and cannot be imported.",
            details=repr(exc),
        ) from exc
