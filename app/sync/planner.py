"""The pure planner: source records in, one planned action per record out.

Records are mapped, filtered and validated, then matched to Constant Contact: by stored link
first, then by email. Each record gets exactly one plan: create, update, unchanged or skip
(with a reason). Nothing here does I/O; the engine applies the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from app.core.email_address import NOT_VALID, check_email, email_key
from app.core.normalise import same_items
from app.core.outcomes import Outcome
from app.core.profiles import OptOutHandling, SyncProfile
from app.core.records import Permission, SourceRecord, known_contact_id, source_id_of
from app.core.store_types import ACTION_OUTCOME, RecordAction
from app.core.tallies import FAILED_SUBSCRIPTION_REASON
from app.core.validation import is_consent_value
from app.sync.diff import describe_changes
from app.sync.fingerprint import fingerprint, item_part, source_part, with_source
from app.sync.handover import Fate, Handover
from app.sync.item_plan import ItemPlan

# One vocabulary for planned actions, shared with the store.
Action = RecordAction
OUTCOME_OF = ACTION_OUTCOME
# Read once: an enum member costs a lookup each time it is named, and the planner names
# these for every record.
_SKIP, _UNCHANGED, _UNSUBSCRIBED = Action.SKIP, Action.UNCHANGED, Permission.UNSUBSCRIBED
# ``_tuple(PlannedRecord, (...every field...))`` makes the same tuple as ``PlannedRecord(...)``
# without a NamedTuple's Python-level ``__new__``: for the plans made for nearly every record.
_tuple = tuple.__new__
_second = itemgetter(1)  # the plan of a (record, plan) pair


# How the reason of a "new contact for a new address" plan begins; the old address follows.
NEW_ADDRESS = "New address (was "


def left_address(reason: str) -> str:
    """The address a "new address" plan left for the new one (its reason names it), or ""."""
    if not reason.startswith(NEW_ADDRESS):
        return ""
    return reason[len(NEW_ADDRESS) :].partition("): ")[0].lower()


class Reason:
    """The plain-words reasons a record is skipped."""

    FILTERED = "Does not match the profile's filters"
    NO_EMAIL = "No email address"
    INVALID_EMAIL = NOT_VALID  # "Not a valid email address: 'ann@'"; others name the problem
    DUPLICATE = "Same email address as row {row}; only the first is pushed"
    OPTED_OUT = "Opted out in the source, so not pushed"
    NO_CONSENT = (
        "No consent to email: the consent column “{column}” does not say yes, so not pushed"
    )
    UNSUBSCRIBED = FAILED_SUBSCRIPTION_REASON  # counted as a failed subscription
    ALREADY_UNSUBSCRIBED = "Opted out in the source and already unsubscribed in Constant Contact"
    NOT_IN_CC = "Opted out in the source and not in Constant Contact, so nothing to do"
    NO_UPDATES = "Already in Constant Contact; updating existing contacts is off"
    RESUBSCRIBED = (
        "Opted back in at Constant Contact after opting out here, so not unsubscribed again"
    )
    EMAIL_TAKEN = (
        "The new email {email} already belongs to another Constant Contact contact; "
        "not merged (merge or fix them in Constant Contact, then sync again)"
    )
    STILL_IN_USE = (
        "{email} is still the email of the Constant Contact contact of row {row}, whose "
        "change of email is not made in this run; sync again once it is"
    )
    OLD_ADDRESS_UNSUBSCRIBED = (
        "Unsubscribed in Constant Contact under the old address {old}, so the new address is "
        "not added for them"
    )
    HARD_BOUNCED = (
        "Hard-bounced in a Constant Contact campaign: the address does not exist, so not pushed"
    )
    ROW_PROBLEM = "Could not read this row: {problem}"
    BAD_VALUES = "Constant Contact would refuse this contact: {problems}"


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """What the last successful sync stored for a source record."""

    contact_id: str | None
    email: str
    fingerprint: str
    source_opted_out: bool | None = None  # the source's opt-out mark last acted on
    cc_unsubscribed: bool | None = None  # Constant Contact's state when last seen
    origin: str = "push"


@dataclass(frozen=True, slots=True)
class RemoteInfo:
    """What the local mirror knows of a Constant Contact contact, by email."""

    contact_id: str
    permission: str
    on_main_list: bool


class PlannedRecord(NamedTuple):
    """The plan for one source record (a tuple: one is made per record, so cheap to make).

    Attributes:
        item: the flat bulk-import item to send (for create and update), else None.
        previous_email: set when the source changed this record's email since the last sync.
        warnings: notes such as fields trimmed to Constant Contact's limits.
        state: opt-out states to remember once the record's outcome is final
            ("<source opted out>,<cc unsubscribed>", 0 or 1 each), or None.
        detail: what changes, e.g. "First name: Ada → Augusta".
        name: the person's name (mapped first and last name, else the company), for results.
        source_id: the source's own id for the record, or "" (``source_id_of``).
    """

    row: int
    key: str
    email: str
    action: Action
    reason: str = ""
    item: Mapping[str, str] | None = None
    fingerprint: str = ""
    contact_id: str = ""
    matched_existing: bool = False
    previous_email: str = ""
    warnings: tuple[str, ...] = ()
    state: str | None = None
    detail: str = ""
    name: str = ""
    source_id: str = ""
    lists: tuple[str, ...] = ()  # ids of the other lists an import puts it on (ListRules)

    @property
    def outcome(self) -> Outcome:
        return OUTCOME_OF[self.action]


@dataclass
class PlanContext:
    """Everything the planner needs besides the records.

    Attributes:
        links: source key -> what the last sync stored.
        remote: ``email_key`` of an email -> the Constant Contact contact, from the local mirror.
        row_problems: row number -> a problem the source reported for that row.
        previous_item: source key -> the item last sent (for "old → new" details).
        hard_bounced: emails (``email_key``) a campaign hard-bounced on (campaign statistics):
            never pushed again.
        only_keys: the keys the run writes (a retry of failed records), None for every key:
            the email change of a record outside them is not made (see ``handover``).
    """

    profile: SyncProfile
    links: Mapping[str, LinkInfo] = field(default_factory=dict)
    remote: Mapping[str, RemoteInfo] = field(default_factory=dict)
    row_problems: Mapping[int, str] = field(default_factory=dict)
    previous_item: Callable[[str], Mapping[str, str] | None] | None = None
    hard_bounced: frozenset[str] = frozenset()
    only_keys: frozenset[str] | None = None


class _Read(NamedTuple):
    """A record read, its address checked and not a duplicate, not yet matched."""

    record: SourceRecord
    email: str
    warning: str  # the address sent in another form (an IDN domain in punycode), or ""
    name: str
    source_id: str


def _unchanged(
    row: int,
    key: str,
    email: str,
    fp: str,
    contact_id: str,
    previous_email: str,
    warnings: tuple[str, ...],
    state: str | None,
    name: str,
    source_id: str,
) -> PlannedRecord:
    """An "already up to date" plan, every field by position: made for nearly every record
    of a re-sync."""
    return _tuple(
        PlannedRecord,
        (
            row,
            key,
            email,
            _UNCHANGED,
            "Already up to date",
            None,
            fp,
            contact_id,
            False,
            previous_email,
            warnings,
            state,
            "",
            name,
            source_id,
            (),
        ),
    )


def _tidy_state(link: LinkInfo | None) -> str | None:
    """Record "not opted out anywhere" for a link that remembers an older opt-out."""
    if link is None or (not link.source_opted_out and not link.cc_unsubscribed):
        return None
    return "0,0"


class Planner:
    """Plans records one at a time, remembering emails already seen in this run.

    ``plan_records`` (and ``plan_all``) plan a whole read: a record taking the address
    another record leaves in the same run comes after that record's plan (``handover``).
    ``plan`` plans one record as it comes, knowing only the records planned before it.
    """

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self._seen: dict[str, int] = {}
        profile = ctx.profile
        mapping = profile.mapping
        self._items = ItemPlan(profile)
        self._main_list = profile.main_list
        self._filters = None if profile.filters.is_empty else profile.filters
        self._email_column = mapping.source_for("email") or ""
        self._first_column = mapping.source_for("first_name") or ""
        self._last_column = mapping.source_for("last_name") or ""
        self._company_column = mapping.source_for("company_name") or ""
        self._handover = Handover(ctx.links, ctx.only_keys)
        self._waiting: dict[str, list[_Read]] = {}  # owner key -> records waiting for its plan

    def plan_all(self, records: Iterable[SourceRecord]) -> Iterator[PlannedRecord]:
        return map(_second, self.plan_records(records))

    def plan_records(
        self, records: Iterable[SourceRecord]
    ) -> Iterator[tuple[SourceRecord, PlannedRecord]]:
        """Each record with its plan, in the source's order, except that a record taking an
        address another record of the read leaves waits for that record's plan."""
        read_of, match = self._read, self._match
        for record in records:
            read = read_of(record)
            planned = match(read, wait=True) if isinstance(read, _Read) else read
            if planned is not None:
                yield record, planned
                if self._waiting:
                    yield from self._release(planned.key)
        # Still waiting: their record was not read, or they wait on each other (a swap).
        while self._waiting:
            first = next(iter(self._waiting))
            for waited in self._waiting.pop(first):
                planned = self._match(waited)
                assert planned is not None  # nothing waits when told not to
                yield waited.record, planned
                yield from self._release(planned.key)

    def plan(self, record: SourceRecord) -> PlannedRecord:
        """Plan one record now: an address it takes from a record not planned yet is matched
        by email, as if that record kept it (``plan_records`` waits for that record)."""
        read = self._read(record)
        if not isinstance(read, _Read):
            return read
        planned = self._match(read)
        assert planned is not None  # nothing waits when told not to
        return planned

    def _release(self, key: str) -> Iterator[tuple[SourceRecord, PlannedRecord]]:
        """Plan the records waiting for ``key``'s plan, and those waiting for theirs."""
        ready = [key]
        while ready:
            for read in self._waiting.pop(ready.pop(), ()):
                planned = self._match(read)
                assert planned is not None  # nothing waits when told not to
                yield read.record, planned
                ready.append(planned.key)

    def _read(self, record: SourceRecord) -> PlannedRecord | _Read:
        """The record's skip when it is not pushed whoever has its address, else its read."""
        ctx = self.ctx
        row, key = record.row, record.key
        raw_email = ""
        if self._email_column:
            raw_email = (record.values.get(self._email_column) or "").strip()
        name, source_id = self.name_of(record), source_id_of(key)
        skip = self._skip
        if record.skip:  # the source's own reason (an organization, a deceased person)
            return skip(record, raw_email, record.skip, name, source_id)
        problem = ctx.row_problems.get(row)
        if problem:
            reason = Reason.ROW_PROBLEM.format(problem=problem)
            return skip(record, raw_email, reason, name, source_id)
        if self._filters is not None and not self._filters.matches(record.values):
            return skip(record, raw_email, Reason.FILTERED, name, source_id)
        if not raw_email:
            return skip(record, raw_email, Reason.NO_EMAIL, name, source_id)
        checked = check_email(raw_email)  # as Constant Contact checks it
        if not checked.address:
            return skip(record, raw_email, checked.problem, name, source_id)
        email = email_key(checked.address)
        first_row = self._seen.setdefault(email, row)
        if first_row != row:
            reason = Reason.DUPLICATE.format(row=first_row)
            return skip(record, email, reason, name, source_id)
        return _tuple(_Read, (record, email, checked.warning, name, source_id))

    def _match(self, read: _Read, wait: bool = False) -> PlannedRecord | None:
        """Match the record to Constant Contact and plan it; None when ``wait`` and it must
        wait for the plan of the record whose contact has its address (``handover``)."""
        record, email = read.record, read.email
        remote = self.ctx.remote.get(email)
        link = self.ctx.links.get(record.key)
        if remote is not None and (link is None or link.email != email):
            handover = self._handover
            owner = handover.owner(record.key, email, link, remote)
            if owner and wait and not handover.decided(owner):
                self._waiting.setdefault(owner, []).append(read)
                return None
            fate, theirs = handover.fate(owner) if owner else (Fate.UNKNOWN, None)
            own_contact = link is not None and bool(known_contact_id(link.contact_id))
            if fate is Fate.FREED or (theirs is not None and record.opted_out and own_contact):
                # Free once their change is made, which comes first; and an opt-out acts on
                # this record's own contact, never on theirs.
                remote = None
            elif theirs is not None and (record.opted_out or remote.permission != _UNSUBSCRIBED):
                reason = Reason.STILL_IN_USE.format(email=email, row=theirs.row)
                planned = self._skip(record, email, reason, read.name, read.source_id)
                handover.note(link, planned)
                return planned
        planned = self._decide(read, link, remote)
        if link is not None and link.email != email:
            self._handover.note(link, planned)
        return planned

    def _decide(
        self, read: _Read, link: LinkInfo | None, remote: RemoteInfo | None
    ) -> PlannedRecord:
        ctx = self.ctx
        record, email, name, source_id = read.record, read.email, read.name, read.source_id
        row, key = record.row, record.key
        skip = self._skip
        contact_id = (link.contact_id if link else None) or (remote.contact_id if remote else "")
        contact_id = contact_id or ""
        if record.opted_out:
            who = {"name": name, "source_id": source_id}
            return self._plan_opt_out(record, email, remote, contact_id, link, who)
        if remote is not None and remote.permission == _UNSUBSCRIBED:
            return skip(record, email, Reason.UNSUBSCRIBED, name, source_id)
        if email in ctx.hard_bounced:
            return skip(record, email, Reason.HARD_BOUNCED, name, source_id)

        # A record imported from a contact elsewhere in CC was never on the main list: only
        # a change of its values (an update, which lists it) puts it there.
        listed = remote is None or remote.on_main_list or (link and link.origin == "import")
        # The values the item is made from, as a digest (none when the record brings notes of
        # its own or its address goes in another form: those are warnings to give again).
        source = (
            "" if read.warning or record.notes else self._items.source_digest(record.values, email)
        )
        if (
            source
            and link is not None
            and link.email == email
            and listed
            and source_part(link.fingerprint) == source
        ):
            # The values the link's item was made from: that item again, so unchanged.
            state = _tidy_state(link)
            fp = link.fingerprint
            return _unchanged(row, key, email, fp, contact_id, "", (), state, name, source_id)

        item, warnings, refused = self._items.build(record, email)
        if read.warning:  # an IDN domain goes in its punycode form
            warnings = (read.warning, *warnings)
        if refused:
            reason = Reason.BAD_VALUES.format(problems=" ".join(refused))
            return skip(record, email, reason, name, source_id)
        item_fp = fingerprint(item, self._main_list)
        # Kept with the source digest only when the item came with no warnings to give again.
        fp = item_fp if warnings else with_source(item_fp, source)
        previous_email = link.email if link and link.email and link.email != email else ""
        state = _tidy_state(link)
        if link is not None and item_part(link.fingerprint) == item_fp and listed:
            was, notes = previous_email, warnings
            return _unchanged(row, key, email, fp, contact_id, was, notes, state, name, source_id)
        common: dict[str, Any] = {
            "row": row,
            "key": key,
            "email": email,
            "fingerprint": fp,
            "contact_id": contact_id,
            "previous_email": previous_email,
            "warnings": warnings,
            "state": state,
            "name": name,
            "source_id": source_id,
        }
        before = self._previous(key) if link is not None else None
        if (
            link is not None
            and before is not None
            and listed
            and not previous_email
            and item_part(link.fingerprint) == fingerprint(before, self._main_list)  # same list
            and same_items(before, item)
        ):
            # Only written another way ("IL" for "Illinois"): Constant Contact holds it already.
            return PlannedRecord(action=Action.UNCHANGED, reason="Already up to date", **common)
        if previous_email:
            if ctx.profile.options.new_contact_on_email_change:
                return self._plan_new_address(item, link, remote, common)
            return self._plan_email_change(item, link, remote, common)
        if link is None and remote is None:
            return PlannedRecord(action=Action.CREATE, item=item, **common)
        matched = link is None
        if matched and not ctx.profile.options.update_existing:
            if remote is not None and remote.on_main_list:
                return PlannedRecord(
                    action=Action.SKIP, reason=Reason.NO_UPDATES, matched_existing=True, **common
                )
            item = {"email": email}
        why = "Matched an existing contact by email" if matched else "Changed since the last sync"
        if link is not None and item_part(link.fingerprint) == item_fp:
            why = "Put back on the main list"
        detail = self._detail(key, item, before) if link is not None else ""
        return PlannedRecord(
            action=Action.UPDATE,
            reason=why,
            item=item,
            matched_existing=matched,
            detail=detail,
            **common,
        )

    @staticmethod
    def _skip(
        record: SourceRecord, email: str, reason: str, name: str, source_id: str
    ) -> PlannedRecord:
        row, key = record.row, record.key
        return _tuple(
            PlannedRecord,
            (
                row,
                key,
                email,
                _SKIP,
                reason,
                None,
                "",
                "",
                False,
                "",
                (),
                None,
                "",
                name,
                source_id,
                (),
            ),
        )

    def name_of(self, record: SourceRecord) -> str:
        """The person's name: the mapped first and last name, else the mapped company, else
        the source's own "Name" column (a Xero contact's name, a business with no person)."""
        values = record.values  # already stripped by the source
        first = values.get(self._first_column) or ""
        last = values.get(self._last_column) or ""
        name = f"{first} {last}" if first and last else first or last
        if not name and self._company_column:
            name = values.get(self._company_column) or ""
        return name or values.get("Name") or ""

    def item_for(self, record: SourceRecord, email: str) -> dict[str, str]:
        """The item the push would send for this record (e.g. one just made by an import)."""
        return self._items.build(record, email)[0]

    def _plan_email_change(
        self,
        item: dict[str, str],
        link: LinkInfo | None,
        remote: RemoteInfo | None,
        common: dict[str, Any],
    ) -> PlannedRecord:
        """The source changed this record's email: change it on the same contact (no duplicate).

        The engine resolves the contact (link, mirror, or a lookup by the old email), PUTs the
        new email, then the import updates the rest of the fields by the new email.
        """
        old = common["previous_email"]
        old_remote = self.ctx.remote.get(old)
        if old_remote is not None and old_remote.permission == Permission.UNSUBSCRIBED:
            return PlannedRecord(action=Action.SKIP, reason=Reason.UNSUBSCRIBED, **common)
        known_id = (link.contact_id if link else None) or (
            old_remote.contact_id if old_remote else ""
        )
        if remote is not None and (not known_id or remote.contact_id != known_id):
            # The new address is another contact already: never merge two people silently.
            reason = Reason.EMAIL_TAKEN.format(email=common["email"])
            return PlannedRecord(action=Action.SKIP, reason=reason, **common)
        common = {**common, "contact_id": known_id or ""}
        detail = f"Email: {old} → {common['email']}"
        changes = self._detail(common["key"], item)
        if changes and not changes.startswith("Sends "):
            detail = f"{detail}; {changes}"
        return PlannedRecord(
            action=Action.CHANGE_EMAIL,
            reason=f"Email changed from {old}",
            item=item,
            detail=detail,
            **common,
        )

    def _plan_new_address(
        self,
        item: dict[str, str],
        link: LinkInfo | None,
        remote: RemoteInfo | None,
        common: dict[str, Any],
    ) -> PlannedRecord:
        """The source changed this record's email, and the profile makes a new contact for a
        new address: the old contact stays as it is (its lists, history and consent), and
        the record is linked to the new address's contact from now on.

        Someone who unsubscribed under the old address is not added under the new one: it
        is the same person.
        """
        old = common["previous_email"]
        old_remote = self.ctx.remote.get(old)
        gone = (old_remote is not None and old_remote.permission == Permission.UNSUBSCRIBED) or (
            link is not None and bool(link.cc_unsubscribed)
        )
        common = {**common, "previous_email": "", "contact_id": remote.contact_id if remote else ""}
        if gone:
            reason = Reason.OLD_ADDRESS_UNSUBSCRIBED.format(old=old)
            return PlannedRecord(action=Action.SKIP, reason=reason, **common)
        why = f"{NEW_ADDRESS}{old}): a new contact, as the profile says; the old one stays"
        if remote is None:
            return PlannedRecord(action=Action.CREATE, reason=why, item=item, **common)
        why = f"{NEW_ADDRESS}{old}): matched an existing contact by email"
        return PlannedRecord(
            action=Action.UPDATE, reason=why, item=item, matched_existing=True, **common
        )

    def _previous(self, key: str) -> Mapping[str, str] | None:
        """The item last sent for this source key, when the context can tell."""
        lookup = self.ctx.previous_item
        return lookup(key) if lookup is not None else None

    def _detail(
        self, key: str, item: Mapping[str, str], before: Mapping[str, str] | None = None
    ) -> str:
        if self.ctx.previous_item is None:
            return ""
        if before is None:
            before = self._previous(key)
        if before is not None:
            before = {k: v for k, v in before.items() if k != "email"}
        return describe_changes(before, {k: v for k, v in item.items() if k != "email"})

    def _plan_opt_out(
        self,
        record: SourceRecord,
        email: str,
        remote: RemoteInfo | None,
        contact_id: str,
        link: LinkInfo | None = None,
        who: dict[str, str] | None = None,
    ) -> PlannedRecord:
        opts = self.ctx.profile.options
        base: dict[str, Any] = {
            "row": record.row,
            "key": record.key,
            "email": email,
            "contact_id": contact_id,
        }
        base.update(who or {})
        if remote is None and link is not None and link.email != email:
            remote = self.ctx.remote.get(link.email)  # the linked contact, by its old address
        remote_out = remote is not None and remote.permission == Permission.UNSUBSCRIBED
        if remote is None and link is not None and link.cc_unsubscribed and link.source_opted_out:
            remote_out = True  # we unsubscribed it, and nothing says they opted back in
        # Opted out here, subscribed there: if we saw them unsubscribed (or already acted on
        # this opt-out), the person opted back in themselves. Their own choice wins.
        seen_out = link is not None and (link.cc_unsubscribed or link.source_opted_out)
        # Only an explicit opt-in is the person's own doing: imports make contacts implicit.
        if seen_out and remote is not None and remote.permission == Permission.EXPLICIT:
            return PlannedRecord(
                action=Action.SKIP, reason=Reason.RESUBSCRIBED, state="1,0", **base
            )
        # A consent column that does not say yes: the person never agreed (not an opt-out).
        consent = self.ctx.profile.source.settings.get("consent_column") or ""
        no_consent = bool(consent) and not is_consent_value(record.values.get(consent, ""))
        skipped = Reason.NO_CONSENT.format(column=consent) if no_consent else ""
        if opts.opt_out_handling is not OptOutHandling.UNSUBSCRIBE:
            reason = skipped or Reason.OPTED_OUT
            return PlannedRecord(action=Action.SKIP, reason=reason, **base)
        if remote is None and not contact_id and link is None:
            return PlannedRecord(action=Action.SKIP, reason=skipped or Reason.NOT_IN_CC, **base)
        if remote_out:
            return PlannedRecord(
                action=Action.SKIP, reason=Reason.ALREADY_UNSUBSCRIBED, state="1,1", **base
            )
        return PlannedRecord(
            action=Action.UNSUBSCRIBE,
            reason="Opted out in the source, so unsubscribed in Constant Contact",
            state="1,1",
            **base,
        )
