"""app.store.db: pragmas on every connection, binding, and concurrent writers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from app.core.errors import AppError
from app.core.store_types import PlannedRow
from app.store import models as m
from app.store.db import close_database, db, open_database
from app.store.migrations import SCHEMA_VERSION
from app.store.repositories import ProfileRepository, RunRepository
from tests.store.builders import sample_profile


def _pragmas(database: SqliteDatabase) -> dict[str, object]:
    return {
        name: database.pragma(name)
        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
    }


def test_pragmas_are_set(database: SqliteDatabase, db_file: Path) -> None:
    assert _pragmas(database) == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,  # NORMAL
    }
    assert db_file.exists()
    assert database.pragma("user_version") == SCHEMA_VERSION


def test_pragmas_apply_to_worker_thread_connections(database: SqliteDatabase) -> None:
    seen: dict[str, object] = {}

    def work() -> None:
        with db.connection_context():
            seen.update(_pragmas(db.obj))
            seen["conn"] = id(db.connection())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen.pop("conn") != id(database.connection())
    assert seen == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,
    }


def test_open_binds_and_close_unbinds(db_file: Path) -> None:
    database = open_database(db_file)
    assert db.obj is database
    assert m.Profile.select().count() == 0
    close_database()
    assert db.obj is None
    with pytest.raises(AttributeError):
        m.Profile.select().count()
    close_database()  # closing twice is harmless


def test_reopen_is_a_noop_upgrade(db_file: Path) -> None:
    open_database(db_file)
    ProfileRepository().save(sample_profile())
    close_database()
    open_database(db_file)
    try:
        assert [p.name for p in ProfileRepository().list()] == ["Newsletter"]
        assert not (db_file.parent / "backups").exists()  # nothing to migrate, no backup
    finally:
        close_database()


def test_not_a_database_is_a_clear_error(db_file: Path) -> None:
    db_file.parent.mkdir(parents=True)
    db_file.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(AppError, match="could not be opened"):
        open_database(db_file)
    assert db.obj is None


def test_three_writer_threads_with_connection_context(database: SqliteDatabase) -> None:
    profile = ProfileRepository().save(sample_profile())
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def writer(n: int) -> None:
        try:
            start.wait()
            with db.connection_context():
                repo = RunRepository()
                for i in range(40):
                    run_id = repo.start(profile.id)  # type: ignore[arg-type]
                    rows = [PlannedRow(j, f"t{n}-{i}-{j}", "", "create") for j in range(25)]
                    repo.add_records(run_id, rows)
                    repo.set_phase(run_id, f"thread {n}")
            assert db.is_closed()  # this thread's connection was closed again
        except BaseException as exc:  # collected and re-raised on the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    # The main thread reads while the workers write (WAL: readers never block).
    while any(t.is_alive() for t in threads):
        m.RunRecord.select().count()
    for t in threads:
        t.join()

    assert errors == []
    assert m.Run.select().count() == 120
    assert m.RunRecord.select().count() == 120 * 25
