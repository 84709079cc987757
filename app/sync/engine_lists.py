"""The run's "other lists" phase: records that only joined or left lists of the profile's
list map (``app/sync/plan_lists.py``) are added to, or taken off, those lists with one
membership activity per list and direction, in batches of 500 contacts.

A record is updated when every change of its lists went through, and failed, with the reason,
when one did not. Nobody who unsubscribed is ever added: the planner makes no such record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.core.errors import AppError, Cancelled, QuotaExceeded
from app.core.outcomes import Outcome
from app.core.profiles import SyncProfile
from app.core.records import known_contact_id
from app.store.convert import batched
from app.sync.planner import Action

if TYPE_CHECKING:
    from app.store.run_plan_repo import PendingRecord
    from app.sync.engine import PushEngine

BATCH = 500  # contact ids per membership activity (the API's maximum)
Remember = Callable[[int, list[str], str], int]  # the local copy: (connection, ids, list)


def update_memberships(
    eng: PushEngine, profile: SyncProfile, run_id: int, cp: dict[str, Any]
) -> None:
    d = eng.d
    pending: list[PendingRecord] = []
    for rec in d.runs.pending_records(run_id, Action.LISTS.value):
        contact_id = rec.contact_id
        if not known_contact_id(contact_id):
            found = d.mirror.get_by_email(d.connection_id, rec.email) if rec.email else None
            contact_id = found.contact_id if found is not None else ""
        if not known_contact_id(contact_id):
            d.runs.set_outcomes(
                run_id,
                [(rec.id, Outcome.FAILED, "Not found in Constant Contact any more", None)],
            )
            continue
        pending.append(rec._replace(contact_id=contact_id))
    failed: dict[int, str] = {}
    steps: list[tuple[str, Callable[[list[str], list[str]], str], Remember, str]] = [
        ("add", d.cc.add_list_memberships, d.mirror.add_to_list, "add it to"),
        ("drop", d.cc.remove_list_memberships, d.mirror.remove_from_list, "take it off"),
    ]
    total, done = sum(_count(pending, key) for key, *_ in steps), 0
    for key, act, remember, words in steps:
        for list_id in sorted({i for r in pending for i in _ids(r, key)}):
            members = [r for r in pending if list_id in _ids(r, key)]
            for batch in batched(members, BATCH):
                eng.cancel.raise_if_cancelled()
                why = _activity(eng, act, list_id, [r.contact_id for r in batch])
                if why:
                    for r in batch:
                        failed[r.id] = f"Constant Contact could not {words} a list: {why}"
                else:
                    remember(d.connection_id, [r.contact_id for r in batch], list_id)
                done += len(batch)
                eng.reporter.advance(done, total, f"{done:,} / {total:,}")
    d.runs.set_outcomes(
        run_id,
        [
            (r.id, Outcome.FAILED, failed[r.id], None)
            if r.id in failed
            else (r.id, Outcome.UPDATED, None, r.contact_id)
            for r in pending
        ],
    )


def _ids(rec: PendingRecord, key: str) -> list[str]:
    payload = rec.payload or {}
    return [i for i in str(payload.get(key) or "").split(",") if i]


def _count(pending: Sequence[PendingRecord], key: str) -> int:
    return sum(len(_ids(r, key)) > 0 for r in pending)


def _activity(
    eng: PushEngine, act: Callable[[list[str], list[str]], str], list_id: str, ids: list[str]
) -> str:
    """Run one membership activity; "" when it succeeded, else why not."""
    try:
        status = eng.d.cc.wait_for_activity(act([list_id], ids), should_stop=eng.cancel.wait)
    except (QuotaExceeded, Cancelled):
        raise
    except AppError as exc:
        return exc.message
    if status.succeeded:
        return ""
    return "; ".join(status.errors[:3]) or f"it ended as {status.state}"
