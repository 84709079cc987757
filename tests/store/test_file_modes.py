"""The data folder, database, backups and logs are owner-only (0700 / 0600) where modes exist."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from app.store.db import close_database, open_database

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Windows has no file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_sandbox_home_is_private(tmp_path: Path) -> None:
    from app.sync.bootstrap import open_service

    home = tmp_path / "home"
    old_umask = os.umask(0o022)  # a usual desktop umask: without care, 0755 and 0644
    try:
        handle = open_service(sandbox=True, home=home, enforce_limits=False)
        try:
            handle.service.profiles.overviews()  # the database is in use (WAL files exist)
            db = home / "contactbridge.sqlite3"
            assert mode(home) == 0o700
            assert mode(db) == 0o600
            for suffix in ("-wal", "-shm"):
                side = db.with_name(db.name + suffix)
                if side.exists():
                    assert mode(side) == 0o600, suffix
            assert handle.log_path is not None
            assert mode(handle.log_path.parent) == 0o700
            assert mode(handle.log_path) == 0o600
        finally:
            handle.close()
    finally:
        os.umask(old_umask)


def test_an_old_world_readable_database_is_tightened_when_opened(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    db = folder / "contactbridge.sqlite3"
    sqlite3.connect(db).close()
    journal = db.with_name(db.name + "-wal")
    journal.write_bytes(b"")
    for path in (db, journal):
        os.chmod(path, 0o644)
    open_database(db)
    try:
        assert mode(db) == 0o600
        assert mode(journal) == 0o600
        assert mode(folder) == 0o700
    finally:
        close_database()


def test_a_backup_before_an_upgrade_is_private(tmp_path: Path) -> None:
    from app.store.db import backup_database

    database = open_database(tmp_path / "db.sqlite3")
    try:
        copy = backup_database(database, tmp_path / "backups", 1)
        assert mode(copy) == 0o600
        assert mode(copy.parent) == 0o700
    finally:
        close_database()
