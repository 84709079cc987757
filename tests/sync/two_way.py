"""A writable in-memory source and a driver for two-way runs against the CC emulator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.connectors.base import SourceCapabilities
from app.core.errors import AppError
from app.core.mapping import FieldMapping
from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.sync.bootstrap import ServiceHandle
from app.sync.progress import CancelToken, ProgressReporter

COLUMNS = ("Email", "First", "Last", "Company")
MAPPING = FieldMapping.of(
    {"Email": "email", "First": "first_name", "Last": "last_name", "Company": "company_name"}
)
LIST = "Members"
WRITES = ("POST /v3", "PUT /v3", "PATCH /v3", "DELETE /v3")


class MemorySource:
    """A ``WritableSource`` kept in a dict, as faithful as a CRM: keys are stable ids.

    ``fail_next[op] = exc`` makes the next call of ``op`` ("create", "update", "opt_out")
    raise ``exc``; ``lose_answer`` makes the next create succeed and then raise (a reply
    lost on the way back).
    """

    def __init__(self, caps: SourceCapabilities | None = None) -> None:
        self.capabilities = caps or SourceCapabilities(create=True, update=True, opt_out=True)
        self.records: dict[str, dict[str, str]] = {}
        self.opted_out: set[str] = set()
        self.writes: list[tuple[str, int]] = []
        self.fail_next: dict[str, Exception] = {}
        self.lose_answer = False
        self.problems: list = []  # every record in a dict is readable
        self._next = 1

    # -- Source ---------------------------------------------------------------------------

    def describe(self) -> str:
        return "memory"

    def columns(self) -> list[str]:
        return list(COLUMNS)

    def deleted_since(self, since):  # type: ignore[no-untyped-def]
        return set()

    def iter_records(self, since=None):  # type: ignore[no-untyped-def]
        for row, (key, values) in enumerate(list(self.records.items()), start=2):
            yield SourceRecord(key, row, dict(values), key in self.opted_out)

    def numbered_preview(self, n: int = 20):  # type: ignore[no-untyped-def]
        rows = [(r.row, [r.values.get(c, "") for c in COLUMNS]) for r in self.iter_records()]
        return list(COLUMNS), rows[:n]

    def look(self, n: int = 20):  # type: ignore[no-untyped-def]
        from app.core.source_preview import SourcePreview

        return SourcePreview(*self.numbered_preview(n))

    run_note = ""

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """A key no longer in the dict was deleted."""
        return {k for k in keys if k in self.records}

    # -- WritableSource -------------------------------------------------------------------

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        self._maybe_fail("create")
        keys = []
        for values in records:
            key = self.add(**{k: v for k, v in values.items()})
            keys.append(key)
        self.writes.append(("create", len(records)))
        if self.lose_answer:
            self.lose_answer = False
            raise ConnectionResetError("the answer was lost")
        return keys

    def update_records(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        self._maybe_fail("update")
        for key, values in updates.items():
            self.records[key].update(values)
        self.writes.append(("update", len(updates)))

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        self._maybe_fail("opt_out")
        for key in keys:
            (self.opted_out.add if opted_out else self.opted_out.discard)(key)
        self.writes.append(("opt_out" if opted_out else "opt_in", len(keys)))

    # -- helpers --------------------------------------------------------------------------

    def add(self, Email: str = "", First: str = "", Last: str = "", Company: str = "") -> str:
        key = f"S{self._next:04d}"
        self._next += 1
        self.records[key] = {"Email": Email, "First": First, "Last": Last, "Company": Company}
        return key

    def key_of(self, email: str) -> str:
        return next(k for k, v in self.records.items() if v["Email"].lower() == email.lower())

    def _maybe_fail(self, op: str) -> None:
        exc = self.fail_next.pop(op, None)
        if exc is not None:
            raise exc


@dataclass
class TwoWay:
    """A profile on a ``MemorySource``, run by the real service against the emulator."""

    handle: ServiceHandle
    source: MemorySource = field(default_factory=MemorySource)
    profile_id: int = 0
    _offset: int = 0

    @property
    def service(self) -> Any:
        return self.handle.service

    @property
    def emulator(self) -> Any:
        assert self.handle.emulator is not None
        return self.handle.emulator

    @property
    def profile(self) -> SyncProfile:
        return self.service.profiles.get(self.profile_id)

    def tick(self, seconds: int = 2) -> None:
        """Move Constant Contact's clock on, so what happens next is not in the second of
        the mirror's watermark (timestamps have whole seconds)."""
        self._offset += seconds
        offset = timedelta(seconds=self._offset)
        self.emulator.clock = lambda: datetime.now(UTC) + offset

    def person(self, email: str, permission: str) -> None:
        """The contact's own action in Constant Contact (unsubscribe, opt back in), later."""
        self.tick()
        self.emulator.set_permission(email, permission)

    def setup(self, **options: Any) -> TwoWay:
        conn = self.service.connections.default_connection()
        profile = SyncProfile(
            name="Two-way",
            source=SourceSpec("xero", {}),
            main_list=LIST,
            connection_id=conn.id,
            options=SyncOptions(**options),
            mapping=MAPPING,
        )
        self.profile_id = self.service.profiles.save(profile).id
        self.service.profiles.open_source = lambda spec, opt_out_column="": self.source
        return self

    def options(self, **changes: Any) -> None:
        profile = self.profile
        self.service.profiles.save(
            profile.with_changes(options=replace(profile.options, **changes))
        )

    def run(
        self,
        *,
        dry_run: bool = False,
        confirm: bool = False,
        reporter: ProgressReporter | None = None,
        cancel: CancelToken | None = None,
    ) -> RunSummary:
        return self.service.runs.sync(
            self.profile_id, dry_run=dry_run, confirm=confirm, reporter=reporter, cancel=cancel
        )

    def results(self, summary: RunSummary, direction: str | None = None) -> list[RecordResult]:
        rows = self.service.runs.results(summary.run_id)
        return [r for r in rows if direction is None or r.direction == direction]

    def by_key(self, summary: RunSummary, direction: str = "push") -> dict[str, RecordResult]:
        return {r.key: r for r in self.results(summary, direction)}

    def writes(self) -> list[str]:
        return [k for k in self.emulator.request_counts() if k.startswith(WRITES)]

    def permission(self, email: str) -> str:
        contact = self.emulator.get_contact(email)
        return contact["email_address"]["permission_to_send"] if contact else ""

    def on_list(self) -> set[str]:
        return {e.lower() for e in self.emulator.contacts_on_list(LIST)}

    def contact_emails(self) -> list[str]:
        with self.emulator.state.tx() as conn:
            rows = conn.execute(
                "SELECT email_lower FROM contacts WHERE deleted_at IS NULL"
            ).fetchall()
        return [r[0] for r in rows]


def counts_add_up(service: Any, summary: RunSummary) -> None:
    """Every direction's counts add up to its rows, and the run's to all of them."""
    rows = service.runs.results(summary.run_id)
    assert summary.counts.total == len(rows)
    by_direction = service.store.runs.counts_by_direction(summary.run_id)
    for direction, counts in by_direction.items():
        assert counts.total == sum(1 for r in rows if r.direction == direction)
    assert sum(c.total for c in by_direction.values()) == summary.counts.total


def fail(message: str = "The source refused it.") -> AppError:
    return AppError(message)
