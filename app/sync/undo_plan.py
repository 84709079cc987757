"""What undoing a run will do, entry by entry, from its journal and Constant Contact now.

Each journal entry gets one step: restore (old field values, list memberships, the old
email), or skip with a reason. Nothing here writes; ``undo`` carries the steps out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.connectors.constant_contact import clearable
from app.core.countries import country_code, subdivision
from app.core.store_types import RecordAction
from app.store.journal_repo import Entry, RecordState
from app.sync.journal import SOURCE_WRITES

A = RecordAction
WRITTEN = ("created", "updated")

UNSUBSCRIBE_KEPT = "Unsubscribes are never undone: only the person can opt back in to your emails."
SOURCE_KEPT = "Written to {source}; undo leaves the source as it is."
NOT_WRITTEN = "The run did not change this contact ({outcome})."
GONE = "This contact is no longer in Constant Contact."
ALREADY = "Already as before the run."
UNSUBSCRIBED_SINCE = "Unsubscribed since the run: never put back on a list."
CHANGED_SINCE = "{field} was changed since the run (now {now!r}); left as it is"
CANNOT_EMPTY = "{field} was empty before; Constant Contact cannot empty it in bulk"
KEPT_UNSUBSCRIBED = "Not deleted: this person unsubscribed, and deleting would forget it"
UNDONE_BEFORE = "Already undone (run {run})."
# Import keys the mirror (as read back) names otherwise: an import's "phone" is "other".
MIRROR_KEYS = {"phone": "other_phone"}
# Keys of an import item that are not contact fields.
NOT_FIELDS = frozenset({"email", "list_memberships"})


@dataclass
class Step:
    """What undo does for one journal entry (``outcome`` set: decided without writing)."""

    entry_id: int
    key: str
    action: str
    email: str  # the address the contact has when the fields are restored
    contact_id: str = ""
    restore: dict[str, str] = field(default_factory=dict)  # key -> old value, by import
    clear: list[str] = field(default_factory=list)  # keys to empty (they were blank)
    list_remove: bool = False  # take off the run's list
    list_add: bool = False  # put back on the run's list
    delete: bool = False  # delete the contact the run created (an explicit choice)
    email_back: str = ""  # PUT this old address back first
    notes: list[str] = field(default_factory=list)  # conflicts, fields left as they are
    outcome: str | None = None  # restored / skipped / failed once decided
    reason: str = ""
    unsubscribe: bool = False

    @property
    def writes(self) -> bool:
        return bool(
            self.restore
            or self.clear
            or self.list_remove
            or self.list_add
            or self.email_back
            or self.delete
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "email": self.email,
            "action": self.action,
            "outcome": self.outcome or "restore",
            "reason": self.reason,
            "restore": dict(self.restore),
            "clear": list(self.clear),
            "remove_from_list": self.list_remove,
            "add_to_list": self.list_add,
            "delete": self.delete,
            "email_back": self.email_back,
            "notes": list(self.notes),
        }


def plan_undo(
    entries: Iterable[Entry],
    records: Mapping[tuple[str, str], RecordState],
    current: Mapping[str, dict],
    list_id: str,
    source_name: str,
    delete_created: bool = False,
) -> list[Step]:
    """One step per entry. ``current``: the mirror's snapshots now, by lowercased email;
    ``delete_created``: delete the contacts the run created instead of only taking them
    off its list (never one who unsubscribed: that would forget their choice)."""
    steps = []
    for e in entries:
        step = Step(e.id, e.key, e.action, e.email.lower(), e.contact_id)
        rec = records.get((e.key, e.action))
        if e.outcome is not None:
            step.outcome, step.reason = "skipped", UNDONE_BEFORE.format(run=e.undo_run_id)
        elif rec is None or rec.outcome not in WRITTEN:
            outcome = rec.outcome if rec is not None and rec.outcome else "not sent"
            step.outcome, step.reason = "skipped", NOT_WRITTEN.format(outcome=outcome)
        elif e.action == A.UNSUBSCRIBE:
            step.outcome, step.reason, step.unsubscribe = "skipped", UNSUBSCRIBE_KEPT, True
        elif e.action in SOURCE_WRITES:
            step.outcome, step.reason = "skipped", SOURCE_KEPT.format(source=source_name)
        elif e.action == A.REMOVE:
            _plan_readd(step, e, current, list_id)
        else:
            _plan_contact(step, e, rec, current, list_id, delete_created)
        if step.outcome is None and not step.writes:
            step.outcome = "skipped"
            step.reason = "; ".join(step.notes) or ALREADY
        steps.append(step)
    return steps


def lookup_emails(entries: Iterable[Entry]) -> set[str]:
    """Every address whose state undo needs: the run's, and each one it changed."""
    out = set()
    for e in entries:
        out.add(e.email.lower())
        if e.before and e.before.get("email"):
            out.add(str(e.before["email"]).lower())
    return out


def _plan_readd(step: Step, e: Entry, current: Mapping[str, dict], list_id: str) -> None:
    now = current.get(step.email)
    if now is None:
        step.outcome, step.reason = "skipped", GONE
    elif now["permission"] == "unsubscribed":
        step.outcome, step.reason = "skipped", UNSUBSCRIBED_SINCE
    elif list_id in now["list_ids"]:
        step.outcome, step.reason = "skipped", ALREADY
    else:
        step.contact_id, step.list_add = now["contact_id"], True


def _plan_contact(
    step: Step,
    e: Entry,
    rec: RecordState,
    current: Mapping[str, dict],
    list_id: str,
    delete_created: bool,
) -> None:
    before = e.before
    old_email = str(before.get("email") or "").lower() if before else ""
    now = current.get(step.email)
    if now is None and old_email and old_email != step.email:
        now = current.get(old_email)  # the address went back already
    if now is None:
        step.outcome, step.reason = "skipped", GONE
        return
    step.contact_id = now["contact_id"] or step.contact_id
    if before is None:  # the run created it: take it off the list the run put it on
        if delete_created and now["permission"] != "unsubscribed":
            step.delete = True
        else:
            step.list_remove = list_id in now["list_ids"]
            if delete_created:
                step.notes.append(KEPT_UNSUBSCRIBED)
        return
    if old_email and now["email"] != old_email:
        step.email_back = old_email
    step.email = old_email or step.email
    sent = {k: str(v).strip() for k, v in (rec.payload or {}).items() if k not in NOT_FIELDS}
    old_fields = before.get("fields") or {}
    now_fields = now.get("fields") or {}
    for sent_key, new in sent.items():
        key = MIRROR_KEYS.get(sent_key, sent_key)
        old = str(old_fields.get(key, "")).strip()
        cur = str(now_fields.get(key, "")).strip()
        if _same(key, old, new) or _same(key, cur, old):
            continue  # the run did not change it, or it is back already
        if not _same(key, cur, new):
            step.notes.append(CHANGED_SINCE.format(field=key, now=cur))
        elif old:
            step.restore[key] = old
        elif clearable(key):
            step.clear.append(key)
        else:
            step.notes.append(CANNOT_EMPTY.format(field=key))
    was_on = list_id in (before.get("list_ids") or ())
    is_on = list_id in now["list_ids"]
    # The restoring import puts everyone on the list: take off again whoever is not on it now.
    step.list_remove = (is_on and not was_on) or (bool(step.restore) and not is_on)


def _same(key: str, a: str, b: str) -> bool:
    """Whether two values of a field are the same once Constant Contact has normalised
    them (it stores "OR" as "Oregon", and formats phone numbers its own way)."""
    if a.casefold() == b.casefold():
        return True
    if not a or not b:
        return False
    if key == "state":
        return subdivision(a) is not None and subdivision(a) == subdivision(b)
    if key == "country":
        return country_code(a) is not None and country_code(a) == country_code(b)
    if key.endswith("_phone"):
        return _digits(a) == _digits(b)
    return False


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
