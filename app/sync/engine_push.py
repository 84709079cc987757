"""Push phases that write to Constant Contact: email changes, bulk imports, unsubscribes.

Each phase is a function of the engine and the run's checkpoint; every write is either
idempotent or checkpointed before it is sent, so a run stopped anywhere resumes without
sending anything twice (see ``engine.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from app.connectors.base import ActivityStatus
from app.core.errors import AppError, Cancelled, ConflictError, NotFound, QuotaExceeded
from app.core.outcomes import Outcome
from app.core.profiles import SyncProfile
from app.core.records import Permission, RemoteContact, known_contact_id
from app.core.store_types import Link
from app.sync.fingerprint import item_part, source_part
from app.sync.import_errors import ImportItem, attribute_errors
from app.sync.planner import Action, Reason

if TYPE_CHECKING:
    from app.sync.engine import PushEngine

EMAIL_CHANGED_FROM = "Email changed from "  # the planner's reason; the old address follows
# Imports sent before the first of them is seen finished. More: fewer looks at the activities
# (each a request); fewer: less sent that Cancel cannot call back (40,000 contacts at most each).
MAX_IN_FLIGHT = 3


def change_emails(eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]) -> None:
    """PUT each changed email on the contact the record was linked to, before the import.

    The import then updates the rest by the new email, so the same contact is updated and
    no duplicate is made. Re-running is safe: a contact that has the address already is
    left as it is.
    """
    d = eng.d
    pending = d.runs.pending_records(run_id, Action.CHANGE_EMAIL.value)
    for n, rec in enumerate(pending, 1):
        eng.cancel.raise_if_cancelled()
        old = (
            rec.reason[len(EMAIL_CHANGED_FROM) :]
            if rec.reason.startswith(EMAIL_CHANGED_FROM)
            else ""
        )
        contact_id = known_contact_id(rec.contact_id)
        try:
            if not contact_id and old:
                known = d.mirror.get_by_email(d.connection_id, old)
                found = known if known is not None else d.cc.get_contact_by_email(old)
                contact_id = found.contact_id if found is not None else ""
            if not contact_id:
                continue  # the old contact is gone: the import creates the new address
            contact = d.cc.update_contact_email(contact_id, rec.email)
        except ConflictError as exc:
            _keep_old_address(eng, run_id, old, rec.row, Outcome.SKIPPED)
            reason = Reason.EMAIL_TAKEN.format(email=rec.email)
            d.runs.set_record_outcome(rec.id, Outcome.SKIPPED, reason)
            _remember_owner(eng, rec.email, exc.existing_id)
        except NotFound:
            continue  # deleted meanwhile: the import creates the new address
        except (QuotaExceeded, Cancelled):
            raise
        except AppError as exc:
            _keep_old_address(eng, run_id, old, rec.row, Outcome.FAILED)
            d.runs.set_record_outcome(rec.id, Outcome.FAILED, exc.message)
        else:
            d.runs.set_contact_id(rec.id, contact_id)
            d.mirror.upsert_contacts(d.connection_id, [contact])
        eng.reporter.advance(n, len(pending), f"{n:,} / {len(pending):,}")


def _keep_old_address(eng: PushEngine, run_id: int, old: str, row: int, outcome: Outcome) -> None:
    """An email change did not go through: its contact keeps the ``old`` address. A record
    of this run planned to take that address (it was to be free: see ``handover``) is not
    imported onto that contact, nor does its opt-out, looked up by that address, unsubscribe
    it. Settled before the change itself, so a resumed run finds the change pending still."""
    if not old:
        return
    runs = eng.d.runs
    reason = Reason.STILL_IN_USE.format(email=old, row=row)
    runs.settle_pending_with_email(run_id, old, Action.CREATE.value, outcome, reason)
    by_address = [
        rid
        for rid, cid in runs.pending_by_action(run_id, Action.UNSUBSCRIBE.value)
        if not known_contact_id(cid)  # else it unsubscribes its own contact, by id
    ]
    for rid, email in runs.emails_of(by_address).items():
        if email.lower() == old.lower():
            runs.set_record_outcome(rid, outcome, reason)
            runs.clear_state(rid)  # nothing was done to remember


def _remember_owner(eng: PushEngine, email: str, owner_id: str) -> None:
    """Put the contact that has ``email`` in the mirror, so the next plan skips it unasked.

    Constant Contact's 409 names that contact ("Email already exists for contact <id>."),
    so no lookup is needed; only an answer without the id costs a lookup by email. A contact
    the mirror already has under this address is left as it is. One it lacks is recorded
    with its id and email only (no date, so any row read from Constant Contact wins), until
    the next refresh reads the rest.
    """
    d = eng.d
    if not owner_id:
        owner = d.cc.get_contact_by_email(email)
        if owner is not None:
            d.mirror.upsert_contacts(d.connection_id, [owner])
        return
    known = d.mirror.get_by_email(d.connection_id, email)
    if known is None or known.contact_id != owner_id:
        d.mirror.upsert_contacts(
            d.connection_id, [RemoteContact(owner_id, email.lower(), Permission.NOT_SET)]
        )


def import_chunks(eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]) -> None:
    """Send each pending chunk as one bulk import and record every record's outcome.

    Up to ``MAX_IN_FLIGHT`` imports are sent ahead, so that one look at Constant Contact's
    activities sees several finished (looks count against the daily quota too). Cancel
    stops the sending at once; imports already sent finish in Constant Contact whatever
    we do, and a resumed run waits for them (their ids are checkpointed) and sends the rest.
    """
    d = eng.d
    runs, cc = d.runs, d.cc
    chunks: dict[str, dict[str, Any]] = cp.get("chunks", {})
    base = sum(c.get("items", 0) for c in chunks.values() if c.get("done"))
    total_items = runs.count_items(run_id)
    to_send = [key for key in sorted(chunks, key=int) if not chunks[key].get("done")]

    def progress(done: int, total: int) -> None:
        shown = base + done
        eng.reporter.advance(shown, total_items, f"{shown:,} / {total_items:,}")

    watch = cc.watch_activities(should_stop=eng.cancel.wait, on_progress=progress)
    in_flight: dict[str, str] = {}  # activity id -> chunk key
    while to_send or in_flight:
        while to_send and len(in_flight) < MAX_IN_FLIGHT:
            eng.cancel.raise_if_cancelled()
            key = to_send.pop(0)
            activity_id = _send_chunk(eng, run_id, cp, key)
            if activity_id:
                in_flight[activity_id] = key
                watch.add(activity_id, chunks[key]["items"])
        if not in_flight:
            continue
        for status in watch.wait():
            key = in_flight.pop(status.activity_id)
            _settle_chunk(eng, profile, run_id, cp, key, status)


def _send_chunk(eng: PushEngine, run_id: int, cp: dict[str, Any], key: str) -> str:
    """Start the chunk's import, checkpointed before anything waits on it; its activity id
    ("" when every record of it was settled before). A chunk sent before is not sent again."""
    runs = eng.d.runs
    state = cp["chunks"][key]
    payloads = runs.iter_chunk_payloads(run_id, int(key))
    if not payloads and not state.get("activity_id"):
        state["done"] = True  # every record of it was settled before (refused emails)
        runs.save_checkpoint(run_id, cp)
        return ""
    state["items"] = len(payloads)
    if not state.get("activity_id"):
        state["activity_id"] = eng.d.cc.start_contacts_import(
            [p for _, p in payloads], [cp["list_id"], *state.get("lists", ())]
        )
        runs.save_checkpoint(run_id, cp)  # before waiting: never import twice
    return str(state["activity_id"])


def _settle_chunk(
    eng: PushEngine,
    profile: SyncProfile,
    run_id: int,
    cp: dict[str, Any],
    key: str,
    status: ActivityStatus,
) -> None:
    """Record the outcome of every record of a finished chunk, and checkpoint it as done."""
    runs = eng.d.runs
    state = cp["chunks"][key]
    payloads = runs.iter_chunk_payloads(run_id, int(key))  # read again: one chunk in memory
    state["delivered"], state["new"] = _record_chunk(
        eng, profile, run_id, int(key), status, payloads
    )
    state["done"] = True
    state["started_at"] = status.started_at.isoformat() if status.started_at else ""
    state["completed_at"] = status.completed_at.isoformat() if status.completed_at else ""
    runs.save_checkpoint(run_id, cp)


def _record_chunk(
    eng: PushEngine,
    profile: SyncProfile,
    run_id: int,
    chunk: int,
    status: ActivityStatus,
    payloads: list[tuple[int, dict[str, Any]]],
) -> tuple[int, int]:
    """Settle every record of a finished import chunk; returns how many it delivered, and
    how many of those are new to the local copy (their ids unknown until read)."""
    runs = eng.d.runs
    if not status.succeeded:
        why = "; ".join(status.errors[:3]) or f"the import ended as {status.state}"
        runs.set_chunk_outcome(
            run_id, chunk, Outcome.FAILED, f"Constant Contact could not import: {why}"
        )
        return 0, 0
    rows = runs.rows_of([record_id for record_id, _ in payloads])
    items = [ImportItem(rid, rows.get(rid, 0), str(p.get("email", ""))) for rid, p in payloads]
    refused = attribute_errors(status.errors, items)
    runs.set_outcomes(run_id, [(rid, Outcome.FAILED, why, None) for rid, why in refused.items()])
    unsubscribed: dict[str, tuple[Outcome, str]] = {}
    if status.cannot_add_to_list_count:
        unsubscribed = _newly_unsubscribed(eng, {p.get("email", "") for _, p in payloads})
        runs.fail_records_by_email(run_id, chunk, unsubscribed)
    runs.finalize_chunk(run_id, chunk)  # planned outcome for everything not failed above
    _save_links(eng, profile, run_id, chunk)
    delivered = [
        p
        for rid, p in payloads
        if rid not in refused and str(p.get("email", "")).lower() not in unsubscribed
    ]
    other = cp_lists(eng, run_id, chunk)
    return len(delivered), _record_in_mirror(eng, run_id, delivered, other)


def _newly_unsubscribed(eng: PushEngine, emails: set[str]) -> dict[str, tuple[Outcome, str]]:
    """Emails of this chunk that Constant Contact refused to list as unsubscribed."""
    found: dict[str, tuple[Outcome, str]] = {}
    batch = []
    for contact in eng.d.cc.iter_contacts(status="unsubscribed"):
        batch.append(contact)
        if contact.email.lower() in emails:
            found[contact.email.lower()] = (Outcome.SKIPPED, Reason.UNSUBSCRIBED)
    eng.d.mirror.upsert_contacts(eng.d.connection_id, batch)
    return found


def _save_links(eng: PushEngine, profile: SyncProfile, run_id: int, chunk: int) -> None:
    d = eng.d
    successes = d.runs.chunk_links(run_id, chunk)
    links = [Link(key, cid or None, email, fp) for key, cid, email, fp in successes]
    d.links.upsert_many(profile.saved_id, links)
    d.links.save_sent_from_chunk(profile.saved_id, run_id, chunk)


def keep_source_digests(eng: PushEngine, profile: SyncProfile, run_id: int) -> int:
    """Give the links of a run's unchanged records the digest of the source values their
    item is made from (``fingerprint.with_source``), where a link has none yet (kept before
    it existed, or by an import): the next plan then knows them unchanged at a glance.
    Only the digest is added; a link whose item differs from the plan's is left as it is."""
    rows = [
        (key, planned, kept)
        for key, planned, kept in eng.d.links.unchanged_fingerprints(profile.saved_id, run_id)
        if source_part(planned) and item_part(planned) == item_part(kept)
    ]
    return eng.d.links.set_fingerprints(profile.saved_id, rows) if rows else 0


def cp_lists(eng: PushEngine, run_id: int, chunk: int) -> list[str]:
    """The other lists (a profile's list map) a chunk's import put its contacts on."""
    state = (eng.d.runs.checkpoint(run_id).get("chunks") or {}).get(str(chunk)) or {}
    return [str(i) for i in state.get("lists", ()) if i]


def _record_in_mirror(
    eng: PushEngine, run_id: int, items: Iterable[dict[str, Any]], other_lists: Iterable[str] = ()
) -> int:
    """Put what the import delivered into the local copy of the account at once.

    Every profile on the account then sees these contacts in its next plan (matched, never
    created again), though the import returned no ids; see ``MirrorRepository.record_import``.
    """
    d = eng.d
    list_id = d.runs.checkpoint(run_id).get("list_id") or ""
    return d.mirror.record_import(d.connection_id, items, list_id, other_lists)


def unsubscribe(eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]) -> None:
    """Unsubscribe, one by one, contacts the source marks as opted out (if chosen).

    Safe to repeat: unsubscribing an unsubscribed contact changes nothing.
    """
    d = eng.d
    pending = d.runs.pending_by_action(run_id, Action.UNSUBSCRIBE.value)
    emails = d.runs.emails_of([record_id for record_id, _ in pending]) if pending else {}
    for n, (record_id, contact_id) in enumerate(pending, 1):
        eng.cancel.raise_if_cancelled()
        try:
            contact_id = known_contact_id(contact_id)
            if not contact_id:  # created by a bulk import, which returns no ids
                found = d.cc.get_contact_by_email(emails[record_id])
                if found is None:
                    d.runs.set_record_outcome(record_id, Outcome.SKIPPED, Reason.NOT_IN_CC)
                    d.runs.clear_state(record_id)  # nothing there to remember
                    continue
                if found.unsubscribed:
                    d.runs.set_record_outcome(
                        record_id, Outcome.SKIPPED, Reason.ALREADY_UNSUBSCRIBED
                    )
                    continue
                contact_id = found.contact_id
            d.cc.unsubscribe_contact(contact_id, "Opted out in the source")
        except (QuotaExceeded, Cancelled):
            raise
        except AppError as exc:
            d.runs.set_record_outcome(record_id, Outcome.FAILED, exc.message)
        else:
            d.runs.set_record_outcome(record_id, Outcome.UPDATED, None)
            # What we just did, so the next plan never mistakes a stale row for an opt-in.
            done = RemoteContact(contact_id, emails[record_id], Permission.UNSUBSCRIBED)
            d.mirror.upsert_contacts(d.connection_id, [done])
        eng.reporter.advance(n, len(pending), f"{n:,} / {len(pending):,}")
