"""Numbered, append-only schema steps; ``PRAGMA user_version`` records how many have run."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from peewee import SqliteDatabase
from playhouse.migrate import SchemaMigrator

from app.core.errors import AppError

Step = Callable[[SchemaMigrator, SqliteDatabase], None]

# Each step spells out the schema of its own time in SQL: it must still produce exactly
# that schema after models.py has moved on. Never edit a shipped step; append a new one.


def _run(database: SqliteDatabase, statements: Sequence[str]) -> None:
    for sql in statements:
        database.execute_sql(sql)


def m001_initial(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """Connections, profiles, runs with their records, and the per-profile links."""
    _run(
        database,
        [
            """CREATE TABLE "connection" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "service" TEXT NOT NULL,
                "label" TEXT NOT NULL DEFAULT '',
                "account_name" TEXT NOT NULL DEFAULT '',
                "status" TEXT NOT NULL DEFAULT 'disconnected',
                "settings" TEXT NOT NULL DEFAULT '{}',
                "created_at" TEXT NOT NULL,
                "updated_at" TEXT NOT NULL)""",
            """CREATE TABLE "profile" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "name" TEXT NOT NULL COLLATE NOCASE,
                "source_kind" TEXT NOT NULL,
                "source_settings" TEXT NOT NULL DEFAULT '{}',
                "connection_id" INTEGER
                    REFERENCES "connection" ("id") ON DELETE SET NULL,
                "main_list" TEXT NOT NULL DEFAULT '',
                "main_list_id" TEXT,
                "options" TEXT NOT NULL DEFAULT '{}',
                "mapping" TEXT NOT NULL DEFAULT '[]',
                "filters" TEXT NOT NULL DEFAULT '{}',
                "schedule" TEXT NOT NULL DEFAULT '{}',
                "created_at" TEXT NOT NULL,
                "updated_at" TEXT NOT NULL)""",
            'CREATE UNIQUE INDEX "profile_name" ON "profile" ("name")',
            'CREATE INDEX "profile_connection_id" ON "profile" ("connection_id")',
            """CREATE TABLE "run" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "profile_id" INTEGER NOT NULL
                    REFERENCES "profile" ("id") ON DELETE CASCADE,
                "status" TEXT NOT NULL,
                "phase" TEXT NOT NULL DEFAULT '',
                "dry_run" INTEGER NOT NULL DEFAULT 0,
                "started_at" TEXT NOT NULL,
                "finished_at" TEXT,
                "message" TEXT NOT NULL DEFAULT '',
                "created" INTEGER NOT NULL DEFAULT 0,
                "updated" INTEGER NOT NULL DEFAULT 0,
                "unchanged" INTEGER NOT NULL DEFAULT 0,
                "skipped" INTEGER NOT NULL DEFAULT 0,
                "failed" INTEGER NOT NULL DEFAULT 0,
                "total" INTEGER NOT NULL DEFAULT 0,
                "checkpoint" TEXT NOT NULL DEFAULT '{}',
                "extra" TEXT NOT NULL DEFAULT '{}')""",
            'CREATE INDEX "run_profile_id" ON "run" ("profile_id", "id")',
            """CREATE TABLE "run_record" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "run_id" INTEGER NOT NULL REFERENCES "run" ("id") ON DELETE CASCADE,
                "row" INTEGER NOT NULL,
                "key" TEXT NOT NULL,
                "email" TEXT NOT NULL DEFAULT '',
                "action" TEXT NOT NULL,
                "outcome" TEXT,
                "reason" TEXT NOT NULL DEFAULT '',
                "contact_id" TEXT NOT NULL DEFAULT '',
                "matched_existing" INTEGER NOT NULL DEFAULT 0,
                "detail" TEXT NOT NULL DEFAULT '',
                "fingerprint" TEXT NOT NULL DEFAULT '',
                "payload" TEXT,
                "chunk" INTEGER)""",
            'CREATE INDEX "run_record_run_outcome" ON "run_record" ("run_id", "outcome")',
            'CREATE INDEX "run_record_run_chunk" ON "run_record" ("run_id", "chunk")',
            'CREATE INDEX "run_record_run_key" ON "run_record" ("run_id", "key")',
            """CREATE TABLE "link" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "profile_id" INTEGER NOT NULL
                    REFERENCES "profile" ("id") ON DELETE CASCADE,
                "source_key" TEXT NOT NULL,
                "contact_id" TEXT,
                "email" TEXT NOT NULL DEFAULT '',
                "fingerprint" TEXT NOT NULL DEFAULT '',
                "synced_at" TEXT NOT NULL)""",
            'CREATE UNIQUE INDEX "link_profile_source_key" ON "link" ("profile_id", "source_key")',
            'CREATE INDEX "link_profile_email" ON "link" ("profile_id", "email")',
        ],
    )


def m002_mirror(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """A local mirror of each Constant Contact account, refreshed by ``updated_after``."""
    _run(
        database,
        [
            """CREATE TABLE "remote_contact" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "connection_id" INTEGER NOT NULL
                    REFERENCES "connection" ("id") ON DELETE CASCADE,
                "contact_id" TEXT NOT NULL,
                "email" TEXT NOT NULL,
                "permission" TEXT NOT NULL,
                "list_ids" TEXT NOT NULL DEFAULT '',
                "updated_at" TEXT,
                "deleted" INTEGER NOT NULL DEFAULT 0)""",
            'CREATE UNIQUE INDEX "remote_contact_connection_contact" '
            'ON "remote_contact" ("connection_id", "contact_id")',
            'CREATE INDEX "remote_contact_connection_email" '
            'ON "remote_contact" ("connection_id", "email")',
            """CREATE TABLE "mirror_state" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "connection_id" INTEGER NOT NULL
                    REFERENCES "connection" ("id") ON DELETE CASCADE,
                "watermark" TEXT,
                "full_sync_done" INTEGER NOT NULL DEFAULT 0)""",
            'CREATE UNIQUE INDEX "mirror_state_connection_id" ON "mirror_state" ("connection_id")',
        ],
    )


def m003_app_settings(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """App preferences (the Settings dialog), one JSON value per declared key."""
    _run(
        database,
        [
            """CREATE TABLE "app_setting" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "key" TEXT NOT NULL,
                "value" TEXT,
                "updated_at" TEXT NOT NULL)""",
            'CREATE UNIQUE INDEX "app_setting_key" ON "app_setting" ("key")',
        ],
    )


def m004_two_way(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """Two-way sync: record directions, opt-out states and last-sent values, mirror fields."""
    _run(
        database,
        [
            """ALTER TABLE "run_record" ADD COLUMN "direction" TEXT NOT NULL DEFAULT 'push'""",
            'ALTER TABLE "run_record" ADD COLUMN "state" TEXT',
            'ALTER TABLE "link" ADD COLUMN "last_sent" TEXT',
            'ALTER TABLE "link" ADD COLUMN "source_opted_out" INTEGER',
            'ALTER TABLE "link" ADD COLUMN "cc_unsubscribed" INTEGER',
            """ALTER TABLE "link" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'push'""",
            'ALTER TABLE "remote_contact" ADD COLUMN "fields" TEXT',
        ],
    )


def m005_record_names(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """Run records keep the person's name and the source's own id, for results and exports."""
    _run(
        database,
        [
            """ALTER TABLE "run_record" ADD COLUMN "name" TEXT NOT NULL DEFAULT ''""",
            """ALTER TABLE "run_record" ADD COLUMN "source_id" TEXT NOT NULL DEFAULT ''""",
        ],
    )


def m006_journal(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """The undo journal: what each remote write of a run replaced, and what undo did."""
    _run(
        database,
        [
            """CREATE TABLE "journal_entry" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                "run_id" INTEGER NOT NULL REFERENCES "run" ("id") ON DELETE CASCADE,
                "key" TEXT NOT NULL,
                "action" TEXT NOT NULL,
                "email" TEXT NOT NULL DEFAULT '',
                "contact_id" TEXT NOT NULL DEFAULT '',
                "before" TEXT,
                "undo_run_id" INTEGER,
                "undo_outcome" TEXT,
                "undo_reason" TEXT NOT NULL DEFAULT '')""",
            'CREATE INDEX "journal_entry_run_key" ON "journal_entry" ("run_id", "key")',
        ],
    )


# The words runs stored as their phase before phases had ids (frozen: this step's own data).
_PHASE_IDS = {
    "Preparing": "prepare",
    "Reading Constant Contact": "read_cc",
    "Planning": "plan",
    "Checking the plan": "guard",
    "Changing email addresses": "emails",
    "Importing to Constant Contact": "import",
    "Unsubscribing opted-out contacts": "unsubscribe",
    "Removing from the main list": "remove",
    "Adding Constant Contact contacts to the source": "import_back",
    "Updating opt-outs in the source": "optouts_back",
    "Finishing": "finish",
}


def m007_phase_ids(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """Runs name their phase by a stable id, not its words, so that a run stopped in a phase
    still resumes after the words change: the phase column and each checkpoint's phase."""
    for words, phase in _PHASE_IDS.items():
        database.execute_sql('UPDATE "run" SET "phase" = ? WHERE "phase" = ?', (phase, words))
        database.execute_sql(
            """UPDATE "run" SET "checkpoint" = json_set("checkpoint", '$.phase', ?)
               WHERE json_valid("checkpoint") AND json_extract("checkpoint", '$.phase') = ?""",
            (phase, words),
        )


def m008_destination(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """A profile has a destination as well as a source: Constant Contact for every profile
    made so far; a migration profile (Constant Contact into another service) sets its own."""
    _run(
        database,
        [
            """ALTER TABLE "profile" ADD COLUMN "destination_kind" TEXT NOT NULL
               DEFAULT 'constant_contact'""",
            """ALTER TABLE "profile" ADD COLUMN "destination_settings" TEXT NOT NULL
               DEFAULT '{}'""",
        ],
    )


def m009_run_time(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """A run counts the time it ran, not the time the app was closed between its stop and
    its resume: the seconds of its finished segments, when its running segment began, and
    when it last wrote (the end of a segment a crash cut short). NULL in older runs: their
    duration stays started to finished."""
    _run(
        database,
        [
            'ALTER TABLE "run" ADD COLUMN "active_seconds" INTEGER',
            'ALTER TABLE "run" ADD COLUMN "segment_started_at" TEXT',
            'ALTER TABLE "run" ADD COLUMN "touched_at" TEXT',
        ],
    )


def m010_campaign_stats(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """Campaign statistics, per Constant Contact connection: campaigns, their activities and
    counts, per-contact tracking events kept once each, and how far each report was read."""
    fk = '"connection_id" INTEGER NOT NULL REFERENCES "connection" ("id") ON DELETE CASCADE'
    _run(
        database,
        [
            f"""CREATE TABLE "campaign" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                {fk},
                "campaign_id" TEXT NOT NULL,
                "name" TEXT NOT NULL DEFAULT '',
                "status" TEXT NOT NULL DEFAULT '',
                "created_at" TEXT,
                "updated_at" TEXT,
                "sent_at" TEXT,
                "details_at" TEXT)""",
            'CREATE UNIQUE INDEX "campaign_connection_campaign" '
            'ON "campaign" ("connection_id", "campaign_id")',
            f"""CREATE TABLE "campaign_activity" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                {fk},
                "campaign_id" TEXT NOT NULL,
                "activity_id" TEXT NOT NULL,
                "role" TEXT NOT NULL)""",
            'CREATE UNIQUE INDEX "campaign_activity_connection_activity" '
            'ON "campaign_activity" ("connection_id", "activity_id")',
            'CREATE INDEX "campaign_activity_connection_campaign" '
            'ON "campaign_activity" ("connection_id", "campaign_id")',
            f"""CREATE TABLE "campaign_summary" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                {fk},
                "campaign_id" TEXT NOT NULL,
                "sends" INTEGER NOT NULL DEFAULT 0,
                "opens" INTEGER NOT NULL DEFAULT 0,
                "clicks" INTEGER NOT NULL DEFAULT 0,
                "forwards" INTEGER NOT NULL DEFAULT 0,
                "optouts" INTEGER NOT NULL DEFAULT 0,
                "abuse" INTEGER NOT NULL DEFAULT 0,
                "bounces" INTEGER NOT NULL DEFAULT 0,
                "not_opened" INTEGER NOT NULL DEFAULT 0,
                "refreshed_at" TEXT NOT NULL)""",
            'CREATE UNIQUE INDEX "campaign_summary_connection_campaign" '
            'ON "campaign_summary" ("connection_id", "campaign_id")',
            f"""CREATE TABLE "campaign_event" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                {fk},
                "campaign_id" TEXT NOT NULL,
                "activity_id" TEXT NOT NULL,
                "kind" TEXT NOT NULL,
                "contact_id" TEXT NOT NULL,
                "email" TEXT NOT NULL DEFAULT '',
                "name" TEXT NOT NULL DEFAULT '',
                "at" TEXT NOT NULL,
                "link" TEXT NOT NULL DEFAULT '',
                "code" TEXT NOT NULL DEFAULT '')""",
            # The dedupe key: a row read again by an overlapping pass is not kept twice.
            'CREATE UNIQUE INDEX "campaign_event_once" ON "campaign_event" '
            '("connection_id", "activity_id", "kind", "contact_id", "at", "link")',
            'CREATE INDEX "campaign_event_campaign_kind" '
            'ON "campaign_event" ("connection_id", "campaign_id", "kind")',
            'CREATE INDEX "campaign_event_email" ON "campaign_event" ("email")',
            'CREATE INDEX "campaign_event_contact" '
            'ON "campaign_event" ("connection_id", "contact_id")',
            f"""CREATE TABLE "campaign_mark" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                {fk},
                "activity_id" TEXT NOT NULL,
                "report" TEXT NOT NULL,
                "mark" TEXT,
                "cursor" TEXT,
                "pending" TEXT,
                "done" INTEGER NOT NULL DEFAULT 0,
                "read_at" TEXT)""",
            'CREATE UNIQUE INDEX "campaign_mark_connection_activity_report" '
            'ON "campaign_mark" ("connection_id", "activity_id", "report")',
            f"""CREATE TABLE "campaign_pull_state" (
                "id" INTEGER NOT NULL PRIMARY KEY,
                {fk},
                "discovered_at" TEXT,
                "nightly_at" TEXT,
                "pulled_at" TEXT,
                "tried_at" TEXT,
                "resume_at" TEXT)""",
            'CREATE UNIQUE INDEX "campaign_pull_state_connection_id" '
            'ON "campaign_pull_state" ("connection_id")',
        ],
    )


def m011_left_addresses(migrator: SchemaMigrator, database: SqliteDatabase) -> None:
    """Addresses a profile's records left for new ones, their old contacts kept apart."""
    _run(
        database,
        [
            'CREATE TABLE "left_address" ("id" INTEGER NOT NULL PRIMARY KEY,'
            ' "profile_id" INTEGER NOT NULL REFERENCES "profile" ("id") ON DELETE CASCADE,'
            ' "email" TEXT NOT NULL, "left_at" TEXT NOT NULL)',
            'CREATE UNIQUE INDEX "left_address_profile_id_email"'
            ' ON "left_address" ("profile_id", "email")',
        ],
    )


UPGRADE_FAILED = (
    "ContactBridge could not upgrade its database. The failed step was undone; your data is intact."
)

MIGRATIONS: list[Step] = [
    m001_initial,
    m002_mirror,
    m003_app_settings,
    m004_two_way,
    m005_record_names,
    m006_journal,
    m007_phase_ids,
    m008_destination,
    m009_run_time,
    m010_campaign_stats,
    m011_left_addresses,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(database: SqliteDatabase) -> int:
    """The number of steps applied to ``database`` (0 for a new file)."""
    return int(database.pragma("user_version") or 0)


def upgrade(
    database: SqliteDatabase,
    steps: Sequence[Step] | None = None,
    before: Callable[[int], object] | None = None,
) -> int:
    """Apply the steps ``database`` lacks, each in its own transaction with its version bump.

    Args:
        steps: the migrations to apply (default ``MIGRATIONS``); tests pass a prefix to
            build older schemas.
        before: called with the old version before an existing database is changed
            (the caller takes a backup there). Not called for a new, empty database.

    Returns:
        The schema version now in ``database``.

    Raises:
        AppError: the database comes from a newer ContactBridge, or a step failed (that
            step is rolled back; the steps before it stay applied).
    """
    steps = MIGRATIONS if steps is None else steps
    target = len(steps)
    current = schema_version(database)
    if current > target:
        raise AppError(
            "This database was saved by a newer version of ContactBridge "
            f"(data format {current}; this version reads up to {target}). "
            "Install the latest ContactBridge to open it.",
            details=str(database.database),
        )
    if current == target:
        return current
    if current > 0 and before is not None:
        before(current)
    migrator = SchemaMigrator.from_database(database)
    for version, step in enumerate(steps, start=1):
        if version > current:
            _apply(database, migrator, version, step)
    return schema_version(database)


def _apply(database: SqliteDatabase, migrator: SchemaMigrator, version: int, step: Step) -> None:
    try:
        # migration_context turns foreign keys off around the transaction, so a table
        # rebuild in a later step cannot cascade-delete rows.
        with migrator.migration_context():
            # Re-read under the write lock: another process may have applied it meanwhile.
            if schema_version(database) >= version:
                return
            step(migrator, database)
            _check_foreign_keys(database, version)
            database.pragma("user_version", version)
    except AppError:
        raise
    except Exception as exc:  # any failure: the transaction rolled back; say so plainly
        raise AppError(
            UPGRADE_FAILED,
            details=f"step {version} ({getattr(step, '__name__', step)}): {exc!r}",
        ) from exc


def _check_foreign_keys(database: SqliteDatabase, version: int) -> None:
    broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise AppError(
            UPGRADE_FAILED,
            details=f"step {version} broke foreign keys: {broken[:5]!r}",
        )
