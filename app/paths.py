"""Where ContactBridge keeps its files: platformdirs folders, overridable for sandbox and tests."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from app import APP_NAME, APP_ORG
from app.file_modes import private_dir

# Points the whole app (database, logs, backups) at another folder. Sandbox mode sets it.
HOME_ENV = "CONTACTBRIDGE_HOME"

DB_FILENAME = "contactbridge.sqlite3"


def _ensure(path: Path) -> Path:
    """The folder, created if missing and owner-only (it holds customers' data)."""
    return private_dir(path)


def platform_home() -> Path:
    """The platform's app-data folder, ignoring any override (not created)."""
    return Path(user_data_dir(APP_NAME, APP_ORG))


def app_home() -> Path:
    """The folder for all app data: ``$CONTACTBRIDGE_HOME`` if set, else the platform folder."""
    override = os.environ.get(HOME_ENV, "").strip()
    home = Path(override).expanduser() if override else platform_home()
    return _ensure(home)


def db_path() -> Path:
    """The SQLite database file (its folder is created; the file is not)."""
    return app_home() / DB_FILENAME


def log_dir(home: Path | None = None) -> Path:
    """The log folder (created): ``<home>/logs`` for a given data folder (sandbox, tests) or
    when ``$CONTACTBRIDGE_HOME`` is set, else the platform's log folder."""
    if home is not None:
        return _ensure(home / "logs")
    if os.environ.get(HOME_ENV, "").strip():
        return _ensure(app_home() / "logs")
    return _ensure(Path(user_log_dir(APP_NAME, APP_ORG)))


def backups_dir() -> Path:
    """Where the store puts a copy of the database before migrating it."""
    return _ensure(app_home() / "backups")


def default_sandbox_home() -> Path:
    """The app home sandbox mode uses, kept apart from real data (ignores the override)."""
    _ensure(platform_home())
    return _ensure(platform_home() / "sandbox")
