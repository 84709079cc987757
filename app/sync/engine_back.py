"""Phases that remove from the main list, and that write back to the source.

- ``remove_from_list``: linked records deleted from the source (or filtered out) come off
  the main list through ``remove_list_memberships``; nobody is deleted from Constant Contact.
- ``import_to_source``: Constant Contact contacts become new source records, or are linked
  to the existing ones they matched; if the profile says so, changes made in Constant
  Contact to linked contacts update their source records.
- ``optouts_to_source``: unsubscribes (and, if chosen, resubscribes) mark the source.

Removing a membership, updating a source record and marking an opt-out are idempotent, so
a stopped run simply repeats them. Creating source records is not: the batch is
checkpointed before it is sent, and a resumed run first looks in the source for records a
lost answer already created.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from app.connectors.base import PartialWrite, WritableSource
from app.core.errors import AppError, Cancelled, QuotaExceeded
from app.core.outcomes import Outcome
from app.core.profiles import SyncProfile
from app.core.records import known_contact_id, source_id_of
from app.store.convert import batched
from app.store.links_repo import ImportedLink
from app.sync.fingerprint import fingerprint
from app.sync.import_planner import BackReason
from app.sync.planner import Action

if TYPE_CHECKING:
    from app.store.run_plan_repo import PendingRecord
    from app.store.runs_repo import RunRepository
    from app.sync.engine import PushEngine

REMOVE_BATCH = 500  # contact ids per remove_list_memberships activity (the API's maximum)
SOURCE_BATCH = 100  # records per call to the source

# (source key, values, email) -> (the item the push would send, its fingerprint)
ItemFor = Callable[[str, dict[str, str], str], tuple[dict[str, str], str]]


def _writable(eng: PushEngine) -> WritableSource:
    """The run's source, written to: the back phases write only what ``plan_back`` planned,
    and it plans writes only for a source whose capabilities allow them."""
    return cast(WritableSource, eng.source)


def _batch_size(eng: PushEngine) -> int:
    """Records per write call: the source's own ``write_batch`` (Salesforce writes large
    sets with one bulk job), else ``SOURCE_BATCH``."""
    size = getattr(eng.source, "write_batch", SOURCE_BATCH)
    return size if isinstance(size, int) and size > 0 else SOURCE_BATCH


def _settle_partial(
    runs: RunRepository,
    run_id: int,
    records: Sequence[PendingRecord],
    names: Mapping[int, int | str],
    partial: PartialWrite,
) -> list[PendingRecord]:
    """Fail the records the source refused, with its own words; returns the others, each
    with the source's note about it (if any) added to its detail.

    ``names``: record id -> what ``partial`` calls the record (its position in the batch
    for a create, else its source key)."""
    written, failed, noted = [], [], []
    for r in records:
        name = names[r.id]
        if name in partial.refused:
            failed.append((r.id, Outcome.FAILED, partial.refused[name], None))
            continue
        if name in partial.notes:
            r = r._replace(detail=_with_note(r.detail, partial.notes[name]))
            noted.append((r.id, r.detail))
        written.append(r)
    runs.set_outcomes(run_id, failed)
    runs.set_details(noted)
    return written


def _with_note(detail: str, note: str) -> str:
    return f"{detail}; {note}" if detail else note


def remove_from_list(
    eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]
) -> None:
    d = eng.d
    list_id = cp.get("list_id", "")
    pending = _resolve_contacts(eng, profile, run_id, list_id)
    done = 0
    for batch in batched(pending, REMOVE_BATCH):
        eng.cancel.raise_if_cancelled()
        ids = [r.contact_id for r in batch]
        try:
            activity = d.cc.remove_list_memberships([list_id], ids)
            status = d.cc.wait_for_activity(activity, should_stop=eng.cancel.wait)
        except (QuotaExceeded, Cancelled):
            raise
        except AppError as exc:
            _settle(d.runs, run_id, batch, Outcome.FAILED, exc.message)
            continue
        if not status.succeeded:
            why = "; ".join(status.errors[:3]) or f"the removal ended as {status.state}"
            _settle(
                d.runs, run_id, batch, Outcome.FAILED, f"Constant Contact could not remove: {why}"
            )
            continue
        _settle(d.runs, run_id, batch, Outcome.UPDATED, None)
        d.links.mark_removed(profile.saved_id, [r.key for r in batch])
        d.mirror.remove_from_list(d.connection_id, ids, list_id)
        done += len(batch)
        eng.reporter.advance(done, len(pending), f"{done:,} / {len(pending):,}")


def _resolve_contacts(
    eng: PushEngine, profile: SyncProfile, run_id: int, list_id: str
) -> list[PendingRecord]:
    """The pending removals with their contact ids; looks up the ones the mirror lacks."""
    d = eng.d
    out = []
    for rec in d.runs.pending_records(run_id, Action.REMOVE.value):
        if known_contact_id(rec.contact_id):
            out.append(rec)
            continue
        eng.cancel.raise_if_cancelled()
        found = d.cc.get_contact_by_email(rec.email) if rec.email else None
        if found is None or list_id not in found.list_ids:
            d.runs.set_record_outcome(rec.id, Outcome.SKIPPED, BackReason.NOT_ON_LIST)
            d.links.mark_removed(profile.saved_id, [rec.key])
            continue
        d.runs.set_contact_id(rec.id, found.contact_id)
        out.append(rec._replace(contact_id=found.contact_id))
    return out


def import_to_source(
    eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any], item_for: ItemFor
) -> None:
    d = eng.d
    runs = d.runs
    creates = runs.pending_records(run_id, Action.IMPORT_CREATE.value)
    if cp.get("import_inflight"):
        creates = _recover_inflight(eng, profile, run_id, cp, creates, item_for)
    total, done = len(creates), 0
    for batch in batched(creates, _batch_size(eng)):
        eng.cancel.raise_if_cancelled()
        cp["import_inflight"] = [r.id for r in batch]
        runs.save_checkpoint(run_id, cp)  # before the write: a lost answer is found again
        try:
            keys = _writable(eng).create_records([r.payload["values"] for r in batch])
        except (QuotaExceeded, Cancelled):
            raise
        except PartialWrite as partial:
            position: dict[int, int | str] = {r.id: i for i, r in enumerate(batch)}
            written = _settle_partial(runs, run_id, batch, position, partial)
            made = [(r, partial.keys[int(position[r.id])]) for r in written]
            _created(eng, profile, run_id, [(r, k) for r, k in made if k], item_for)
        except AppError as exc:
            _settle(runs, run_id, batch, Outcome.FAILED, exc.message)
        else:
            _created(eng, profile, run_id, list(zip(batch, keys, strict=True)), item_for)
        cp["import_inflight"] = None
        runs.save_checkpoint(run_id, cp)
        done += len(batch)
        eng.reporter.advance(done, total, f"{done:,} / {total:,}")
    links = runs.pending_records(run_id, Action.IMPORT_LINK.value)
    d.links.upsert_imported(
        profile.saved_id,
        (
            ImportedLink(r.payload["source_key"], r.contact_id, r.email, "", None, None, None)
            for r in links
        ),
    )
    _settle(runs, run_id, links, Outcome.UNCHANGED, None)
    _update_source(eng, profile, run_id)


def _update_source(eng: PushEngine, profile: SyncProfile, run_id: int) -> None:
    """Bring changes made in Constant Contact into linked source records.

    Each updated link remembers the values as sent, so the next run plans nothing more and
    the push finds the source matching Constant Contact.
    """
    d = eng.d
    runs = d.runs
    updates = runs.pending_records(run_id, Action.IMPORT_UPDATE.value)
    done = 0
    for batch in batched(updates, _batch_size(eng)):
        eng.cancel.raise_if_cancelled()
        written = batch
        try:
            _writable(eng).update_records(
                {r.payload["source_key"]: r.payload["values"] for r in batch}
            )
        except (QuotaExceeded, Cancelled):
            raise
        except PartialWrite as partial:
            keys = {r.id: str(r.payload["source_key"]) for r in batch}
            written = _settle_partial(runs, run_id, batch, keys, partial)
        except AppError as exc:
            _settle(runs, run_id, batch, Outcome.FAILED, exc.message)
            written = []
        if written:
            d.links.save_sent(
                profile.saved_id,
                (
                    (
                        r.payload["source_key"],
                        fingerprint(r.payload["sent"], profile.main_list),
                        r.payload["sent"],
                    )
                    for r in written
                ),
            )
            _settle(runs, run_id, written, Outcome.UPDATED, None)
        done += len(batch)
        eng.reporter.advance(done, len(updates), f"{done:,} / {len(updates):,}")


def _created(
    eng: PushEngine,
    profile: SyncProfile,
    run_id: int,
    made: Sequence[tuple[PendingRecord, str]],
    item_for: ItemFor,
) -> None:
    d = eng.d
    imported = []
    details = []
    for rec, key in made:
        item, fp = item_for(key, rec.payload["values"], rec.email)
        imported.append(ImportedLink(key, rec.contact_id, rec.email, fp, item, False, False))
        details.append((rec.id, f"New source record {key}: {rec.detail}".rstrip(": ")))
    d.links.upsert_imported(profile.saved_id, imported)
    d.runs.set_details(details)
    d.runs.set_source_ids((rec.id, source_id_of(key)) for rec, key in made)
    _settle(d.runs, run_id, [rec for rec, _ in made], Outcome.CREATED, None)


def _recover_inflight(
    eng: PushEngine,
    profile: SyncProfile,
    run_id: int,
    cp: dict[str, Any],
    creates: list[PendingRecord],
    item_for: ItemFor,
) -> list[PendingRecord]:
    """After a stop mid-write: records the source already holds are not created twice."""
    inflight = set(cp["import_inflight"])
    column = profile.mapping.source_for("email") or ""
    by_email: dict[str, str] = {}
    for record in eng.source.iter_records():
        email = (record.values.get(column) or "").strip().lower()
        if email:
            by_email.setdefault(email, record.key)
    made = [(r, by_email[r.email]) for r in creates if r.id in inflight and r.email in by_email]
    if made:
        _created(eng, profile, run_id, made, item_for)
    cp["import_inflight"] = None
    eng.d.runs.save_checkpoint(run_id, cp)
    found = {r.id for r, _ in made}
    return [r for r in creates if r.id not in found]


def optouts_to_source(
    eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]
) -> None:
    d = eng.d
    for action, opted_out in ((Action.OPT_OUT, True), (Action.OPT_IN, False)):
        pending = d.runs.pending_records(run_id, action.value)
        done = 0
        for batch in batched(pending, _batch_size(eng)):
            eng.cancel.raise_if_cancelled()
            written = batch
            try:
                _writable(eng).set_opted_out([r.key for r in batch], opted_out)
            except (QuotaExceeded, Cancelled):
                raise
            except PartialWrite as partial:
                keys = {r.id: r.key for r in batch}
                written = _settle_partial(d.runs, run_id, batch, keys, partial)
            except AppError as exc:
                _settle(d.runs, run_id, batch, Outcome.FAILED, exc.message)
                written = []
            _settle(d.runs, run_id, written, Outcome.UPDATED, None)
            done += len(batch)
            eng.reporter.advance(done, len(pending), f"{done:,} / {len(pending):,}")


def _settle(
    runs: RunRepository,
    run_id: int,
    records: Sequence[PendingRecord],
    outcome: Outcome,
    reason: str | None,
) -> None:
    runs.set_outcomes(run_id, [(r.id, outcome, reason, None) for r in records])
