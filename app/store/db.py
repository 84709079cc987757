"""The one SQLite database: where it is, its pragmas, thread-local connections and upgrades."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path

from peewee import DatabaseError, DatabaseProxy, SqliteDatabase

from app.core.errors import AppError
from app.file_modes import private_dir, private_file, tighten
from app.store import migrations

# Bound by open_database(). Threads: peewee keeps one connection per thread. A worker
# thread wraps its work in ``with db.connection_context():`` so that connection closes when
# the work ends, and keeps write transactions (``db.atomic()``) short. WAL lets readers
# run beside the writer; busy_timeout makes a second writer wait instead of failing.
db = DatabaseProxy()

# Files SQLite keeps beside the database, holding the same data; owner-only like it.
SIDE_FILES = ("-wal", "-shm", "-journal")

# In the constructor's pragmas, so every new (per-thread) connection gets them.
PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -16000,  # 16 MB
}


def open_database(path: Path, backups: Path | None = None) -> SqliteDatabase:
    """Open (creating if needed) and upgrade the database at ``path``, and bind ``db`` to it.

    A database bound before is closed first. Call from the main thread at startup;
    worker threads then use ``db`` inside ``db.connection_context()``.

    Args:
        backups: where to copy an existing database before upgrading it
            (default: a ``backups`` folder beside it).

    Raises:
        AppError: the file is not a ContactBridge database, comes from a newer version,
            or could not be upgraded (it is then left as it was).
    """
    close_database()
    private_dir(path.parent)
    # Created owner-only before SQLite opens it: SQLite gives its -wal and -shm files the
    # database's mode. An older, looser database and its side files are tightened too.
    with contextlib.suppress(OSError):  # not a file we can make: SQLite then says why
        private_file(path)
    _tighten_side_files(path)
    backups = backups if backups is not None else path.parent / "backups"
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, where busy_timeout
    # applies; a deferred one that read first would fail at once on a lock upgrade.
    database = SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=5, lock_type="IMMEDIATE")
    try:
        database.connect()
        migrations.upgrade(database, before=lambda old: backup_database(database, backups, old))
    except AppError:
        database.close()
        raise
    except DatabaseError as exc:
        database.close()
        raise AppError(
            "The ContactBridge database could not be opened. It may be damaged; "
            "a copy from the backups folder can be restored.",
            details=f"{path}\n{exc}",
        ) from exc
    _tighten_side_files(path)
    db.initialize(database)
    return database


def _tighten_side_files(path: Path) -> None:
    for suffix in SIDE_FILES:
        tighten(path.with_name(path.name + suffix))


def close_database() -> None:
    """Close this thread's connection and unbind ``db``."""
    database = db.obj
    if database is None:
        return
    if not database.is_closed():
        database.close()
    db.initialize(None)


def backup_database(database: SqliteDatabase, folder: Path, version: int) -> Path:
    """Copy ``database`` with SQLite's online backup API; returns the copy's path."""
    private_dir(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"contactbridge-v{version}-{stamp}.sqlite3"
    n = 1
    while target.exists():
        target = folder / f"contactbridge-v{version}-{stamp}-{n}.sqlite3"
        n += 1
    try:
        private_file(target)
        copy = sqlite3.connect(target)
        try:
            database.connection().backup(copy)
        finally:
            copy.close()
    except (OSError, sqlite3.Error) as exc:
        raise AppError(
            "ContactBridge could not back up its database before upgrading it, "
            "so it left the database unchanged. Check the free disk space.",
            details=f"{target}\n{exc}",
        ) from exc
    return target
