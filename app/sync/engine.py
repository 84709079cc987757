"""The sync engine: orchestrates a run's phases, with checkpoints, over both directions.

A run goes through explicit phases. Each phase saves a checkpoint in the run's row, so a
crash, a cancel or a quota stop resumes where it stopped. The phases that write live in
``engine_push`` (to Constant Contact) and ``engine_back`` (list removals, and back to the
source); this module reads, plans, guards and finishes. The engine knows nothing of Qt: it
reports through a ``ProgressReporter`` and stops when its ``CancelToken`` is set.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.connectors.base import ConstantContact, Source, SourceCapabilities
from app.connectors.registry import source_words
from app.core.advice import ErrorKind, error_kind
from app.core.errors import AppError, Cancelled, NeedsConfirmation, QuotaExceeded
from app.core.fields import IMPORT_MAX_BYTES, IMPORT_MAX_CONTACTS
from app.core.list_rules import ListRules
from app.core.outcomes import RunStatus, RunSummary
from app.core.phases import Phase, pipeline
from app.core.profiles import SyncProfile
from app.core.records import RemoteContact, SourceRecord
from app.core.store_types import PlannedRow
from app.core.vocabulary import phase_words, summary_text
from app.store.campaign_stats_repo import CampaignStatsRepository
from app.store.journal_repo import JournalRepository
from app.store.links_repo import LinkDetail
from app.store.repositories import (
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)
from app.sync import (
    engine_activity,
    engine_back,
    engine_destination,
    engine_lists,
    engine_push,
    incremental,
    plan_rows,
)
from app.sync.fingerprint import fingerprint
from app.sync.guard import check_blast_radius
from app.sync.import_planner import BackContext, LinkState, SourceEntry, plan_back
from app.sync.journal import journal_items
from app.sync.plan_lists import Memberships
from app.sync.planner import (
    NEW_ADDRESS,
    Action,
    PlanContext,
    PlannedRecord,
    Planner,
    left_address,
)
from app.sync.progress import CancelToken, ProgressReporter

log = logging.getLogger(__name__)

# Phases, in order, by stable id (``app/core/phases.py``); their words are the UI's.
PREPARE, REFRESH, PLAN, GUARD = Phase.PREPARE, Phase.REFRESH, Phase.PLAN, Phase.GUARD
EMAILS, IMPORT, UNSUBSCRIBE, LISTS = Phase.EMAILS, Phase.IMPORT, Phase.UNSUBSCRIBE, Phase.LISTS
REMOVE, IMPORT_BACK, OPTOUTS_BACK = Phase.REMOVE, Phase.IMPORT_BACK, Phase.OPTOUTS_BACK
ACTIVITY_BACK = Phase.ACTIVITY_BACK
FINISH = Phase.FINISH
BATCH = 1000
# What a run that resyncs only unsubscribes (``optouts_only``) holds back, and why.
DATA_ACTIONS = frozenset({Action.CREATE, Action.UPDATE, Action.CHANGE_EMAIL, Action.LISTS})
HELD_BACK = (
    "Not sent: this run only resynced unsubscribes; contact details go to Constant Contact "
    "when you sync yourself"
)
OPTOUTS_ONLY_NOTE = "Only unsubscribes and resubscribes were resynced"
# A run that imported at most this many contacts reads them back at its end (5 pages of 500).
READBACK_MAX = 2_500
# Every refresh re-reads the opt-outs of this long before the watermark. So a run whose
# imports took less than that (less the margin) leaves the opt-outs made while they ran to
# the next refresh, instead of reading them at its end (see ``_catch_up``).
OPTOUT_LOOKBACK, OPTOUT_MARGIN = timedelta(hours=1), timedelta(minutes=1)
CHUNK_BYTES = IMPORT_MAX_BYTES - 256 * 1024  # margin for the envelope and list ids


@dataclass
class EngineDeps:
    """What the engine needs, passed in by the composition root (no globals)."""

    runs: RunRepository
    links: LinkRepository
    mirror: MirrorRepository
    profiles: ProfileRepository
    cc: ConstantContact
    source: Source | None  # None for an undo: it opens its source only when it writes there
    connection_id: int
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    journal: JournalRepository = field(default_factory=JournalRepository)
    # A migration's destination (Constant Contact is the source): None for every other run.
    migration: engine_destination.Migration | None = None
    campaign_stats: CampaignStatsRepository = field(default_factory=CampaignStatsRepository)


class ChunkAssigner:
    """Numbers import items into chunks of at most 40,000 items and under 4 MB.

    An import puts every contact of it on the same lists, so items bound for other lists
    besides the main one (``ListRules``) go into chunks of their own, one set of lists each:
    ``lists[chunk]`` says which.
    """

    def __init__(self, max_count: int = IMPORT_MAX_CONTACTS, max_bytes: int = CHUNK_BYTES):
        self.max_count, self.max_bytes = max_count, max_bytes
        self.lists: dict[int, tuple[str, ...]] = {}
        self._open: dict[tuple[str, ...], list[int]] = {}  # lists -> [chunk, count, bytes]

    def assign(self, item: dict[str, str], lists: tuple[str, ...] = ()) -> int:
        size = len(json.dumps(item, ensure_ascii=False).encode()) + 1
        current = self._open.get(lists)
        if current is None or (current[1] >= self.max_count or current[2] + size > self.max_bytes):
            current = [len(self.lists), 0, 0]
            self._open[lists] = current
            self.lists[current[0]] = lists
        current[1] += 1
        current[2] += size
        return current[0]

    def checkpoint(self) -> dict[str, dict[str, Any]]:
        """Each chunk's state to start from, with the extra lists it goes on."""
        return {
            str(c): ({"lists": list(lists)} if lists else {}) for c, lists in self.lists.items()
        }


class PushEngine:
    """Runs one profile's sync; ``run()`` returns a summary whose counts add up."""

    def __init__(self, deps: EngineDeps, reporter: ProgressReporter, cancel: CancelToken):
        self.d, self.reporter, self.cancel = deps, reporter, cancel
        self.confirm = False

    @property
    def source(self) -> Source:
        """The source this sync reads (every sync run has one; only an undo has none)."""
        assert self.d.source is not None, "a sync needs its source"
        return self.d.source

    # -- the run ---------------------------------------------------------------------------

    def run(
        self,
        profile: SyncProfile,
        *,
        dry_run: bool = False,
        confirm: bool = False,
        only_keys: Iterable[str] | None = None,
        optouts_only: bool = False,
    ) -> RunSummary:
        """Run (or resume) the profile.

        Args:
            dry_run: plan only; every record gets the outcome it would have.
            confirm: go ahead even if the run unsubscribes or removes many contacts.
            only_keys: plan only these keys (retrying a run's failed records).
            optouts_only: resync only unsubscribes and resubscribes, both ways: nothing is
                created, updated, imported or taken off a list (a resumed run keeps the
                scope it started with).

        Raises:
            NeedsConfirmation: the guard stopped the run before it wrote anything.
        """
        assert profile.id is not None
        runs = self.d.runs
        self.confirm = confirm
        resumed = None if dry_run else runs.resumable_run(profile.id)
        run_id = resumed.run_id if resumed else runs.start(profile.id, dry_run)
        cp: dict[str, Any] = runs.checkpoint(run_id) if resumed else {}
        cp.setdefault("phase", PREPARE)
        if not resumed and only_keys is not None:
            cp["only_keys"] = sorted(set(only_keys))
        if not resumed and optouts_only:
            cp["optouts_only"] = True
        runs.set_status(run_id, RunStatus.RUNNING, "Resumed" if resumed else "")
        try:
            self._run_phases(profile, run_id, cp, dry_run)
        except NeedsConfirmation:
            raise  # the run was turned into a preview already
        except Cancelled:
            log.info("run %s of %r cancelled in phase %s", run_id, profile.name, cp.get("phase"))
            return self._stop(
                run_id,
                profile,
                RunStatus.CANCELLED,
                "Cancelled. Sync again to pick up where it stopped.",
                ErrorKind.CANCELLED,
            )
        except QuotaExceeded as exc:
            log.warning("run %s of %r paused for the quota: %s", run_id, profile.name, exc.message)
            return self._stop(run_id, profile, RunStatus.PAUSED, exc.message, ErrorKind.QUOTA)
        except AppError as exc:
            log.error(
                "run %s of %r failed in phase %s: %s (%s)",
                run_id,
                profile.name,
                cp.get("phase"),
                exc.message,
                exc.details,
            )
            self._stop(run_id, profile, RunStatus.FAILED, exc.message, error_kind(exc))
            raise
        counts = runs.counts(run_id)
        if dry_run:
            status = RunStatus.DRY_RUN
        elif counts.failed:
            status = RunStatus.COMPLETED_WITH_ERRORS
        else:
            status = RunStatus.COMPLETED
        tallies = runs.tallies(run_id)
        message = summary_text(tallies, dry_run, source_words(far_side(profile)))
        if cp.get("optouts_only"):
            cp["scope_note"] = OPTOUTS_ONLY_NOTE
        # The activity note (a service's, or a migration's) comes with the destination's.
        for note in ("guard_note", "source_note", "scope_note"):
            if cp.get(note):
                message += ". " + cp[note]
        for note in engine_destination.notes(cp):
            message += ". " + note
        runs.finish(run_id, status, counts, message, extra=tallies.as_extra())
        log.info(
            "run %s of %r ended %s: %s; %s",
            run_id,
            profile.name,
            status,
            counts.as_dict(),
            message,
        )
        return self._summary(run_id)

    def _stop(
        self, run_id: int, profile: SyncProfile, status: RunStatus, msg: str, kind: ErrorKind
    ) -> RunSummary:
        self.d.runs.finish(run_id, status, self.d.runs.counts(run_id), msg, error_kind=kind)
        return self._summary(run_id)

    def _summary(self, run_id: int) -> RunSummary:
        summary = self.d.runs.get(run_id)
        assert summary is not None, f"run {run_id} has no row"  # it was started by this engine
        return summary

    def _run_phases(
        self, profile: SyncProfile, run_id: int, cp: dict[str, Any], dry_run: bool
    ) -> None:
        phases = pipeline(profile.into_constant_contact)
        start = phases.index(cp["phase"])
        for phase in phases[start:]:
            self.cancel.raise_if_cancelled()
            cp["phase"] = phase
            self.d.runs.set_phase(run_id, phase)
            self.d.runs.save_checkpoint(run_id, cp)
            self.reporter.phase(phase)
            words = phase_words(phase)
            log.info("run %s of %r: phase %s%s", run_id, profile.name, words, dry_run * " (dry)")
            if not profile.into_constant_contact:
                engine_destination.run_phase(self, phase, profile, run_id, cp, dry_run)
            elif phase == PREPARE:
                self._prepare(profile, run_id, cp, dry_run)
            elif phase == REFRESH:
                self._refresh_mirror(profile, run_id, cp, dry_run)
            elif phase == PLAN:
                self._plan(profile, run_id, cp, dry_run)
            elif phase == GUARD:
                self._guard(profile, run_id, cp, dry_run)
            elif phase == FINISH:
                self._finish(profile, run_id, cp, dry_run)
            elif not dry_run:  # every other phase writes
                self._write_phase(phase, profile, run_id, cp)

    def _write_phase(
        self, phase: str, profile: SyncProfile, run_id: int, cp: dict[str, Any]
    ) -> None:
        if phase == EMAILS:
            engine_push.change_emails(self, profile, run_id, cp)
        elif phase == IMPORT:
            engine_push.import_chunks(self, profile, run_id, cp)
        elif phase == UNSUBSCRIBE:
            engine_push.unsubscribe(self, profile, run_id, cp)
        elif phase == LISTS:
            engine_lists.update_memberships(self, profile, run_id, cp)
        elif phase == REMOVE:
            engine_back.remove_from_list(self, profile, run_id, cp)
        elif phase == IMPORT_BACK:
            engine_back.import_to_source(self, profile, run_id, cp, self._item_for(profile))
        elif phase == OPTOUTS_BACK:
            engine_back.optouts_to_source(self, profile, run_id, cp)
        elif phase == ACTIVITY_BACK:
            engine_activity.activity_to_source(self, profile, cp)

    # -- phases ----------------------------------------------------------------------------

    def _prepare(
        self, profile: SyncProfile, run_id: int, cp: dict[str, Any], dry_run: bool
    ) -> None:
        """Check the mapped custom fields still exist, then find or create the main list.

        The custom fields are read once, and only when the mapping has some; a field deleted
        in Constant Contact stops the run here, before any write, instead of failing every
        record of the import.
        """
        # Imported here so this change stays inside the phase (engine.py is being split).
        from app.core.custom_fields import check_custom_fields, mapped_custom_fields

        if mapped_custom_fields(profile.mapping):
            check_custom_fields(profile.mapping, self.d.cc.list_custom_fields())
        # One way from Constant Contact writes nothing there, not even a missing list.
        make = not dry_run and profile.options.push_to_cc
        found = self.d.cc.find_list_by_name(profile.main_list)
        if found is None and make:
            found = self.d.cc.create_list(profile.main_list, "Kept in sync by ContactBridge")
            cp["list_created"] = True
        cp["list_id"] = found.list_id if found else ""
        if found is not None:
            self.d.profiles.set_main_list_id(profile.saved_id, found.list_id)
        cp["lists"] = {}  # the other lists the profile's list map names: name -> id
        for name in ListRules.from_settings(profile.source.settings).list_names:
            other = self.d.cc.find_list_by_name(name)
            if other is None and make:
                other = self.d.cc.create_list(name, "Kept in sync by ContactBridge")
            cp["lists"][name] = other.list_id if other else ""

    def _refresh_mirror(
        self, profile: SyncProfile, run_id: int, cp: dict[str, Any], dry_run: bool
    ) -> None:
        """Bring the local mirror of Constant Contact up to date (changes since last time).

        Two reads: every contact changed after the watermark, then everyone who unsubscribed
        since a while before it (``optouts_since``). Timestamps have whole seconds and
        ``updated_after`` is strict, so an opt-out in the watermark's own second would
        otherwise be missed for good; the second read costs a request, not a re-read of
        every contact changed in that second.
        """
        since = self.d.mirror.watermark(self.d.connection_id)
        after = since
        if since is not None and profile.options.clear_optout_on_resubscribe:
            # A resubscribe in the watermark's own second has no date filter of its own
            # (unlike an opt-out, below): re-read that second, at the cost of a page.
            after = since - timedelta(seconds=1)
        reads = [self.d.cc.iter_contacts(updated_after=after, status="all")]
        if since is not None:
            reads.append(self.optouts_since(since))
        cp["mirror_read"] = self._read_into_mirror(reads, since)

    def optouts_since(self, watermark: datetime) -> Iterator[RemoteContact]:
        """Everyone who unsubscribed in the ``OPTOUT_LOOKBACK`` before the watermark, or after.

        That covers the watermark's own second (timestamps have whole seconds and
        ``updated_after`` is strict) and the opt-outs a run's own imports hid: made while
        they ran, with a time the watermark was then moved past (see ``_catch_up``).
        """
        return self.d.cc.iter_contacts(
            status="unsubscribed", optout_after=watermark - OPTOUT_LOOKBACK
        )

    def _read_into_mirror(
        self, reads: Iterable[Iterable[RemoteContact]], since: datetime | None
    ) -> int:
        """Store every contact of these reads; move the watermark to the newest change seen."""
        conn = self.d.connection_id
        newest = since
        seen = 0
        batch: list[RemoteContact] = []
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
        return seen

    def _catch_up(self, cp: dict[str, Any]) -> None:
        """Move the local copy past this run's own imports without skipping anyone's change.

        The imports are recorded in the mirror already (``record_import``), but under
        placeholder ids, and the watermark still stands where the run's refresh left it.
        A small import that created contacts is read back (a few pages: their real ids,
        Constant Contact's normalised values, and whatever else changed meanwhile). Else
        one count of the contacts changed after the watermark tells whether anyone but
        this run changed one: if not, the watermark moves past the imports; if so, or if
        the count cannot tell (the import began in the watermark's own second, and
        timestamps have whole seconds), everything is read back.

        Consent never rests on a count: someone may have unsubscribed, while the imports
        ran, a contact they had imported already (counted once either way). Those opt-outs
        are read now when the imports took longer than ``OPTOUT_LOOKBACK`` (less a margin),
        else by the next refresh, which looks back that far before the watermark
        (``optouts_since``); nothing reads the local copy without refreshing it first.
        """
        done = [c for c in cp.get("chunks", {}).values() if c.get("done")]
        delivered = sum(c.get("delivered", c.get("items", 0)) for c in done)
        if not delivered:
            return
        new = sum(c.get("new", 0) for c in done)
        since = self.d.mirror.watermark(self.d.connection_id)
        after = since - timedelta(seconds=1) if since is not None else None
        read_back = new and delivered <= READBACK_MAX
        if not read_back and self._nobody_else_changed(done, delivered, since):
            began = _earliest(c.get("started_at") for c in done)
            ended = _latest(c.get("completed_at") for c in done)
            mark = max((m for m in (ended, since) if m is not None), default=None)
            if began is None or mark is None or mark - began > OPTOUT_LOOKBACK - OPTOUT_MARGIN:
                optouts = self.d.cc.iter_contacts(status="unsubscribed", optout_after=after)
                self._read_into_mirror([optouts], since)
            current = self.d.mirror.watermark(self.d.connection_id)
            if ended is not None and (current is None or ended > current):
                self.d.mirror.set_watermark(self.d.connection_id, ended)
            return
        self._read_into_mirror([self.d.cc.iter_contacts(updated_after=after, status="all")], since)

    def _nobody_else_changed(
        self, done: list[dict[str, Any]], delivered: int, since: datetime | None
    ) -> bool:
        """Whether the contacts changed after ``since`` are just the ones the imports sent."""
        began = _earliest(c.get("started_at") for c in done)
        if since is not None and (began is None or _second(began) <= _second(since)):
            return False  # the count cannot tell ours from others in that second
        return self.d.cc.count_contacts(updated_after=since) <= delivered

    def _plan(self, profile: SyncProfile, run_id: int, cp: dict[str, Any], dry_run: bool) -> None:
        """Read the source, plan every record both ways, and store the plan as the run's records."""
        runs = self.d.runs
        runs.delete_records(run_id)  # a run that died while planning plans again from scratch
        self.d.journal.delete(run_id)
        details = self.d.links.load_details(profile.saved_id)
        only = frozenset(cp["only_keys"]) if cp.get("only_keys") is not None else None
        optouts_only = bool(cp.get("optouts_only"))
        index = self.d.mirror.email_index(self.d.connection_id)
        ctx = PlanContext(
            profile=profile,
            links=plan_rows.link_infos(details),
            remote=plan_rows.remote_infos(index, cp["list_id"]),
            previous_item=lambda key: self.d.links.last_sent(profile.saved_id, key),
            hard_bounced=self.d.campaign_stats.hard_bounced_emails(self.d.connection_id),
            only_keys=only,
        )
        planner = Planner(ctx)
        caps = self.capabilities()
        read_at = self.d.clock()
        read = incremental.read_plan(
            profile,
            caps,
            incremental.previous_read(self.d.runs, profile.saved_id),
            read_at,
            retry=only is not None,
        )
        read = incremental.within_memory(read, self.source, read_at)
        log.info("run %s of %r reads the source: %s", run_id, profile.name, read.why)
        incremental.remember(cp, read, profile, read_at)
        entries: list[SourceEntry] | None = [] if plan_rows.two_way(profile, caps) else None
        lists = Memberships(ListRules.from_settings(profile.source.settings), cp, index)
        chunks = ChunkAssigner()
        has_items = False
        total = 0
        kept = self._kept_columns(profile, caps)
        planned = self._planned(
            planner, profile, only, entries, details.keys(), kept, read.since, lists
        )
        if optouts_only:
            planned = _held_back(planned)
        for batch in plan_rows.batched(planned, BATCH):
            rows = []
            for p in batch:
                item = p.item if p.action is not Action.LISTS else None
                chunk = chunks.assign(dict(item), p.lists) if item is not None else None
                has_items |= chunk is not None
                final = dry_run or p.action in (Action.SKIP, Action.UNCHANGED)
                rows.append(plan_rows.planned_row(p, chunk, final))
            self._store_plan(run_id, rows, dry_run)
            total += len(rows)
            self.reporter.advance(total, 0, f"{total:,} records planned")
            self.cancel.raise_if_cancelled()
        # Said once in the summary, e.g. a guessed text encoding and the rows to check.
        cp["source_note"] = self.source.run_note
        if entries is not None:
            deleted: frozenset[str] = frozenset()
            if read.since is not None:
                deleted = frozenset(self.source.deleted_since(read.since))
                entries.extend(plan_rows.unread_entries(details, entries, deleted))
            opts = profile.options
            sent: dict[str, dict[str, str]] = {}
            if opts.import_from_cc and opts.import_updates_existing and caps.update:
                sent = self.d.links.load_last_sent(profile.saved_id)
            back = BackContext(
                left_behind=self.d.links.left_behind(profile.saved_id),
                profile=_optouts_profile(profile) if optouts_only else profile,
                capabilities=caps,
                entries=entries,
                links={
                    k: LinkState(v[0], v[1], v[3], v[4], v[5], sent.get(k), v[2])
                    for k, v in details.items()
                },
                contacts=self.d.mirror.iter_contacts(self.d.connection_id),
                main_list_id=cp["list_id"],
                # A retry reads the whole source too; but a row that could not be read may
                # be a linked record, so its absence proves no deletion.
                full_read=read.full and not self.source.problems,
                only_keys=only,
                outside=self._outside(profile, details, entries) if read.full else frozenset(),
                deleted=deleted,
                email_column=profile.mapping.source_for("email") or "",
            )
            rows = [plan_rows.settled_row(r, dry_run) for r in plan_back(back)]
            self._store_plan(run_id, rows, dry_run)
            total += len(rows)
        cp["chunks"] = chunks.checkpoint() if has_items else {}
        cp["planned"] = total
        cp["synced"] = len(details)

    def _store_plan(self, run_id: int, rows: list[PlannedRow], dry_run: bool) -> None:
        """Store planned records with the journal of what their writes replace (for undo),
        in one transaction; a dry run writes nothing, so it journals nothing."""
        if dry_run:
            self.d.runs.add_records(run_id, rows)
            return
        items = journal_items(rows, self.d.mirror, self.d.connection_id)
        self.d.journal.add_with_records(self.d.runs, run_id, rows, items)

    def _planned(
        self,
        planner: Planner,
        profile: SyncProfile,
        only: frozenset[str] | None,
        entries: list[SourceEntry] | None,
        linked: Container[str] = frozenset(),
        kept: tuple[str, ...] = (),
        since: datetime | None = None,
        lists: Memberships | None = None,
    ) -> Iterator[PlannedRecord]:
        source = self.source
        first = profile.mapping.source_for("first_name") or ""
        last = profile.mapping.source_for("last_name") or ""
        records = source.iter_records() if since is None else source.iter_records(since=since)
        push = profile.options.push_to_cc
        # A record taking an address another record leaves in this run comes after it.
        for record, planned in planner.plan_records(records):
            if not push:
                # One way from Constant Contact: the record is read only to match contacts
                # and mark opt-outs; nothing of it is sent, so it is no record of the run.
                if entries is not None:
                    quiet = planned._replace(action=Action.SKIP)
                    entries.append(plan_rows.entry(record, quiet, first, last))
                continue
            if lists:
                planned = lists.apply(record, planned)
            if entries is not None:
                columns = kept if record.key in linked else ()
                entries.append(plan_rows.entry(record, planned, first, last, columns))
            if only is None or record.key in only:
                yield planned
        if not push:
            return
        for problem in source.problems:
            key = f"row:{problem.row}"
            if only is None or key in only:
                yield PlannedRecord(
                    problem.row,
                    key,
                    "",
                    Action.SKIP,
                    f"Could not read this row: {problem.message}",
                )

    @staticmethod
    def _kept_columns(profile: SyncProfile, caps: SourceCapabilities) -> tuple[str, ...]:
        """The source columns whose values an import update may replace (kept for the undo
        journal), or none when the profile does not update source records."""
        opts = profile.options
        if not (opts.import_from_cc and opts.import_updates_existing and caps.update):
            return ()
        return tuple(dict.fromkeys(fm.source for fm in profile.mapping.fields if fm.source))

    def _guard(self, profile: SyncProfile, run_id: int, cp: dict[str, Any], dry_run: bool) -> None:
        check_blast_radius(self.d.runs, profile, run_id, cp, dry_run=dry_run, confirm=self.confirm)

    def _finish(self, profile: SyncProfile, run_id: int, cp: dict[str, Any], dry_run: bool) -> None:
        """Remember opt-out states and what unchanged records are made from, and bring the
        local copy past our own imports."""
        if dry_run:
            return
        self.d.links.set_states(profile.saved_id, self.d.runs.settled_states(run_id))
        engine_push.keep_source_digests(self, profile, run_id)
        # Old addresses whose contacts were kept apart for a new one: never imported back.
        left = map(left_address, self.d.runs.success_reasons(run_id, NEW_ADDRESS))
        self.d.links.keep_left(profile.saved_id, left)
        self._catch_up(cp)

    # -- helpers -------------------------------------------------------------------------------

    def _outside(
        self, profile: SyncProfile, details: dict[str, LinkDetail], entries: list[SourceEntry]
    ) -> frozenset[str]:
        """Linked keys the source's read missed but the source still has (see BackContext);
        asked only when missing records may be taken off the list."""
        still_there = self.source.still_there
        if not profile.options.remove_deleted:
            return frozenset()
        read = {e.key for e in entries}
        missing = [k for k, v in details.items() if k not in read and v[5] != "removed"]
        return frozenset(still_there(missing)) if missing else frozenset()

    def capabilities(self) -> SourceCapabilities:
        """What the source can do besides being read (a file: nothing)."""
        return self.source.capabilities

    def _item_for(self, profile: SyncProfile) -> engine_back.ItemFor:
        """The push item and fingerprint of a record an import just made in the source."""
        planner = Planner(PlanContext(profile=profile))

        def item_for(key: str, values: dict[str, str], email: str) -> tuple[dict[str, str], str]:
            item = planner.item_for(SourceRecord(key, 0, values), email)
            return item, fingerprint(item, profile.main_list)

        return item_for


def far_side(profile: SyncProfile) -> str:
    """The kind of the service on the other side of Constant Contact: the source, or a
    migration's destination (whose name the run's words use)."""
    return profile.source.kind if profile.into_constant_contact else profile.destination.kind


def _held_back(planned: Iterable[PlannedRecord]) -> Iterator[PlannedRecord]:
    """An unsubscribes-only run's push plans: what would send contact data is skipped."""
    for p in planned:
        if p.action in DATA_ACTIONS:
            yield p._replace(action=Action.SKIP, reason=HELD_BACK, item=None, state=None)
        else:
            yield p


def _optouts_profile(profile: SyncProfile) -> SyncProfile:
    """The profile as an unsubscribes-only run plans the way back: opt-outs only."""
    options = replace(
        profile.options, import_from_cc=False, import_updates_existing=False, remove_deleted=False
    )
    return profile.with_changes(options=options)


def _earliest(stamps: Iterable[str | None]) -> datetime | None:
    found = [datetime.fromisoformat(s) for s in stamps if s]
    return min(found) if found else None


def _latest(stamps: Iterable[str | None]) -> datetime | None:
    found = [datetime.fromisoformat(s) for s in stamps if s]
    return max(found) if found else None


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
