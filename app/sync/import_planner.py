"""The pure planner for everything besides the push: imports, opt-outs back, list removals.

Given the source's records (as the push planned them), the links and the local mirror of
Constant Contact, it plans:

- **import** rows (Constant Contact → source): contacts not in the source yet are created
  there; a contact whose email one source record has is matched (linked) to it, and by name
  and email when several share the email; the profile's rule settles the rest. An
  unsubscribed contact is never created as a new source record.
- **import update** rows (if the profile says so): a linked contact whose mapped values
  changed in Constant Contact since ContactBridge last sent them updates its source record.
- **optout** rows: an unsubscribe in Constant Contact marks the source record opted out; a
  resubscribe (the person's own action) clears the mark, if the profile says so.
- **remove** rows (push direction): a linked record deleted from the source, or no longer
  matching the filters, comes off the main list. Nobody is ever deleted from Constant Contact.

Nothing here does I/O; the engine stores the rows and applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from app.connectors.base import SourceCapabilities
from app.core.email_address import email_key
from app.core.fields import ADDRESS_KEYS, PHONE_KEYS
from app.core.normalise import kept_value, same_value
from app.core.profiles import AmbiguousMatch, ImportScope, SyncProfile
from app.core.records import Permission, RemoteContact, source_id_of
from app.core.store_types import Direction, PlannedRow, RecordAction
from app.core.transforms import import_key
from app.sync.diff import describe_values

# Push actions that put (or keep) the record's email in Constant Contact through the push.
PUSH_HANDLES = frozenset(
    {
        RecordAction.CREATE,
        RecordAction.UPDATE,
        RecordAction.UNCHANGED,
        RecordAction.CHANGE_EMAIL,
        RecordAction.UNSUBSCRIBE,
    }
)
# Only an explicit opt-in is the person's own doing (imports make contacts implicit).
OPTED_IN = frozenset({Permission.EXPLICIT})
IMPORT_KEY_PREFIX = "cc:"


class BackReason:
    """Plain-words reasons for the import, opt-out and removal rows."""

    NEW = "New in Constant Contact, so added to the source"
    UNSUBSCRIBED = "Unsubscribed in Constant Contact, so not added to the source"
    MATCHED = "Matched an existing source record by email"
    MATCHED_NAME = "Matched an existing source record by name and email"
    CHANGED = "Changed in Constant Contact, so the source record was updated"
    AMBIGUOUS = "{n} source records share this email{and_name} (rows {rows})"
    AMBIGUOUS_SKIP = AMBIGUOUS + "; not imported (the profile says skip)"
    AMBIGUOUS_CREATE = AMBIGUOUS + "; created a new record (the profile says create)"
    AMBIGUOUS_LINK = AMBIGUOUS + "; linked to the first (the profile says link)"
    OPT_OUT = "Unsubscribed in Constant Contact, so marked opted out in the source"
    OPT_IN = "Opted back in at Constant Contact, so the source's opt-out mark is cleared"
    REMOVED_DELETED = "Deleted from the source, so removed from the main list"
    REMOVED_FILTERED = "No longer matches the filters, so removed from the main list"
    NOT_ON_LIST = "Already off the main list (or gone from Constant Contact)"
    LINKED_ELSEWHERE = (
        "Its email is on source record {key}, which is linked to another Constant Contact "
        "contact; not imported"
    )


class _RowBase(TypedDict):
    """What the rows planned for one contact or record share, whatever their action."""

    row: int
    key: str
    email: str
    contact_id: str
    direction: str
    name: str
    source_id: NotRequired[str]


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One source record as the push saw it (what matching and opt-outs need)."""

    key: str
    row: int
    email: str  # its email_key when valid, or ""
    first_name: str
    last_name: str
    opted_out: bool
    push_action: RecordAction
    filtered: bool = False
    name: str = ""  # as results show it (see ``Planner.name_of``)
    # The mapped columns' values, kept only for linked records an import update may change
    # (the undo journal keeps what the update replaces).
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LinkState:
    """What a link remembers (see ``app.store.links_repo.LinkDetail``)."""

    contact_id: str | None
    email: str
    source_opted_out: bool | None = None
    cc_unsubscribed: bool | None = None
    origin: str = "push"  # push, import, or removed (taken off the main list)
    # The item last sent (Constant Contact field keys); loaded only for import updates.
    last_sent: Mapping[str, str] | None = None
    fingerprint: str = ""  # of the values last sent (an import update replaces it)


@dataclass
class BackContext:
    """Everything the back planner needs.

    Attributes:
        entries: every source record read in this run (in source order).
        full_read: the source was read whole (not a retry of some keys), so a linked key
            missing from ``entries`` was deleted from the source.
        only_keys: plan only rows with these keys (a retry), or None for all.
        deleted: keys the source reported deleted (or archived) since its last read, when
            this run read only the changes (``full_read`` False).
        outside: linked keys the read missed that the source still has: its own selection
            (customers only, a group) leaves them out, so they were not deleted. A record
            this profile made from a Constant Contact contact is left alone then (Xero, for
            one, never marks a contact it did not invoice as a customer).
        left_behind: addresses the profile's records left for new ones, their old contacts
            kept apart ("a new contact when an email changes"): not imported back as other
            people.
    """

    profile: SyncProfile
    capabilities: SourceCapabilities
    entries: list[SourceEntry]
    links: Mapping[str, LinkState]
    contacts: Iterable[RemoteContact]
    main_list_id: str
    full_read: bool = True
    only_keys: frozenset[str] | None = None
    email_column: str = ""
    outside: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    left_behind: frozenset[str] = frozenset()


def plan_back(ctx: BackContext) -> Iterator[PlannedRow]:
    """Plan the import, opt-out and removal rows; yields them in a stable order."""
    opts = ctx.profile.options
    caps = ctx.capabilities
    do_import = opts.import_from_cc and caps.create
    do_updates = opts.import_from_cc and opts.import_updates_existing and caps.update
    do_optouts = caps.opt_out and (opts.optout_to_source or opts.clear_optout_on_resubscribe)
    removals = opts.remove_deleted and opts.push_to_cc
    if not (do_import or do_updates or do_optouts or removals):
        return
    by_key = {e.key: e for e in ctx.entries}
    by_email: dict[str, list[SourceEntry]] = {}
    for e in ctx.entries:
        if e.email:
            by_email.setdefault(e.email, []).append(e)
    linked_ids = {lk.contact_id for lk in ctx.links.values() if lk.contact_id}
    linked_emails = {lk.email for lk in ctx.links.values() if lk.email} | ctx.left_behind
    handled = {e.email for e in ctx.entries if e.email and e.push_action in PUSH_HANDLES}
    contacts = {c.contact_id: c for c in ctx.contacts if not c.deleted}
    contact_by_email = {email_key(c.email): c for c in contacts.values()}

    rows: list[PlannedRow] = []
    if do_optouts:
        rows.extend(_optout_rows(ctx, by_key, contacts, contact_by_email))
    if opts.remove_deleted and opts.push_to_cc and ctx.main_list_id:
        rows.extend(_removal_rows(ctx, by_key, contacts, contact_by_email, handled))
    if do_import:
        for contact in contacts.values():
            if not _in_scope(ctx, contact):
                continue
            email = email_key(contact.email)
            if contact.contact_id in linked_ids or email in linked_emails or email in handled:
                continue
            matches = by_email.get(email, [])
            free = [m for m in matches if m.key not in ctx.links]
            if matches and not free:
                # The address is on a record linked to another contact (say its email was
                # changed onto this one): relinking would orphan that contact.
                rows.append(_taken_row(contact, matches[0]))
                continue
            rows.append(_import_row(ctx, contact, free))
    if do_updates:
        rows.extend(_update_rows(ctx, by_key, contacts, contact_by_email))
    for row in rows:
        if ctx.only_keys is None or row.key in ctx.only_keys:
            yield row


def _in_scope(ctx: BackContext, contact: RemoteContact) -> bool:
    chosen = ctx.profile.options.import_lists
    if chosen:
        return not contact.list_ids.isdisjoint(chosen)
    if ctx.profile.options.import_scope is ImportScope.ALL_ACTIVE:
        return True
    return bool(ctx.main_list_id) and ctx.main_list_id in contact.list_ids


def _find_contact(
    link: LinkState | None,
    email: str,
    contacts: Mapping[str, RemoteContact],
    by_email: Mapping[str, RemoteContact],
) -> RemoteContact | None:
    if link is not None and link.contact_id and link.contact_id in contacts:
        return contacts[link.contact_id]
    return by_email.get((link.email if link is not None else "") or email)


def _optout_rows(
    ctx: BackContext,
    by_key: Mapping[str, SourceEntry],
    contacts: Mapping[str, RemoteContact],
    by_email: Mapping[str, RemoteContact],
) -> Iterator[PlannedRow]:
    opts = ctx.profile.options
    for entry in ctx.entries:
        if not entry.email:
            continue
        link = ctx.links.get(entry.key)
        contact = _find_contact(link, entry.email, contacts, by_email)
        if contact is None or email_key(contact.email) != entry.email:
            continue  # only the contact that is this record's address speaks for it
        base: _RowBase = {
            "row": entry.row,
            "key": entry.key,
            "email": entry.email,
            "contact_id": contact.contact_id,
            "direction": Direction.OPTOUT.value,
            "name": entry.name or contact_name(contact),
            "source_id": source_id_of(entry.key),
        }
        if contact.unsubscribed and not entry.opted_out and opts.optout_to_source:
            if link is not None and link.cc_unsubscribed and link.source_opted_out is False:
                continue  # the source cleared the mark after we set it: its choice stands
            yield PlannedRow(
                action=RecordAction.OPT_OUT, reason=BackReason.OPT_OUT, state="1,1", **base
            )
        elif (
            entry.opted_out
            and contact.permission in OPTED_IN
            and link is not None
            and link.cc_unsubscribed
            and opts.clear_optout_on_resubscribe
        ):
            yield PlannedRow(
                action=RecordAction.OPT_IN, reason=BackReason.OPT_IN, state="0,0", **base
            )


def _removal_rows(
    ctx: BackContext,
    by_key: Mapping[str, SourceEntry],
    contacts: Mapping[str, RemoteContact],
    by_email: Mapping[str, RemoteContact],
    handled: set[str],
) -> Iterator[PlannedRow]:
    for key, link in ctx.links.items():
        if link.origin == "removed":
            continue  # taken off the list already (a tombstone)
        entry = by_key.get(key)
        if entry is None:
            if not ctx.full_read and key not in ctx.deleted:
                continue  # a read of the changes proves nothing about the rest
            if key in ctx.outside:
                if link.origin != "push":
                    continue  # made from Constant Contact, outside the selection from birth
                reason = BackReason.REMOVED_FILTERED
            else:
                reason = BackReason.REMOVED_DELETED
        elif entry.filtered and link.origin == "push":
            reason = BackReason.REMOVED_FILTERED
        else:
            continue
        contact = _find_contact(link, link.email, contacts, by_email)
        if contact is not None and ctx.main_list_id not in contact.list_ids:
            continue  # not on the main list: nothing to remove
        if (email_key(contact.email) if contact else link.email) in handled:
            continue  # another source record has this address and keeps it on the list
        # A contact our own import made may have no id yet: the phase looks it up by email.
        yield PlannedRow(
            row=entry.row if entry else 0,
            key=key,
            email=email_key(contact.email) if contact else link.email,
            action=RecordAction.REMOVE,
            reason=reason,
            contact_id=contact.contact_id if contact else (link.contact_id or ""),
            direction=Direction.PUSH.value,
            name=(entry.name if entry else "") or (contact_name(contact) if contact else ""),
            source_id=source_id_of(key),
            payload={"origin": link.origin},  # how the link came to be; undo keeps it
        )


def _update_rows(
    ctx: BackContext,
    by_key: Mapping[str, SourceEntry],
    contacts: Mapping[str, RemoteContact],
    by_email: Mapping[str, RemoteContact],
) -> Iterator[PlannedRow]:
    """Changes made in Constant Contact to linked contacts, into their source records.

    Only a record the source left as it was (the push plans no change for it) takes them:
    a change on both sides goes the push's way. Only values Constant Contact has (a blank
    never erases a source value), and never the email or unsubscribe state. Values are
    compared as Constant Contact keeps them: a state sent as "IL" reads back as "Illinois",
    which is the value sent, not an edit to copy into the source.
    """
    opts = ctx.profile.options
    dropped = (set() if opts.sync_addresses else set(ADDRESS_KEYS)) | (
        set() if opts.sync_phones else set(PHONE_KEYS)
    )
    for key, link in ctx.links.items():
        entry = by_key.get(key)
        if link.origin == "removed" or link.last_sent is None or entry is None:
            continue
        if entry.push_action is not RecordAction.UNCHANGED:
            continue
        contact = _find_contact(link, link.email, contacts, by_email)
        if contact is None or not _in_scope(ctx, contact):
            continue
        values: dict[str, str] = {}
        sent: dict[str, str] = dict(link.last_sent)
        changes: list[str] = []
        country = contact.fields.get("country") or link.last_sent.get("country", "")
        for fm in ctx.profile.mapping.fields:
            target = fm.target
            if not fm.source or not target or target == "email" or target in dropped:
                continue
            if fm.source in values:
                continue
            item_key = import_key(target)
            value = str(contact.fields.get(target) or contact.fields.get(item_key) or "")
            before = link.last_sent.get(item_key, "")
            if not value or same_value(
                item_key, kept_value(link.last_sent, item_key), value, country
            ):
                continue
            values[fm.source] = value
            sent[item_key] = value
            changes.append(f"{target}: {before or '(blank)'} → {value}")
        if not values:
            continue
        yield PlannedRow(
            row=entry.row,
            key=IMPORT_KEY_PREFIX + contact.contact_id,
            email=email_key(contact.email),
            action=RecordAction.IMPORT_UPDATE,
            reason=BackReason.CHANGED,
            contact_id=contact.contact_id,
            matched_existing=True,
            detail="; ".join(changes),
            payload={
                "source_key": key,
                "values": values,
                "sent": sent,
                # What the update replaces, for undo: the record's values, the link's memory.
                "before": {c: str(entry.values.get(c) or "") for c in values},
                "link_before": {"fingerprint": link.fingerprint, "last_sent": dict(link.last_sent)},
            },
            direction=Direction.IMPORT.value,
            name=entry.name or contact_name(contact),
            source_id=source_id_of(key),
        )


def _taken_row(contact: RemoteContact, entry: SourceEntry) -> PlannedRow:
    return PlannedRow(
        row=entry.row,
        key=IMPORT_KEY_PREFIX + contact.contact_id,
        email=email_key(contact.email),
        action=RecordAction.SKIP,
        reason=BackReason.LINKED_ELSEWHERE.format(key=entry.key),
        contact_id=contact.contact_id,
        direction=Direction.IMPORT.value,
        name=contact_name(contact),
        source_id=source_id_of(entry.key),
    )


def _import_row(ctx: BackContext, contact: RemoteContact, matches: list[SourceEntry]) -> PlannedRow:
    opts = ctx.profile.options
    email = email_key(contact.email)
    base: _RowBase = {
        "row": 0,
        "key": IMPORT_KEY_PREFIX + contact.contact_id,
        "email": email,
        "contact_id": contact.contact_id,
        "direction": Direction.IMPORT.value,
        "name": contact_name(contact),
    }

    def create(reason: str) -> PlannedRow:
        if contact.unsubscribed:
            return PlannedRow(action=RecordAction.SKIP, reason=BackReason.UNSUBSCRIBED, **base)
        values = source_values(ctx.profile, contact, ctx.email_column)
        return PlannedRow(
            action=RecordAction.IMPORT_CREATE,
            reason=reason,
            detail=describe_values(values),
            payload={"values": values},
            **base,
        )

    def link(entry: SourceEntry, reason: str) -> PlannedRow:
        linked: _RowBase = {
            **base,
            "row": entry.row,
            "name": entry.name or base["name"],
            "source_id": source_id_of(entry.key),
        }
        return PlannedRow(
            action=RecordAction.IMPORT_LINK,
            reason=reason,
            matched_existing=True,
            payload={"source_key": entry.key, "opted_out": entry.opted_out},
            detail=f"Source record {entry.key} (row {entry.row})",
            **linked,
        )

    if not matches:
        return create(BackReason.NEW)
    if len(matches) == 1:
        return link(matches[0], BackReason.MATCHED)
    first = contact.fields.get("first_name", "").strip().lower()
    last = contact.fields.get("last_name", "").strip().lower()
    by_name = [m for m in matches if (m.first_name.lower(), m.last_name.lower()) == (first, last)]
    if len(by_name) == 1:
        return link(by_name[0], BackReason.MATCHED_NAME)
    tied = by_name or matches
    words = {
        "n": len(tied),
        "and_name": " and name" if by_name else "",
        "rows": ", ".join(str(m.row) for m in tied[:10]),
    }
    rule = opts.import_ambiguous
    if rule is AmbiguousMatch.CREATE:
        return create(BackReason.AMBIGUOUS_CREATE.format(**words))
    if rule is AmbiguousMatch.LINK:
        return link(tied[0], BackReason.AMBIGUOUS_LINK.format(**words))
    return PlannedRow(
        action=RecordAction.SKIP, reason=BackReason.AMBIGUOUS_SKIP.format(**words), **base
    )


def contact_name(contact: RemoteContact) -> str:
    """A Constant Contact contact's name: first and last name, else the company."""
    fields = contact.fields
    parts = (str(fields.get(k) or "").strip() for k in ("first_name", "last_name"))
    return " ".join(filter(None, parts)) or str(fields.get("company_name") or "").strip()


def source_values(
    profile: SyncProfile, contact: RemoteContact, email_column: str
) -> dict[str, str]:
    """A contact's values under the source's own column names (the mapping, reversed)."""
    values: dict[str, str] = {}
    for fm in profile.mapping.fields:
        if not fm.source or not fm.target or fm.source in values:
            continue
        if fm.target == "email":
            values[fm.source] = contact.email.lower()
        else:
            value = contact.fields.get(fm.target) or contact.fields.get(import_key(fm.target))
            if value:
                values[fm.source] = str(value)
    if email_column and email_column not in values:
        values[email_column] = contact.email.lower()
    return values
