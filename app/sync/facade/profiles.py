"""Profiles: the saved sync profiles, their sources (previews, counts, mapping suggestions)
and the preferences a new profile starts from."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from itertools import islice
from typing import Any

from app.connectors import registry
from app.connectors.base import Source
from app.connectors.connector import ConnectorHost, OpenRequest
from app.core.errors import ConfigError
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.core.settings import Preferences
from app.core.source_preview import SourcePreview
from app.store.settings_repo import SettingsRepository
from app.sync.facade.store import Store
from app.sync.facade.values import ProfileOverview


def suggested_mapping(settings: SettingsRepository, columns: list[str]) -> FieldMapping:
    """The usual spellings matched to Constant Contact fields, plus, when Settings says
    so, a custom field for every other column."""
    return settings.load().mapping_for(columns, suggest_mapping(columns))


class Profiles:
    """Implements ``ProfilesApi`` over the store; sources open through their connector.

    Args:
        store: the repositories.
        host: what a connector may ask of the app when it opens a source.
    """

    def __init__(self, store: Store, host: ConnectorHost) -> None:
        self._store = store
        self._rows = store.profiles
        self._host = host

    # -- the profiles ------------------------------------------------------------------------

    def overviews(self) -> builtins.list[ProfileOverview]:
        runs = self._store.runs
        overviews = []
        for p in self._rows.list():
            last = runs.last_run(p.saved_id, include_dry_runs=False, include_undo=False)
            dry = runs.last_dry_run(p.saved_id)
            if dry is not None and last is not None and dry.run_id < last.run_id:
                dry = None  # a sync came after it
            overviews.append(ProfileOverview(p, last, runs.last_run(p.saved_id), dry))
        return overviews

    def get(self, profile_id: int) -> SyncProfile | None:
        return self._rows.get(profile_id)

    def get_by_name(self, name: str) -> SyncProfile | None:
        return self._rows.get_by_name(name)

    def require(self, profile_id: int) -> SyncProfile:
        """The profile; ``ConfigError`` when it was deleted (a window showed it before)."""
        profile = self._rows.get(profile_id)
        if profile is None:
            raise ConfigError("This profile no longer exists: it was deleted.")
        return profile

    def named(self, name: str) -> SyncProfile:
        profile = self._rows.get_by_name(name)
        if profile is None:
            names = ", ".join(f'"{p.name}"' for p in self._rows.list()) or "none yet"
            raise ConfigError(f'There is no profile named "{name}". Profiles: {names}.')
        return profile

    def save(self, profile: SyncProfile) -> SyncProfile:
        return self._rows.save(profile)

    def delete(self, profile_id: int) -> None:
        self._rows.delete(profile_id)

    def export_dict(self, profile: SyncProfile) -> dict[str, Any]:
        return self._rows.export_dict(profile)

    def import_dict(self, data: Mapping[str, Any], replace: bool = False) -> SyncProfile:
        return self._rows.import_dict(data, replace=replace)

    # -- their sources -----------------------------------------------------------------------

    def open_source(self, spec: SourceSpec, opt_out_column: str = "") -> Source:
        """The source a profile reads, opened by its service's connector."""
        request = OpenRequest(spec.settings, opt_out_column)
        return registry.connector(spec.kind).open_source(self._host, request)

    def preview_source(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[builtins.list[str], builtins.list[builtins.list[str]]]:
        columns, numbered = self.open_source(spec).numbered_preview(rows)
        return columns, [cells for _, cells in numbered]

    def source_preview(self, spec: SourceSpec, rows: int = 20) -> SourcePreview:
        """The first rows, each with its row number, and how the source was read (the
        headings below any title lines, the workbook sheet and why, a guessed encoding)."""
        return self.open_source(spec).look(rows)

    def numbered_preview(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[builtins.list[str], builtins.list[tuple[int, builtins.list[str]]]]:
        """The columns and the first rows, each with the row number a sync's results give it."""
        return self.open_source(spec).numbered_preview(rows)

    def count_matching(self, spec: SourceSpec, filters: FilterGroup) -> tuple[int, int]:
        """How many of the source's records pass the filters: (matching, total)."""
        matching = total = 0
        for record in self.open_source(spec).iter_records():
            total += 1
            matching += filters.matches(record.values)
        return matching, total

    def source_records(self, profile_id: int, limit: int = 1000) -> builtins.list[SourceRecord]:
        """The first ``limit`` records of a profile's source, opt-out marks included."""
        profile = self.require(profile_id)
        source = self.open_source(profile.source, profile.options.opt_out_column)
        return builtins.list(islice(source.iter_records(), limit))

    def suggest_mapping(self, columns: builtins.list[str]) -> FieldMapping:
        return suggested_mapping(self._store.settings, columns)

    # -- the preferences new profiles start from ---------------------------------------------

    def preferences(self) -> Preferences:
        return self._store.settings.load()

    def save_preferences(self, prefs: Preferences) -> None:
        self._store.settings.save(prefs)

    def new_options(self, base: SyncOptions | None = None) -> SyncOptions:
        """The options a new profile starts from: the Settings dialog's defaults."""
        return self.preferences().sync_options(base)

    def list(self) -> builtins.list[SyncProfile]:  # last: its name hides the builtin's
        return self._rows.list()
