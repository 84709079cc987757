"""The undo journal: each remote write a run plans, with the values it replaced.

A run journals at plan time, in the same transaction as its planned records, so a record
never exists without the "before" that undoes it. Undo settles each entry once
(restored, skipped or failed, with a reason); an entry already settled is never redone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from app.core.store_types import PlannedRow
from app.store import models as m
from app.store.convert import BATCH, batched, tuple_rows
from app.store.db import db

J = m.JournalEntry

RESTORED, SKIPPED, FAILED = "restored", "skipped", "failed"
UNDO_OUTCOMES = (RESTORED, SKIPPED, FAILED)


class JournalItem(NamedTuple):
    """What a run will write for one record, and what was there before.

    ``before`` holds ``fields`` (the import's flat keys), ``list_ids``, ``permission`` and
    ``email`` as the local mirror had them, or is None when the contact did not exist; a
    removal from the list adds the link's ``origin``. A write to the source holds what
    ``app.sync.journal`` keeps for it (``sent``, and the source's values it replaces).
    """

    key: str
    action: str
    email: str
    contact_id: str
    before: Mapping[str, Any] | None


class Entry(NamedTuple):
    """A stored journal entry and how undo settled it (``outcome`` None: not yet)."""

    id: int
    key: str
    action: str
    email: str
    contact_id: str
    before: dict[str, Any] | None
    outcome: str | None
    reason: str
    undo_run_id: int | None


class RecordState(NamedTuple):
    """A journalled record's run outcome and what the run sent."""

    outcome: str | None
    email: str
    contact_id: str
    payload: dict[str, Any] | None
    source_id: str = ""  # the source's id of the record (one a run created: its new id)


class JournalRepository:
    """Journal entries by run, in plan order."""

    def add(self, run_id: int, items: Iterable[JournalItem]) -> int:
        """Store entries; returns how many."""
        added = 0
        for batch in batched(items, BATCH):
            rows = [
                {
                    "run": run_id,
                    "key": i.key,
                    "action": str(i.action),
                    "email": i.email,
                    "contact_id": i.contact_id,
                    "before": dict(i.before) if i.before is not None else None,
                }
                for i in batch
            ]
            with db.atomic():
                J.insert_many(rows).execute()
            added += len(rows)
        return added

    def add_with_records(
        self,
        runs: Any,
        run_id: int,
        rows: Sequence[PlannedRow],
        items: Sequence[JournalItem],
    ) -> None:
        """Store a run's planned records and their journal in one transaction."""
        with db.atomic():
            runs.add_records(run_id, rows)
            self.add(run_id, items)

    def entries(self, run_id: int) -> list[Entry]:
        query = J.select().where(J.run == run_id).order_by(J.id)
        return [
            Entry(
                e.id,
                e.key,
                e.action,
                e.email,
                e.contact_id,
                e.before,
                e.undo_outcome,
                e.undo_reason,
                e.undo_run_id,
            )
            for e in query
        ]

    def records_of(self, run_id: int) -> dict[tuple[str, str], RecordState]:
        """How each of the run's records ended, by ``(key, action)``."""
        R = m.RunRecord
        query = tuple_rows(
            R.select(
                R.key, R.action, R.outcome, R.email, R.contact_id, R.payload, R.source_id
            ).where(R.run == run_id)
        )
        return {
            (key, action): RecordState(outcome, email, contact_id, payload, source_id or "")
            for key, action, outcome, email, contact_id, payload, source_id in query
        }

    def has_journal(self, run_id: int) -> bool:
        return J.select(J.id).where(J.run == run_id).exists()

    def settle(self, undo_run_id: int, results: Iterable[tuple[int, str, str]]) -> int:
        """Record undo results ``(entry id, outcome, reason)``; settled entries stay as
        they were. Returns how many changed."""
        changed = 0
        with db.atomic():
            for entry_id, outcome, reason in results:
                assert outcome in UNDO_OUTCOMES, outcome
                changed += (
                    J.update(undo_outcome=outcome, undo_reason=reason, undo_run_id=undo_run_id)
                    .where((J.id == entry_id) & J.undo_outcome.is_null())
                    .execute()
                )
        return changed

    def delete(self, run_id: int) -> int:
        """Forget a run's journal (its plan is made again from scratch)."""
        return int(J.delete().where(J.run == run_id).execute())
