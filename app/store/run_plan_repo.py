"""Two-way run records: directions, pending work by action, plan summaries and previews."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from peewee import Case, fn

from app.core.outcomes import Outcome, RunCounts
from app.core.store_types import ACTION_OUTCOME, Direction
from app.core.tallies import FAILED_SUBSCRIPTION_REASON, RunTallies
from app.store import models as m
from app.store.convert import BATCH, batched, executemany, tuple_rows
from app.store.db import db

R = m.RunRecord

_SET_CONTACT_ID = 'UPDATE "run_record" SET "contact_id" = ? WHERE "id" = ?'
_SET_DETAIL = 'UPDATE "run_record" SET "detail" = ? WHERE "id" = ?'
_SET_SOURCE_ID = 'UPDATE "run_record" SET "source_id" = ? WHERE "id" = ?'


class PendingRecord(NamedTuple):
    """A record still waiting for its outcome, with what a phase needs to act on it."""

    id: int
    key: str
    email: str
    contact_id: str
    payload: Any  # decoded JSON, or None
    reason: str
    row: int
    detail: str


class SettledState(NamedTuple):
    """Opt-out states to remember for a record whose run succeeded (or skipped it)."""

    key: str
    contact_id: str
    email: str
    state: str  # "<source opted out>,<cc unsubscribed>", each 0 or 1


class RunPlanStore:
    """The two-way half of ``RunRepository``: work by action and direction, and summaries."""

    def pending_records(self, run_id: int, action: str) -> list[PendingRecord]:
        """Records planned for ``action`` that have no outcome yet, in plan order."""
        query = (
            R.select(R.id, R.key, R.email, R.contact_id, R.payload, R.reason, R.row, R.detail)
            .where((R.run == run_id) & (R.action == str(action)) & R.outcome.is_null())
            .order_by(R.id)
        )
        return [
            PendingRecord(r.id, r.key, r.email, r.contact_id, r.payload, r.reason, r.row, r.detail)
            for r in query
        ]

    def set_contact_id(self, record_id: int, contact_id: str) -> None:
        """Remember the Constant Contact contact a record resolved to (not yet final)."""
        executemany(_SET_CONTACT_ID, [(contact_id, record_id)])

    def clear_state(self, record_id: int) -> None:
        """Forget the opt-out states a record would store (there was nothing to act on)."""
        R.update(state=None).where(R.id == record_id).execute()

    def set_details(self, details: Iterable[tuple[int, str]]) -> None:
        """Set the ``detail`` text of records: ``(record id, detail)``."""
        for batch in batched(((d, i) for i, d in details), 5 * BATCH):
            with db.atomic():
                executemany(_SET_DETAIL, batch)

    def set_source_ids(self, source_ids: Iterable[tuple[int, str]]) -> None:
        """Set the source's own id of records (made in the source by this run)."""
        for batch in batched(((s, i) for i, s in source_ids), 5 * BATCH):
            with db.atomic():
                executemany(_SET_SOURCE_ID, batch)

    def finalize_planned(self, run_id: int) -> int:
        """Give every pending record its planned outcome (a stopped run becomes a preview)."""
        planned = Case(R.action, [(a.value, o.value) for a, o in ACTION_OUTCOME.items()], None)
        where = (R.run == run_id) & R.outcome.is_null()
        return int(R.update(outcome=planned).where(where).execute())

    def mark_dry_run(self, run_id: int) -> None:
        """Turn a run into a preview: it changed nothing and is never resumed."""
        m.Run.update(dry_run=True).where(m.Run.id == run_id).execute()

    def counts_by_direction(self, run_id: int) -> dict[str, RunCounts]:
        """Final outcomes counted per direction; each direction's counts add up on its own."""
        query = tuple_rows(
            R.select(R.direction, R.outcome, fn.COUNT(R.id))
            .where((R.run == run_id) & R.outcome.is_null(False))
            .group_by(R.direction, R.outcome)
        )
        found: dict[str, dict[str, int]] = {}
        for direction, outcome, n in query:
            found.setdefault(direction, {})[Outcome(outcome).value] = n
        return {d: RunCounts(**c) for d, c in found.items()}

    def tallies(self, run_id: int) -> RunTallies:
        """The run's counts in the vocabulary every surface shows, by one ``GROUP BY``."""
        failed_sub = R.reason == FAILED_SUBSCRIPTION_REASON
        query = tuple_rows(
            R.select(
                R.direction, R.action, R.outcome, R.matched_existing, failed_sub, fn.COUNT(R.id)
            )
            .where((R.run == run_id) & R.outcome.is_null(False))
            .group_by(R.direction, R.action, R.outcome, R.matched_existing, failed_sub)
        )
        return RunTallies.from_groups(query)

    def plan_counts(self, run_id: int) -> dict[tuple[str, str], int]:
        """How many records the plan gave each (direction, action)."""
        query = tuple_rows(
            R.select(R.direction, R.action, fn.COUNT(R.id))
            .where(R.run == run_id)
            .group_by(R.direction, R.action)
        )
        return {(d, a): n for d, a, n in query}

    def count_action(self, run_id: int, action: str, pending_only: bool = False) -> int:
        where = (R.run == run_id) & (R.action == str(action))
        if pending_only:
            where &= R.outcome.is_null()
        return int(R.select(fn.COUNT(R.id)).where(where).scalar())

    def settled_states(self, run_id: int) -> list[SettledState]:
        """Records carrying opt-out states whose outcome is final and not failed."""
        query = (
            R.select(R.key, R.contact_id, R.email, R.state)
            .where(
                (R.run == run_id)
                & R.state.is_null(False)
                & R.outcome.is_null(False)
                & (R.outcome != Outcome.FAILED.value)
            )
            .order_by(R.id)  # an opt-out row's state follows its push row's
            .tuples()
        )
        return [SettledState(*row) for row in db.execute(query)]

    def failed_keys_by_direction(self, run_id: int) -> dict[str, list[str]]:
        """The keys that failed in a run, per direction (what "retry failed" retries)."""
        query = tuple_rows(
            R.select(R.direction, R.key)
            .where((R.run == run_id) & (R.outcome == Outcome.FAILED.value))
            .order_by(R.id)
        )
        out: dict[str, list[str]] = {d.value: [] for d in Direction}
        for direction, key in query:
            out.setdefault(direction, []).append(key)
        return out
