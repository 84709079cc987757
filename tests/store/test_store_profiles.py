"""ProfileRepository: roundtrips, names, the main-list cache, export and import."""

from __future__ import annotations

import json

import pytest

from app.core.errors import ConfigError, ValidationError
from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import SourceSpec, SyncProfile
from app.core.schedule import Schedule, ScheduleKind
from app.store import models as m
from app.store.repositories import ConnectionRepository, ProfileRepository
from tests.store.builders import sample_profile


def test_save_get_roundtrip_keeps_every_part(profiles: ProfileRepository) -> None:
    draft = sample_profile()
    saved = profiles.save(draft)

    assert saved.id is not None
    assert saved == draft.with_changes(id=saved.id)
    assert profiles.get(saved.id) == saved
    assert profiles.get_by_name("Newsletter") == saved
    # Order and the column feeding two fields survive.
    assert [f.target for f in saved.mapping.fields] == [
        "last_name",
        "email",
        "first_name",
        "custom.backup_email",
    ]


def test_update_in_place(profiles: ProfileRepository) -> None:
    saved = profiles.save(sample_profile())
    changed = saved.with_changes(
        name="Newsletter 2",
        mapping=FieldMapping((FieldMap("E", "email"),)),
        schedule=Schedule(ScheduleKind.INTERVAL, every_minutes=30),
    )
    again = profiles.save(changed)

    assert again == changed
    assert [p.id for p in profiles.list()] == [saved.id]
    assert profiles.get_by_name("Newsletter") is None


def test_list_is_sorted_by_name_ignoring_case(profiles: ProfileRepository) -> None:
    for name in ("beta", "Alpha", "gamma"):
        profiles.save(sample_profile(name))
    assert [p.name for p in profiles.list()] == ["Alpha", "beta", "gamma"]


@pytest.mark.parametrize("clash", ["Newsletter", "newsletter", "  NEWSLETTER "])
def test_duplicate_name_is_a_validation_error(profiles: ProfileRepository, clash: str) -> None:
    profiles.save(sample_profile("Newsletter"))
    with pytest.raises(ValidationError, match=r"A profile named .* already exists"):
        profiles.save(sample_profile(clash))
    other = profiles.save(sample_profile("Other"))
    with pytest.raises(ValidationError, match="already exists"):
        profiles.save(other.with_changes(name=clash))
    assert profiles.get_by_name("newsletter") is not None  # lookups ignore case too


def test_blank_name_is_refused(profiles: ProfileRepository) -> None:
    with pytest.raises(ValidationError, match="name"):
        profiles.save(sample_profile("   "))


def test_saving_a_deleted_profile_is_a_config_error(profiles: ProfileRepository) -> None:
    saved = profiles.save(sample_profile())
    assert saved.id is not None
    profiles.delete(saved.id)
    assert profiles.get(saved.id) is None
    with pytest.raises(ConfigError, match="no longer exists"):
        profiles.save(saved)


def test_unknown_connection_is_a_config_error(profiles: ProfileRepository) -> None:
    with pytest.raises(ConfigError, match="connection"):
        profiles.save(sample_profile(connection_id=999))
    assert profiles.list() == []


def test_main_list_id_cache(profiles: ProfileRepository, connections: ConnectionRepository) -> None:
    conn_a = connections.create("constant_contact", "A")
    conn_b = connections.create("constant_contact", "B")
    saved = profiles.save(sample_profile(connection_id=conn_a.id))
    assert saved.id is not None
    assert profiles.main_list_id(saved.id) is None
    profiles.set_main_list_id(saved.id, "list-123")
    assert profiles.main_list_id(saved.id) == "list-123"

    profiles.save(saved.with_changes(schedule=Schedule()))  # unrelated change keeps it
    assert profiles.main_list_id(saved.id) == "list-123"
    profiles.save(saved.with_changes(main_list="Another list"))
    assert profiles.main_list_id(saved.id) is None

    profiles.set_main_list_id(saved.id, "list-456")
    profiles.save(saved.with_changes(main_list="Another list", connection_id=conn_b.id))
    assert profiles.main_list_id(saved.id) is None
    assert profiles.main_list_id(12345) is None


def test_deleting_the_connection_unlinks_profiles(
    profiles: ProfileRepository, connections: ConnectionRepository
) -> None:
    conn = connections.create("constant_contact", "A")
    saved = profiles.save(sample_profile(connection_id=conn.id))
    connections.delete(conn.id)
    assert saved.id is not None
    again = profiles.get(saved.id)
    assert again is not None and again.connection_id is None


def test_export_import_roundtrip(
    profiles: ProfileRepository, connections: ConnectionRepository
) -> None:
    conn = connections.create("constant_contact", "A")
    original = profiles.save(sample_profile(connection_id=conn.id))
    exported = json.loads(json.dumps(profiles.export_dict(original)))

    assert "id" not in exported and "connection_id" not in json.dumps(exported)
    assert exported["mapping"][0] == ["Surname", "last_name"]

    profiles.delete(original.id)  # type: ignore[arg-type]
    imported = profiles.import_dict(exported)
    assert imported == original.with_changes(id=imported.id, connection_id=None)


def test_import_name_clash(profiles: ProfileRepository, connections: ConnectionRepository) -> None:
    conn = connections.create("constant_contact", "A")
    existing = profiles.save(sample_profile(connection_id=conn.id))
    exported = profiles.export_dict(existing.with_changes(main_list="Imported list"))

    with pytest.raises(ValidationError, match="already exists"):
        profiles.import_dict(exported)
    assert profiles.get(existing.id).main_list == "Members"  # type: ignore[union-attr, arg-type]

    replaced = profiles.import_dict(exported, replace=True)
    assert replaced.id == existing.id
    assert replaced.connection_id == conn.id  # the local connection is kept
    assert replaced.main_list == "Imported list"
    assert len(profiles.list()) == 1


def test_export_strips_secret_looking_settings(profiles: ProfileRepository) -> None:
    profile = SyncProfile(
        "Xero",
        SourceSpec("xero", {"tenant_id": "t-1", "access_token": "s3cret"}),
        "Main",
    )
    exported = profiles.export_dict(profile)
    assert exported["source"]["settings"] == {"tenant_id": "t-1"}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "x"}, "not a ContactBridge profile"),
        ({"format": "contactbridge-profile", "version": 99, "name": "x"}, "newer version"),
        ({"format": "contactbridge-profile", "version": 1}, "damaged"),
        (
            {"format": "contactbridge-profile", "version": 1, "name": "x", "schedule": {"kind": 5}},
            "damaged",
        ),
    ],
)
def test_import_rejects_bad_data(
    profiles: ProfileRepository, data: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        profiles.import_dict(data)
    assert m.Profile.select().count() == 0
