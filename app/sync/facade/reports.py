"""Reports: runs across profiles, picked by a ``RunFilter``, and their exports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.outcomes import RunSummary
from app.sync import exports
from app.sync.facade.api import ExportFormat
from app.sync.facade.store import Store
from app.sync.facade.values import RunFilter
from app.sync.progress import CancelToken


class Reports:
    """Implements ``ReportsApi`` over the store and ``app.sync.exports``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def runs(self, run_filter: RunFilter, limit: int = 200) -> list[RunSummary]:
        """Runs across profiles (or of one), newest first, that pass the filter."""
        profiles = [
            p
            for p in self._store.profiles.list()
            if run_filter.profile_id is None or p.id == run_filter.profile_id
        ]
        runs = [
            r
            for p in profiles
            for r in self._store.runs.history(p.saved_id, limit)
            if run_filter.matches(r)
        ]
        runs.sort(key=lambda r: (r.started_at, r.run_id), reverse=True)
        return runs

    def export(
        self,
        path: Path,
        sheets: Sequence[exports.Sheet],
        fmt: ExportFormat,
        cancel: CancelToken | None = None,
    ) -> int:
        """An Excel workbook holds every sheet; a CSV file the first. Written next to
        ``path`` and renamed when done, so a cancelled export leaves no half file."""
        if fmt == "xlsx":
            return exports.write_xlsx(path, sheets, cancel)
        return exports.write_csv(path, sheets[0], cancel)
