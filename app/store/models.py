"""Peewee tables: columns only; ``migrations`` builds the schema, and a test keeps the two equal."""

from __future__ import annotations

import json
from typing import Any

from peewee import (
    AutoField,
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
    id = AutoField()  # what peewee adds by itself, declared so that type checkers see it

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
    destination_kind = TextField(default="constant_contact")
    destination_settings = JSONField(default=dict)
    connection = ForeignKeyField(Connection, null=True, on_delete="SET NULL")
    connection_id: int | None  # the foreign key's value, as peewee gives it
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
    # The time it ran (``runs_repo``): finished segments' seconds, the running segment's
    # start, and its last write. NULL in runs older than schema 9.
    active_seconds = IntegerField(null=True)
    segment_started_at = TextField(null=True)
    touched_at = TextField(null=True)

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
    direction = TextField(default="push")  # push, import or optout
    state = TextField(null=True)  # opt-out states to store on success: "<source>,<cc>"
    name = TextField(default="")  # the person's name, for results and exports
    source_id = TextField(default="")  # the source's own id (Xero ContactID...), or ""

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
    last_sent = JSONField(null=True)  # the item last sent, for "old → new" diffs
    source_opted_out = BooleanField(null=True)  # the source's opt-out mark last acted on
    cc_unsubscribed = BooleanField(null=True)  # Constant Contact's state last seen
    origin = TextField(default="push")  # push, or import (made from a CC contact)

    class Meta:
        table_name = "link"
        indexes = (
            (("profile", "source_key"), True),
            (("profile", "email"), False),
        )


class LeftAddress(BaseModel):
    """An address a profile's record left for a new one, its old contact kept apart ("a new
    contact when an email changes"): never imported back as another person."""

    profile = ForeignKeyField(Profile, on_delete="CASCADE", index=False)
    email = TextField()  # lower-cased
    left_at = TextField()

    class Meta:
        table_name = "left_address"
        indexes = ((("profile", "email"), True),)


class RemoteContactRow(BaseModel):
    """One contact of a connection's Constant Contact account, as last seen."""

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    contact_id = TextField()
    email = TextField()  # lowercased
    permission = TextField()
    list_ids = TextField(default="")  # sorted, comma-separated
    updated_at = TextField(null=True)
    deleted = BooleanField(default=False)
    fields = JSONField(null=True)  # names and custom fields, by the import's flat keys

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


class AppSetting(BaseModel):
    """One app preference (see ``app.core.settings``), as JSON."""

    key = TextField(unique=True)
    value = JSONField(null=True)
    updated_at = TextField()

    class Meta:
        table_name = "app_setting"


class JournalEntry(BaseModel):
    """One remote write a run planned, with the values it replaced (for undo)."""

    run = ForeignKeyField(Run, on_delete="CASCADE", index=False)
    key = TextField()  # the run record's key
    action = TextField()  # the run record's action (create, update, remove...)
    email = TextField(default="")
    contact_id = TextField(default="")
    before = JSONField(null=True)  # {"fields", "list_ids", "permission", "email"} or None
    undo_run_id = IntegerField(null=True)  # the undo run that settled it
    undo_outcome = TextField(null=True)  # restored / skipped / failed; None until undone
    undo_reason = TextField(default="")

    class Meta:
        table_name = "journal_entry"
        indexes = ((("run", "key"), False),)


class CampaignRow(BaseModel):
    """One email campaign of a connection's Constant Contact account."""

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    campaign_id = TextField()
    name = TextField(default="")
    status = TextField(default="")
    created_at = TextField(null=True)
    updated_at = TextField(null=True)  # Constant Contact's, ISO 8601 UTC
    sent_at = TextField(null=True)  # last_sent_date, ISO 8601 UTC
    details_at = TextField(null=True)  # the updated_at its activities were read at

    class Meta:
        table_name = "campaign"
        indexes = ((("connection", "campaign_id"), True),)


class CampaignActivityRow(BaseModel):
    """One campaign activity (the primary email or a resend); reports hang off these."""

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    campaign_id = TextField()
    activity_id = TextField()
    role = TextField()

    class Meta:
        table_name = "campaign_activity"
        indexes = (
            (("connection", "activity_id"), True),
            (("connection", "campaign_id"), False),
        )


class CampaignSummaryRow(BaseModel):
    """A campaign's unique counts, as the summaries report last gave them."""

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    campaign_id = TextField()
    sends = IntegerField(default=0)
    opens = IntegerField(default=0)
    clicks = IntegerField(default=0)
    forwards = IntegerField(default=0)
    optouts = IntegerField(default=0)
    abuse = IntegerField(default=0)
    bounces = IntegerField(default=0)
    not_opened = IntegerField(default=0)
    refreshed_at = TextField()

    class Meta:
        table_name = "campaign_summary"
        indexes = ((("connection", "campaign_id"), True),)


class CampaignEventRow(BaseModel):
    """One per-contact tracking event, kept once: (activity, kind, contact, time, link)."""

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    campaign_id = TextField()
    activity_id = TextField()
    kind = TextField()  # app.core.campaign_stats.EVENT_KINDS
    contact_id = TextField()
    email = TextField(default="")  # lowercased
    name = TextField(default="")
    at = TextField()  # created_time, ISO 8601 UTC
    link = TextField(default="")  # clicks: the link's URL
    code = TextField(default="")  # bounces: bounce_code; optouts: the reason

    class Meta:
        table_name = "campaign_event"
        indexes = (
            (("connection", "activity_id", "kind", "contact_id", "at", "link"), True),
            (("connection", "campaign_id", "kind"), False),
            (("email",), False),  # one person's events, across accounts
            (("connection", "contact_id"), False),
        )


class CampaignMarkRow(BaseModel):
    """How far back one tracking report of one activity has been read.

    ``mark`` is the newest row's time once a pass ended; while a pass pages, ``cursor`` is the
    next page to read and ``pending`` the newest time the pass saw (it becomes ``mark`` at
    the end), so a stopped pull resumes at that page.
    """

    connection = ForeignKeyField(Connection, on_delete="CASCADE", index=False)
    activity_id = TextField()
    report = TextField()
    mark = TextField(null=True)
    cursor = TextField(null=True)
    pending = TextField(null=True)
    done = BooleanField(default=False)  # sends/didnotopens read for good
    read_at = TextField(null=True)  # when a pass last ended

    class Meta:
        table_name = "campaign_mark"
        indexes = ((("connection", "activity_id", "report"), True),)


class CampaignPullState(BaseModel):
    """A connection's statistics pull: the campaign discovery cursor and the last passes."""

    connection = ForeignKeyField(Connection, unique=True, on_delete="CASCADE")
    discovered_at = TextField(null=True)  # the start of the last discovery that finished
    nightly_at = TextField(null=True)  # when the last full (nightly) pull finished
    pulled_at = TextField(null=True)  # when the last pull of any kind finished
    tried_at = TextField(null=True)  # when a pull last started (finished or not)
    resume_at = TextField(null=True)  # a pull stopped by the daily quota resumes after this

    class Meta:
        table_name = "campaign_pull_state"


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Connection,
    Profile,
    Run,
    RunRecord,
    Link,
    LeftAddress,
    RemoteContactRow,
    MirrorState,
    AppSetting,
    JournalEntry,
    CampaignRow,
    CampaignActivityRow,
    CampaignSummaryRow,
    CampaignEventRow,
    CampaignMarkRow,
    CampaignPullState,
)
