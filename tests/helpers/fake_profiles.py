"""``ProfilesApi`` in memory: profiles in a dict, sources read from real files."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from app.connectors.base import Source
from app.connectors.file_source import FileSource
from app.core.errors import ConfigError, ValidationError
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.outcomes import RunSummary
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.core.settings import Preferences
from app.core.source_preview import SourcePreview
from app.store.profiles_repo import ProfileRepository, profile_from_export
from app.sync.facade.values import ProfileOverview


class FakeProfiles:
    """Profiles by id; a file source is read from its file (other services need the sandbox).

    Attributes:
        by_id: the saved profiles.
        save_error: raised by ``save`` when set.
        save_calls, count_calls, preview_calls: how often each was asked.
        last_run: the profile's newest run, for ``overviews`` (the fake runs' history).
    """

    def __init__(self, *profiles: SyncProfile) -> None:
        self.by_id: dict[int, SyncProfile] = {p.saved_id: p for p in profiles}
        self.prefs = Preferences()
        self.save_error: Exception | None = None
        self.save_calls = 0
        self.count_calls = 0
        self.preview_calls = 0
        self.last_run: Callable[[int], RunSummary | None] = lambda profile_id: None
        self.last_dry_run: Callable[[int], RunSummary | None] = lambda profile_id: None

    def add(self, profile: SyncProfile) -> SyncProfile:
        """Store a profile as if saved earlier (no call counted)."""
        stored = replace(profile, id=profile.id or max(self.by_id, default=0) + 1)
        self.by_id[stored.saved_id] = stored
        return stored

    # -- ProfilesApi -------------------------------------------------------------------------

    def overviews(self) -> builtins.list[ProfileOverview]:
        overviews = []
        for pid, p in self.by_id.items():
            last, dry = self.last_run(pid), self.last_dry_run(pid)
            if dry is not None and last is not None and dry.run_id < last.run_id:
                dry = None
            overviews.append(ProfileOverview(p, last, last_dry_run=dry))
        return overviews

    def get(self, profile_id: int) -> SyncProfile | None:
        return self.by_id.get(profile_id)

    def get_by_name(self, name: str) -> SyncProfile | None:
        return next((p for p in self.by_id.values() if p.name == name.strip()), None)

    def named(self, name: str) -> SyncProfile:
        found = self.get_by_name(name)
        if found is None:
            raise ConfigError(f'There is no profile named "{name}".')
        return found

    def save(self, profile: SyncProfile) -> SyncProfile:
        self.save_calls += 1
        if self.save_error is not None:
            raise self.save_error
        return self.add(profile)

    def delete(self, profile_id: int) -> None:
        del self.by_id[profile_id]

    def export_dict(self, profile: SyncProfile) -> dict[str, Any]:
        return ProfileRepository().export_dict(profile)  # plain data: no database involved

    def import_dict(self, data: Mapping[str, Any], replace: bool = False) -> SyncProfile:
        profile = profile_from_export(data)
        existing = self.get_by_name(profile.name)
        if existing is not None:
            if not replace:
                raise ValidationError(f'A profile named "{existing.name}" already exists.')
            profile = profile.with_changes(id=existing.id, connection_id=existing.connection_id)
        return self.save(profile)

    def open_source(self, spec: SourceSpec, opt_out_column: str = "") -> Source:
        if spec.kind != "file":
            raise ConfigError(f"The fake reads files only, not {spec.kind}: use the sandbox.")
        settings = spec.settings
        return FileSource(
            Path(str(settings.get("path") or "")),
            key_column=settings.get("key_column") or None,
            opt_out_column=opt_out_column or None,
            sheet=settings.get("sheet") or None,
        )

    def preview_source(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[builtins.list[str], builtins.list[builtins.list[str]]]:
        columns, numbered = self.open_source(spec).numbered_preview(rows)
        return columns, [cells for _, cells in numbered]

    def source_preview(self, spec: SourceSpec, rows: int = 20) -> SourcePreview:
        self.preview_calls += 1
        return self.open_source(spec).look(rows)

    def numbered_preview(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[builtins.list[str], builtins.list[tuple[int, builtins.list[str]]]]:
        return self.open_source(spec).numbered_preview(rows)

    def count_matching(self, spec: SourceSpec, filters: FilterGroup) -> tuple[int, int]:
        self.count_calls += 1
        records = builtins.list(self.open_source(spec).iter_records())
        return sum(filters.matches(r.values) for r in records), len(records)

    def source_records(self, profile_id: int, limit: int = 1000) -> builtins.list[SourceRecord]:
        profile = self.by_id[profile_id]
        source = self.open_source(profile.source, profile.options.opt_out_column)
        return builtins.list(islice(source.iter_records(), limit))

    def suggest_mapping(self, columns: builtins.list[str]) -> FieldMapping:
        return self.prefs.mapping_for(columns, suggest_mapping(columns))

    def preferences(self) -> Preferences:
        return self.prefs

    def save_preferences(self, prefs: Preferences) -> None:
        self.prefs = prefs

    def new_options(self, base: SyncOptions | None = None) -> SyncOptions:
        return self.prefs.sync_options(base)

    def list(self) -> builtins.list[SyncProfile]:  # last: its name hides the builtin's
        return builtins.list(self.by_id.values())
