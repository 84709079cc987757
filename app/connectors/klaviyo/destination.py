"""Klaviyo as a migration's destination (``app.connectors.base.Destination``).

- ``prepare``: the Klaviyo lists of the Constant Contact lists brought ("create Klaviyo lists
  from Constant Contact lists"): found by name, else made (Klaviyo allows 150 new lists a
  day: past that, the run stops and resumes later, the lists made kept). The memo keeps
  Constant Contact list name → Klaviyo list id.
- ``plan``: ``plan.MigrationPlanner``; ``deleted``: kept in Klaviyo, listed once.
- ``write``: ``writer.Writer``; ``send_activity``: ``activity.copy_activity``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from app.connectors.base import ActivityFeed, Kept, Planned, WriteLedger
from app.connectors.klaviyo import activity
from app.connectors.klaviyo.client import KlaviyoClient
from app.connectors.klaviyo.plan import DELETED_REASON, MigrationPlanner, deleted
from app.connectors.klaviyo.settings import KlaviyoSettings
from app.connectors.klaviyo.writer import Writer
from app.core.records import SourceRecord

LISTS = "lists"  # memo: Constant Contact list name -> Klaviyo list id


class KlaviyoDestination:
    """A migration profile's Klaviyo account, with the profile's choices."""

    deleted_reason = DELETED_REASON

    def __init__(
        self,
        client: KlaviyoClient,
        settings: KlaviyoSettings,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.settings = settings
        self.now = now
        self.wants_activity = settings.collect_activity

    def prepare(self, memo: dict[str, Any], dry_run: bool, source_lists: Mapping[str, str]) -> str:
        if not self.settings.create_lists:
            memo[LISTS] = {}
            return ""
        known: dict[str, str] = dict(memo.get(LISTS) or {})
        existing: dict[str, str] = {}
        for found in self.client.lists():
            existing.setdefault(found.name, found.list_id)
        ids = set(existing.values())
        lists: dict[str, str] = {}
        missing = []
        for name in sorted(set(source_lists.values())):
            if known.get(name) in ids:
                lists[name] = known[name]
            elif name in existing:
                lists[name] = existing[name]
            else:
                missing.append(name)
        made = []
        if not dry_run:
            for name in missing:
                lists[name] = self.client.create_list(name).list_id
                memo[LISTS] = dict(lists)  # kept even if the daily limit stops the rest
                made.append(name)
        memo[LISTS] = lists
        names = missing if dry_run else made
        if not names:
            return ""
        shown = ", ".join(f"“{n}”" for n in names[:5]) + (" …" if len(names) > 5 else "")
        verb = "Would create" if dry_run else "Created"
        count = f"{len(names)} list{'s' if len(names) != 1 else ''}"
        return f"{verb} {count} in Klaviyo: {shown}"

    def plan(
        self,
        records: Iterable[tuple[SourceRecord, Kept | None]],
        memo: Mapping[str, Any],
        bounced: Container[str],
    ) -> Iterator[Planned]:
        planner = MigrationPlanner(self.settings, dict(memo.get(LISTS) or {}), bounced, self.now())
        return planner.plan_all(records)

    def deleted(self, key: str, kept: Kept) -> Planned | None:
        return deleted(key, kept)

    def write(self, ledger: WriteLedger) -> None:
        Writer(self.client, ledger).write()

    def send_activity(
        self, feed: ActivityFeed, memo: dict[str, Any], save: Callable[[], None], dry_run: bool
    ) -> str:
        sent = activity.copy_activity(
            None if dry_run else self.client, feed, memo, save, self.now()
        )
        return activity.note(sent, dry_run)

    def close(self) -> None:
        self.client.close()
