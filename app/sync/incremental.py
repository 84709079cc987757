"""Whether a run reads only what changed in the source since the last run (an incremental read).

A source that can (``SourceCapabilities.incremental``: Xero's ``If-Modified-Since``) is read
whole on the first run, once a day after that, after any change to the profile (a new
mapping must reach every record), for a retry of some records, and whenever the profile
imports from Constant Contact (matching a contact to a source record needs every record, or a
record not read would be created twice). Otherwise a run reads the records changed since the
last run's read began, less a few minutes' overlap for clocks that differ; a record read twice
is simply "unchanged". Deletions are then learnt from the source's own channel
(``Source.deleted_since``), never from absence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.connectors.base import ForgetfulSource, Source, SourceCapabilities
from app.core.outcomes import RunStatus
from app.core.profiles import SyncProfile

FULL_READ_EVERY = timedelta(hours=24)
OVERLAP = timedelta(minutes=5)
_DONE = frozenset({RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS})
# Checkpoint keys a run leaves for the next one.
READ_AT, FULL_READ_AT, DIGEST = "source_read_at", "full_read_at", "profile_digest"


@dataclass(frozen=True)
class ReadPlan:
    """How this run reads the source: whole (``since`` None), or the changes since a time."""

    since: datetime | None
    why: str
    full_read_at: datetime  # when the last whole read began (this run's, for a whole read)

    @property
    def full(self) -> bool:
        return self.since is None


def profile_digest(profile: SyncProfile) -> str:
    """A digest of what decides how records are sent: a change means reading them all."""
    parts: dict[str, Any] = {
        "source": dict(profile.source.settings),
        "list": profile.main_list,
        "options": profile.options.to_dict(),
        "mapping": [(f.source, f.target) for f in profile.mapping.fields],
        "filters": profile.filters.to_dict(),
    }
    if not profile.into_constant_contact:  # a migration: its destination's choices too
        parts["destination"] = dict(profile.destination.settings)
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read_plan(
    profile: SyncProfile,
    caps: SourceCapabilities,
    previous: dict[str, Any] | None,
    now: datetime,
    *,
    retry: bool = False,
) -> ReadPlan:
    """Decide this run's read from the capabilities and the last finished run's checkpoint."""

    def whole(why: str) -> ReadPlan:
        return ReadPlan(None, why, now)

    if not caps.incremental:
        return whole("the source is read whole every time")
    if retry:
        return whole("a retry reads the source whole")
    if profile.options.import_from_cc:
        return whole("importing from Constant Contact needs every source record")
    if not profile.options.push_to_cc:
        return whole("a profile one way from Constant Contact matches against every record")
    if not previous or READ_AT not in previous or FULL_READ_AT not in previous:
        return whole("the first run reads the source whole")
    if previous.get(DIGEST) != profile_digest(profile):
        return whole("the profile changed since the last run")
    try:
        read_at = datetime.fromisoformat(previous[READ_AT])
        full_at = datetime.fromisoformat(previous[FULL_READ_AT])
    except (TypeError, ValueError):
        return whole("the last run's read time is unknown")
    if now - full_at >= FULL_READ_EVERY:
        return whole("the source is read whole once a day")
    since = read_at - OVERLAP
    return ReadPlan(since, f"records changed since {since.isoformat(timespec='seconds')}", full_at)


def within_memory(plan: ReadPlan, source: Source, now: datetime) -> ReadPlan:
    """``plan``, or a whole read when the source no longer remembers the deletions since
    the plan's time (``ForgetfulSource``): a read of the changes would miss some."""
    if plan.since is None or not isinstance(source, ForgetfulSource):
        return plan
    if source.remembers_changes_since(plan.since):
        return plan
    return ReadPlan(None, "the source no longer keeps every deletion since the last read", now)


def previous_read(runs: Any, profile_id: int) -> dict[str, Any] | None:
    """The checkpoint of the profile's latest finished, real run that read its source."""
    for run in runs.history(profile_id, 20):
        if run.dry_run or run.status not in _DONE:
            continue
        checkpoint: dict[str, Any] = runs.checkpoint(run.run_id)
        if READ_AT in checkpoint:
            return checkpoint
    return None


def remember(cp: dict[str, Any], plan: ReadPlan, profile: SyncProfile, read_at: datetime) -> None:
    """Leave this run's read times in its checkpoint, for the next run's ``read_plan``."""
    cp[READ_AT] = read_at.isoformat()
    cp[FULL_READ_AT] = plan.full_read_at.isoformat()
    cp[DIGEST] = profile_digest(profile)
