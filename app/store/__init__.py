"""The local SQLite store: open it with ``db.open_database``, use it through the repositories."""
