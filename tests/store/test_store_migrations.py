"""app.store.migrations: upgrades from every version, backups, refusals and rollback."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from peewee import SqliteDatabase
from playhouse.migrate import SchemaMigrator

from app.core.errors import AppError
from app.core.mapping import FieldMap
from app.core.outcomes import Outcome, RunStatus
from app.core.records import Permission
from app.core.schedule import ScheduleKind
from app.core.store_types import Link
from app.store import migrations
from app.store.db import PRAGMAS, close_database, db, open_database
from app.store.migrations import MIGRATIONS, SCHEMA_VERSION, schema_version, upgrade
from app.store.models import ALL_MODELS
from app.store.repositories import (
    ConnectionRepository,
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)

# Rows as each schema version stored them, written in that version's own SQL, and the
# checks that they survive every later upgrade. Every new migration adds an entry here.


def seed_v1(database: SqliteDatabase) -> None:
    for sql in (
        """INSERT INTO connection VALUES (1, 'constant_contact', 'Shop', 'shop@example.com',
           'connected', '{"auth_url":"https://auth.example"}', '2024-01-01T00:00:00+00:00',
           '2024-01-01T00:00:00+00:00')""",
        """INSERT INTO profile VALUES (1, 'Members', 'file', '{"path":"/m.csv"}', 1, 'Main',
           'list-1', '{"sync_phones":false}', '[["Mail","email"],["First","first_name"]]',
           '{}', '{"kind":"daily","at":"08:15"}', '2024-01-01T00:00:00+00:00',
           '2024-01-01T00:00:00+00:00')""",
        """INSERT INTO run (id, profile_id, status, dry_run, started_at, created, total,
           checkpoint) VALUES (1, 1, 'cancelled', 0, '2024-01-02T00:00:00+00:00', 1, 1,
           '{"next_chunk":2}')""",
        """INSERT INTO run_record (run_id, "row", "key", email, action, outcome, payload, chunk)
           VALUES (1, 2, 'a@example.com', 'a@example.com', 'create', 'created',
           '{"email":"a@example.com"}', 0),
           (1, 3, 'b@example.com', 'b@example.com', 'create', NULL, '{"email":"b@example.com"}',
           1)""",
        """INSERT INTO link (profile_id, source_key, contact_id, email, fingerprint, synced_at)
           VALUES (1, 'a@example.com', 'c-1', 'a@example.com', 'fp', '2024-01-02')""",
    ):
        database.execute_sql(sql)


def check_v1() -> None:
    profile = ProfileRepository().get(1)
    assert profile is not None and profile.name == "Members"
    assert profile.mapping.fields == (FieldMap("Mail", "email"), FieldMap("First", "first_name"))
    assert profile.schedule.kind is ScheduleKind.DAILY and profile.schedule.at == "08:15"
    assert profile.options.sync_phones is False
    assert profile.connection_id == 1
    assert ProfileRepository().main_list_id(1) == "list-1"
    connection = ConnectionRepository().get(1)
    assert connection is not None and connection.account_name == "shop@example.com"
    runs = RunRepository()
    summary = runs.get(1)
    assert summary is not None and summary.status is RunStatus.CANCELLED
    assert runs.checkpoint(1) == {"next_chunk": 2}
    assert runs.chunks_pending(1) == [1]
    assert runs.counts(1).created == 1
    assert LinkRepository().load(1) == {
        "a@example.com": Link("a@example.com", "c-1", "a@example.com", "fp")
    }


def seed_v2(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO remote_contact (connection_id, contact_id, email, permission, list_ids,
           updated_at, deleted) VALUES (1, 'c-1', 'a@example.com', 'explicit', 'l1,l2',
           '2024-01-03T00:00:00+00:00', 0)"""
    )
    database.execute_sql(
        """INSERT INTO mirror_state (connection_id, watermark, full_sync_done)
           VALUES (1, '2024-01-03T00:00:00+00:00', 1)"""
    )


def check_v2() -> None:
    mirror = MirrorRepository()
    assert mirror.email_index(1) == {
        "a@example.com": ("c-1", Permission.EXPLICIT, frozenset({"l1", "l2"}))
    }
    assert mirror.watermark(1) == datetime(2024, 1, 3, tzinfo=UTC)
    assert mirror.full_sync_done(1)


def seed_v3(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO app_setting (key, value, updated_at)
           VALUES ('push.sync_phones', 'false', '2024-01-04T00:00:00+00:00')"""
    )


def check_v3() -> None:
    from app.core.settings import PUSH_PHONES
    from app.store.settings_repo import SettingsRepository

    assert SettingsRepository().get(PUSH_PHONES) is False


def seed_v4(database: SqliteDatabase) -> None:
    database.execute_sql(
        """UPDATE link SET last_sent = '{"email":"a@example.com","first_name":"Ada"}',
           source_opted_out = 1, cc_unsubscribed = 1 WHERE source_key = 'a@example.com'"""
    )
    database.execute_sql(
        """INSERT INTO run (id, profile_id, status, dry_run, started_at) VALUES
           (2, 1, 'completed', 0, '2024-01-05T00:00:00+00:00')"""
    )
    database.execute_sql(
        """INSERT INTO run_record (run_id, "row", "key", email, action, outcome, direction,
           state) VALUES (2, 0, 'cc:c-9', 'n@example.com', 'import_create', 'created',
           'import', NULL), (2, 2, 'a@example.com', 'a@example.com', 'unchanged',
           'unchanged', 'push', '0,0')"""
    )
    database.execute_sql(
        """UPDATE remote_contact SET fields = '{"first_name":"Ada"}' WHERE contact_id = 'c-1'"""
    )


def check_v4() -> None:
    links = LinkRepository()
    detail = links.load_details(1)["a@example.com"]
    assert (detail.source_opted_out, detail.cc_unsubscribed, detail.origin) == (True, True, "push")
    assert links.last_sent(1, "a@example.com") == {"email": "a@example.com", "first_name": "Ada"}
    runs = RunRepository()
    assert runs.counts_by_direction(1)["push"].created == 1  # older rows are pushes
    by_direction = runs.counts_by_direction(2)
    assert (by_direction["import"].created, by_direction["push"].unchanged) == (1, 1)
    assert [s.state for s in runs.settled_states(2)] == ["0,0"]
    (contact,) = [c for c in MirrorRepository().iter_contacts(1) if c.contact_id == "c-1"]
    assert contact.fields == {"first_name": "Ada"}


def seed_v5(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO run (id, profile_id, status, dry_run, started_at) VALUES
           (3, 1, 'completed_with_errors', 0, '2024-01-06T00:00:00+00:00')"""
    )
    database.execute_sql(
        """INSERT INTO run_record (run_id, "row", "key", email, action, outcome, reason,
           name, source_id) VALUES (3, 14, 'CUST-7', 'ada@example.com', 'create', 'failed',
           'Row 14: Constant Contact refused it: invalid email address', 'Ada Lovelace',
           'CUST-7')"""
    )


def check_v5() -> None:
    runs = RunRepository()
    (failed,) = runs.results(3)
    assert (failed.row, failed.name, failed.source_id) == (14, "Ada Lovelace", "CUST-7")
    assert failed.reason.startswith("Row 14: ")
    # Records stored before names were kept read back with blank ones, not an error.
    assert {(r.name, r.source_id) for r in runs.results(1)} == {("", "")}


def seed_v6(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO journal_entry (run_id, "key", action, email, contact_id, before)
           VALUES (2, 'a@example.com', 'update', 'a@example.com', 'c-1',
           '{"fields":{"first_name":"Ada"},"list_ids":["l1"],"permission":"explicit"}')"""
    )


def check_v6() -> None:
    from app.store.journal_repo import JournalRepository

    (entry,) = JournalRepository().entries(2)
    assert (entry.key, entry.action, entry.contact_id) == ("a@example.com", "update", "c-1")
    assert entry.before["fields"] == {"first_name": "Ada"}
    assert entry.outcome is None  # not undone


def seed_v7(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO run (id, profile_id, status, dry_run, started_at, phase, checkpoint)
           VALUES (8, 1, 'paused', 0, '2024-01-08T00:00:00+00:00', 'remove',
           '{"phase":"remove"}')"""
    )


def check_v7() -> None:
    assert RunRepository().checkpoint(8) == {"phase": "remove"}


def test_a_run_stopped_before_phase_ids_resumes_in_its_phase(db_file: Path) -> None:
    from app.core.phases import Phase

    build_at(db_file, 6)
    con = sqlite3.connect(db_file)
    con.execute(
        """INSERT INTO run (id, profile_id, status, dry_run, started_at, phase, checkpoint)
           VALUES (7, 1, 'cancelled', 0, '2024-01-07T00:00:00+00:00',
           'Importing to Constant Contact',
           '{"phase":"Importing to Constant Contact","next_chunk":3}')"""
    )
    con.commit()
    con.close()
    open_database(db_file)
    try:
        runs = RunRepository()
        # The run resumes in the import phase, whatever the words for it are now.
        assert runs.checkpoint(7) == {"phase": Phase.IMPORT, "next_chunk": 3}
        assert runs.get(7).phase == Phase.IMPORT
        assert runs.checkpoint(1) == {"next_chunk": 2}  # a checkpoint without a phase is kept
    finally:
        close_database()


def seed_v8(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO profile (id, name, source_kind, source_settings, connection_id,
           main_list, options, mapping, filters, schedule, created_at, updated_at,
           destination_kind, destination_settings)
           VALUES (9, 'Move to Klaviyo', 'constant_contact', '{}', 1, '', '{}', '[]', '{}',
           '{}', '2024-01-09T00:00:00+00:00', '2024-01-09T00:00:00+00:00', 'klaviyo',
           '{"connection_id": 4}')"""
    )


def check_v8() -> None:
    from app.core.profiles import SourceSpec

    profiles = ProfileRepository()
    assert profiles.get(9).destination == SourceSpec("klaviyo", {"connection_id": 4})
    assert profiles.get(1).into_constant_contact  # every older profile pushes into it


def seed_v9(database: SqliteDatabase) -> None:
    # Stopped after two minutes of work, an hour after it started: the app was closed.
    database.execute_sql(
        """INSERT INTO run (id, profile_id, status, dry_run, started_at, finished_at,
           active_seconds, segment_started_at, touched_at) VALUES (10, 1, 'cancelled', 0,
           '2024-01-10T00:00:00+00:00', '2024-01-10T01:00:00+00:00', 120, NULL,
           '2024-01-10T01:00:00+00:00')"""
    )


def check_v9() -> None:
    runs = RunRepository()
    assert runs.get(10).seconds_taken() == 120  # the time it ran, not the hour
    older = runs.get(2)
    assert older.active_seconds is None  # recorded before runs counted their time
    # A run older than schema 9 that resumes keeps its started-to-finished duration.
    runs.set_status(1, RunStatus.RUNNING, "Resumed")
    resumed = runs.finish(1, RunStatus.COMPLETED)
    assert resumed.active_seconds is None and resumed.seconds_taken() is not None


def seed_v10(database: SqliteDatabase) -> None:
    for sql in (
        """INSERT INTO campaign (connection_id, campaign_id, name, status, updated_at, sent_at)
           VALUES (1, 'camp-1', 'June news', 'Done', '2024-06-01T09:00:00+00:00',
           '2024-06-01T09:00:00+00:00')""",
        """INSERT INTO campaign_summary (connection_id, campaign_id, sends, opens,
           refreshed_at) VALUES (1, 'camp-1', 10, 4, '2024-06-02T00:00:00+00:00')""",
        """INSERT INTO campaign_event (connection_id, campaign_id, activity_id, kind,
           contact_id, email, at) VALUES (1, 'camp-1', 'act-1', 'open', 'c-1', 'a@example.com',
           '2024-06-01T10:00:00.000+00:00')""",
        """INSERT INTO campaign_mark (connection_id, activity_id, report, mark)
           VALUES (1, 'act-1', 'opens', '2024-06-01T10:00:00.000+00:00')""",
    ):
        database.execute_sql(sql)


def check_v10() -> None:
    from app.store.campaign_pull_repo import CampaignPullRepository
    from app.store.campaign_stats_repo import CampaignStatsRepository

    (june,) = CampaignStatsRepository().campaigns()
    assert (june.name, june.sends, june.opens) == ("June news", 10, 4)
    assert CampaignPullRepository().marks(1) == {"act-1/opens": "2024-06-01T10:00:00.000+00:00"}
    assert [e.kind for e in CampaignStatsRepository().person_events("a@example.com")] == ["open"]


def seed_v11(database: SqliteDatabase) -> None:
    database.execute_sql(
        """INSERT INTO left_address (profile_id, email, left_at)
           VALUES (1, 'old@example.com', '2024-07-01T00:00:00+00:00')"""
    )


def check_v11() -> None:
    from app.store.links_repo import LinkRepository

    assert LinkRepository().left_behind(1) == frozenset({"old@example.com"})


SEEDS: dict[int, tuple[Callable[[SqliteDatabase], None], Callable[[], None]]] = {
    1: (seed_v1, check_v1),
    2: (seed_v2, check_v2),
    3: (seed_v3, check_v3),
    4: (seed_v4, check_v4),
    5: (seed_v5, check_v5),
    6: (seed_v6, check_v6),
    7: (seed_v7, check_v7),
    8: (seed_v8, check_v8),
    9: (seed_v9, check_v9),
    10: (seed_v10, check_v10),
    11: (seed_v11, check_v11),
}


def build_at(path: Path, version: int) -> None:
    """A database as ContactBridge at schema ``version`` left it, with sample rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = SqliteDatabase(str(path), pragmas=PRAGMAS)
    database.connect()
    try:
        for v in range(1, version + 1):  # each version's rows go in as that version wrote them
            assert upgrade(database, MIGRATIONS[:v]) == v
            SEEDS[v][0](database)
        assert upgrade(database, MIGRATIONS[:version]) == version
    finally:
        database.close()


def user_version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()


def test_every_version_has_sample_rows() -> None:
    assert sorted(SEEDS) == list(range(1, SCHEMA_VERSION + 1))
    assert SCHEMA_VERSION >= 2


@pytest.mark.parametrize("old", range(SCHEMA_VERSION))
def test_upgrade_from_every_earlier_version(old: int, db_file: Path) -> None:
    build_at(db_file, old)
    database = open_database(db_file)
    try:
        assert schema_version(database) == SCHEMA_VERSION
        for v in range(1, old + 1):
            SEEDS[v][1]()
    finally:
        close_database()

    backups = sorted((db_file.parent / "backups").glob("*.sqlite3"))
    if old == 0:
        assert backups == []  # a new database has nothing to back up
    else:
        assert [b.name.startswith(f"contactbridge-v{old}-") for b in backups] == [True]
        assert user_version(backups[0]) == old
        con = sqlite3.connect(backups[0])
        try:
            names = con.execute("SELECT name FROM profile ORDER BY id").fetchall()
            assert names[0] == ("Members",)  # the old rows, as that version left them
        finally:
            con.close()


def _schema(database: SqliteDatabase) -> dict[str, tuple[set[tuple], set[tuple]]]:
    out = {}
    for table in database.get_tables():
        cols = {
            (r[1], r[2].upper(), bool(r[3]), r[5])
            for r in database.execute_sql(f'PRAGMA table_info("{table}")')
        }
        indexes = set()
        for _seq, name, unique, *_ in database.execute_sql(f'PRAGMA index_list("{table}")'):
            info = database.execute_sql(f'PRAGMA index_info("{name}")').fetchall()
            indexes.add((tuple(r[2] for r in info), bool(unique)))
        fks = database.execute_sql(f'PRAGMA foreign_key_list("{table}")').fetchall()
        cols |= {("fk", r[2], r[3], r[4], r[6]) for r in fks}
        out[table] = (cols, indexes)
    return out


def test_models_describe_the_migrated_schema(database: SqliteDatabase, tmp_path: Path) -> None:
    from_models = SqliteDatabase(str(tmp_path / "models.sqlite3"))
    with from_models.bind_ctx(ALL_MODELS):
        from_models.create_tables(ALL_MODELS)
        expected = _schema(from_models)
    from_models.close()
    assert _schema(database) == expected


def test_newer_database_is_refused(db_file: Path) -> None:
    open_database(db_file)
    close_database()
    con = sqlite3.connect(db_file)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()

    with pytest.raises(AppError) as err:
        open_database(db_file)

    assert "newer version of ContactBridge" in err.value.message
    assert f"data format {SCHEMA_VERSION + 1}" in err.value.message
    assert db.obj is None
    assert user_version(db_file) == SCHEMA_VERSION + 1
    assert not (db_file.parent / "backups").exists()


def _failing_step(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    database.execute_sql('CREATE TABLE "half_done" ("id" INTEGER PRIMARY KEY)')
    database.execute_sql('ALTER TABLE "profile" ADD COLUMN "half" TEXT')
    database.execute_sql("UPDATE profile SET name = 'renamed ' || id")
    raise RuntimeError("disk on fire")


def test_failing_step_rolls_back_everything_it_did(db_file: Path) -> None:
    build_at(db_file, SCHEMA_VERSION)
    database = SqliteDatabase(str(db_file), pragmas=PRAGMAS)
    database.connect()
    names = database.execute_sql("SELECT name FROM profile ORDER BY id").fetchall()
    try:
        with pytest.raises(AppError, match="could not upgrade") as err:
            upgrade(database, [*MIGRATIONS, _failing_step])
        assert "disk on fire" in err.value.details
        assert schema_version(database) == SCHEMA_VERSION
        assert "half_done" not in database.get_tables()
        assert "half" not in {c.name for c in database.get_columns("profile")}
        assert database.execute_sql("SELECT name FROM profile ORDER BY id").fetchall() == names
        assert ("Members",) in names
        assert database.pragma("foreign_keys") == 1  # switched back on after the step
    finally:
        database.close()


def test_failing_first_step_leaves_a_new_file_empty(db_file: Path) -> None:
    def bad_initial(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
        MIGRATIONS[0](migrator, database)
        raise RuntimeError("boom")

    db_file.parent.mkdir(parents=True)
    database = SqliteDatabase(str(db_file), pragmas=PRAGMAS)
    database.connect()
    try:
        with pytest.raises(AppError):
            upgrade(database, [bad_initial])
        assert schema_version(database) == 0
        assert database.get_tables() == []
    finally:
        database.close()


def test_open_with_failing_migration_keeps_db_and_backup(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_at(db_file, SCHEMA_VERSION)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, _failing_step])

    with pytest.raises(AppError, match="could not upgrade"):
        open_database(db_file)

    assert db.obj is None
    assert user_version(db_file) == SCHEMA_VERSION
    backups = list((db_file.parent / "backups").glob(f"contactbridge-v{SCHEMA_VERSION}-*"))
    assert len(backups) == 1
    monkeypatch.undo()
    open_database(db_file)  # the untouched file still opens with the real steps
    try:
        for v in SEEDS:
            SEEDS[v][1]()
    finally:
        close_database()


def test_upgrade_twice_is_a_noop(database: SqliteDatabase) -> None:
    calls: list[int] = []
    assert upgrade(database, before=calls.append) == SCHEMA_VERSION
    assert calls == []


def test_backups_do_not_overwrite_each_other(db_file: Path, tmp_path: Path) -> None:
    from app.store.db import backup_database

    build_at(db_file, 1)
    database = SqliteDatabase(str(db_file))
    database.connect()
    try:
        first = backup_database(database, tmp_path / "b", 1)
        second = backup_database(database, tmp_path / "b", 1)
    finally:
        database.close()
    assert first != second and first.exists() and second.exists()


def test_outcome_values_fit_the_schema(runs: RunRepository) -> None:
    # The outcome column holds the enum values; a rename there needs a migration.
    assert {o.value for o in Outcome} == {"created", "updated", "unchanged", "skipped", "failed"}
