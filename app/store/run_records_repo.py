"""Bulk operations on a run's per-record rows, built for 100,000+ records per run."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from peewee import Case, Field, fn

from app.core.outcomes import Outcome, RecordResult, RunCounts
from app.core.store_types import ACTION_OUTCOME, PlannedRow
from app.store import models as m
from app.store.convert import BATCH, batched, executemany, insert_sql, tuple_rows
from app.store.db import db

R = m.RunRecord

_INSERT_FIELDS: list[Field[Any]] = [
    R.run,
    R.row,
    R.key,
    R.email,
    R.action,
    R.outcome,
    R.reason,
    R.contact_id,
    R.matched_existing,
    R.detail,
    R.payload,
    R.chunk,
    R.fingerprint,
    R.direction,
    R.state,
    R.name,
    R.source_id,
]
_RESULT_FIELDS = (
    R.id,
    R.row,
    R.key,
    R.email,
    R.outcome,
    R.reason,
    R.contact_id,
    R.matched_existing,
    R.detail,
    R.direction,
    R.action,
    R.name,
    R.source_id,
)

# One UPDATE per record, sent with executemany: far faster than peewee's CASE-based
# bulk_update. COALESCE keeps the stored reason / contact id when None is passed.
_SET_OUTCOME = (
    'UPDATE "run_record" SET "outcome" = ?, "reason" = COALESCE(?, "reason"), '
    '"contact_id" = COALESCE(?, "contact_id") WHERE "run_id" = ? AND {where}'
)
_SET_OUTCOME_BY_ID = _SET_OUTCOME.format(where='"id" = ?')
_SET_OUTCOME_BY_KEY = _SET_OUTCOME.format(where='"key" = ?')
_FAIL_BY_EMAIL = (
    'UPDATE "run_record" SET "outcome" = ?, "reason" = ? WHERE "run_id" = ? AND lower("email") = ?'
)

OutcomeUpdate = tuple[int | str, Outcome, str | None, str | None]
_SUCCESS = (Outcome.CREATED.value, Outcome.UPDATED.value)


_INSERT = insert_sql(R, _INSERT_FIELDS)


def _row_values(run_id: int, r: PlannedRow) -> tuple[Any, ...]:
    return (
        run_id,
        r.row,
        r.key,
        r.email,
        str(r.action),
        None if r.outcome is None else Outcome(r.outcome).value,
        r.reason,
        r.contact_id,
        r.matched_existing,
        r.detail,
        None if r.payload is None else json.dumps(dict(r.payload), separators=(",", ":")),
        r.chunk,
        r.fingerprint,
        str(r.direction),
        r.state,
        r.name,
        r.source_id,
    )


def _planned_row(values: tuple[Any, ...]) -> PlannedRow:
    """A PlannedRow from a select of ``_INSERT_FIELDS`` (payload already decoded)."""
    _run, row, key, email, action, outcome, reason, contact_id, matched, detail, *rest = values
    payload, chunk, fingerprint, direction, state, name, source_id = rest
    return PlannedRow(
        row=row,
        key=key,
        email=email,
        action=action,
        outcome=None if outcome is None else Outcome(outcome),
        reason=reason,
        contact_id=contact_id,
        matched_existing=bool(matched),
        detail=detail,
        payload=payload,
        chunk=chunk,
        fingerprint=fingerprint,
        direction=direction,
        state=state,
        name=name,
        source_id=source_id,
    )


_OUTCOME_VALUES = frozenset(o.value for o in Outcome)


def _outcome_and_reason(value: str | tuple[Outcome, str]) -> tuple[str, str]:
    """``(Outcome, reason)``, ``"skipped:reason"`` or a plain failure reason."""
    if isinstance(value, tuple):
        outcome, reason = value
        return Outcome(outcome).value, reason
    head, colon, rest = value.partition(":")
    if colon and head in _OUTCOME_VALUES:
        return head, rest
    return Outcome.FAILED.value, value


class RunRecordStore:
    """The record half of ``RunRepository``: plan rows, outcomes, results and counts.

    Writes go in batches, each in its own transaction, so other writers are not locked
    out for long; wrap a call in ``db.atomic()`` to make it all-or-nothing.
    """

    def add_records(self, run_id: int, rows: Iterable[PlannedRow]) -> int:
        """Store plan rows in order, streamed in batches of 1,000; returns how many."""
        added = 0
        for batch in batched(rows, BATCH):
            with db.atomic():
                added += executemany(_INSERT, [_row_values(run_id, r) for r in batch])
        return added

    def iter_chunk_payloads(self, run_id: int, chunk: int) -> list[tuple[int, dict[str, Any]]]:
        """``(record id, payload)`` of every record an import chunk carries, in plan order."""
        query = tuple_rows(
            R.select(R.id, R.payload)
            .where(
                (R.run == run_id)
                & (R.chunk == chunk)
                & R.payload.is_null(False)
                & R.outcome.is_null()  # settled earlier (e.g. an email change refused)
            )
            .order_by(R.id)
        )
        return list(query)

    def chunk_pending(self, run_id: int, chunk: int) -> list[tuple[int, str, str, str, Any]]:
        """``(record id, key, email, action, payload)`` of a chunk's records not yet final."""
        query = tuple_rows(
            R.select(R.id, R.key, R.email, R.action, R.payload)
            .where(
                (R.run == run_id)
                & (R.chunk == chunk)
                & R.payload.is_null(False)
                & R.outcome.is_null()
            )
            .order_by(R.id)
        )
        return list(query)

    def keys_with_outcome(self, run_id: int, outcome: Outcome) -> list[str]:
        """The keys of the run's records that ended (or, in a dry run, would end) so."""
        query = tuple_rows(
            R.select(R.key).where((R.run == run_id) & (R.outcome == Outcome(outcome).value))
        )
        return [key for (key,) in query]

    def settled_unsent(self, run_id: int) -> list[tuple[str, str, str]]:
        """``(key, email, fingerprint)`` of the records settled without sending anything."""
        query = tuple_rows(
            R.select(R.key, R.email, R.fingerprint)
            .where((R.run == run_id) & R.payload.is_null() & R.outcome.is_null(False))
            .order_by(R.id)
        )
        return list(query)

    def chunks_pending(self, run_id: int) -> list[int]:
        """Chunks that still hold records without a final outcome, in order."""
        query = tuple_rows(
            R.select(R.chunk)
            .where((R.run == run_id) & R.chunk.is_null(False) & R.outcome.is_null())
            .distinct()
            .order_by(R.chunk)
        )
        return [c for (c,) in query]

    def set_outcomes(self, run_id: int, updates: Iterable[OutcomeUpdate]) -> int:
        """Set final outcomes in bulk; returns how many records changed.

        Args:
            updates: ``(ref, outcome, reason, contact_id)``; ``ref`` is a record id (int) or
                a source key (str, updating every record of the run with that key); a None
                reason or contact id keeps the stored one.
        """
        changed = 0
        for batch in batched(updates, 5000):
            by_id: list[tuple[Any, ...]] = []
            by_key: list[tuple[Any, ...]] = []
            for ref, outcome, reason, contact_id in batch:
                params = (Outcome(outcome).value, reason, contact_id, run_id, ref)
                (by_key if isinstance(ref, str) else by_id).append(params)
            with db.atomic():
                changed += executemany(_SET_OUTCOME_BY_ID, by_id)
                changed += executemany(_SET_OUTCOME_BY_KEY, by_key)
        return changed

    def set_chunk_outcome(
        self, run_id: int, chunk: int, outcome: Outcome, reason: str = "", pending_only: bool = True
    ) -> int:
        """Give every record of a chunk one outcome (one UPDATE); returns how many."""
        where = (R.run == run_id) & (R.chunk == chunk)
        if pending_only:
            where &= R.outcome.is_null()
        return int(R.update(outcome=Outcome(outcome).value, reason=reason).where(where).execute())

    def finalize_chunk(self, run_id: int, chunk: int) -> int:
        """Give a chunk's pending records their planned action's outcome (create → created)."""
        planned = Case(R.action, [(a.value, o.value) for a, o in ACTION_OUTCOME.items()], None)
        where = (R.run == run_id) & (R.chunk == chunk) & R.outcome.is_null()
        return int(R.update(outcome=planned).where(where).execute())

    def fail_records_by_email(
        self,
        run_id: int,
        chunk: int | None,
        reasons: Mapping[str, str | tuple[Outcome, str]],
    ) -> int:
        """Give the records with these emails (any case) a final outcome, by default FAILED.

        Args:
            chunk: limit to one import chunk (index-assisted); None searches the whole run.
            reasons: email → reason (the record failed), or → ``(outcome, reason)`` for
                another outcome. A reason written ``"skipped:why"`` (an outcome value and a
                colon) means ``(Outcome.SKIPPED, "why")``.
        """
        sql = _FAIL_BY_EMAIL
        extra: tuple[int, ...] = ()
        if chunk is not None:
            sql, extra = sql + ' AND "chunk" = ?', (chunk,)
        params = [
            (*_outcome_and_reason(value), run_id, email.lower(), *extra)
            for email, value in reasons.items()
        ]
        changed = 0
        for batch in batched(params, 5 * BATCH):
            with db.atomic():
                changed += executemany(sql, batch)
        return changed

    def settle_pending_with_email(
        self, run_id: int, email: str, action: str, outcome: Outcome, reason: str
    ) -> int:
        """Give the records planned for ``action`` with this email (any case), and no
        outcome yet, a final outcome; returns how many."""
        where = (
            (R.run == run_id)
            & (fn.lower(R.email) == email.lower())
            & (R.action == str(action))
            & R.outcome.is_null()
        )
        return int(R.update(outcome=Outcome(outcome).value, reason=reason).where(where).execute())

    def set_record_outcome(
        self, record_id: int, outcome: Outcome, reason: str | None = None
    ) -> None:
        """Set one record's final outcome; a None reason keeps the stored one."""
        values: dict[str, Any] = {"outcome": Outcome(outcome).value}
        if reason is not None:
            values["reason"] = reason
        R.update(**values).where(R.id == record_id).execute()

    def pending_by_action(self, run_id: int, action: str) -> list[tuple[int, str]]:
        """``(record id, contact id)`` of the records planned for ``action`` and not final."""
        query = tuple_rows(
            R.select(R.id, R.contact_id)
            .where((R.run == run_id) & (R.action == str(action)) & R.outcome.is_null())
            .order_by(R.id)
        )
        return list(query)

    def chunk_successes(self, run_id: int, chunk: int) -> list[PlannedRow]:
        """The records of a chunk that ended created or updated, in plan order."""
        query = tuple_rows(
            R.select(*_INSERT_FIELDS)
            .where((R.run == run_id) & (R.chunk == chunk) & R.outcome.in_(_SUCCESS))
            .order_by(R.id)
        )
        return [_planned_row(values) for values in query]

    def emails_of(self, record_ids: list[int]) -> dict[int, str]:
        """The email of each record, by record id."""
        out: dict[int, str] = {}
        for batch in batched(record_ids, BATCH):
            query = R.select(R.id, R.email).where(R.id.in_(batch)).tuples()
            out.update(db.execute(query))
        return out

    def rows_of(self, record_ids: list[int]) -> dict[int, int]:
        """The source row of each record, by record id."""
        out: dict[int, int] = {}
        for batch in batched(record_ids, BATCH):
            query = R.select(R.id, R.row).where(R.id.in_(batch)).tuples()
            out.update(db.execute(query))
        return out

    def chunk_links(self, run_id: int, chunk: int) -> list[tuple[str, str, str, str]]:
        """``(key, contact id, email, fingerprint)`` of a chunk's created or updated records.

        The lean form of ``chunk_successes`` that the engine saves as links (no payloads).
        """
        query = (
            R.select(R.key, R.contact_id, R.email, R.fingerprint)
            .where((R.run == run_id) & (R.chunk == chunk) & R.outcome.in_(_SUCCESS))
            .tuples()
        )
        return list(db.execute(query))

    def success_reasons(self, run_id: int, prefix: str) -> list[str]:
        """The reasons starting with ``prefix`` of the run's created or updated records."""
        query = (
            R.select(R.reason)
            .where((R.run == run_id) & R.outcome.in_(_SUCCESS) & R.reason.startswith(prefix))
            .tuples()
        )
        return [reason for (reason,) in db.execute(query)]

    def count_items(self, run_id: int) -> int:
        """How many records carry an import item (all chunks)."""
        return int(R.select().where((R.run == run_id) & R.chunk.is_null(False)).count())

    def delete_records(self, run_id: int) -> int:
        """Forget a run's records (to plan it again); returns how many went."""
        deleted = 0
        while True:  # in slices, so other writers get the lock between them
            ids = R.select(R.id).where(R.run == run_id).limit(10 * BATCH)
            with db.atomic():
                n = int(R.delete().where(R.id.in_(ids)).execute())
            deleted += n
            if n == 0:
                return deleted

    def iter_results(
        self, run_id: int, outcome: Outcome | None = None, batch: int = 5000
    ) -> Iterator[RecordResult]:
        """Stream the records that have a final outcome, in plan order.

        Reads page by page (no cursor is held open between pages), so the caller may
        write between items.
        """
        last_id = 0
        where = (R.run == run_id) & R.outcome.is_null(False)
        if outcome is not None:
            where &= R.outcome == Outcome(outcome).value
        while True:
            page = list(
                tuple_rows(
                    R.select(*_RESULT_FIELDS)
                    .where(where & (R.id > last_id))
                    .order_by(R.id)
                    .limit(batch)
                )
            )
            if not page:
                return
            for _id, row, key, email, out, reason, contact_id, matched, detail, *rest in page:
                direction, action, name, source_id = rest
                yield RecordResult(
                    row,
                    key,
                    email,
                    Outcome(out),
                    reason,
                    contact_id,
                    bool(matched),
                    detail,
                    direction,
                    action,
                    name,
                    source_id,
                )
            last_id = page[-1][0]

    def payload_of(self, run_id: int, key: str) -> dict[str, Any] | None:
        """The payload the run planned to send for the record ``key`` (None: nothing)."""
        row = R.select(R.payload).where((R.run == run_id) & (R.key == key)).order_by(R.id).first()
        return dict(row.payload) if row is not None and row.payload is not None else None

    def results(self, run_id: int, outcome: Outcome | None = None) -> list[RecordResult]:
        """Records with a final outcome, in plan order (pending ones are left out)."""
        return list(self.iter_results(run_id, outcome))

    def counts(self, run_id: int) -> RunCounts:
        """Counts of final outcomes, by SQL ``GROUP BY``."""
        query = tuple_rows(
            R.select(R.outcome, fn.COUNT(R.id))
            .where((R.run == run_id) & R.outcome.is_null(False))
            .group_by(R.outcome)
        )
        return RunCounts(**{Outcome(o).value: n for o, n in query})

    def action_counts(self, run_id: int) -> dict[str, int]:
        """How many records the plan gave each action."""
        query = R.select(R.action, fn.COUNT(R.id)).where(R.run == run_id).group_by(R.action)
        return dict(tuple_rows(query))

    def pending_count(self, run_id: int) -> int:
        """Records still waiting for a final outcome."""
        return int(R.select().where((R.run == run_id) & R.outcome.is_null()).count())

    def failed_keys(self, run_id: int) -> list[str]:
        query = tuple_rows(
            R.select(R.key)
            .where((R.run == run_id) & (R.outcome == Outcome.FAILED.value))
            .order_by(R.id)
        )
        return [k for (k,) in query]
