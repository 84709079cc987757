"""The push engine: applies a plan to Constant Contact by bulk import, with checkpoints.

A run goes through explicit phases. Each phase saves a checkpoint in the run's row, so a
crash, a cancel or a quota stop resumes where it stopped. The engine knows nothing of Qt: it
reports through a ``ProgressReporter`` and stops when its ``CancelToken`` is set.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.connectors.base import ActivityStatus, ConstantContact, Source
from app.core.errors import AppError, Cancelled, QuotaExceeded
from app.core.fields import IMPORT_MAX_BYTES, IMPORT_MAX_CONTACTS
from app.core.outcomes import Outcome, RunCounts, RunStatus, RunSummary
from app.core.profiles import SyncProfile
from app.core.store_types import Link, PlannedRow
from app.sync.planner import (
    Action,
    LinkInfo,
    PlanContext,
    PlannedRecord,
    Planner,
    Reason,
    RemoteInfo,
)
from app.sync.progress import CancelToken, ProgressReporter

log = logging.getLogger(__name__)

# Phases, in order. A resumed run skips every phase before the one it stopped in.
PREPARE, REFRESH, PLAN, IMPORT, UNSUBSCRIBE, FINISH = (
    "Preparing",
    "Reading Constant Contact",
    "Planning",
    "Importing to Constant Contact",
    "Unsubscribing opted-out contacts",
    "Finishing",
)
PHASES = (PREPARE, REFRESH, PLAN, IMPORT, UNSUBSCRIBE, FINISH)
BATCH = 1000
CHUNK_BYTES = IMPORT_MAX_BYTES - 256 * 1024  # margin for the envelope and list ids
# An apostrophe is common in the local part (o'brien@...), so it may not end a match there.
EMAIL_RE = re.compile(r"[^\s(),;:<>\"]+@[^\s(),;:<>\"']+")


@dataclass
class EngineDeps:
    """What the engine needs, passed in by the composition root (no globals)."""

    runs: object  # app.store RunRepository
    links: object  # app.store LinkRepository
    mirror: object  # app.store MirrorRepository
    profiles: object  # app.store ProfileRepository
    cc: ConstantContact
    source: Source
    connection_id: int
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


class ChunkAssigner:
    """Numbers import items into chunks of at most 40,000 items and under 4 MB."""

    def __init__(self, max_count: int = IMPORT_MAX_CONTACTS, max_bytes: int = CHUNK_BYTES):
        self.max_count, self.max_bytes = max_count, max_bytes
        self.chunk, self._count, self._bytes = 0, 0, 0

    def assign(self, item: dict[str, str]) -> int:
        size = len(json.dumps(item, ensure_ascii=False).encode()) + 1
        if self._count and (self._count >= self.max_count or self._bytes + size > self.max_bytes):
            self.chunk += 1
            self._count, self._bytes = 0, 0
        self._count += 1
        self._bytes += size
        return self.chunk


class PushEngine:
    """Runs one profile's push; ``run()`` returns a summary whose counts add up."""

    def __init__(self, deps: EngineDeps, reporter: ProgressReporter, cancel: CancelToken):
        self.d, self.reporter, self.cancel = deps, reporter, cancel

    # -- the run ---------------------------------------------------------------------------

    def run(self, profile: SyncProfile, *, dry_run: bool = False) -> RunSummary:
        assert profile.id is not None
        runs = self.d.runs
        resumed = None if dry_run else runs.resumable_run(profile.id)
        run_id = resumed.run_id if resumed else runs.start(profile.id, dry_run)
        cp: dict = runs.checkpoint(run_id) if resumed else {}
        cp.setdefault("phase", PREPARE)
        runs.set_status(run_id, RunStatus.RUNNING, "Resumed" if resumed else "")
        try:
            self._run_phases(profile, run_id, cp, dry_run)
        except Cancelled:
            return self._stop(
                run_id,
                profile,
                RunStatus.CANCELLED,
                "Cancelled. Sync again to pick up where it stopped.",
            )
        except QuotaExceeded as exc:
            return self._stop(run_id, profile, RunStatus.PAUSED, exc.message)
        except AppError as exc:
            self._stop(run_id, profile, RunStatus.FAILED, exc.message)
            raise
        counts = runs.counts(run_id)
        if dry_run:
            status = RunStatus.DRY_RUN
        elif counts.failed:
            status = RunStatus.COMPLETED_WITH_ERRORS
        else:
            status = RunStatus.COMPLETED
        runs.finish(run_id, status, counts, _summary_message(counts, dry_run))
        return runs.get(run_id)

    def _stop(self, run_id: int, profile: SyncProfile, status: RunStatus, msg: str) -> RunSummary:
        self.d.runs.finish(run_id, status, self.d.runs.counts(run_id), msg)
        return self.d.runs.get(run_id)

    def _run_phases(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        start = PHASES.index(cp["phase"])
        for phase in PHASES[start:]:
            self.cancel.raise_if_cancelled()
            cp["phase"] = phase
            self.d.runs.set_phase(run_id, phase)
            self.d.runs.save_checkpoint(run_id, cp)
            self.reporter.phase(phase)
            step = {
                PREPARE: self._prepare,
                REFRESH: self._refresh_mirror,
                PLAN: self._plan,
                IMPORT: self._import,
                UNSUBSCRIBE: self._unsubscribe,
                FINISH: self._finish,
            }[phase]
            step(profile, run_id, cp, dry_run)

    # -- phases ----------------------------------------------------------------------------

    def _prepare(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        """Find the main list by its exact name, or create it (not in a dry run)."""
        found = self.d.cc.find_list_by_name(profile.main_list)
        if found is None and not dry_run:
            found = self.d.cc.create_list(profile.main_list, "Kept in sync by ContactBridge")
            cp["list_created"] = True
        cp["list_id"] = found.list_id if found else ""
        if found is not None:
            self.d.profiles.set_main_list_id(profile.id, found.list_id)

    def _refresh_mirror(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        """Bring the local mirror of Constant Contact up to date (changes since last time).

        Two reads: every contact changed after the watermark, then everyone who unsubscribed
        since the watermark's own second. Timestamps have whole seconds and ``updated_after``
        is strict, so an opt-out in that same second would otherwise be missed for good; the
        second read costs a request, not a re-read of every contact changed in that second.
        """
        conn = self.d.connection_id
        since = self.d.mirror.watermark(conn)
        newest = since
        seen = 0
        batch: list = []
        reads = [self.d.cc.iter_contacts(updated_after=since, status="all")]
        if since is not None:
            reads.append(
                self.d.cc.iter_contacts(
                    status="unsubscribed", optout_after=since - timedelta(seconds=1)
                )
            )
        for read in reads:
            for contact in read:
                batch.append(contact)
                if contact.updated_at and (newest is None or contact.updated_at > newest):
                    newest = contact.updated_at
                if len(batch) >= BATCH:
                    self.d.mirror.upsert_contacts(conn, batch)
                    seen += len(batch)
                    batch = []
                    self.reporter.advance(seen, 0, f"{seen:,} contacts read")
                    self.cancel.raise_if_cancelled()
        if batch:
            self.d.mirror.upsert_contacts(conn, batch)
            seen += len(batch)
        if newest is not None and newest != since:
            self.d.mirror.set_watermark(conn, newest)
        cp["mirror_read"] = seen

    def _plan(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        """Read the source, plan every record, and store the plan as the run's records."""
        runs = self.d.runs
        runs.delete_records(run_id)  # a run that died while planning plans again from scratch
        ctx = PlanContext(
            profile=profile,
            links=_link_infos(self.d.links.load(profile.id)),
            remote=_remote_infos(self.d.mirror.email_index(self.d.connection_id), cp["list_id"]),
        )
        planner = Planner(ctx)
        chunks = ChunkAssigner()
        has_items = False
        total = 0
        for batch in _batched(self._planned(planner), BATCH):
            rows = []
            for p in batch:
                chunk = chunks.assign(dict(p.item)) if p.item is not None else None
                has_items |= chunk is not None
                final = dry_run or p.action in (Action.SKIP, Action.UNCHANGED)
                rows.append(_planned_row(p, chunk, final))
            runs.add_records(run_id, rows)
            total += len(rows)
            self.reporter.advance(total, 0, f"{total:,} records planned")
            self.cancel.raise_if_cancelled()
        cp["chunks"] = {str(c): {} for c in range(chunks.chunk + 1)} if has_items else {}
        cp["planned"] = total

    def _planned(self, planner: Planner) -> Iterator[PlannedRecord]:
        source = self.d.source
        for record in source.iter_records():
            yield planner.plan(record)
        for problem in getattr(source, "problems", ()):
            if not getattr(problem, "yielded", False):
                yield PlannedRecord(
                    problem.row,
                    f"row:{problem.row}",
                    "",
                    Action.SKIP,
                    f"Could not read this row: {problem.message}",
                )

    def _import(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        """Send each pending chunk as one bulk import and record every record's outcome."""
        if dry_run:
            return
        runs, cc = self.d.runs, self.d.cc
        chunks: dict[str, dict] = cp.get("chunks", {})
        done_items = sum(c.get("items", 0) for c in chunks.values() if c.get("done"))
        total_items = runs.count_items(run_id)
        for key in sorted(chunks, key=int):
            state = chunks[key]
            if state.get("done"):
                continue
            self.cancel.raise_if_cancelled()
            chunk = int(key)
            payloads = runs.iter_chunk_payloads(run_id, chunk)
            state["items"] = len(payloads)
            if not state.get("activity_id"):
                state["activity_id"] = cc.start_contacts_import(
                    [p for _, p in payloads], [cp["list_id"]]
                )
                self.d.runs.save_checkpoint(run_id, cp)  # before waiting: never import twice

            def progress(status: ActivityStatus, base: int = done_items) -> None:
                done = base + status.items_completed
                self.reporter.advance(done, total_items, f"{done:,} / {total_items:,}")

            status = cc.wait_for_activity(
                state["activity_id"], should_stop=self.cancel.wait, on_progress=progress
            )
            self._record_chunk(profile, run_id, chunk, status, payloads)
            state["done"] = True
            state["completed_at"] = status.completed_at.isoformat() if status.completed_at else ""
            done_items += len(payloads)
            self.reporter.advance(done_items, total_items, f"{done_items:,} / {total_items:,}")
            self.d.runs.save_checkpoint(run_id, cp)

    def _record_chunk(
        self, profile: SyncProfile, run_id: int, chunk: int, status: ActivityStatus, payloads: list
    ) -> None:
        runs = self.d.runs
        if not status.succeeded:
            why = "; ".join(status.errors[:3]) or f"the import ended as {status.state}"
            runs.set_chunk_outcome(
                run_id, chunk, Outcome.FAILED, f"Constant Contact could not import: {why}"
            )
            return
        failed = _errors_by_email(status.errors)
        if status.cannot_add_to_list_count:
            failed.update(self._newly_unsubscribed({p.get("email", "") for _, p in payloads}))
        runs.fail_records_by_email(run_id, chunk, failed)
        runs.finalize_chunk(run_id, chunk)  # planned outcome for everything not failed above
        self._save_links(profile, run_id, chunk)

    def _newly_unsubscribed(self, emails: set[str]) -> dict[str, tuple[Outcome, str]]:
        """Emails of this chunk that Constant Contact refused to list as unsubscribed."""
        found: dict[str, str] = {}
        batch = []
        for contact in self.d.cc.iter_contacts(status="unsubscribed"):
            batch.append(contact)
            if contact.email.lower() in emails:
                found[contact.email.lower()] = (Outcome.SKIPPED, Reason.UNSUBSCRIBED)
        self.d.mirror.upsert_contacts(self.d.connection_id, batch)
        return found

    def _save_links(self, profile: SyncProfile, run_id: int, chunk: int) -> None:
        successes = self.d.runs.chunk_links(run_id, chunk)
        links = [Link(key, cid or None, email, fp) for key, cid, email, fp in successes]
        self.d.links.upsert_many(profile.id, links)
        list_id = self.d.runs.checkpoint(run_id).get("list_id") or self.d.profiles.main_list_id(
            profile.id
        )
        if list_id:
            self.d.mirror.add_to_list(self.d.connection_id, (s[2] for s in successes), list_id)

    def _unsubscribe(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        """Unsubscribe, one by one, contacts the source marks as opted out (if chosen)."""
        if dry_run:
            return
        pending = self.d.runs.pending_by_action(run_id, Action.UNSUBSCRIBE.value)
        emails = self.d.runs.emails_of([record_id for record_id, _ in pending]) if pending else {}
        for n, (record_id, contact_id) in enumerate(pending, 1):
            self.cancel.raise_if_cancelled()
            try:
                if not contact_id:  # created by a bulk import, which returns no ids
                    found = self.d.cc.get_contact_by_email(emails[record_id])
                    if found is None:
                        self.d.runs.set_record_outcome(record_id, Outcome.SKIPPED, Reason.NOT_IN_CC)
                        continue
                    if found.unsubscribed:
                        self.d.runs.set_record_outcome(
                            record_id, Outcome.SKIPPED, Reason.ALREADY_UNSUBSCRIBED
                        )
                        continue
                    contact_id = found.contact_id
                self.d.cc.unsubscribe_contact(contact_id, "Opted out in the source")
            except QuotaExceeded:
                raise
            except AppError as exc:
                self.d.runs.set_record_outcome(record_id, Outcome.FAILED, exc.message)
            else:
                self.d.runs.set_record_outcome(record_id, Outcome.UPDATED, None)
            self.reporter.advance(n, len(pending), f"{n:,} / {len(pending):,}")

    def _finish(self, profile: SyncProfile, run_id: int, cp: dict, dry_run: bool) -> None:
        """Move the mirror's watermark past our own imports, so they cost nothing next time."""
        if dry_run:
            return
        stamps = [c["completed_at"] for c in cp.get("chunks", {}).values() if c.get("completed_at")]
        if stamps:
            newest = max(datetime.fromisoformat(s) for s in stamps)
            current = self.d.mirror.watermark(self.d.connection_id)
            if current is None or newest > current:
                self.d.mirror.set_watermark(self.d.connection_id, newest)


# -- helpers -----------------------------------------------------------------------------------


def _batched(items: Iterable[PlannedRecord], size: int) -> Iterator[list[PlannedRecord]]:
    batch: list[PlannedRecord] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _planned_row(p: PlannedRecord, chunk: int | None, final: bool) -> PlannedRow:
    detail = "; ".join(p.warnings)
    return PlannedRow(
        row=p.row,
        key=p.key,
        email=p.email,
        action=p.action.value,
        outcome=p.outcome.value if final else None,
        reason=p.reason,
        contact_id=p.contact_id,
        matched_existing=p.matched_existing,
        detail=detail,
        payload=dict(p.item) if p.item is not None else None,
        chunk=chunk,
        fingerprint=p.fingerprint,
    )


def _link_infos(links: dict) -> dict[str, LinkInfo]:
    return {k: LinkInfo(v.contact_id, v.email, v.fingerprint) for k, v in links.items()}


def _remote_infos(index: dict, list_id: str) -> dict[str, RemoteInfo]:
    out = {}
    for email, (contact_id, permission, list_ids) in index.items():
        out[email] = RemoteInfo(contact_id, permission, bool(list_id) and list_id in list_ids)
    return out


def _errors_by_email(errors: Iterable[str]) -> dict[str, str | tuple[Outcome, str]]:
    """Attribute an import's error messages to the emails they name."""
    out: dict[str, str | tuple[Outcome, str]] = {}
    for message in errors:
        for found in EMAIL_RE.findall(message):
            email = found.lower().strip(".")
            # A quoted address ('a@b.com') is named with and without its opening quote;
            # only the form some record has changes anything.
            for candidate in {email, email.lstrip("'")}:
                out[candidate] = f"Constant Contact refused it: {message}"
    return out


def _summary_message(counts: RunCounts, dry_run: bool) -> str:
    verb = "Would create" if dry_run else "Created"
    return (
        f"{verb} {counts.created:,}, updated {counts.updated:,}, unchanged "
        f"{counts.unchanged:,}, skipped {counts.skipped:,}, failed {counts.failed:,}."
    )
