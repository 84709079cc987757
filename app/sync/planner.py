"""The pure planner: source records in, one planned action per record out.

Records are mapped, filtered and validated, then matched to Constant Contact: by stored link
first, then by email. Each record gets exactly one plan: create, update, unchanged or skip
(with a reason). Nothing here does I/O; the engine applies the plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from app.core.fields import ADDRESS_KEYS, PHONE_KEYS, label
from app.core.outcomes import Outcome
from app.core.profiles import OptOutHandling, SyncProfile
from app.core.records import Permission, SourceRecord
from app.core.store_types import ACTION_OUTCOME, RecordAction
from app.core.validation import trim_to_limit, validate_email

# One vocabulary for planned actions, shared with the store.
Action = RecordAction
OUTCOME_OF = ACTION_OUTCOME


class Reason:
    """The plain-words reasons a record is skipped."""

    FILTERED = "Does not match the profile's filters"
    NO_EMAIL = "No email address"
    INVALID_EMAIL = "Not a valid email address: {value!r}"
    DUPLICATE = "Same email address as row {row}; only the first is pushed"
    OPTED_OUT = "Opted out in the source, so not pushed"
    UNSUBSCRIBED = "Unsubscribed in Constant Contact; only the person can opt back in"
    ALREADY_UNSUBSCRIBED = "Opted out in the source and already unsubscribed in Constant Contact"
    NOT_IN_CC = "Opted out in the source and not in Constant Contact, so nothing to do"
    NO_UPDATES = "Already in Constant Contact; updating existing contacts is off"
    ROW_PROBLEM = "Could not read this row: {problem}"


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """What the last successful sync stored for a source record."""

    contact_id: str | None
    email: str
    fingerprint: str


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

    @property
    def outcome(self) -> Outcome:
        return OUTCOME_OF[self.action]


@dataclass
class PlanContext:
    """Everything the planner needs besides the records.

    Attributes:
        links: source key -> what the last sync stored.
        remote: lower-cased email -> the Constant Contact contact, from the local mirror.
        row_problems: row number -> a problem the source reported for that row.
    """

    profile: SyncProfile
    links: Mapping[str, LinkInfo] = field(default_factory=dict)
    remote: Mapping[str, RemoteInfo] = field(default_factory=dict)
    row_problems: Mapping[int, str] = field(default_factory=dict)


def fingerprint(item: Mapping[str, str], main_list: str) -> str:
    """A short, stable digest of the values last sent, so unchanged records cost nothing."""
    blob = json.dumps([main_list, sorted(item.items())], ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(blob.encode(), digest_size=12).hexdigest()


class Planner:
    """Plans records one at a time, remembering emails already seen in this run."""

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self._seen: dict[str, int] = {}
        opts = ctx.profile.options
        self._drop = (set() if opts.sync_addresses else set(ADDRESS_KEYS)) | (
            set() if opts.sync_phones else set(PHONE_KEYS)
        )

    def plan_all(self, records: Iterable[SourceRecord]) -> Iterator[PlannedRecord]:
        for record in records:
            yield self.plan(record)

    def plan(self, record: SourceRecord) -> PlannedRecord:
        ctx, profile = self.ctx, self.ctx.profile
        raw_email = ""
        email_column = profile.mapping.source_for("email")
        if email_column:
            raw_email = (record.values.get(email_column) or "").strip()

        def skip(reason: str, email: str = raw_email) -> PlannedRecord:
            return PlannedRecord(record.row, record.key, email, Action.SKIP, reason)

        problem = ctx.row_problems.get(record.row)
        if problem:
            return skip(Reason.ROW_PROBLEM.format(problem=problem))
        if not profile.filters.matches(record.values):
            return skip(Reason.FILTERED)
        if not raw_email:
            return skip(Reason.NO_EMAIL)
        email = validate_email(raw_email)
        if email is None:
            return skip(Reason.INVALID_EMAIL.format(value=raw_email))
        email = email.lower()
        first_row = self._seen.setdefault(email, record.row)
        if first_row != record.row:
            return skip(Reason.DUPLICATE.format(row=first_row), email)

        remote = ctx.remote.get(email)
        link = ctx.links.get(record.key)
        contact_id = (link.contact_id if link else None) or (remote.contact_id if remote else "")
        if record.opted_out:
            return self._plan_opt_out(record, email, remote, contact_id or "", link)
        if remote is not None and remote.permission == Permission.UNSUBSCRIBED:
            return skip(Reason.UNSUBSCRIBED, email)

        item, warnings = self._item(record, email)
        fp = fingerprint(item, profile.main_list)
        previous_email = link.email if link and link.email and link.email != email else ""
        common = {
            "row": record.row,
            "key": record.key,
            "email": email,
            "fingerprint": fp,
            "contact_id": contact_id or "",
            "previous_email": previous_email,
            "warnings": warnings,
        }
        if link is not None and link.fingerprint == fp and (remote is None or remote.on_main_list):
            return PlannedRecord(action=Action.UNCHANGED, reason="Already up to date", **common)
        if link is None and remote is None:
            return PlannedRecord(action=Action.CREATE, item=item, **common)
        matched = link is None
        if matched and not profile.options.update_existing:
            if remote is not None and remote.on_main_list:
                return PlannedRecord(action=Action.SKIP, reason=Reason.NO_UPDATES, **common)
            item = {"email": email}
        why = "Matched an existing contact by email" if matched else "Changed since the last sync"
        if link is not None and link.fingerprint == fp:
            why = "Put back on the main list"
        if previous_email:
            why = f"Email changed from {previous_email}"
        return PlannedRecord(
            action=Action.UPDATE, reason=why, item=item, matched_existing=matched, **common
        )

    def _plan_opt_out(
        self,
        record: SourceRecord,
        email: str,
        remote: RemoteInfo | None,
        contact_id: str,
        link: LinkInfo | None = None,
    ) -> PlannedRecord:
        opts = self.ctx.profile.options
        base = {"row": record.row, "key": record.key, "email": email, "contact_id": contact_id}
        if opts.opt_out_handling is not OptOutHandling.UNSUBSCRIBE:
            return PlannedRecord(action=Action.SKIP, reason=Reason.OPTED_OUT, **base)
        if remote is None and not contact_id and link is None:
            return PlannedRecord(action=Action.SKIP, reason=Reason.NOT_IN_CC, **base)
        if remote is not None and remote.permission == Permission.UNSUBSCRIBED:
            return PlannedRecord(action=Action.SKIP, reason=Reason.ALREADY_UNSUBSCRIBED, **base)
        return PlannedRecord(
            action=Action.UNSUBSCRIBE,
            reason="Opted out in the source, so unsubscribed in Constant Contact",
            **base,
        )

    def _item(self, record: SourceRecord, email: str) -> tuple[dict[str, str], tuple[str, ...]]:
        profile = self.ctx.profile
        mapped = profile.mapping.apply(record.values)
        item: dict[str, str] = {}
        warnings: list[str] = []
        for key, value in mapped.items():
            if key == "email" or key in self._drop:
                continue
            trimmed, was_trimmed = trim_to_limit(key, value)
            if was_trimmed:
                warnings.append(f"{label(key)} shortened to {len(trimmed)} characters")
            item[key] = trimmed
        if profile.options.unknown_for_blank_names:
            item.setdefault("first_name", "Unknown")
            item.setdefault("last_name", "Unknown")
        item["email"] = email
        return item, tuple(warnings)
