"""What undoing a run will do, entry by entry, from its journal, Constant Contact now and
(for what the run wrote to the source) the source now.

Each journal entry gets one step: restore (old field values, list memberships, the old
email, old values in the source), remove what the run created (when the user chose it),
or skip with a reason. Opt-outs and unsubscribes are never undone. Nothing here writes;
``undo`` carries the steps out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.connectors.constant_contact import clearable
from app.core.countries import country_code, subdivision
from app.core.store_types import ContactSnapshot, RecordAction
from app.store.journal_repo import Entry, RecordState
from app.sync.journal import SOURCE_WRITES

A = RecordAction
WRITTEN = ("created", "updated")

UNSUBSCRIBE_KEPT = "Unsubscribes are never undone: only the person can opt back in to your emails."
NOT_WRITTEN = "The run did not change this contact ({outcome})."
GONE = "This contact is no longer in Constant Contact."
ALREADY = "Already as before the run."
UNSUBSCRIBED_SINCE = "Unsubscribed since the run: never put back on a list."
CHANGED_SINCE = "{field} was changed since the run (now {now!r}); left as it is"
CANNOT_EMPTY = "{field} was empty before; Constant Contact cannot empty it in bulk"
KEPT_UNSUBSCRIBED = "Not deleted: this person unsubscribed, and deleting would forget it"
UNDONE_BEFORE = "Already undone (run {run})."
# Writes to the source.
SOURCE_OPT_OUT_KEPT = (
    "Opt-outs are never undone: the opt-out mark stays in {source}; only the person can "
    "opt back in."
)
SOURCE_OPT_IN_KEPT = (
    "The person opted back in at Constant Contact; undo leaves the opt-out mark cleared "
    "in {source}."
)
SOURCE_CREATED_KEPT = (
    "Created in {source} by the run; left there (undo removes it only when you choose to "
    "remove what the run created)."
)
SOURCE_CANNOT_ARCHIVE = "Created in {source} by the run; {source} cannot remove records."
SOURCE_CREATED_CHANGED = (
    "Created in {source} by the run, and changed there since ({fields}); left as it is."
)
SOURCE_GONE = "This record is no longer in {source}."
SOURCE_NOT_JOURNALLED = "Written to {source}; undo leaves the source as it is."
SOURCE_CHANGED_SINCE = "{field} was changed in {source} since the run (now {now!r}); left as it is"
SOURCE_NOT_READ = "Could not read {source}: {why}"
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
    origin: str = ""  # put back on the list: how its link came to be before the run
    source_key: str = ""  # the source record a write to the source changed or created
    source_restore: dict[str, str] = field(default_factory=dict)  # column -> old value
    source_archive: bool = False  # remove the record the run created in the source (a choice)
    link: dict[str, Any] | None = None  # what the link remembered before an import update
    opt_out_kept: bool = False  # an opt-out the run wrote to the source (never undone)
    created_kept: bool = False  # a record the run created in the source, left there
    lists_off: list[str] = field(default_factory=list)  # other lists the run put it on
    lists_on: list[str] = field(default_factory=list)  # other lists the run took it off

    @property
    def writes(self) -> bool:
        return bool(
            self.restore
            or self.clear
            or self.list_remove
            or self.list_add
            or self.email_back
            or self.delete
            or self.source_restore
            or self.source_archive
            or self.lists_off
            or self.lists_on
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
            "source_key": self.source_key,
            "source_restore": dict(self.source_restore),
            "source_archive": self.source_archive,
        }


@dataclass(frozen=True)
class SourceNow:
    """The source as undo finds it: ``records`` by key (only those in use), or ``error``
    when it could not be read; what it can do (``SourceCapabilities``)."""

    records: Mapping[str, Mapping[str, str]]
    error: str = ""
    can_update: bool = False
    can_archive: bool = False


def plan_undo(
    entries: Iterable[Entry],
    records: Mapping[tuple[str, str], RecordState],
    current: Mapping[str, ContactSnapshot],
    list_id: str,
    source_name: str,
    delete_created: bool = False,
    source: SourceNow | None = None,
    other_lists: frozenset[str] = frozenset(),
) -> list[Step]:
    """One step per entry. ``current``: the mirror's snapshots now, by lowercased email;
    ``delete_created``: delete the contacts the run created instead of only taking them
    off its list (never one who unsubscribed: that would forget their choice), and remove
    the records it created in the source; ``source``: the records ``source_keys`` names,
    as the source has them now (None: not read, so nothing is written there)."""
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
            _plan_source(step, e, rec, source, source_name, delete_created)
        elif e.action == A.REMOVE:
            _plan_readd(step, e, current, list_id)
        elif e.action == A.LISTS:
            _plan_other_lists(step, e, current, other_lists)
        else:
            _plan_contact(step, e, rec, current, list_id, delete_created)
            _plan_other_lists(step, e, current, other_lists)
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


def source_keys(
    entries: Iterable[Entry], records: Mapping[tuple[str, str], RecordState], delete_created: bool
) -> list[str]:
    """The source records undo must read: those the run updated and, when they are to be
    removed, those it created (entries settled or not written need none)."""
    keys = []
    for e in entries:
        rec = records.get((e.key, e.action))
        if e.outcome is not None or rec is None or rec.outcome not in WRITTEN:
            continue
        if e.action == A.IMPORT_UPDATE and e.before and "fields" in e.before:
            keys.append(str(e.before.get("source_key") or ""))
        elif e.action == A.IMPORT_CREATE and delete_created:
            keys.append(rec.source_id)
    return [k for k in dict.fromkeys(keys) if k]


def _plan_source(
    step: Step,
    e: Entry,
    rec: RecordState,
    source: SourceNow | None,
    name: str,
    delete_created: bool,
) -> None:
    """A write the run made to the source: put old values back, remove a record it created
    (only when chosen), or say why it stays (opt-outs never go back)."""
    before = e.before or {}
    if e.action == A.OPT_OUT:
        step.outcome, step.reason = "skipped", SOURCE_OPT_OUT_KEPT.format(source=name)
        step.opt_out_kept = True
        return
    if e.action == A.OPT_IN:
        step.outcome, step.reason = "skipped", SOURCE_OPT_IN_KEPT.format(source=name)
        return
    if e.action == A.IMPORT_CREATE:
        step.source_key = rec.source_id
        step.created_kept = True
        if not delete_created or not rec.source_id:
            step.outcome, step.reason = "skipped", SOURCE_CREATED_KEPT.format(source=name)
            return
    elif "fields" not in before:
        # Journalled before undo kept the source's values: nothing to put back.
        step.outcome, step.reason = "skipped", SOURCE_NOT_JOURNALLED.format(source=name)
        return
    else:
        step.source_key = str(before.get("source_key") or "")
    if source is None or source.error:
        why = source.error if source is not None else "it was not read"
        step.outcome, step.reason = "failed", SOURCE_NOT_READ.format(source=name, why=why)
        return
    now = source.records.get(step.source_key)
    if now is None:
        step.outcome, step.reason = "skipped", SOURCE_GONE.format(source=name)
        step.created_kept = False
        return
    if e.action == A.IMPORT_CREATE:
        _plan_archive(step, rec, source, now, name)
    else:
        _plan_source_update(step, before, source, now, name)


def _plan_archive(
    step: Step, rec: RecordState, source: SourceNow, now: Mapping[str, str], name: str
) -> None:
    if not source.can_archive:
        step.outcome, step.reason = "skipped", SOURCE_CANNOT_ARCHIVE.format(source=name)
        return
    sent = (rec.payload or {}).get("values") or {}
    changed = [c for c, v in sent.items() if not _same_text(str(now.get(c, "")), str(v))]
    if changed:
        step.outcome = "skipped"
        step.reason = SOURCE_CREATED_CHANGED.format(source=name, fields=", ".join(changed))
        return
    step.source_archive, step.created_kept = True, False


def _plan_source_update(
    step: Step, before: Mapping[str, Any], source: SourceNow, now: Mapping[str, str], name: str
) -> None:
    if not source.can_update:
        step.outcome, step.reason = "skipped", SOURCE_NOT_JOURNALLED.format(source=name)
        return
    old_values = before.get("fields") or {}
    for column, new in (before.get("written") or {}).items():
        old, cur = str(old_values.get(column, "")), str(now.get(column, ""))
        if _same_text(old, str(new)) or _same_text(cur, old):
            continue  # the run did not change it, or it is back already
        if not _same_text(cur, str(new)):
            step.notes.append(SOURCE_CHANGED_SINCE.format(field=column, source=name, now=cur))
        else:
            step.source_restore[column] = old
    if step.source_restore and before.get("link"):
        step.link = dict(before["link"])


def _same_text(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _plan_readd(step: Step, e: Entry, current: Mapping[str, ContactSnapshot], list_id: str) -> None:
    step.origin = str((e.before or {}).get("origin") or "")
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
    current: Mapping[str, ContactSnapshot],
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


def _plan_other_lists(
    step: Step, e: Entry, current: Mapping[str, ContactSnapshot], other_lists: frozenset[str]
) -> None:
    """The other lists a profile's list map manages, back as they were before the run: off
    those it joined, and back on those it left, unless the person has unsubscribed since."""
    if not other_lists or step.outcome is not None or step.delete:
        return
    now = current.get(step.email)
    if now is None:
        if e.action == A.LISTS:
            step.outcome, step.reason = "skipped", GONE
        return
    step.contact_id = now["contact_id"] or step.contact_id
    was = set(e.before.get("list_ids") or ()) if e.before else set()
    is_now = set(now["list_ids"])
    step.lists_off = sorted((is_now - was) & other_lists)
    back = sorted((was - is_now) & other_lists)
    if back and now["permission"] == "unsubscribed":
        step.notes.append(UNSUBSCRIBE_KEPT)  # never put back on a list: their choice stands
    elif back:
        step.lists_on = back


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
