"""Fixtures for the store tests: a fresh database file per test, bound and closed again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from app.store.db import close_database, open_database
from app.store.repositories import (
    ConnectionRepository,
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "contactbridge.sqlite3"


@pytest.fixture
def database(db_file: Path) -> Iterator[SqliteDatabase]:
    database = open_database(db_file)
    yield database
    close_database()


@pytest.fixture
def profiles(database: SqliteDatabase) -> ProfileRepository:
    return ProfileRepository()


@pytest.fixture
def runs(database: SqliteDatabase) -> RunRepository:
    return RunRepository()


@pytest.fixture
def links(database: SqliteDatabase) -> LinkRepository:
    return LinkRepository()


@pytest.fixture
def mirror(database: SqliteDatabase) -> MirrorRepository:
    return MirrorRepository()


@pytest.fixture
def connections(database: SqliteDatabase) -> ConnectionRepository:
    return ConnectionRepository()
