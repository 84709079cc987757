"""Sync runs: their lifecycle, resume checkpoint and history (records: ``run_records_repo``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peewee import ModelSelect, fn

from app.core.outcomes import RESUMABLE, RunCounts, RunStatus, RunSummary
from app.core.profiles import CONSTANT_CONTACT
from app.store import models as m
from app.store.convert import from_text, now_text, tuple_rows
from app.store.db import db
from app.store.run_plan_repo import RunPlanStore
from app.store.run_records_repo import RunRecordStore


def _to_summary(row: m.Run, source_words: Callable[[str], str]) -> RunSummary:
    return RunSummary(
        run_id=row.id,
        profile_name=row.profile.name,
        status=RunStatus(row.status),
        counts=RunCounts(row.created, row.updated, row.unchanged, row.skipped, row.failed),
        dry_run=bool(row.dry_run),
        message=row.message,
        started_at=row.started_at,
        finished_at=row.finished_at or "",
        phase=row.phase,
        extra={k: v for k, v in (row.extra or {}).items() if k != _ERROR_KIND},
        source_name=source_words(_far_side(row.profile)),
        active_seconds=row.active_seconds,
        error_kind=str((row.extra or {}).get(_ERROR_KIND, "")),
    )


def _far_side(profile: m.Profile) -> str:
    """The kind of service across from Constant Contact: the source, or a migration's
    destination (the run's words name it: "Created in …")."""
    if profile.source_kind == CONSTANT_CONTACT:
        return str(profile.destination_kind)
    return str(profile.source_kind)


# Kept in the run's ``extra`` beside its tallies; the summary carries it as ``error_kind``.
_ERROR_KIND = "error_kind"


def _runs() -> ModelSelect[m.Run]:
    return m.Run.select(
        m.Run, m.Profile.name, m.Profile.source_kind, m.Profile.destination_kind
    ).join(m.Profile)


# An undo run is marked by ``undo_of`` in its checkpoint from the moment it starts.
_NOT_UNDO = fn.json_extract(m.Run.checkpoint, "$.undo_of").is_null()


def _count_columns(counts: RunCounts) -> dict[str, int]:
    return counts.as_dict()


class RunRepository(RunPlanStore, RunRecordStore):
    """Runs of a profile, newest first, plus (inherited) their per-record rows.

    ``source_words`` names a profile's source in sentences ("Xero"; "" reads "the source"),
    from its kind: the registry's, which the store does not know.
    """

    def __init__(self, source_words: Callable[[str], str] = lambda kind: "") -> None:
        self.source_words = source_words

    def start(self, profile_id: int, dry_run: bool = False) -> int:
        """Record a new run as RUNNING, its first segment of running time begun; returns
        its id."""
        now = now_text()
        return int(
            m.Run.insert(
                profile=profile_id,
                status=RunStatus.RUNNING.value,
                dry_run=dry_run,
                started_at=now,
                active_seconds=0,
                segment_started_at=now,
                touched_at=now,
            ).execute()
        )

    def set_phase(self, run_id: int, phase: str) -> None:
        self._update(run_id, phase=phase)

    def set_status(self, run_id: int, status: RunStatus, message: str | None = None) -> None:
        """Change the status; the message is kept when None. RUNNING (a resume) begins a
        new segment of the run's running time: the time it was stopped does not count."""
        values: dict[str, Any] = {"status": RunStatus(status).value}
        if message is not None:
            values["message"] = message
        if RunStatus(status) is RunStatus.RUNNING:
            values.update(self._segment_end(run_id))
            if values.get("active_seconds") is not None:
                values["segment_started_at"] = now_text()
        self._update(run_id, **values)

    def save_checkpoint(self, run_id: int, checkpoint: dict[str, Any]) -> None:
        """Store the engine's resume state (JSON-able), replacing the previous one."""
        self._update(run_id, checkpoint=checkpoint)

    def checkpoint(self, run_id: int) -> dict[str, Any]:
        row = m.Run.select(m.Run.checkpoint).where(m.Run.id == run_id).first()
        return dict(row.checkpoint or {}) if row else {}

    def update_counts(self, run_id: int, counts: RunCounts) -> None:
        """Store running counts, so the history shows progress of an unfinished run."""
        self._update(run_id, **_count_columns(counts))

    def finish(
        self,
        run_id: int,
        status: RunStatus,
        counts: RunCounts | None = None,
        message: str = "",
        extra: dict[str, int] | None = None,
        error_kind: str = "",
    ) -> RunSummary:
        """End a run. ``counts`` None means: count the records' outcomes now; ``extra`` None
        means: store the run's tallies (``app.core.vocabulary``) for history and reports;
        ``error_kind`` says why a stopped run stopped (``app.core.advice.ErrorKind``)."""
        if counts is None:
            counts = self.counts(run_id)
        if extra is None:
            extra = self.tallies(run_id).as_extra()
        values: dict[str, Any] = {
            "status": RunStatus(status).value,
            "message": message,
            "finished_at": now_text(),
            **_count_columns(counts),
            **self._segment_end(run_id, at_end=True),
        }
        values["extra"] = {**extra, _ERROR_KIND: error_kind} if error_kind else extra
        self._update(run_id, **values)
        summary = self.get(run_id)
        assert summary is not None
        return summary

    def get(self, run_id: int) -> RunSummary | None:
        row = _runs().where(m.Run.id == run_id).first()
        return _to_summary(row, self.source_words) if row else None

    def connection_of(self, run_id: int) -> int | None:
        """The Constant Contact connection of the run's profile (None: none, or no such run)."""
        row = (
            m.Profile.select(m.Profile.connection)
            .join(m.Run, on=m.Run.profile == m.Profile.id)
            .where(m.Run.id == run_id)
            .tuples()
            .first()
        )
        return row[0] if row else None

    def history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        """The profile's runs, newest first."""
        query = _runs().where(m.Run.profile == profile_id).order_by(m.Run.id.desc()).limit(limit)
        return [_to_summary(r, self.source_words) for r in query]

    def last_run(
        self, profile_id: int, include_dry_runs: bool = True, include_undo: bool = True
    ) -> RunSummary | None:
        """The profile's newest run; ``include_undo`` False: its newest sync (an undo of a
        run is a run of its own, but not a sync)."""
        query = _runs().where(m.Run.profile == profile_id)
        if not include_dry_runs:
            query = query.where(m.Run.dry_run == False)  # noqa: E712 - SQL expression
        if not include_undo:
            query = query.where(_NOT_UNDO)
        row = query.order_by(m.Run.id.desc()).first()
        return _to_summary(row, self.source_words) if row else None

    def last_dry_run(self, profile_id: int) -> RunSummary | None:
        """The profile's newest dry run (shown apart from its last sync)."""
        query = _runs().where((m.Run.profile == profile_id) & (m.Run.dry_run == True))  # noqa: E712
        row = query.order_by(m.Run.id.desc()).first()
        return _to_summary(row, self.source_words) if row else None

    def activity_marker(self) -> str:
        """A short text that changes when a run starts, resumes or ends, or a profile is
        added, changed or deleted, by any process: one cheap query a window polls."""
        row = db.execute_sql(
            """SELECT (SELECT COALESCE(MAX(id), 0) FROM run), (SELECT COUNT(*) FROM run),
                      (SELECT COALESCE(MAX(finished_at), '') FROM run),
                      (SELECT COUNT(*) FROM run WHERE status = ?),
                      (SELECT COALESCE(MAX(segment_started_at), '') FROM run),
                      (SELECT COUNT(*) FROM profile),
                      (SELECT COALESCE(MAX(updated_at), '') FROM profile)""",
            (RunStatus.RUNNING.value,),
        ).fetchone()
        return "|".join(str(value) for value in row)

    def last_started(self, include_dry_runs: bool = False) -> dict[int, str]:
        """Each profile's latest sync start (ISO 8601 UTC text), keyed by profile id.

        The scheduler's input: one query for every profile. Dry runs change nothing, so by
        default they do not count as a profile's last sync; an undo never does (undoing a
        run must not put off the next scheduled sync).
        """
        started = fn.MAX(m.Run.started_at)
        query = m.Run.select(m.Run.profile, started.alias("started")).where(_NOT_UNDO)
        if not include_dry_runs:
            query = query.where(m.Run.dry_run == False)  # noqa: E712 - SQL expression
        rows = tuple_rows(query.group_by(m.Run.profile))
        return {int(pid): str(text) for pid, text in rows if text}

    def resumable_run(self, profile_id: int) -> RunSummary | None:
        """The latest real (not dry) run, when it stopped in a state it can resume from.

        A later run that completed supersedes an older cancelled one, so only the latest
        real run counts; dry runs change nothing and are ignored. An undo run is never
        resumed as a sync.
        """
        last = self.last_run(profile_id, include_dry_runs=False)
        if last is None or last.status not in RESUMABLE:
            return None
        if "undo_of" in self.checkpoint(last.run_id):
            return None  # an undo that stopped is undone again, never resumed as a sync
        return last

    def delete(self, run_id: int) -> None:
        """Delete a run and its records."""
        m.Run.delete().where(m.Run.id == run_id).execute()

    def prune(self, profile_id: int, keep: int = 50) -> int:
        """Delete all but the newest ``keep`` runs of a profile; returns how many went."""
        newest = (
            m.Run.select(m.Run.id)
            .where(m.Run.profile == profile_id)
            .order_by(m.Run.id.desc())
            .limit(keep)
        )
        query = m.Run.delete().where((m.Run.profile == profile_id) & m.Run.id.not_in(newest))
        return int(query.execute())

    def _segment_end(self, run_id: int, at_end: bool = False) -> dict[str, Any]:
        """The columns that close the run's running segment: its seconds added to
        ``active_seconds``. At the end of a run (``at_end``) the segment ends now; on a
        resume, a segment still open was cut short by a crash and ends at its last write.
        Nothing for a run older than these columns (its duration is started to finished)."""
        row = (
            m.Run.select(m.Run.active_seconds, m.Run.segment_started_at, m.Run.touched_at)
            .where(m.Run.id == run_id)
            .first()
        )
        if row is None or row.active_seconds is None:
            return {}
        began = from_text(row.segment_started_at)
        ended = from_text(now_text() if at_end else row.touched_at)
        seconds = int(row.active_seconds)
        if began is not None and ended is not None:
            seconds += max(0, int((ended - began).total_seconds()))
        return {"active_seconds": seconds, "segment_started_at": None}

    def _update(self, run_id: int, **values: Any) -> None:
        """Change the run's row; every write marks when the run last did something."""
        values.setdefault("touched_at", now_text())
        m.Run.update(**values).where(m.Run.id == run_id).execute()
