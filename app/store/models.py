"""Peewee tables: columns only; ``migrations`` builds the schema, and a test keeps the two equal."""

from __future__ import annotations

import json
from typing import Any

from peewee import (
    BooleanField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app.store.db import db


class JSONField(TextField):
    """A JSON document in a TEXT column."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = db


class Connection(BaseModel):
    """A service account; tokens live in the keyring, never here."""

    service = TextField()
    label = TextField(default="")
    account_name = TextField(default="")
    status = TextField(default="disconnected")
    settings = JSONField(default=dict)
    created_at = TextField()
    updated_at = TextField()

    class Meta:
        table_name = "connection"


class Profile(BaseModel):
    name = TextField(unique=True, collation="NOCASE")
    source_kind = TextField()
    source_settings = JSONField(default=dict)
    connection = ForeignKeyField(Connection, null=True, on_delete="SET NULL")
    main_list = TextField(default="")
    main_list_id = TextField(null=True)
    options = JSONField(default=dict)
    mapping = JSONField(default=list)  # [[source, target], ...] in order
    filters = JSONField(default=dict)
    schedule = JSONField(default=dict)
    created_at = TextField()
    updated_at = TextField()

    class Meta:
        table_name = "profile"


class Run(BaseModel):
    # index=False: the composite indexes in Meta cover these foreign keys.
    profile = ForeignKeyField(Profile, on_delete="CASCADE", index=False)
    status = TextField()
    phase = TextField(default="")
    dry_run = BooleanField(default=False)
    started_at = TextField()
    finished_at = TextField(null=True)
    message = TextField(default="")
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    skipped = IntegerField(default=0)
    failed = IntegerField(default=0)
    total = IntegerField(default=0)
    checkpoint = JSONField(default=dict)  # resume state, owned by the engine
    extra = JSONField(default=dict)

    class Meta:
        table_name = "run"
        indexes = ((("profile", "id"), False),)


class RunRecord(BaseModel):
    run = ForeignKeyField(Run, on_delete="CASCADE", index=False)
    row = IntegerField()
    key = TextField()
    email = TextField(default="")
    action = TextField()  # planned: create / update / unchanged / skip
    outcome = TextField(null=True)  # None until final
    reason = TextField(default="")
    contact_id = TextField(default="")
    matched_existing = BooleanField(default=False)
    detail = TextField(default="")
    fingerprint = TextField(default="")  # of the values sent; becomes the link's on success
    payload = JSONField(null=True)  # the import item to send
    chunk = IntegerField(null=True)  # the import chunk that carries the payload

    class Meta:
        table_name = "run_record"
        indexes = (
            (("run", "outcome"), False),
            (("run", "chunk"), False),
            (("run", "key"), False),
        )


class Link(BaseModel):
    profile = ForeignKeyField(Profile, on_delete="CASCADE", index=False)
    source_key = TextField()
    contact_id = TextField(null=True)  # bulk imports return no ids
    email = TextField(default="")
    fingerprint = TextField(default="")
    synced_at = TextField()

    class Meta:
        table_name = "link"
        indexes = (
            (("profile", "source_key"), True),
            (("profile", "email"), False),
        )


class RemoteContactRow(BaseModel):
    """One contact of a connection's Constant Contact account, as last seen."""

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    contact_id = TextField()
    email = TextField()  # lowercased
    permission = TextField()
    list_ids = TextField(default="")  # sorted, comma-separated
    updated_at = TextField(null=True)
    deleted = BooleanField(default=False)

    class Meta:
        table_name = "remote_contact"
        indexes = (
            (("connection", "contact_id"), True),
            (("connection", "email"), False),
        )


class MirrorState(BaseModel):
    connection = ForeignKeyField(Connection, unique=True, on_delete="CASCADE")
    watermark = TextField(null=True)  # ISO 8601; the next ``updated_after``
    full_sync_done = BooleanField(default=False)

    class Meta:
        table_name = "mirror_state"


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Connection,
    Profile,
    Run,
    RunRecord,
    Link,
    RemoteContactRow,
    MirrorState,
)
