"""The emulated org: its clock, state, settings and the sObjects those settings give.

Handlers get an ``Org``. Settings live in the state file, so a sandbox keeps them between
launches; the schema is rebuilt when a setting or a custom field changes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.sandbox.salesforce.fields import FieldSpec, ObjectSpec
from app.sandbox.salesforce.schema import OrgOptions, build
from app.sandbox.salesforce.state import State, get_setting, set_setting
from app.sandbox.salesforce.times import to_ms

# Settings (key → default) a test or the samples may change.
FLAGS = {
    "person_accounts": "1",  # Person Accounts enabled (irreversible in a real org)
    "picklists": "1",  # State and Country/Territory picklists enabled
    "duplicate_rules": "1",  # the standard Contact and Lead duplicate rules are active
    "password_flow": "0",  # the username-password flow (blocked since Summer '23)
    "edit_converted_leads": "0",  # "View and Edit Converted Leads" granted
}


@dataclass(frozen=True)
class CustomField:
    sobject: str
    spec: FieldSpec


class Org:
    """The org the emulator serves: one per state file."""

    def __init__(self, state: State, clock: Callable[[], datetime]) -> None:
        self.state = state
        self.clock = clock
        self._lock = threading.Lock()
        self._schema: dict[str, ObjectSpec] | None = None
        self._flags: dict[str, bool] | None = None

    def now_ms(self) -> int:
        return to_ms(self.clock())

    # -- settings -------------------------------------------------------------------------

    def flag(self, name: str) -> bool:
        # Read the state outside our own lock: a handler holding the state's lock may ask
        # for a flag, and waiting on each other's locks would deadlock.
        flags = self._flags
        if flags is None:
            with self.state.tx() as conn:
                flags = {k: get_setting(conn, k, d) == "1" for k, d in FLAGS.items()}
            with self._lock:
                self._flags = flags
        return flags[name]

    def set_flag(self, name: str, value: bool) -> None:
        if name not in FLAGS:
            raise KeyError(name)
        with self.state.tx() as conn:
            set_setting(conn, name, "1" if value else "0")
            set_setting(conn, "schema_changed_ms", str(self.now_ms()))
        self.invalidate()

    def setting(self, name: str, default: str = "") -> str:
        with self.state.tx() as conn:
            return get_setting(conn, name, default)

    def set_setting(self, name: str, value: str) -> None:
        with self.state.tx() as conn:
            set_setting(conn, name, value)

    def invalidate(self) -> None:
        with self._lock:
            self._schema = None
            self._flags = None

    # -- schema ---------------------------------------------------------------------------

    def objects(self) -> dict[str, ObjectSpec]:
        schema = self._schema
        if schema is None:
            options = OrgOptions(self.flag("person_accounts"), self.flag("picklists"))
            with self.state.tx() as conn:
                rows = conn.execute(
                    "SELECT sobject, doc FROM custom_fields ORDER BY seq"
                ).fetchall()
            custom = [(r["sobject"], _field(json.loads(r["doc"]))) for r in rows]
            schema = build(options, custom)
            with self._lock:
                self._schema = schema
        return schema

    def sobject(self, name: str) -> ObjectSpec | None:
        """The sObject called ``name`` (any case), or None."""
        objects = self.objects()
        found = objects.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        return next((o for o in objects.values() if o.name.lower() == lowered), None)

    def object_for_id(self, record_id: str) -> ObjectSpec | None:
        return next((o for o in self.objects().values() if o.prefix == record_id[:3]), None)

    def add_custom_field(self, conn: sqlite3.Connection, sobject: str, spec: FieldSpec) -> None:
        doc = json.dumps({k: v for k, v in spec.__dict__.items()})
        conn.execute(
            "INSERT OR REPLACE INTO custom_fields (sobject, name, doc) VALUES (?, ?, ?)",
            (sobject, spec.name, doc),
        )
        set_setting(conn, "schema_changed_ms", str(self.now_ms()))

    # -- identity -------------------------------------------------------------------------

    @property
    def org_id(self) -> str:
        return self.setting("org_id")

    @property
    def default_user(self) -> str:
        return self.setting("default_user")


def _field(doc: dict[str, Any]) -> FieldSpec:
    for key in ("reference_to", "picklist"):
        doc[key] = tuple(doc.get(key) or ())
    return FieldSpec(**doc)
