"""The pure planner: source records in, one planned action per record out.

Records are mapped, filtered and validated, then matched to Constant Contact: by stored link
first, then by email. Each record gets exactly one plan: create, update, unchanged or skip
(with a reason). Nothing here does I/O; the engine applies the plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from app.core.derived_fields import BIRTHDAY, FULL_NAME, expand
from app.core.email_address import NOT_VALID, check_email, email_key
from app.core.fields import ADDRESS_KEYS, PHONE_KEYS
from app.core.normalise import same_items
from app.core.outcomes import Outcome
from app.core.profiles import OptOutHandling, SyncProfile
from app.core.records import Permission, SourceRecord, source_id_of
from app.core.store_types import ACTION_OUTCOME, RecordAction
from app.core.tallies import FAILED_SUBSCRIPTION_REASON
from app.core.transforms import field_limit, import_key, transformer
from app.core.validation import (
    cc_first_name,
    check_record_values,
    is_consent_value,
    trim_with_note,
)
from app.sync.diff import describe_changes

# One vocabulary for planned actions, shared with the store.
Action = RecordAction
OUTCOME_OF = ACTION_OUTCOME


_DATE_KEYS = frozenset({"birthday_month", "birthday_day", "anniversary"})
_DERIVED_KEYS = frozenset({FULL_NAME, BIRTHDAY})


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


@dataclass(frozen=True, slots=True)
class PlannedRecord:
    """The plan for one source record.

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
    lists: tuple[str, ...] = ()  # ids of the other lists an import puts it on (ListRules)
    detail: str = ""
    name: str = ""
    source_id: str = ""

    @property
    def outcome(self) -> Outcome:
        return OUTCOME_OF[self.action]


class _Who(TypedDict):
    """Who a planned record is about: its ``name`` and ``source_id``."""

    name: str
    source_id: str


class _Common(_Who):
    """What every plan of a record with a usable email has, whatever its action."""

    row: int
    key: str
    email: str
    fingerprint: str
    contact_id: str
    previous_email: str
    warnings: tuple[str, ...]
    state: str | None


class _OptOutBase(TypedDict):
    """What every plan of an opted-out record has."""

    row: int
    key: str
    email: str
    contact_id: str
    name: NotRequired[str]
    source_id: NotRequired[str]


@dataclass
class PlanContext:
    """Everything the planner needs besides the records.

    Attributes:
        links: source key -> what the last sync stored.
        remote: ``email_key`` of an email -> the Constant Contact contact, from the local mirror.
        row_problems: row number -> a problem the source reported for that row.
        previous_item: source key -> the item last sent (for "old → new" details).
    """

    profile: SyncProfile
    links: Mapping[str, LinkInfo] = field(default_factory=dict)
    remote: Mapping[str, RemoteInfo] = field(default_factory=dict)
    row_problems: Mapping[int, str] = field(default_factory=dict)
    previous_item: Callable[[str], Mapping[str, str] | None] | None = None


def fingerprint(item: Mapping[str, str], main_list: str) -> str:
    """A short, stable digest of the values last sent, so unchanged records cost nothing."""
    blob = json.dumps([main_list, sorted(item.items())], ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(blob.encode(), digest_size=12).hexdigest()


def _tidy_state(link: LinkInfo | None) -> str | None:
    """Record "not opted out anywhere" for a link that remembers an older opt-out."""
    if link is None or (not link.source_opted_out and not link.cc_unsubscribed):
        return None
    return "0,0"


class Planner:
    """Plans records one at a time, remembering emails already seen in this run."""

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self._seen: dict[str, int] = {}
        opts = ctx.profile.options
        self._drop = (set() if opts.sync_addresses else set(ADDRESS_KEYS)) | (
            set() if opts.sync_phones else set(PHONE_KEYS)
        )
        mapping = ctx.profile.mapping
        self._first_column = mapping.source_for("first_name") or ""
        self._last_column = mapping.source_for("last_name") or ""
        self._company_column = mapping.source_for("company_name") or ""

    def plan_all(self, records: Iterable[SourceRecord]) -> Iterator[PlannedRecord]:
        for record in records:
            yield self.plan(record)

    def plan(self, record: SourceRecord) -> PlannedRecord:
        ctx, profile = self.ctx, self.ctx.profile
        raw_email = ""
        email_column = profile.mapping.source_for("email")
        if email_column:
            raw_email = (record.values.get(email_column) or "").strip()

        who: _Who = {"name": self.name_of(record), "source_id": source_id_of(record.key)}

        def skip(reason: str, email: str = raw_email) -> PlannedRecord:
            return PlannedRecord(record.row, record.key, email, Action.SKIP, reason, **who)

        problem = ctx.row_problems.get(record.row)
        if problem:
            return skip(Reason.ROW_PROBLEM.format(problem=problem))
        if not profile.filters.matches(record.values):
            return skip(Reason.FILTERED)
        if not raw_email:
            return skip(Reason.NO_EMAIL)
        checked = check_email(raw_email)  # as Constant Contact checks it
        if not checked.address:
            return skip(checked.problem)
        email = email_key(checked.address)
        first_row = self._seen.setdefault(email, record.row)
        if first_row != record.row:
            return skip(Reason.DUPLICATE.format(row=first_row), email)

        remote = ctx.remote.get(email)
        link = ctx.links.get(record.key)
        contact_id = (link.contact_id if link else None) or (remote.contact_id if remote else "")
        if record.opted_out:
            return self._plan_opt_out(record, email, remote, contact_id or "", link, who)
        if remote is not None and remote.permission == Permission.UNSUBSCRIBED:
            return skip(Reason.UNSUBSCRIBED, email)

        item, warnings, refused = self._item(record, email)
        if checked.warning:  # an IDN domain goes in its punycode form
            warnings = (checked.warning, *warnings)
        if refused:
            return skip(Reason.BAD_VALUES.format(problems=" ".join(refused)), email)
        fp = fingerprint(item, profile.main_list)
        previous_email = link.email if link and link.email and link.email != email else ""
        common: _Common = {
            "row": record.row,
            "key": record.key,
            "email": email,
            "fingerprint": fp,
            "contact_id": contact_id or "",
            "previous_email": previous_email,
            "warnings": warnings,
            "state": _tidy_state(link),
            **who,
        }
        # A record imported from a contact elsewhere in CC was never on the main list: only
        # a change of its values (an update, which lists it) puts it there.
        listed = remote is None or remote.on_main_list or (link and link.origin == "import")
        if link is not None and link.fingerprint == fp and listed:
            return PlannedRecord(action=Action.UNCHANGED, reason="Already up to date", **common)
        before = self._previous(record.key) if link is not None else None
        if (
            link is not None
            and before is not None
            and listed
            and not previous_email
            and link.fingerprint == fingerprint(before, profile.main_list)  # same main list
            and same_items(before, item)
        ):
            # Only written another way ("IL" for "Illinois"): Constant Contact holds it already.
            return PlannedRecord(action=Action.UNCHANGED, reason="Already up to date", **common)
        if previous_email:
            return self._plan_email_change(item, link, remote, common)
        if link is None and remote is None:
            return PlannedRecord(action=Action.CREATE, item=item, **common)
        matched = link is None
        if matched and not profile.options.update_existing:
            if remote is not None and remote.on_main_list:
                return PlannedRecord(
                    action=Action.SKIP, reason=Reason.NO_UPDATES, matched_existing=True, **common
                )
            item = {"email": email}
        why = "Matched an existing contact by email" if matched else "Changed since the last sync"
        if link is not None and link.fingerprint == fp:
            why = "Put back on the main list"
        detail = self._detail(record.key, item, before) if link is not None else ""
        return PlannedRecord(
            action=Action.UPDATE,
            reason=why,
            item=item,
            matched_existing=matched,
            detail=detail,
            **common,
        )

    def name_of(self, record: SourceRecord) -> str:
        """The person's name: the mapped first and last name, else the mapped company."""
        values = record.values  # already stripped by the source
        first = values.get(self._first_column) or ""
        last = values.get(self._last_column) or ""
        name = f"{first} {last}" if first and last else first or last
        if not name and self._company_column:
            name = values.get(self._company_column) or ""
        return name

    def item_for(self, record: SourceRecord, email: str) -> dict[str, str]:
        """The item the push would send for this record (e.g. one just made by an import)."""
        return self._item(record, email)[0]

    def _plan_email_change(
        self,
        item: dict[str, str],
        link: LinkInfo | None,
        remote: RemoteInfo | None,
        common: _Common,
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
        who: _Who | None = None,
    ) -> PlannedRecord:
        opts = self.ctx.profile.options
        base: _OptOutBase = {
            "row": record.row,
            "key": record.key,
            "email": email,
            "contact_id": contact_id,
        }
        if who is not None:
            base["name"], base["source_id"] = who["name"], who["source_id"]
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

    def _item(
        self, record: SourceRecord, email: str
    ) -> tuple[dict[str, str], tuple[str, ...], list[str]]:
        """The contact to send, the warnings about it, and what Constant Contact would refuse."""
        profile = self.ctx.profile
        opts = profile.options
        mapped = profile.mapping.apply(record.values)
        for key in self._drop.intersection(mapped):
            del mapped[key]
        mapped.pop("email", None)
        if not _DERIVED_KEYS.isdisjoint(mapped) or "anniversary" in mapped:
            derived = expand(mapped)  # a full name split, a date of birth to month and day
        else:
            derived = []
        # States, countries and phones in the forms the options ask for (cached lookups).
        warnings = transformer(
            opts.state_format, opts.country_format, opts.phone_format, opts.phone_region
        ).apply(mapped)
        warnings.extend(derived)
        warnings.extend(record.notes)
        refused: list[str] = []
        if not _DATE_KEYS.isdisjoint(mapped):  # birthdays and anniversaries, checked as CC does
            dates = {k: v for k, v in mapped.items() if k in _DATE_KEYS}
            refused = check_record_values({**dates, "email": email})
        if "." in mapped.get("first_name", ""):  # "T.J." would be refused: send "TJ"
            value, warning = cc_first_name(mapped["first_name"])
            if warning:
                warnings.append(warning)
            if value:
                mapped["first_name"] = value
            else:
                del mapped["first_name"]
        item: dict[str, str] = {}
        for key, value in mapped.items():
            if len(value) > field_limit(key):
                value, note = trim_with_note(key, value)  # says what was cut
                if note:
                    warnings.append(note)
            item[import_key(key)] = value  # a custom field goes by its name: cf:favourite_cake
        if opts.unknown_for_blank_names:
            item.setdefault("first_name", "Unknown")
            item.setdefault("last_name", "Unknown")
        item["email"] = email
        return item, tuple(warnings), refused
