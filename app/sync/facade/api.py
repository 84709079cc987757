"""What the GUI and the command line may ask of ContactBridge, one protocol per concern.

``ContactBridgeService`` (``app/sync/service.py``) implements them with the store, the keyring
and Constant Contact; the tests' fakes (``tests/helpers/``) implement them in memory, and
``tests/sync/test_facade_protocols.py`` fails when a protocol and a fake drift apart. A caller
asks the concern: ``service.profiles.save(profile)``, ``service.runs.sync(profile_id)``,
``service.lists.members(connection_id, list_id)``.

The concerns: profiles (and their sources and the preferences new ones start from),
connections (Constant Contact and the other services' sign-ins), runs (syncs, dry runs,
retries and undos, and what they left), lists (the lists manager's changes to Constant
Contact lists), reports (runs across profiles, and their exports) and stats (campaign
statistics, and the pull that fetches them).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from app.connectors.base import Source
from app.connectors.connector import ConnectorHost, SubAccount
from app.core.campaign_stats import (
    ActivityEvent,
    ActivityPoint,
    CampaignSummary,
    PersonActivity,
    PullReport,
)
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import ContactList, CustomField, SourceRecord
from app.core.settings import Preferences
from app.core.source_preview import SourcePreview
from app.core.store_types import Connection
from app.sync.exports import Sheet
from app.sync.facade.values import (
    ContactLists,
    ListAddResult,
    ListMember,
    ProfileOverview,
    RecordDetails,
    RunFilter,
)
from app.sync.progress import CancelToken, ProgressReporter
from app.sync.undo_report import UndoReport

ExportFormat = Literal["csv", "xlsx"]


@runtime_checkable
class ProfilesApi(Protocol):
    """The sync profiles, their sources, and the preferences a new profile starts from."""

    def overviews(self) -> builtins.list[ProfileOverview]:
        """Every profile with its last sync, for the main window's list."""

    def get(self, profile_id: int) -> SyncProfile | None: ...

    def get_by_name(self, name: str) -> SyncProfile | None: ...

    def named(self, name: str) -> SyncProfile:
        """The profile of that name; ``ConfigError`` naming the profiles there are."""

    def save(self, profile: SyncProfile) -> SyncProfile:
        """Save a new or changed profile; returns it as stored (with its id)."""

    def delete(self, profile_id: int) -> None: ...

    def export_dict(self, profile: SyncProfile) -> dict[str, Any]:
        """A portable JSON-ready dict: no ids, no connection, no secrets."""

    def import_dict(self, data: Mapping[str, Any], replace: bool = False) -> SyncProfile:
        """Save a profile from ``export_dict`` output (``replace``: the one of that name)."""

    def open_source(self, spec: SourceSpec, opt_out_column: str = "") -> Source:
        """The source a profile reads, opened by its service's connector."""

    def preview_source(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[builtins.list[str], builtins.list[builtins.list[str]]]:
        """The columns and the first rows' cells."""

    def source_preview(self, spec: SourceSpec, rows: int = 20) -> SourcePreview:
        """The first rows, each with its row number, and how the source was read."""

    def numbered_preview(
        self, spec: SourceSpec, rows: int = 20
    ) -> tuple[builtins.list[str], builtins.list[tuple[int, builtins.list[str]]]]:
        """The columns and the first rows, each with the row number a sync's results give it."""

    def count_matching(self, spec: SourceSpec, filters: FilterGroup) -> tuple[int, int]:
        """How many of the source's records pass the filters: (matching, total)."""

    def source_records(self, profile_id: int, limit: int = 1000) -> builtins.list[SourceRecord]:
        """The first ``limit`` records of a profile's source, opt-out marks included."""

    def suggest_mapping(self, columns: builtins.list[str]) -> FieldMapping:
        """The mapping a new profile starts with, the user's preferences applied."""

    def preferences(self) -> Preferences: ...

    def save_preferences(self, prefs: Preferences) -> None: ...

    def new_options(self, base: SyncOptions | None = None) -> SyncOptions:
        """The options a new profile starts from: the Settings dialog's defaults."""

    def list(self) -> builtins.list[SyncProfile]: ...  # last: its name hides the builtin's


@runtime_checkable
class ConnectionsApi(ConnectorHost, Protocol):
    """The accounts ContactBridge signs in to: Constant Contact's and the other services'.

    It is also what the app lends a connector (``ConnectorHost``): a service's panel hands
    ``service.connections`` to its connector, to read the service in the background.
    """

    def cc_connections(self) -> list[Connection]:
        """The Constant Contact connections, oldest first."""

    def default_connection(self) -> Connection | None:
        """The first Constant Contact connection, if there is one."""

    def all(self) -> list[Connection]:
        """Every connection, of every service, for the connections manager."""

    def connection(self, connection_id: int) -> Connection | None: ...

    def connections_of(self, kind: str) -> list[Connection]: ...

    def connect_constant_contact(
        self,
        label: str = "Constant Contact",
        cancel: CancelToken | None = None,
        connection_id: int | None = None,
    ) -> Connection:
        """Authorize in the browser and save the connection (``connection_id``: again)."""

    def connect_source(
        self,
        kind: str,
        label: str = "",
        cancel: CancelToken | None = None,
        connection_id: int | None = None,
        account_id: str | None = None,
        *,
        options: Mapping[str, Any] | None = None,
    ) -> Connection:
        """Sign in to another service and save the connection."""

    def source_accounts(self, connection_id: int) -> list[SubAccount]:
        """The accounts a connection's sign-in allows (a CRM's organisations), if several."""

    def select_source_account(self, connection_id: int, account_id: str) -> Connection: ...

    def disconnect(self, connection_id: int) -> None:
        """Forget the sign-in and what was kept of the account on this computer."""

    def custom_fields(self, connection_id: int) -> list[CustomField]:
        """The Constant Contact account's custom fields, for the mapping page."""

    def create_custom_field(self, connection_id: int, label: str) -> CustomField: ...


@runtime_checkable
class RunsApi(Protocol):
    """Syncs, dry runs, retries and undos of a profile, and what each run left."""

    def sync(
        self,
        profile_id: int,
        *,
        dry_run: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        confirm: bool = False,
        only_keys: Sequence[str] | None = None,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
        scheduled: bool = False,
    ) -> RunSummary:
        """Run one profile now (``dry_run``: only plan it; ``scheduled``: it started on its
        own, not by the user); see ``Runs.sync``."""

    def retry_failed(
        self,
        run_id: int,
        *,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        confirm: bool = False,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> RunSummary:
        """A new run of the profile with only the records that failed in ``run_id``."""

    def undo(
        self,
        profile_id: int,
        run_id: int | None = None,
        *,
        dry_run: bool = False,
        delete_created: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> UndoReport:
        """Undo a run (default: the last sync), or with ``dry_run`` say what it would do."""

    def history(self, profile_id: int, limit: int = 50) -> list[RunSummary]:
        """The profile's runs, newest first."""

    def results(self, run_id: int) -> list[RecordResult]:
        """The run's records, each with its Constant Contact id when known."""

    def record_details(self, run_id: int, key: str, email: str) -> RecordDetails:
        """What the run sent for the record ``key``, and what the local copy of Constant
        Contact holds for ``email`` now."""

    def last_failed(self, profile_id: int) -> RunSummary | None:
        """The profile's latest real run, when some of its records failed."""

    def resumable(self, profile_id: int) -> RunSummary | None:
        """The profile's last run, when it stopped where a sync can resume it."""

    def last_started(self) -> dict[int, str]:
        """When each profile's latest run (not a dry run) started, by profile id."""

    def is_running(self, profile_id: int) -> bool:
        """Whether the profile is running (or waiting to) anywhere, this process included."""

    def live_run_ids(self, runs: Iterable[RunSummary]) -> frozenset[int]:
        """Which of ``runs`` are still in progress, here or in another process."""

    def activity_marker(self) -> str:
        """Text that changes when a run starts, resumes or ends, or a profile changes, in
        any process (the command line, ``run-due``, another window): cheap to poll."""


@runtime_checkable
class ListsApi(Protocol):
    """The lists of a Constant Contact account, as the lists manager changes them.

    The changes that write wait first while a sync holds the account (``on_wait`` says
    what for, as for ``RunsApi.sync``); ``list_name`` names the list to whoever waits.
    """

    def contact_lists(self, connection_id: int) -> list[ContactList]: ...

    def create(self, connection_id: int, name: str) -> ContactList:
        """Create a list; a name already in use is refused."""

    def rename(self, connection_id: int, list_id: str, old_name: str, new_name: str) -> ContactList:
        """Rename a list, and the main list of the profiles that send to it."""

    def delete(
        self,
        connection_id: int,
        list_id: str,
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Delete a list (its contacts stay in the account)."""

    def members(
        self, connection_id: int, list_id: str, cancel: CancelToken | None = None
    ) -> list[ListMember]: ...

    def lists_of(self, connection_id: int, email: str) -> ContactLists | None:
        """The contact with this email and the lists it is on; None when there is none."""

    def add_records(
        self,
        connection_id: int,
        list_id: str,
        profile_id: int,
        records: Sequence[SourceRecord],
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> ListAddResult:
        """Send source records to a list with the profile's mapping; who was refused, why."""

    def remove_members(
        self,
        connection_id: int,
        list_id: str,
        contact_ids: Sequence[str],
        cancel: CancelToken | None = None,
        *,
        list_name: str = "",
        on_wait: Callable[[str], None] | None = None,
    ) -> int:
        """Take contacts off a list (they stay in the account); returns how many."""


@runtime_checkable
class ReportsApi(Protocol):
    """Runs across profiles, and their exports to CSV and Excel."""

    def runs(self, run_filter: RunFilter, limit: int = 200) -> list[RunSummary]:
        """Runs across profiles (or of one), newest first, that pass the filter."""

    def export(
        self,
        path: Path,
        sheets: Sequence[Sheet],
        fmt: ExportFormat,
        cancel: CancelToken | None = None,
    ) -> int:
        """Write an export: every sheet to a workbook, or the first to a CSV file; returns
        how many rows were written."""


@runtime_checkable
class StatsApi(Protocol):
    """Campaign statistics: what happened after each email went out, and the pull that
    fetches it from Constant Contact."""

    def campaigns(self, search: str = "") -> list[CampaignSummary]:
        """Every campaign kept, newest sent first; ``search`` matches names."""

    def campaign(self, campaign_id: str) -> CampaignSummary | None: ...

    def people(self, campaign_id: str) -> list[PersonActivity]:
        """Who the campaign reached and what each did, with their source record if linked."""

    def person_events(self, email: str) -> list[ActivityEvent]:
        """One address's events, newest first, across campaigns."""

    def timeline(self, campaign_id: str | None = None) -> list[ActivityPoint]:
        """Opens and clicks per day, of one campaign (or all)."""

    def pull(
        self, progress: ProgressReporter | None = None, cancel: CancelToken | None = None
    ) -> PullReport:
        """Fetch what changed: resumable, cancellable, locked like a sync."""

    def next_pull_at(self, now: datetime) -> datetime | None:
        """When the schedule next pulls (None: off, or no account connected)."""

    def export(self, path: Path, campaign_name: str | None = None) -> Path:
        """The campaigns (or one campaign's people) to .csv or .xlsx, by ``path``'s suffix."""

    def schedule(self) -> str:
        """ "nightly" (the default), "hourly" or "off"."""

    def set_schedule(self, value: str) -> None: ...

    def has_data(self) -> bool:
        """Whether any campaign has been pulled."""


@runtime_checkable
class ContactBridgeApi(Protocol):
    """What the window and its dialogs are given: each concern, the data folder, and
    whether this is the sandbox."""

    @property
    def home(self) -> Path: ...

    @property
    def sandbox(self) -> bool: ...

    @property
    def profiles(self) -> ProfilesApi: ...

    @property
    def connections(self) -> ConnectionsApi: ...

    @property
    def runs(self) -> RunsApi: ...

    @property
    def lists(self) -> ListsApi: ...

    @property
    def reports(self) -> ReportsApi: ...

    @property
    def stats(self) -> StatsApi: ...
