"""A sync profile: one source joined to one Constant Contact account and its main list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.schedule import Schedule


class SourceKind(StrEnum):
    """Where records come from. Only some are available now; the wizard shows the rest."""

    FILE = "file"  # CSV or Excel
    XERO = "xero"
    SALESFORCE = "salesforce"
    NEONCRM = "neoncrm"
    KLAVIYO = "klaviyo"


SOURCE_LABELS: dict[SourceKind, str] = {
    SourceKind.FILE: "CSV or Excel file",
    SourceKind.XERO: "Xero",
    SourceKind.SALESFORCE: "Salesforce",
    SourceKind.NEONCRM: "NeonCRM",
    SourceKind.KLAVIYO: "Klaviyo",
}


@dataclass(frozen=True)
class SourceSpec:
    """Which source, and its non-secret settings (a file path, a tenant id...)."""

    kind: SourceKind = SourceKind.FILE
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return str(self.settings.get("path", ""))

    def describe(self) -> str:
        if self.kind is SourceKind.FILE and self.path:
            return self.path.replace("\\", "/").rsplit("/", 1)[-1]
        return SOURCE_LABELS[self.kind]


class OptOutHandling(StrEnum):
    """What to do with a source record marked opted out."""

    SKIP = "skip"  # leave it out of the push
    UNSUBSCRIBE = "unsubscribe"  # unsubscribe the Constant Contact contact too


@dataclass(frozen=True)
class SyncOptions:
    """The push options (wizard step 3). Each has a one-line tooltip in ``OPTION_HELP``."""

    unknown_for_blank_names: bool = False
    sync_addresses: bool = True
    sync_phones: bool = True
    opt_out_handling: OptOutHandling = OptOutHandling.SKIP
    opt_out_column: str = ""  # a source column whose truthy value means "opted out"
    update_existing: bool = True  # update contacts that already exist in Constant Contact

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SyncOptions:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        if "opt_out_handling" in kwargs:
            kwargs["opt_out_handling"] = OptOutHandling(kwargs["opt_out_handling"])
        return cls(**kwargs)


OPTION_HELP: dict[str, str] = {
    "unknown_for_blank_names": 'Fill a blank first or last name with "Unknown" so greetings '
    "never read oddly.",
    "sync_addresses": "Send street, city, state, postal code and country to Constant Contact.",
    "sync_phones": "Send phone numbers to Constant Contact.",
    "opt_out_handling": "What to do with people your source marks as opted out: leave them out, "
    "or also unsubscribe them in Constant Contact.",
    "opt_out_column": "The column that marks a person as opted out (yes, true, 1 or x).",
    "update_existing": "Update names and details of contacts already in Constant Contact; "
    "when off, only new contacts are added.",
}


@dataclass(frozen=True)
class SyncProfile:
    """One sync profile. ``id`` is None until the store saves it."""

    name: str
    source: SourceSpec
    main_list: str
    connection_id: int | None = None
    options: SyncOptions = field(default_factory=SyncOptions)
    mapping: FieldMapping = field(default_factory=FieldMapping)
    filters: FilterGroup = field(default_factory=FilterGroup)
    schedule: Schedule = field(default_factory=Schedule)
    id: int | None = None

    def with_changes(self, **changes: Any) -> SyncProfile:
        return replace(self, **changes)
