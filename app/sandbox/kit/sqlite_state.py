"""An emulator's SQLite file: one connection under one lock, every access in a transaction."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar


class SqliteState:
    """Owns the SQLite file. All access goes through :meth:`tx`, which holds one lock.

    One connection is shared by the server threads (and any worker of the emulator); the
    lock keeps it to one user at a time, which is simple and fast enough for a local
    emulator. Subclasses give their ``SCHEMA``, may add ``PRAGMAS`` (beyond WAL and
    ``synchronous=OFF``) and may bring an older file up to date in :meth:`_prepare`.
    """

    SCHEMA: ClassVar[str] = ""
    PRAGMAS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a sandbox: speed over crash safety
            for pragma in self.PRAGMAS:
                conn.execute(f"PRAGMA {pragma}")
            conn.executescript(self.SCHEMA)
            self._prepare(conn)
            self._conn = conn
        return self._conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """After the schema is in place: what an older state file still lacks."""

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction under the state lock (nested blocks join it)."""
        with self._lock:
            conn = self._connection()
            if conn.in_transaction:  # nested use: the outer block commits
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
