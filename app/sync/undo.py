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
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from app.connectors.base import ActivityStatus
from app.core.errors import AppError, Cancelled, ConfigError, QuotaExceeded
from app.core.outcomes import RESUMABLE, Outcome, RunStatus
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
        delete_created: bool = False,
    ) -> None:
        self.d, self.profile = deps, profile
        self.delete_created = delete_created
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
        steps = plan_undo(entries, records, current, list_id, source, self.delete_created)
        return steps, list_id

    def refresh_mirror(self) -> None:
        """Read every contact changed since the mirror's watermark, that second included
        (timestamps have whole seconds): a change made just after the run is never missed.
        Then the opt-outs a sync's imports may have left to the next refresh (see
        ``PushEngine.optouts_since``), so that no one who unsubscribed is deleted."""
        since = self.d.mirror.watermark(self.d.connection_id)
        after = since - timedelta(seconds=1) if since is not None else None
        engine = PushEngine(self.d, self.reporter, self.cancel)
        reads = [self.d.cc.iter_contacts(updated_after=after, status="all")]
        if since is not None:
            reads.append(engine.optouts_since(since))
        engine._read_into_mirror(reads, since)

    def preview(self, target: int) -> UndoReport:
        steps, _ = self.plan(target, dry_run=True)
        return UndoReport(target, True, steps, status="dry_run")

    def run(self, target: int) -> UndoReport:
        """Undo ``target``, or resume an undo of it that stopped (cancelled, quota, crash).

        The undo run's checkpoint holds its planned steps, the phases done and the import
        activities started, so a resumed undo neither plans again nor imports twice.
        """
        assert self.profile.id is not None
        runs = self.d.runs
        undo_id = self._unfinished(target)
        cp = runs.checkpoint(undo_id) if undo_id is not None else {}
        if undo_id is None:
            undo_id = runs.start(self.profile.id)
            cp = {"undo_of": target}
            runs.save_checkpoint(undo_id, cp)
        else:
            runs.set_status(undo_id, RunStatus.RUNNING, "Resumed")
        try:
            if "steps" not in cp:
                steps, cp["list_id"] = self.plan(target, dry_run=False)
                cp["steps"], cp["done"] = [asdict(st) for st in steps], []
                runs.save_checkpoint(undo_id, cp)
            steps = [Step(**st) for st in cp["steps"]]
            runs.set_phase(undo_id, "Undoing")
            self._write(steps, cp, undo_id)
        except (Cancelled, QuotaExceeded, AppError) as exc:
            status = (
                RunStatus.CANCELLED
                if isinstance(exc, Cancelled)
                else RunStatus.PAUSED
                if isinstance(exc, QuotaExceeded)
                else RunStatus.FAILED
            )
            why = getattr(exc, "message", "") or "Cancelled."
            message = f"Undo of run {target}: {why} Undo again to finish."
            runs.finish(undo_id, status, message=message, extra={"undo_of": target})
            raise
        for st in steps:
            if st.outcome is None:
                st.outcome, st.reason = "restored", "; ".join(st.notes)
        self.d.journal.settle(undo_id, [(st.entry_id, st.outcome, st.reason) for st in steps])
        self._update_links(steps)
        runs.add_records(undo_id, [_row(st) for st in steps])
        report = UndoReport(target, False, steps, run_id=undo_id)
        failed = report.tally()["failed"]
        status = RunStatus.COMPLETED_WITH_ERRORS if failed else RunStatus.COMPLETED
        extra = {**runs.tallies(undo_id).as_extra(), "undo_of": target, **report.tally()}
        runs.finish(undo_id, status, message=report.summary_text(), extra=extra)
        self.refresh_mirror()  # what the undo wrote, in the mirror: the next sync plans from it
        report.status = status.value
        return report

    def _update_links(self, steps: Sequence[Step]) -> None:
        """What the profile's links remember, as the undo left Constant Contact."""
        done = [st for st in steps if st.outcome == "restored"]
        self.d.links.after_undo(  # type: ignore[attr-defined]
            self.profile.id,
            [(st.key, st.email_back) for st in done if st.restore or st.clear or st.email_back],
            [st.key for st in done if st.list_add],
            [st.key for st in done if st.delete],
        )

    def _unfinished(self, target: int) -> int | None:
        """The latest undo of ``target`` if it stopped before it finished."""
        assert self.profile.id is not None
        for summary in self.d.runs.history(self.profile.id, limit=200):
            if self.d.runs.checkpoint(summary.run_id).get("undo_of") != target:
                continue
            return summary.run_id if summary.status in RESUMABLE else None
        return None

    # -- the writes ----------------------------------------------------------------------------

    def _write(self, steps: list[Step], cp: dict, undo_id: int) -> None:
        """Each phase in turn; after each, the steps' outcomes and the phase go in the
        checkpoint (every write is idempotent, so a phase stopped half-way is repeated)."""
        cc, list_id = self.d.cc, cp["list_id"]
        phases: list[tuple[str, str, Callable[[list[Step]], None]]] = [
            ("email", "Restoring email addresses", lambda t: self._each(t, self._email_back)),
            ("import", "Restoring field values", lambda t: self._imports(t, cp, undo_id)),
            ("clear", "Emptying fields that were empty", lambda t: self._each(t, self._clear)),
            (
                "remove",
                "Restoring list memberships",
                lambda t: self._memberships(t, list_id, cc.remove_list_memberships),
            ),
            (
                "add",
                "Putting people back on the list",
                lambda t: self._memberships(t, list_id, cc.add_list_memberships),
            ),
            ("delete", "Deleting contacts the sync created", lambda t: self._each(t, self._delete)),
        ]
        wants: dict[str, Callable[[Step], object]] = {
            "email": lambda st: st.email_back,
            "import": lambda st: st.restore,
            "clear": lambda st: st.clear,
            "remove": lambda st: st.list_remove,
            "add": lambda st: st.list_add,
            "delete": lambda st: st.delete,
        }
        for name, words, act in phases:
            if name in cp["done"]:
                continue
            todo = [st for st in steps if st.outcome is None and wants[name](st)]
            if todo:
                self.reporter.phase(words)
                act(todo)
            cp["done"].append(name)
            cp["steps"] = [asdict(st) for st in steps]
            self.d.runs.save_checkpoint(undo_id, cp)

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

    def _delete(self, s: Step) -> None:
        self.d.cc.delete_contact(s.contact_id)  # type: ignore[attr-defined]

    def _clear(self, s: Step) -> None:
        self.d.cc.clear_contact_fields(s.contact_id, s.clear)  # type: ignore[attr-defined]

    def _imports(self, steps: Sequence[Step], cp: dict, undo_id: int) -> None:
        cc = self.d.cc
        started: dict[str, str] = cp.setdefault("imports", {})
        for n, batch in enumerate(batched(steps, IMPORT_BATCH)):
            self.cancel.raise_if_cancelled()

            def start(batch: list[Step] = batch, key: str = str(n)) -> str:
                if key not in started:
                    items = [{"email": st.email, **st.restore} for st in batch]
                    started[key] = cc.start_contacts_import(items, [cp["list_id"]])
                    self.d.runs.save_checkpoint(undo_id, cp)  # before waiting: never twice
                return started[key]

            status = self._activity(batch, start, "Constant Contact could not import")
            if status is None:
                continue
            refused = attribute_errors(
                status.errors, [ImportItem(i, 0, st.email) for i, st in enumerate(batch)]
            )
            for i, why in refused.items():
                batch[i].outcome, batch[i].reason = "failed", why

    def _memberships(
        self, steps: Sequence[Step], list_id: str, act: Callable[[list[str], list[str]], str]
    ) -> None:
        for batch in batched(steps, LIST_BATCH):
            self.cancel.raise_if_cancelled()
            ids = [s.contact_id for s in batch]
            self._activity(
                batch,
                lambda ids=ids: act([list_id], ids),
                "Constant Contact could not change the list",
            )

    def _activity(
        self, batch: Sequence[Step], start: Callable[[], str], refused: str
    ) -> ActivityStatus | None:
        """Start (or resume) one bulk activity for ``batch`` and wait for it; a batch it
        could not do is failed with the reason, and None returned."""
        try:
            status = self.d.cc.wait_for_activity(start(), should_stop=self.cancel.wait)
        except (QuotaExceeded, Cancelled):
            raise
        except AppError as exc:
            _fail(batch, exc.message)
            return None
        if not status.succeeded:
            why = "; ".join(status.errors[:3]) or f"it ended as {status.state}"
            _fail(batch, f"{refused}: {why}")
            return None
        return status


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
    if s.delete:
        parts.append("deleted (the sync created it)")
    return "Undo: " + ", ".join(parts) if parts else ""
