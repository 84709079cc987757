"""Undo a run: restore what its journal says it replaced, as a run of its own.

The local mirror is brought up to date first, so a field someone changed after the run is
seen and left alone. Then, in order: old email addresses go back (one PUT each), old field
values go back in bulk imports, fields that were empty are emptied (one PUT each),
memberships the run added come off and those it removed go back (membership activities).
Unsubscribes are never undone. Each journal entry is settled once, so undoing again
restores nothing twice; the undo run's records and counts show every entry's fate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from app.core.errors import AppError, Cancelled, ConfigError, QuotaExceeded
from app.core.outcomes import Outcome, RunStatus
from app.core.profiles import SyncProfile
from app.core.store_types import PlannedRow, RecordAction
from app.core.vocabulary import source_label
from app.store.convert import batched
from app.store.journal_repo import JournalRepository
from app.sync.engine import EngineDeps, PushEngine
from app.sync.import_errors import ImportItem, attribute_errors
from app.sync.progress import CancelToken, NullReporter, ProgressReporter
from app.sync.undo_plan import Step, lookup_emails, plan_undo

log = logging.getLogger(__name__)

IMPORT_BATCH = 1000  # contacts per restoring import (well under 40,000 items and 4 MB)
LIST_BATCH = 500  # contacts per membership activity (the API's maximum)
UNDOABLE = (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS)


@dataclass
class UndoReport:
    """What an undo did (or, for a dry run, will do) for every journal entry of a run."""

    undo_of: int
    dry_run: bool
    steps: list[Step]
    run_id: int | None = None
    status: str = ""
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def tally(self) -> dict[str, int]:
        out = {"restore" if self.dry_run else "restored": 0, "skipped": 0, "failed": 0}
        for s in self.steps:
            key = s.outcome or "restore"
            out[key] = out.get(key, 0) + 1
        out["total"] = len(self.steps)
        out["unsubscribes_kept"] = sum(1 for s in self.steps if s.unsubscribe)
        return out

    def summary_text(self) -> str:
        c = self.tally()
        done = c.get("restore", 0) if self.dry_run else c.get("restored", 0)
        verb = "would restore" if self.dry_run else "restored"
        text = (
            f"Undo of run {self.undo_of}: {verb} {done}, skipped {c['skipped']}, "
            f"failed {c['failed']} (of {c['total']} changes)"
        )
        if c["unsubscribes_kept"]:
            text += (
                f". {c['unsubscribes_kept']} unsubscribe(s) kept: only the person can opt back in"
            )
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "undo_of": self.undo_of,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "status": self.status,
            "message": self.message or self.summary_text(),
            "counts": self.tally(),
            "entries": [s.as_json() for s in self.steps],
        }


def undo_target(runs: Any, journal: JournalRepository, profile_id: int, run_id: int | None) -> int:
    """The run to undo: ``run_id``, or the profile's last completed sync.

    Raises:
        ConfigError: no such run, a dry run, an undo, or a run made before the journal.
    """
    if run_id is None:
        for summary in runs.history(profile_id, limit=200):
            if summary.dry_run or summary.status not in UNDOABLE:
                continue
            if "undo_of" in runs.checkpoint(summary.run_id):
                continue
            run_id = summary.run_id
            break
        if run_id is None:
            raise ConfigError("This profile has no completed sync to undo.")
    summary = runs.get(run_id)
    if summary is None or summary.profile_name != _profile_name(runs, profile_id):
        raise ConfigError(f"Run {run_id} is not a run of this profile.")
    if summary.dry_run:
        raise ConfigError(f"Run {run_id} was a dry run: it changed nothing to undo.")
    if "undo_of" in runs.checkpoint(run_id):
        raise ConfigError(f"Run {run_id} is itself an undo; it cannot be undone.")
    if not journal.has_journal(run_id):
        raise ConfigError(
            f"Run {run_id} has nothing to undo: it changed nothing in Constant Contact, "
            "or it was made before ContactBridge kept an undo journal."
        )
    return run_id


def _profile_name(runs: Any, profile_id: int) -> str:
    last = runs.last_run(profile_id)
    return last.profile_name if last is not None else ""


class Undo:
    """Undoes one run of ``profile``; the caller holds the account's lock around ``run``."""

    def __init__(
        self,
        deps: EngineDeps,
        profile: SyncProfile,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self.d, self.profile = deps, profile
        self.reporter = reporter or NullReporter()
        self.cancel = cancel or CancelToken()

    def plan(self, target: int, dry_run: bool) -> tuple[list[Step], str]:
        """Bring the mirror up to date and decide every entry's step; returns the list id."""
        self.reporter.phase("Reading Constant Contact")
        self.refresh_mirror()
        entries = self.d.journal.entries(target)
        records = self.d.journal.records_of(target)
        current = self.d.mirror.snapshots(self.d.connection_id, lookup_emails(entries))
        list_id = str(self.d.runs.checkpoint(target).get("list_id") or "")
        source = source_label(self.profile.source.kind)
        return plan_undo(entries, records, current, list_id, source), list_id

    def refresh_mirror(self) -> None:
        """Read every contact changed since the mirror's watermark, that second included
        (timestamps have whole seconds): a change made just after the run is never missed."""
        since = self.d.mirror.watermark(self.d.connection_id)
        after = since - timedelta(seconds=1) if since is not None else None
        read = self.d.cc.iter_contacts(updated_after=after, status="all")
        PushEngine(self.d, self.reporter, self.cancel)._read_into_mirror([read], since)

    def preview(self, target: int) -> UndoReport:
        steps, _ = self.plan(target, dry_run=True)
        return UndoReport(target, True, steps, status="dry_run")

    def run(self, target: int) -> UndoReport:
        assert self.profile.id is not None
        runs = self.d.runs
        undo_id = runs.start(self.profile.id)
        runs.save_checkpoint(undo_id, {"undo_of": target})
        try:
            steps, list_id = self.plan(target, dry_run=False)
            runs.set_phase(undo_id, "Undoing")
            self._write(steps, list_id, undo_id)
        except (Cancelled, QuotaExceeded, AppError) as exc:
            message = getattr(exc, "message", "") or "Cancelled. Undo again to finish."
            runs.finish(undo_id, RunStatus.FAILED, message=f"Undo of run {target}: {message}")
            raise
        for s in steps:
            if s.outcome is None:
                s.outcome, s.reason = "restored", "; ".join(s.notes)
        self.d.journal.settle(undo_id, [(s.entry_id, s.outcome, s.reason) for s in steps])
        runs.add_records(undo_id, [_row(s) for s in steps])
        report = UndoReport(target, False, steps, run_id=undo_id)
        failed = report.tally()["failed"]
        status = RunStatus.COMPLETED_WITH_ERRORS if failed else RunStatus.COMPLETED
        extra = {"undo_of": target, **report.tally()}
        runs.finish(undo_id, status, message=report.summary_text(), extra=extra)
        self.refresh_mirror()  # what the undo wrote, in the mirror: the next sync plans from it
        report.status = status.value
        return report

    # -- the writes ----------------------------------------------------------------------------

    def _write(self, steps: list[Step], list_id: str, undo_id: int) -> None:
        todo = [s for s in steps if s.outcome is None]
        self.reporter.phase("Restoring email addresses")
        self._each([s for s in todo if s.email_back], self._email_back)
        self.reporter.phase("Restoring field values")
        self._imports([s for s in todo if s.restore and s.outcome is None], list_id, undo_id)
        self._each([s for s in todo if s.clear and s.outcome is None], self._clear)
        self.reporter.phase("Restoring list memberships")
        self._memberships(
            [s for s in todo if s.list_remove and s.outcome is None],
            list_id,
            self.d.cc.remove_list_memberships,
        )
        self._memberships(
            [s for s in todo if s.list_add and s.outcome is None],
            list_id,
            self.d.cc.add_list_memberships,
        )

    def _each(self, steps: Sequence[Step], act: Callable[[Step], None]) -> None:
        for n, s in enumerate(steps, 1):
            self.cancel.raise_if_cancelled()
            try:
                act(s)
            except (QuotaExceeded, Cancelled):
                raise
            except AppError as exc:
                s.outcome, s.reason = "failed", exc.message
            self.reporter.advance(n, len(steps), f"{n:,} / {len(steps):,}")

    def _email_back(self, s: Step) -> None:
        self.d.cc.update_contact_email(s.contact_id, s.email_back)

    def _clear(self, s: Step) -> None:
        self.d.cc.clear_contact_fields(s.contact_id, s.clear)  # type: ignore[attr-defined]

    def _imports(self, steps: Sequence[Step], list_id: str, undo_id: int) -> None:
        cc = self.d.cc
        for batch in batched(steps, IMPORT_BATCH):
            self.cancel.raise_if_cancelled()
            items = [{"email": s.email, **s.restore} for s in batch]
            try:
                activity = cc.start_contacts_import(items, [list_id])
                status = cc.wait_for_activity(activity, should_stop=self.cancel.wait)
            except (QuotaExceeded, Cancelled):
                raise
            except AppError as exc:
                _fail(batch, exc.message)
                continue
            if not status.succeeded:
                why = "; ".join(status.errors[:3]) or f"the import ended as {status.state}"
                _fail(batch, f"Constant Contact could not import: {why}")
                continue
            refused = attribute_errors(
                status.errors, [ImportItem(n, 0, s.email) for n, s in enumerate(batch)]
            )
            for n, why in refused.items():
                batch[n].outcome, batch[n].reason = "failed", why

    def _memberships(
        self, steps: Sequence[Step], list_id: str, act: Callable[[list[str], list[str]], str]
    ) -> None:
        for batch in batched(steps, LIST_BATCH):
            self.cancel.raise_if_cancelled()
            ids = [s.contact_id for s in batch]
            try:
                activity = act([list_id], ids)
                status = self.d.cc.wait_for_activity(activity, should_stop=self.cancel.wait)
            except (QuotaExceeded, Cancelled):
                raise
            except AppError as exc:
                _fail(batch, exc.message)
                continue
            if not status.succeeded:
                why = "; ".join(status.errors[:3]) or f"the activity ended as {status.state}"
                _fail(batch, f"Constant Contact could not change the list: {why}")


def _fail(steps: Sequence[Step], reason: str) -> None:
    for s in steps:
        s.outcome, s.reason = "failed", reason


_OUTCOMES = {"restored": Outcome.UPDATED, "skipped": Outcome.SKIPPED, "failed": Outcome.FAILED}


def _row(s: Step) -> PlannedRow:
    written = s.outcome != "skipped"
    return PlannedRow(
        row=0,
        key=s.key,
        email=s.email,
        action=RecordAction.UPDATE if written else RecordAction.SKIP,
        outcome=_OUTCOMES[s.outcome or "failed"],
        reason=s.reason,
        contact_id=s.contact_id,
        matched_existing=True,
        detail=_detail(s),
    )


def _detail(s: Step) -> str:
    parts = [f"{k} back to {v!r}" for k, v in s.restore.items()]
    parts += [f"{k} emptied" for k in s.clear]
    if s.email_back:
        parts.insert(0, f"email back to {s.email_back}")
    if s.list_remove:
        parts.append("taken off the list")
    if s.list_add:
        parts.append("put back on the list")
    return "Undo: " + ", ".join(parts) if parts else ""
