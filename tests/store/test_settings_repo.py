"""app.store.settings_repo with app.core.settings: typed preferences persisted in SQLite."""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase

from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import AmbiguousMatch, ImportScope, OptOutHandling, SyncOptions
from app.core.settings import (
    BY_KEY,
    IMPORT_SCOPE,
    MULTIPLE_MATCH,
    OPTIONS,
    PUSH_CUSTOM_FIELDS,
    PUSH_PHONES,
    UNSUBSCRIBE_TO_CC,
    Preferences,
    Section,
)
from app.store import models as m
from app.store.db import close_database, open_database
from app.store.settings_repo import SettingsRepository


def test_defaults_until_something_is_saved(database: SqliteDatabase) -> None:
    repo = SettingsRepository()
    assert repo.load() == Preferences()
    assert repo.get(PUSH_PHONES) is True
    assert repo.get(MULTIPLE_MATCH) == AmbiguousMatch.SKIP


def test_saved_values_are_read_back_after_reopening(db_file: Path) -> None:
    open_database(db_file)
    prefs = (
        Preferences()
        .with_value(PUSH_PHONES, False)
        .with_value(MULTIPLE_MATCH, AmbiguousMatch.CREATE.value)
        .with_value(IMPORT_SCOPE, ImportScope.ALL_ACTIVE.value)
    )
    SettingsRepository().save(prefs)
    SettingsRepository().set(UNSUBSCRIBE_TO_CC, False)
    close_database()

    open_database(db_file)
    try:
        loaded = SettingsRepository().load()
        assert loaded.get(PUSH_PHONES) is False
        assert loaded.get(MULTIPLE_MATCH) == "create"
        assert loaded.get(IMPORT_SCOPE) == "all_active"
        assert loaded.get(UNSUBSCRIBE_TO_CC) is False
        assert m.AppSetting.select().count() == len(OPTIONS)
    finally:
        close_database()


def test_unfit_or_unknown_stored_values_fall_back_to_defaults(database: SqliteDatabase) -> None:
    for key, value in (
        ("push.sync_phones", "yes please"),
        ("import.import_scope", "everything"),
        ("retired.option", True),
    ):
        m.AppSetting.create(key=key, value=value, updated_at="2026-01-01T00:00:00+00:00")
    loaded = SettingsRepository().load()
    assert loaded == Preferences()
    SettingsRepository().reset()
    assert m.AppSetting.select().count() == 0


def test_every_option_is_declared_once_with_a_typed_default() -> None:
    assert len(BY_KEY) == len(OPTIONS)
    for option in OPTIONS:
        assert option.parse(option.dump(option.default)) == option.default
        assert option.section in Section
        assert option.label and option.help
        if option.choices:
            assert option.default in {v for v, _ in option.choices}
        if option.profile_option:
            assert option.profile_option in SyncOptions().to_dict()


def test_new_profiles_start_from_the_preferences() -> None:
    prefs = (
        Preferences()
        .with_value(UNSUBSCRIBE_TO_CC, False)
        .with_value(PUSH_PHONES, False)
        .with_value(MULTIPLE_MATCH, "link")
    )
    options = prefs.sync_options(SyncOptions(opt_out_column="Opt Out"))
    assert options.opt_out_handling is OptOutHandling.SKIP
    assert options.sync_phones is False
    assert options.import_ambiguous is AmbiguousMatch.LINK
    assert options.opt_out_column == "Opt Out"
    assert Preferences().sync_options().opt_out_handling is OptOutHandling.UNSUBSCRIBE


def test_other_columns_go_to_custom_fields_when_chosen() -> None:
    columns = ["Email", "Customer ID", "Customer Type", " "]
    suggested = FieldMapping((FieldMap("Email", "email"),))
    assert Preferences().mapping_for(columns, suggested) == suggested
    prefs = Preferences().with_value(PUSH_CUSTOM_FIELDS, True)
    mapping = prefs.mapping_for(columns, suggested, skip=["Customer ID"])
    assert mapping.targets == ("email", "cf:Customer Type")
