"""Migrations: the phases of a run whose source is Constant Contact and whose destination is
another service (``Connector.open_destination``).

The pipeline is ``app.core.phases.FROM_CONSTANT_CONTACT``, by stable ids like every run's:

- **prepare**: the destination finds or makes what the records go into (lists), from the
  Constant Contact lists the profile brings;
- **read_cc**: when the destination copies campaign activity, the account's statistics are
  pulled first (what changed since the last pull), under the run's own hold on the account;
- **plan**: Constant Contact is read (whole, or only what changed since the last run: the
  rules of ``incremental``), each contact is planned by the destination against what earlier
  runs left (``Kept``: the links, whose fingerprint holds the destination's own memo), and
  contacts deleted in Constant Contact since the last run are listed; the plan is stored as
  the run's records, so counts add up and a resumed run starts from it;
- **check**: nothing to confirm: a migration never deletes, and never unsubscribes anyone
  who did not opt out;
- **to_destination**: the destination writes the pending records chunk by chunk through a
  ``WriteLedger`` (outcomes and links settled together), then copies the activity;
- **finish**: the links of records settled at planning.

A dry run plans, counts the activity it would copy, and writes nothing. The destination's
``memo`` (``cp["destination"]``) starts from the last finished run's: lists it made, how far
the activity was copied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.connectors.base import (
    ActivityFeed,
    Destination,
    Kept,
    PendingWrite,
    Planned,
    Written,
)
from app.core.outcomes import Outcome, RunStatus
from app.core.phases import Phase
from app.core.profiles import SyncProfile
from app.core.records import SourceRecord
from app.core.store_types import Link, PlannedRow, RecordAction
from app.sync import incremental

if TYPE_CHECKING:
    from app.sync.engine import PushEngine

log = logging.getLogger(__name__)

MEMO = "destination"  # the destination's part of the checkpoint
RUN_PART = "run"  # the part of it that does not carry over to the next run
NOTES = ("prepare_note", "activity_note", "deleted_note")
BATCH = 1000
_DONE = frozenset({RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_ERRORS})


@dataclass
class Migration:
    """What a migration run needs besides the engine's own dependencies.

    Attributes:
        destination: where the contacts go.
        source_lists: the Constant Contact lists the profile brings (id -> name); all of the
            account's when it names none.
        activity: the campaign activity to copy, when the destination wants it: of the
            contacts the profile holds at the destination, and those the run (by its id)
            plans to put there (what a dry run counts).
        pull_activity: brings the account's statistics up to date (run in ``read_cc``).
        bounced: the keys of contacts whose address hard-bounced in a campaign.
    """

    destination: Destination
    source_lists: Callable[[], Mapping[str, str]]
    activity: Callable[[int], ActivityFeed] | None = None
    pull_activity: Callable[[], None] | None = None
    bounced: Callable[[], frozenset[str]] = field(default=lambda: frozenset())


def run_phase(
    engine: PushEngine,
    phase: str,
    profile: SyncProfile,
    run_id: int,
    cp: dict[str, Any],
    dry_run: bool,
) -> None:
    """Run one phase of a migration."""
    migration = engine.d.migration
    assert migration is not None, "a migration run needs its destination"
    memo = _memo(engine, profile, cp)
    if phase == Phase.PREPARE:
        cp["prepare_note"] = migration.destination.prepare(memo, dry_run, migration.source_lists())
    elif phase == Phase.REFRESH:
        if migration.destination.wants_activity and migration.pull_activity is not None:
            migration.pull_activity()
    elif phase == Phase.PLAN:
        _plan(engine, migration, profile, run_id, cp, memo, dry_run)
        if dry_run and migration.destination.wants_activity and migration.activity:
            feed = migration.activity(run_id)
            cp["activity_note"] = migration.destination.send_activity(
                feed, memo, lambda: None, True
            )
    elif phase == Phase.TO_DESTINATION and not dry_run:
        ledger = _Ledger(engine, profile, run_id, cp)
        migration.destination.write(ledger)
        _unfinished(engine, run_id)
        if migration.destination.wants_activity and migration.activity:
            cp["activity_note"] = migration.destination.send_activity(
                migration.activity(run_id), memo, ledger.save, False
            )
    elif phase == Phase.FINISH and not dry_run:
        _keep_settled(engine, profile, run_id)
    engine.d.runs.save_checkpoint(run_id, cp)


def notes(cp: Mapping[str, Any]) -> list[str]:
    """What the run's summary says besides its counts."""
    return [str(cp[n]) for n in NOTES if cp.get(n)]


def _memo(engine: PushEngine, profile: SyncProfile, cp: dict[str, Any]) -> dict[str, Any]:
    """The destination's memo: this run's, else the last finished run's without its
    ``"run"`` part (job ids and the like belong to the run that made them)."""
    if MEMO not in cp:
        previous: dict[str, Any] = {}
        for run in engine.d.runs.history(profile.saved_id, 20):
            if run.dry_run or run.status not in _DONE:
                continue
            previous = dict(engine.d.runs.checkpoint(run.run_id).get(MEMO) or {})
            break
        previous.pop(RUN_PART, None)
        cp[MEMO] = previous
    memo: dict[str, Any] = cp[MEMO]
    return memo


# -- plan ----------------------------------------------------------------------------------


def _plan(
    engine: PushEngine,
    migration: Migration,
    profile: SyncProfile,
    run_id: int,
    cp: dict[str, Any],
    memo: dict[str, Any],
    dry_run: bool,
) -> None:
    runs, source = engine.d.runs, engine.source
    runs.delete_records(run_id)  # a run that died while planning plans again from scratch
    kept = {
        k: Kept(link.email, link.fingerprint)
        for k, link in engine.d.links.load(profile.saved_id).items()
    }
    only = frozenset(cp["only_keys"]) if cp.get("only_keys") is not None else None
    previous = incremental.previous_read(runs, profile.saved_id)
    read_at = engine.d.clock()
    read = incremental.read_plan(
        profile, source.capabilities, previous, read_at, retry=only is not None
    )
    log.info("run %s of %r reads Constant Contact: %s", run_id, profile.name, read.why)
    incremental.remember(cp, read, profile, read_at)
    records = source.iter_records() if read.since is None else source.iter_records(read.since)
    pairs = ((r, kept.get(r.key)) for r in _only(records, only))
    planned = migration.destination.plan(pairs, memo, migration.bounced())
    total = _store(engine, run_id, planned, dry_run, 0)
    problems = [
        Planned(
            f"row:{p.row}",
            p.row,
            "",
            RecordAction.SKIP.value,
            Outcome.SKIPPED,
            f"Could not read this contact: {p.message}",
        )
        for p in source.problems
    ]
    total = _store(engine, run_id, iter(problems), dry_run, total)
    deleted = _deleted(engine, migration, previous, kept, only)
    total = _store(engine, run_id, iter(deleted), dry_run, total)
    cp["deleted_note"] = (
        f"{len(deleted):,} deleted in Constant Contact, kept as they are" if deleted else ""
    )
    cp["planned"] = total


def _only(records: Iterable[SourceRecord], only: frozenset[str] | None) -> Iterator[SourceRecord]:
    return iter(records) if only is None else (r for r in records if r.key in only)


def _deleted(
    engine: PushEngine,
    migration: Migration,
    previous: Mapping[str, Any] | None,
    kept: Mapping[str, Kept],
    only: frozenset[str] | None,
) -> list[Planned]:
    """Records the destination holds that were deleted in Constant Contact since the last
    run read it (a first run has nothing to look back on)."""
    if not previous or incremental.READ_AT not in previous or not kept:
        return []
    since = datetime.fromisoformat(previous[incremental.READ_AT]) - incremental.OVERLAP
    found = []
    for key in sorted(engine.source.deleted_since(since)):
        if key in kept and (only is None or key in only):
            planned = migration.destination.deleted(key, kept[key])
            if planned is not None:
                found.append(planned)
    return found


def _store(
    engine: PushEngine, run_id: int, planned: Iterator[Planned], dry_run: bool, total: int
) -> int:
    for batch in batched(planned, BATCH):
        rows = [_row(p, final=dry_run or p.payload is None) for p in batch]
        engine.d.runs.add_records(run_id, rows)
        total += len(rows)
        engine.reporter.advance(total, 0, f"{total:,} contacts planned")
        engine.cancel.raise_if_cancelled()
    return total


def batched(items: Iterator[Planned], size: int) -> Iterator[list[Planned]]:
    batch: list[Planned] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _row(p: Planned, final: bool) -> PlannedRow:
    return PlannedRow(
        row=p.row,
        key=p.key,
        email=p.email,
        action=p.action,
        outcome=p.outcome if final else None,
        reason=p.reason,
        detail=p.detail,
        payload=dict(p.payload) if p.payload is not None else None,
        chunk=p.chunk if p.payload is not None else None,
        fingerprint=p.memo,
        direction="import",  # Constant Contact → the other side, counted on its side
        name=p.name,
        source_id=p.key if not p.key.startswith("row:") else "",
    )


# -- write ---------------------------------------------------------------------------------


class _Ledger:
    """``WriteLedger`` over the run's records, links and checkpoint."""

    def __init__(
        self, engine: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]
    ) -> None:
        self.engine, self.profile, self.run_id, self.cp = engine, profile, run_id, cp
        self._done = 0
        self._total = engine.d.runs.pending_count(run_id)

    @property
    def memo(self) -> dict[str, Any]:
        memo: dict[str, Any] = self.cp[MEMO]
        return memo

    def save(self) -> None:
        self.engine.d.runs.save_checkpoint(self.run_id, self.cp)

    def pending_chunks(self) -> list[int]:
        return self.engine.d.runs.chunks_pending(self.run_id)

    def chunk(self, chunk: int) -> list[PendingWrite]:
        return [
            PendingWrite(record_id, key, email, action, payload or {})
            for record_id, key, email, action, payload in self.engine.d.runs.chunk_pending(
                self.run_id, chunk
            )
        ]

    def settle(self, written: Sequence[Written]) -> None:
        runs = self.engine.d.runs
        runs.set_outcomes(
            self.run_id, [(w.record_id, w.outcome, w.reason or None, None) for w in written]
        )
        runs.set_details((w.record_id, w.detail) for w in written if w.detail is not None)
        self.engine.d.links.upsert_many(
            self.profile.saved_id,
            [Link(w.key, None, w.email, w.memo) for w in written if w.memo is not None],
        )
        self._done += len(written)
        self.progress(self._done, self._total, f"{self._done:,} of {self._total:,} written")

    def raise_if_cancelled(self) -> None:
        self.engine.cancel.raise_if_cancelled()

    def progress(self, done: int, total: int, message: str) -> None:
        self.engine.reporter.advance(done, total, message)


def _unfinished(engine: PushEngine, run_id: int) -> None:
    """A record the destination left without an outcome failed (never silently lost)."""
    runs = engine.d.runs
    left = [
        (item[0], Outcome.FAILED, "Not written: the destination did not settle it", None)
        for chunk in runs.chunks_pending(run_id)
        for item in runs.chunk_pending(run_id, chunk)
    ]
    if left:
        log.warning("run %s: %d records left unsettled by the destination", run_id, len(left))
        runs.set_outcomes(run_id, left)


def _keep_settled(engine: PushEngine, profile: SyncProfile, run_id: int) -> None:
    """The links of records settled at planning whose memo changed (a deletion noted):
    what later runs compare with. Nothing was written for them, so none is made."""
    kept = engine.d.links.load(profile.saved_id)
    changed = [
        Link(key, None, email, memo)
        for key, email, memo in engine.d.runs.settled_unsent(run_id)
        if memo and key in kept and kept[key].fingerprint != memo
    ]
    engine.d.links.upsert_many(profile.saved_id, changed)
