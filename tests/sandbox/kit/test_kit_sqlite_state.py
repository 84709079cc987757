"""The kit's SQLite state: a failed block leaves nothing behind, nested blocks join the outer
one, and the counters hand out each number once, also after the file is opened again."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.sandbox.kit.counters import COUNTERS_SCHEMA, reserve
from app.sandbox.kit.sqlite_state import SqliteState


class Notes(SqliteState):
    SCHEMA = "CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL);" + COUNTERS_SCHEMA
    PRAGMAS = ("temp_store=MEMORY",)


def _texts(state: SqliteState) -> list[str]:
    with state.tx() as conn:
        return [row["text"] for row in conn.execute("SELECT text FROM notes ORDER BY rowid")]


def test_a_failing_block_undoes_its_writes_and_those_of_the_blocks_inside(tmp_path: Path) -> None:
    state = Notes(tmp_path / "deep" / "notes.sqlite3")
    with state.tx() as conn:
        conn.execute("INSERT INTO notes VALUES ('kept')")
    with pytest.raises(RuntimeError), state.tx() as conn:
        conn.execute("INSERT INTO notes VALUES ('outer')")
        with state.tx() as inner:  # joins the outer transaction
            inner.execute("INSERT INTO notes VALUES ('inner')")
        raise RuntimeError("the handler failed")
    assert _texts(state) == ["kept"]
    state.close()


def test_counters_give_each_number_once_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    state = Notes(path)
    with state.tx() as conn:
        assert reserve(conn, "uid", 1000) == 1001
        assert reserve(conn, "uid", 1000, count=5) == 1002
        assert reserve(conn, "group", 40) == 41
    state.close()
    again = Notes(path)
    with again.tx() as conn:
        assert reserve(conn, "uid", 1000) == 1007
    again.close()
