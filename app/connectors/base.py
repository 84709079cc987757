"""The protocols connectors implement, and the value types they exchange with the engine."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from app.core.campaign_responses import ActivityReport, ActivityWanted, CcEvent, EmailResponses
from app.core.campaign_stats import ActivityEvent
from app.core.errors import AppError
from app.core.outcomes import Outcome
from app.core.records import ContactList, CustomField, RemoteContact, SourceRecord
from app.core.source_preview import SourcePreview


class TokenStore(Protocol):
    """Where OAuth tokens live (the keyring, via ``app.secrets``)."""

    def load_token(self, connection_id: int) -> dict[str, Any] | None: ...

    def save_token(self, connection_id: int, token: Mapping[str, Any]) -> None: ...


@dataclass(frozen=True)
class SourceCapabilities:
    """What a source can do besides being read (the engine and the wizard ask)."""

    create: bool = False  # new records can be added (import from Constant Contact)
    update: bool = False  # existing records can be changed
    opt_out: bool = False  # a record can be marked opted out (and the mark cleared)
    incremental: bool = False  # iter_records(since=...) returns only records changed since
    archive: bool = False  # records can be taken out of use (undo of records a sync created)


class SourceProblem(Protocol):
    """A record the source could not read: where, and why in plain words."""

    @property
    def row(self) -> int: ...

    @property
    def message(self) -> str: ...


class Source(Protocol):
    """A place records come from (a file, a CRM).

    ``problems`` holds the records the last ``iter_records`` could not read (emptied when
    it starts); the engine reports each as skipped with its reason.
    """

    capabilities: SourceCapabilities

    @property
    def problems(self) -> Sequence[SourceProblem]: ...

    def describe(self) -> str:
        """A short name for messages, e.g. the file name."""

    def columns(self) -> list[str]:
        """The column / field names records carry."""

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """Stream the records; never load a huge source whole.

        With ``since`` (only when ``capabilities.incremental``), only the records changed
        after it: a read of the changes, which proves nothing about records not read.
        """

    def deleted_since(self, since: datetime) -> set[str]:
        """The keys of records deleted (or archived) after ``since``: how a read of the
        changes learns of deletions. A source that is always read whole answers none."""

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """The columns and the first ``n`` records' values, each with its row number."""

    def look(self, n: int = 20) -> SourcePreview:
        """``numbered_preview`` with how the source was read (a file's heading row, sheet,
        guessed encoding and unreadable rows), for the wizard."""

    @property
    def run_note(self) -> str:
        """What a user should know about the last read, said once in the run's summary
        (a guessed text encoding and the rows to check); "" when nothing."""

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """Which of these records, missing from the last read, still exist in the source.

        The rest were deleted (or archived): a profile that removes deleted records takes
        them off the list. A file answers none: a row no longer in it is gone.
        """


class WritableSource(Source, Protocol):
    """A source ContactBridge can write back to (a CRM such as Xero).

    Values are keyed by the source's own field names, the same names ``columns()`` lists and
    profile mappings use. Keys are the source's stable record ids.
    """

    capabilities: SourceCapabilities

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        """Add records; returns their new keys, in order."""

    def update_records(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        """Change fields of existing records, by key."""

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        """Mark records as opted out of email (or clear the mark)."""

    def get_records(self, keys: Sequence[str]) -> dict[str, dict[str, str]]:
        """The current values of these records, by key (what undo compares with what a
        sync wrote). A key the source no longer has in use (deleted, archived) is left out."""

    def archive_records(self, keys: Sequence[str]) -> None:
        """Take records a sync created out of use (undo, when the user chose it): deleted,
        or archived where the source keeps them (``capabilities.archive``)."""


class PartialWrite(AppError):
    """A write back to the source that did not go as asked for every record.

    A service that writes many records in one call (Salesforce's sObject Collections) may
    refuse some, each for its own reason, and write the rest; or write a record with part
    of it left out (a state its country does not have). ``create_records``,
    ``update_records`` and ``set_opted_out`` then raise this after the call, and the engine
    settles each record by it: the refused ones failed with the service's own words, the
    others written (with their note, if any).

    Attributes:
        keys: for ``create_records``: the new keys in input order, "" where refused.
        refused: why, by position (``create_records``) or key (the others).
        notes: what to know about a record that was written, by position or key.
    """

    def __init__(
        self,
        message: str,
        *,
        keys: Sequence[str] = (),
        refused: Mapping[int | str, str] | None = None,
        notes: Mapping[int | str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.keys = list(keys)
        self.refused: dict[int | str, str] = dict(refused or {})
        self.notes: dict[int | str, str] = dict(notes or {})


@runtime_checkable
class ForgetfulSource(Protocol):
    """A source whose record of deletions reaches back only so far (Salesforce keeps about
    15 days, less when its log is purged): a read of the changes since a time it no longer
    covers would miss deletions, so the engine reads it whole instead."""

    def remembers_changes_since(self, since: datetime) -> bool:
        """Whether the changes (deletions included) since ``since`` can still be read."""


@runtime_checkable
class CampaignActivitySink(Protocol):
    """A source that takes Constant Contact's campaign activity back: each email campaign's
    recipients and how far they went, and the people who registered for its events (a CRM
    keeps them as campaigns and their members). ``activity_wanted`` says which, from the
    profile's settings; the writes raise ``QuotaExceeded`` and ``Cancelled`` as the other
    writes do, and report what the service refused instead of raising."""

    def activity_wanted(self) -> ActivityWanted:
        """What this profile's source takes back (nothing: the sync skips the step)."""

    def write_email_responses(self, campaigns: Sequence[EmailResponses]) -> ActivityReport:
        """Write each campaign's responses (its recipients' statuses, or one entry per
        open or click, as the profile says)."""

    def write_events(self, events: Sequence[CcEvent]) -> ActivityReport:
        """Write each event and its registrants."""


@dataclass(frozen=True)
class ActivityStatus:
    """A Constant Contact bulk activity, as ``GET /activities/{id}`` reports it."""

    activity_id: str
    state: str  # initialized, processing, completed, cancelled, failed, timed_out
    percent_done: int = 0
    items_total: int = 0
    items_completed: int = 0
    error_count: int = 0
    cannot_add_to_list_count: int = 0
    errors: tuple[str, ...] = ()
    completed_at: datetime | None = None
    started_at: datetime | None = None  # when it began (or was queued), by the service's clock

    @property
    def finished(self) -> bool:
        return self.state in ("completed", "cancelled", "failed", "timed_out")

    @property
    def succeeded(self) -> bool:
        return self.state == "completed"


class ActivityWaiting(Protocol):
    """A wait on several bulk activities (``ConstantContact.watch_activities``)."""

    @property
    def pending(self) -> int: ...

    def add(self, activity_id: str, items: int | None = None) -> None: ...

    def wait(self) -> list[ActivityStatus]: ...


class ConstantContact(Protocol):
    """The Constant Contact operations the engine needs (named after the API)."""

    def get_account_summary(self) -> dict[str, Any]: ...

    def list_contact_lists(self) -> list[ContactList]: ...

    def find_list_by_name(self, name: str) -> ContactList | None: ...

    def create_list(self, name: str, description: str = "") -> ContactList: ...

    def list_custom_fields(self) -> list[CustomField]: ...

    def create_custom_field(self, label: str, type: str = "string") -> CustomField: ...

    def get_contact_by_email(self, email: str) -> RemoteContact | None: ...

    def iter_contacts(
        self,
        *,
        updated_after: datetime | None = None,
        status: str = "all",
        lists: Sequence[str] = (),
        optout_after: datetime | None = None,
    ) -> Iterator[RemoteContact]: ...

    def count_contacts(self, *, updated_after: datetime | None = None) -> int: ...

    def start_contacts_import(
        self, import_data: Sequence[Mapping[str, str]], list_ids: Sequence[str]
    ) -> str: ...

    def get_activity(self, activity_id: str) -> ActivityStatus: ...

    def watch_activities(
        self,
        *,
        should_stop: Callable[[float], bool] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_look: Callable[[Sequence[ActivityStatus]], None] | None = None,
    ) -> ActivityWaiting: ...

    def wait_for_activity(
        self,
        activity_id: str,
        *,
        should_stop: Callable[[float], bool] | None = None,
        on_progress: Callable[[ActivityStatus], None] | None = None,
    ) -> ActivityStatus: ...

    def remove_list_memberships(
        self, list_ids: Sequence[str], contact_ids: Sequence[str]
    ) -> str: ...

    def add_list_memberships(self, list_ids: Sequence[str], contact_ids: Sequence[str]) -> str: ...

    def unsubscribe_contact(self, contact_id: str, reason: str = "") -> None: ...

    def delete_contact(self, contact_id: str) -> None: ...

    def delete_contacts(self, contact_ids: Sequence[str]) -> str: ...

    def clear_contact_fields(self, contact_id: str, keys: Sequence[str]) -> None: ...

    def update_contact_email(self, contact_id: str, new_email: str) -> RemoteContact: ...


@dataclass
class RequestStats:
    """Requests a client made, by ``METHOD /path-template`` (for benchmarks and reports)."""

    by_endpoint: dict[str, int] = field(default_factory=dict)

    def add(self, key: str) -> None:
        self.by_endpoint[key] = self.by_endpoint.get(key, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())


# -- a destination: another service that Constant Contact's contacts are copied into ---------


@dataclass(frozen=True)
class Kept:
    """What earlier runs left at the destination for one source record.

    Attributes:
        email: the email last sent, lowercased.
        memo: the destination's own note of what it holds for the record (a fingerprint of
            what was sent, a consent state); the engine keeps it without reading it.
    """

    email: str
    memo: str


@dataclass(frozen=True)
class Planned:
    """What a run will do with one source record at the destination.

    Attributes:
        action: a ``RecordAction`` value (``import_create``, ``import_update``, ``opt_out``,
            ``unchanged``, ``skip``).
        outcome: the record's outcome once the action succeeds (what a dry run shows).
        payload: what the write sends for it; None when nothing is sent, and the record's
            outcome is final at once.
        chunk: the batch (a bulk job) the payload goes in; records of a chunk are written
            together and a resumed run picks up the chunks still pending.
        memo: what to keep for the record once written (``Kept.memo``).
    """

    key: str
    row: int
    email: str
    action: str
    outcome: Outcome
    reason: str = ""
    detail: str = ""
    name: str = ""
    payload: Mapping[str, Any] | None = None
    chunk: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class PendingWrite:
    """A planned record whose write has not settled yet (``WriteLedger.chunk``)."""

    record_id: int
    key: str
    email: str
    action: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Written:
    """How one pending record's write ended.

    Attributes:
        outcome: created, updated, unchanged, skipped or failed; a skip or a failure names
            its reason in plain words.
        memo: what to keep for the record from now on; None keeps what was kept.
        detail: what was done, for the record's result ("Unsubscribed in …"); None keeps
            the planned detail.
    """

    record_id: int
    key: str
    email: str
    outcome: Outcome
    reason: str = ""
    memo: str | None = None
    detail: str | None = None


class WriteLedger(Protocol):
    """The run's side of a destination's writes: the records pending, chunk by chunk, where
    outcomes are settled, and the destination's own part of the run's checkpoint (job ids,
    what was made), saved so a crash or a cancel resumes without sending twice."""

    @property
    def memo(self) -> dict[str, Any]: ...

    def save(self) -> None:
        """Checkpoint ``memo`` now (before and after anything that must not be repeated)."""

    def pending_chunks(self) -> list[int]: ...

    def chunk(self, chunk: int) -> list[PendingWrite]: ...

    def settle(self, written: Sequence[Written]) -> None:
        """Final outcomes of these records, with what to keep for each, in one go."""

    def raise_if_cancelled(self) -> None: ...

    def progress(self, done: int, total: int, message: str) -> None: ...


class ActivityFeed(Protocol):
    """Campaign activity (``ActivityEvent``) of the records a profile holds at its
    destination, in the order it was kept: each event with its position in the feed."""

    def events(
        self,
        *,
        after: int,
        since: datetime,
        kinds: Sequence[str],
        limit: int,
        contacts: Sequence[str] | None = None,
        upto: int | None = None,
    ) -> list[tuple[int, ActivityEvent]]:
        """Up to ``limit`` events of these kinds kept after position ``after`` (and at most
        at ``upto``) that happened at or after ``since``, in position order; of only these
        ``contacts`` when given."""

    def first_held(self) -> Sequence[str]:
        """The records this run puts at the destination for the first time: their activity
        kept before (below the position copied so far) is theirs to copy too."""


class Destination(Protocol):
    """A service that a migration profile copies Constant Contact's contacts into.

    The engine reads Constant Contact (the source), asks the destination to plan each record
    against what earlier runs left (``Kept``), stores the plan as the run's records, and
    lets the destination write them, chunk by chunk, through a ``WriteLedger``. ``memo``
    is the destination's own part of the run's checkpoint; a new run starts from the last
    finished run's.

    Attributes:
        deleted_reason: the reason a record deleted in Constant Contact gets (it is kept at
            the destination).
        wants_activity: the profile also copies campaign activity (``send_activity``).
    """

    deleted_reason: str
    wants_activity: bool

    def prepare(self, memo: dict[str, Any], dry_run: bool, source_lists: Mapping[str, str]) -> str:
        """Find or make what the records go into (``source_lists``: the Constant Contact
        lists the profile brings, id -> name); a note for the run's summary."""

    def plan(
        self,
        records: Iterable[tuple[SourceRecord, Kept | None]],
        memo: Mapping[str, Any],
        bounced: Container[str],
    ) -> Iterator[Planned]:
        """Plan each record (``bounced``: keys of contacts whose address hard-bounced)."""

    def deleted(self, key: str, kept: Kept) -> Planned | None:
        """A record deleted in Constant Contact since the last run (None: said already)."""

    def write(self, ledger: WriteLedger) -> None:
        """Write every pending chunk and settle its records."""

    def send_activity(
        self, feed: ActivityFeed, memo: dict[str, Any], save: Callable[[], None], dry_run: bool
    ) -> str:
        """Copy the activity not copied yet (a dry run counts it); a note for the summary."""

    def close(self) -> None:
        """Let go of the connection to the service (the run is over)."""
