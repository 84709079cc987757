"""What a migration run opens: Constant Contact as its source, the destination's connector,
and the account's campaign activity (``engine_destination.Migration``).

A migration profile has Constant Contact as its source (``source.settings["list_ids"]``: the
lists it brings, none for every contact) and another service as its destination, opened by
that service's connector (``Connector.open_destination``). Its activity is the campaign
statistics kept for the account (``app.store.campaign_stats_repo``), limited to the contacts
the profile holds at the destination; the run pulls what is new first, while it holds the
account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from app.connectors import registry
from app.connectors.base import ActivityFeed
from app.connectors.campaign_reports import CampaignReportsClient
from app.connectors.connector import ConnectorHost, OpenRequest
from app.connectors.constant_contact import ConstantContactClient
from app.connectors.constant_contact_source import ConstantContactSource
from app.core.campaign_stats import ActivityEvent
from app.core.errors import ConfigError
from app.core.outcomes import Outcome
from app.core.profiles import SyncProfile
from app.sync.engine_destination import Migration
from app.sync.facade.store import Store
from app.sync.progress import CancelToken
from app.sync.stats_pull import pull_held


class _Feed:
    """``ActivityFeed`` over the kept statistics of one account, for one profile's contacts:
    those its links hold (the contacts it copied) and those the run plans to copy."""

    def __init__(self, store: Store, connection_id: int, profile_id: int, run_id: int) -> None:
        self._store, self._connection_id = store, connection_id
        self._profile_id, self._run_id = profile_id, run_id

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
        return self._store.campaign_stats.events_after(
            self._connection_id,
            after,
            since,
            kinds,
            limit,
            linked_by=self._profile_id,
            planned_in=self._run_id,
            contacts=contacts,
            upto=upto,
        )

    def first_held(self) -> Sequence[str]:
        return self._store.runs.keys_with_outcome(self._run_id, Outcome.CREATED)


def source_of(profile: SyncProfile, cc: ConstantContactClient) -> ConstantContactSource:
    """The profile's Constant Contact contacts (of its lists), custom fields by label."""
    list_ids = [str(i) for i in profile.source.settings.get("list_ids") or ()]
    labels = {f"cf:{f.name}": f.label for f in cc.list_custom_fields()}
    return ConstantContactSource(cc, list_ids=list_ids, custom_fields=labels)


def open_migration(
    profile: SyncProfile,
    cc: ConstantContactClient,
    host: ConnectorHost,
    store: Store,
    clock: Callable[[], datetime],
    cancel: CancelToken,
) -> Migration:
    """The destination and activity of a migration profile.

    Raises:
        ConfigError: the destination is no service that takes Constant Contact's contacts.
    """
    connector = registry.connector(profile.destination.kind)
    if connector.open_destination is None:
        raise ConfigError(
            f'"{profile.name}" copies Constant Contact into {connector.label}, which '
            "ContactBridge cannot write to."
        )
    destination = connector.open_destination(host, OpenRequest(profile.destination.settings))
    connection_id = profile.connection_id
    assert connection_id is not None
    wanted = {str(i) for i in profile.source.settings.get("list_ids") or ()}

    def source_lists() -> Mapping[str, str]:
        return {
            found.list_id: found.name
            for found in cc.list_contact_lists()
            if not wanted or found.list_id in wanted
        }

    def pull() -> None:
        pull_held(store.campaign_pull, connection_id, CampaignReportsClient(cc.api), clock, cancel)

    def bounced() -> frozenset[str]:
        marks = store.campaign_stats.hard_bounced_or_opted_out(connection_id)
        return frozenset(k for k, kind in marks.items() if kind == "bounce")

    def feed(run_id: int) -> ActivityFeed:
        return _Feed(store, connection_id, profile.saved_id, run_id)

    return Migration(destination, source_lists, feed, pull, bounced)
