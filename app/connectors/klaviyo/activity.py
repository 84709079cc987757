"""Copying campaign activity into Klaviyo as events: received, opened and clicked emails.

Each Constant Contact tracking row (a send, an open, a click) becomes one event on the
contact's profile (found by ``external_id``, the contact id), on a metric of the Constant
Contact integration ("Received Email", "Opened Email", "Clicked Email"), with:

- ``unique_id`` ``cc:<type>:<activity>:<contact>:<time>``: Klaviyo keeps one event per
  profile, metric and ``unique_id``, so a row sent twice (a run resumed after a crash) is
  counted once;
- ``backfill: true``: history is recorded without starting any flow;
- ``time``: when it happened in Constant Contact.

Received emails are recorded too (Klaviyo's own integration shows the metric but records
none). Events go in bulk jobs of 1,000. The first run copies 90 days back; the memo then
keeps how far the kept statistics were copied (their position), so a run copies only what
the statistics pull kept since, late opens of old campaigns included. A contact that comes
to Klaviyo in a later run (it joined a list brought, or its profile was refused before)
brings its own earlier activity, from the same 90-day floor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from app.connectors.base import ActivityFeed
from app.connectors.klaviyo.client import KlaviyoClient
from app.connectors.klaviyo.settings import ACTIVITY_DAYS
from app.core.campaign_stats import ActivityEvent

SERVICE = "constant_contact"  # the metrics' integration: shown as from Constant Contact
METRICS = {"send": "Received Email", "open": "Opened Email", "click": "Clicked Email"}
TRACKING_TYPES = {"send": "em_sends", "open": "em_opens", "click": "em_clicks"}
BATCH = 1000  # events a bulk job takes
CONTACTS_A_QUERY = 500  # contacts new this run whose earlier activity is read at once
SINCE, AFTER = "activity_since", "activity_after"  # memo keys: the floor, the position


def unique_id(event: ActivityEvent) -> str:
    """The event's identity: activity, type, contact and time."""
    return (
        f"cc:{TRACKING_TYPES[event.kind]}:{event.activity_id}:{event.contact_id}:{_time(event.at)}"
    )


def _time(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def event_of(event: ActivityEvent) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Campaign Name": event.campaign_name,
        "Campaign ID": event.campaign_id,
        "Campaign Activity ID": event.activity_id,
        "Source": "Constant Contact",
    }
    if event.link:
        properties["URL"] = event.link
    return {
        "type": "event",
        "attributes": {
            "metric": {
                "data": {
                    "type": "metric",
                    "attributes": {"name": METRICS[event.kind], "service": SERVICE},
                }
            },
            "properties": properties,
            "time": _time(event.at),
            "unique_id": unique_id(event),
        },
    }


def entries_of(events: Iterable[ActivityEvent]) -> list[dict[str, Any]]:
    """One ``event-bulk-create`` per contact, with its events, as backfill."""
    by_contact: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_contact.setdefault(event.contact_id, []).append(event_of(event))
    return [
        {
            "type": "event-bulk-create",
            "attributes": {
                "backfill": True,
                "profile": {"data": {"type": "profile", "attributes": {"external_id": contact}}},
                "events": {"data": found},
            },
        }
        for contact, found in by_contact.items()
    ]


def copy_activity(
    client: KlaviyoClient | None,
    feed: ActivityFeed,
    memo: dict[str, Any],
    save: Callable[[], None],
    now: datetime,
    *,
    check: Callable[[], None] = lambda: None,
) -> Counter[str]:
    """Send what was not sent yet (``client`` None: only count it, for a dry run); returns
    the events by metric. The position moves on after each batch Klaviyo took."""
    since = datetime.fromisoformat(
        str(memo.get(SINCE) or (now - timedelta(days=ACTIVITY_DAYS)).isoformat())
    )
    memo[SINCE] = since.isoformat()
    after = int(memo.get(AFTER) or 0)
    sent: Counter[str] = Counter()
    if after:  # contacts new to Klaviyo this run: their activity kept before, too
        first = list(feed.first_held())
        for start in range(0, len(first), CONTACTS_A_QUERY):
            group = first[start : start + CONTACTS_A_QUERY]
            position = 0
            while True:
                check()
                batch = feed.events(
                    after=position,
                    since=since,
                    kinds=tuple(METRICS),
                    limit=BATCH,
                    contacts=group,
                    upto=after,
                )
                if not batch:
                    break
                events = [e for _, e in batch]
                if client is not None:
                    client.create_events(entries_of(events))
                sent.update(METRICS[e.kind] for e in events)
                position = batch[-1][0]
    while True:
        check()
        batch = feed.events(after=after, since=since, kinds=tuple(METRICS), limit=BATCH)
        if not batch:
            break
        events = [e for _, e in batch]
        if client is not None:
            client.create_events(entries_of(events))
        after = batch[-1][0]
        sent.update(METRICS[e.kind] for e in events)
        if client is not None:
            memo[AFTER] = after
            save()
    return sent


def note(sent: Mapping[str, int], dry_run: bool) -> str:
    total = sum(sent.values())
    if not total:
        return "" if not dry_run else "No new campaign activity to copy to Klaviyo"
    parts = " · ".join(f"{name}: {sent[name]:,}" for name in METRICS.values() if sent.get(name))
    verb = "Would copy" if dry_run else "Copied"
    return f"{verb} {total:,} campaign events to Klaviyo ({parts})"
