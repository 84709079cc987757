"""What happened to each source record in a run, and the counts that must add up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """Every source record in a run ends as exactly one of these."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


class RunStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"  # every record succeeded or was skipped with a reason
    COMPLETED_WITH_ERRORS = "completed_with_errors"  # some records failed
    CANCELLED = "cancelled"  # stopped by the user; can be resumed
    PAUSED = "paused"  # stopped by the daily quota; resumes after the reset
    FAILED = "failed"  # the run itself could not go on; can be resumed
    DRY_RUN = "dry_run"  # a plan only; nothing was written


RESUMABLE = frozenset({RunStatus.CANCELLED, RunStatus.PAUSED, RunStatus.FAILED, RunStatus.RUNNING})


@dataclass(frozen=True, slots=True)
class RunCounts:
    """Counts of a run. ``total`` always equals the sum of the five outcomes."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped + self.failed

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> RunCounts:
        c = Counter(outcomes)
        return cls(**{o.value: c.get(o, 0) for o in Outcome})

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
        }


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The outcome of one source record, as the results tables show it."""

    row: int
    key: str
    email: str
    outcome: Outcome
    reason: str = ""
    contact_id: str = ""
    matched_existing: bool = False  # an update/unchanged that matched a contact by email
    detail: str = ""  # e.g. the values changed: "first_name: Ada → Augusta"
    direction: str = "push"  # push, import (Constant Contact → source) or optout
    action: str = ""  # the planned action (create, update, remove, import_create...)
    name: str = ""  # the person's name, from the mapped first and last name
    source_id: str = ""  # the source's own id (a Xero ContactID, a file's ID column), or ""


@dataclass(frozen=True)
class RunSummary:
    """A finished (or stopped) run, for the history and the CLI."""

    run_id: int
    profile_name: str
    status: RunStatus
    counts: RunCounts
    dry_run: bool = False
    message: str = ""
    started_at: str = ""
    finished_at: str = ""
    phase: str = ""
    extra: dict[str, int] = field(default_factory=dict)
    source_name: str = ""  # the source in words ("Xero"); blank for a file ("the source")
    error_kind: str = ""  # why a stopped run stopped (``app.core.advice.ErrorKind``), or ""
    # The seconds it ran, its stops (the app closed, a cancel, the daily limit) left out;
    # None for a run recorded before ContactBridge counted them.
    active_seconds: int | None = None

    def seconds_taken(self) -> int | None:
        """How long the run ran: ``active_seconds``, else started to finished (None when
        either is unknown)."""
        if self.active_seconds is not None:
            return self.active_seconds
        try:
            began = datetime.fromisoformat(self.started_at)
            ended = datetime.fromisoformat(self.finished_at)
        except ValueError:
            return None
        if (began.tzinfo is None) != (ended.tzinfo is None):
            return None
        return max(0, int((ended - began).total_seconds()))
