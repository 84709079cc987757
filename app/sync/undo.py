"""Undo a run: restore what its journal says it replaced, as a run of its own.

The local mirror is brought up to date first, so a field someone changed after the run is
seen and left alone. Then, in order: old email addresses go back (one PUT each), old field
values go back in bulk imports, fields that were empty are emptied (one PUT each),
memberships the run added come off and those it removed go back (membership activities).
Then what the run wrote to the source (two-way) goes back there: old values into the
records it updated (a value someone changed in the source since is reported, not
overwritten) and, only when the user chose to remove what the run created, the records it
created are removed (archived where the source keeps them). Unsubscribes, and opt-outs
written to the source, are never undone. Each journal entry is settled once, so undoing
again restores nothing twice; the undo run's records and counts show every entry's fate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from app.connectors.base import ActivityStatus, WritableSource
from app.connectors.constant_contact import deletion_errors
from app.connectors.registry import source_words
from app.core.errors import AppError, Cancelled, ConfigError, QuotaExceeded
from app.core.outcomes import RESUMABLE, Outcome, RunStatus
from app.core.profiles import SyncProfile
from app.core.store_types import Direction, PlannedRow, RecordAction
from app.store.convert import batched
from app.sync.engine import EngineDeps, PushEngine
from app.sync.import_errors import ImportItem, attribute_errors
from app.sync.progress import CancelToken, NullReporter, ProgressReporter
from app.sync.undo_plan import SourceNow, Step, lookup_emails, plan_undo, source_keys
from app.sync.undo_report import UndoReport

log = logging.getLogger(__name__)

IMPORT_BATCH = 1000  # contacts per restoring import (well under 40,000 items and 4 MB)
LIST_BATCH = 500  # contacts per membership activity (the API's maximum)
SOURCE_BATCH = 100  # records per write to the source (as the sync writes them)
CLOCK_SLACK = timedelta(minutes=5)


class Undo:
    """Undoes one run of ``profile``; the caller holds the account's lock around ``run``."""

    def __init__(
        self,
        deps: EngineDeps,
        profile: SyncProfile,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        delete_created: bool = False,
        open_source: Callable[[], WritableSource] | None = None,
    ) -> None:
        """``delete_created``: delete the contacts the run created in Constant Contact and
        remove the records it created in the source (the user chose it); ``open_source``
        opens the profile's source, only when undo must read or write it."""
        self.d, self.profile = deps, profile
        self.delete_created = delete_created
        self.reporter = reporter or NullReporter()
        self.cancel = cancel or CancelToken()
        self.source_name = source_words(profile.source.kind)
        self._open_source = open_source
        self._source: WritableSource | None = None

    def source(self) -> WritableSource:
        """The profile's source, opened the first time it is needed.

        Raises:
            AppError: it cannot be opened (say, its connection was removed).
        """
        if self._source is None:
            if self._open_source is None:
                raise ConfigError(f"ContactBridge cannot write to {self.source_name}.")
            self._source = self._open_source()
        return self._source

    def plan(self, target: int, dry_run: bool) -> tuple[list[Step], str]:
        """Bring the mirror up to date and decide every entry's step; returns the list id."""
        self.reporter.phase("Reading Constant Contact")
        self.refresh_mirror()
        entries = self.d.journal.entries(target)
        records = self.d.journal.records_of(target)
        emails = lookup_emails(entries)
        current = self.d.mirror.snapshots(self.d.connection_id, emails)
        if any(not c["contact_id"] for c in current.values()):
            # The run's own imports may be known by placeholders only (a large import is
            # not read back): read what changed since the run began, real ids included.
            self._read_since(target)
            current = self.d.mirror.snapshots(self.d.connection_id, emails)
        target_cp = self.d.runs.checkpoint(target)
        list_id = str(target_cp.get("list_id") or "")
        other_lists = frozenset(str(i) for i in (target_cp.get("lists") or {}).values() if i)
        source = self._source_now(source_keys(entries, records, self.delete_created))
        steps = plan_undo(
            entries,
            records,
            current,
            list_id,
            self.source_name,
            self.delete_created,
            source,
            other_lists,
        )
        return steps, list_id

    def _source_now(self, keys: Sequence[str]) -> SourceNow:
        """The source records undo would write, as the source has them now."""
        if not keys:
            return SourceNow({})
        self.reporter.phase(f"Reading {self.source_name}")
        try:
            source = self.source()
            caps = source.capabilities
            found = {}
            for batch in batched(keys, SOURCE_BATCH):
                self.cancel.raise_if_cancelled()
                found.update(source.get_records(batch))
        except (QuotaExceeded, Cancelled):
            raise
        except AppError as exc:
            return SourceNow({}, error=exc.message)
        return SourceNow(found, can_update=caps.update, can_archive=caps.archive)

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

    def _read_since(self, target: int) -> None:
        """Read into the mirror every contact changed since ``target`` began (and a few
        minutes before: this computer's clock and Constant Contact's may differ)."""
        summary = self.d.runs.get(target)
        if summary is None or not summary.started_at:
            return
        began = datetime.fromisoformat(summary.started_at) - CLOCK_SLACK
        read = self.d.cc.iter_contacts(updated_after=began, status="all")
        since = self.d.mirror.watermark(self.d.connection_id)
        PushEngine(self.d, self.reporter, self.cancel)._read_into_mirror([read], since)

    def preview(self, target: int) -> UndoReport:
        steps, _ = self.plan(target, dry_run=True)
        return UndoReport(target, True, steps, status="dry_run", source_name=self.source_name)

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
        results: list[tuple[int, str, str]] = []
        for st in steps:
            if st.outcome is None:
                st.outcome, st.reason = "restored", "; ".join(st.notes)
            results.append((st.entry_id, st.outcome, st.reason))
        self.d.journal.settle(undo_id, results)
        self._update_links(steps)
        runs.add_records(undo_id, [_row(st, self.source_name) for st in steps])
        report = UndoReport(target, False, steps, run_id=undo_id, source_name=self.source_name)
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
        self.d.links.after_undo(
            self.profile.saved_id,
            [(st.key, st.email_back) for st in done if st.restore or st.clear or st.email_back],
            [(st.key, st.origin) for st in done if st.list_add],
            [st.key for st in done if st.delete]
            + [st.source_key for st in done if st.source_archive],
            [
                (st.source_key, str(st.link.get("fingerprint") or ""), st.link["last_sent"])
                for st in done
                if st.source_restore and st.link and st.link.get("last_sent") is not None
            ],
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

    def _write(self, steps: list[Step], cp: dict[str, Any], undo_id: int) -> None:
        """Each phase in turn; after each, the steps' outcomes and the phase go in the
        checkpoint (every write is idempotent, so a phase stopped half-way is repeated)."""
        cc, list_id = self.d.cc, cp["list_id"]
        # Addresses go back in the reverse of the order the sync changed them: one it
        # passed from one record to another (``handover``) is free again before it is put
        # back.
        phases: list[tuple[str, str, Callable[[list[Step]], None]]] = [
            (
                "email",
                "Restoring email addresses",
                lambda t: self._each(t[::-1], self._email_back),
            ),
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
            ("other_lists", "Putting the other lists back", self._other_lists),
            (
                "delete",
                "Deleting contacts the sync created",
                lambda t: self._deletes(t, cp, undo_id),
            ),
            (
                "source_restore",
                f"Putting values back in {self.source_name}",
                lambda t: self._source_writes(t, self._source_restore),
            ),
            (
                "source_archive",
                f"Removing from {self.source_name} the records the sync created",
                lambda t: self._source_writes(t, self._source_archive),
            ),
        ]
        wants: dict[str, Callable[[Step], object]] = {
            "email": lambda st: st.email_back,
            "import": lambda st: st.restore,
            "clear": lambda st: st.clear,
            "remove": lambda st: st.list_remove,
            "add": lambda st: st.list_add,
            "other_lists": lambda st: st.lists_off or st.lists_on,
            "delete": lambda st: st.delete,
            "source_restore": lambda st: st.source_restore,
            "source_archive": lambda st: st.source_archive,
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

    def _other_lists(self, steps: Sequence[Step]) -> None:
        """Put the other lists back, one membership activity per list and direction."""
        cc = self.d.cc
        for attr, act in (
            ("lists_off", cc.remove_list_memberships),
            ("lists_on", cc.add_list_memberships),
        ):
            for list_id in sorted({i for st in steps for i in getattr(st, attr)}):
                todo = [st for st in steps if list_id in getattr(st, attr) and st.outcome is None]
                if todo:
                    self._memberships(todo, list_id, act)

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
        self.d.cc.clear_contact_fields(s.contact_id, s.clear)

    def _source_writes(self, steps: Sequence[Step], act: Callable[[list[Step]], None]) -> None:
        """Write to the source in batches; a batch it refuses is failed with its reason
        (each write puts values as they were, so a repeated batch changes nothing more)."""
        done = 0
        for batch in batched(steps, SOURCE_BATCH):
            self.cancel.raise_if_cancelled()
            try:
                act(batch)
            except (QuotaExceeded, Cancelled):
                raise
            except AppError as exc:
                _fail(batch, exc.message)
            done += len(batch)
            self.reporter.advance(done, len(steps), f"{done:,} / {len(steps):,}")

    def _source_restore(self, batch: list[Step]) -> None:
        self.source().update_records({st.source_key: st.source_restore for st in batch})

    def _source_archive(self, batch: list[Step]) -> None:
        self.source().archive_records([st.source_key for st in batch])

    def _imports(self, steps: Sequence[Step], cp: dict[str, Any], undo_id: int) -> None:
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

    def _deletes(self, steps: Sequence[Step], cp: dict[str, Any], undo_id: int) -> None:
        """Delete the contacts the sync created, 500 per contact_delete activity; a contact
        the activity could not delete fails with its reason, the others are done.

        Each activity goes in the checkpoint before it is waited on, so a resumed undo
        waits for it rather than starting another; one started but not recorded (a crash
        in between) is started again, which changes nothing: a deleted contact stays so.
        """
        started: dict[str, str] = cp.setdefault("deletes", {})
        done = 0
        for n, batch in enumerate(batched(steps, LIST_BATCH)):
            self.cancel.raise_if_cancelled()
            ids = [st.contact_id for st in batch]

            def start(ids: list[str] = ids, key: str = str(n)) -> str:
                if key not in started:
                    started[key] = self.d.cc.delete_contacts(ids)
                    self.d.runs.save_checkpoint(undo_id, cp)  # before waiting: never twice
                return started[key]

            status = self._activity(batch, start, "Constant Contact could not delete this contact")
            if status is not None:
                refused = deletion_errors(status, ids)
                for st in batch:
                    if st.contact_id in refused:
                        st.outcome, st.reason = "failed", refused[st.contact_id]
            done += len(batch)
            self.reporter.advance(done, len(steps), f"{done:,} / {len(steps):,}")

    def _memberships(
        self, steps: Sequence[Step], list_id: str, act: Callable[[list[str], list[str]], str]
    ) -> None:
        for batch in batched(steps, LIST_BATCH):
            self.cancel.raise_if_cancelled()
            ids = [s.contact_id for s in batch]
            self._activity(
                batch,
                partial(act, [list_id], ids),
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


# The side of an undo run's record: the side the undone write was on.
_DIRECTIONS = {
    RecordAction.IMPORT_CREATE.value: Direction.IMPORT.value,
    RecordAction.IMPORT_UPDATE.value: Direction.IMPORT.value,
    RecordAction.OPT_OUT.value: Direction.OPTOUT.value,
    RecordAction.OPT_IN.value: Direction.OPTOUT.value,
}


def _row(s: Step, source_name: str = "the source") -> PlannedRow:
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
        detail=_detail(s, source_name),
        direction=_DIRECTIONS.get(s.action, Direction.PUSH.value),
    )


def _detail(s: Step, source_name: str = "the source") -> str:
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
    parts += [f"{k} back to {v!r} in {source_name}" for k, v in s.source_restore.items()]
    if s.source_archive:
        parts.append(f"removed from {source_name} (the sync created it)")
    return "Undo: " + ", ".join(parts) if parts else ""
