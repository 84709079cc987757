"""Campaign statistics as the window reads them: campaigns, people, events and the timeline.

The pull writes these tables (``app.store.campaign_pull_repo``); this side only reads them,
across every Constant Contact connection (an app usually has one), and hands out the core
types of ``app.core.campaign_stats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from app.core.campaign_stats import (
    DEFAULT_SCHEDULE,
    HARD_BOUNCE_CODES,
    SCHEDULES,
    ActivityEvent,
    ActivityPoint,
    CampaignSummary,
    PersonActivity,
    stamp,
)
from app.core.email_address import email_key
from app.store import models as m
from app.store.convert import from_text, now_text
from app.store.db import db

SCHEDULE_KEY = "stats.schedule"

_CAMPAIGNS = f"""
SELECT c.campaign_id, c.name, c.status, c.sent_at,
       s.sends, s.opens, s.clicks, s.bounces, s.optouts, s.forwards, s.not_opened,
       c.connection_id
FROM "{m.CampaignRow._meta.table_name}" c
LEFT JOIN "{m.CampaignSummaryRow._meta.table_name}" s
       ON s.connection_id = c.connection_id AND s.campaign_id = c.campaign_id
"""

# Unique people per kind, for a campaign whose summary the pull has not read (yet).
_COUNTS = f"""
SELECT kind, COUNT(DISTINCT contact_id) FROM "{m.CampaignEventRow._meta.table_name}"
WHERE connection_id = ? AND campaign_id = ? GROUP BY kind
"""

_PEOPLE = f"""
SELECT contact_id, MAX(email), MAX(name),
       SUM(kind = 'open'), SUM(kind = 'click'), SUM(kind = 'forward'),
       MAX(kind = 'optout'), MAX(kind = 'bounce'),
       COALESCE(MAX(CASE WHEN kind = 'bounce' THEN code END), '')
FROM "{m.CampaignEventRow._meta.table_name}"
WHERE connection_id = ? AND campaign_id = ?
GROUP BY contact_id
ORDER BY MAX(email), contact_id
"""

_LINKS = f"""
SELECT contact_id, link, MIN(at) FROM "{m.CampaignEventRow._meta.table_name}"
WHERE connection_id = ? AND campaign_id = ? AND kind = 'click' AND link != ''
GROUP BY contact_id, link ORDER BY contact_id, MIN(at)
"""

# The source records profiles of the same account linked to these contacts (by id or email).
_SOURCES = f"""
SELECT l.contact_id, l.email, l.source_key, p.name
FROM "{m.Link._meta.table_name}" l
JOIN "{m.Profile._meta.table_name}" p ON p.id = l.profile_id
WHERE p.connection_id = ? AND (
    l.contact_id IN (SELECT contact_id FROM "{m.CampaignEventRow._meta.table_name}"
                     WHERE connection_id = ? AND campaign_id = ?)
    OR l.email IN (SELECT email FROM "{m.CampaignEventRow._meta.table_name}"
                   WHERE connection_id = ? AND campaign_id = ?))
ORDER BY p.id, l.id
"""

_PERSON_EVENTS = f"""
SELECT e.campaign_id, COALESCE(c.name, ''), e.activity_id, e.kind, e.contact_id, e.email,
       e.at, e.link
FROM "{m.CampaignEventRow._meta.table_name}" e
LEFT JOIN "{m.CampaignRow._meta.table_name}" c
       ON c.connection_id = e.connection_id AND c.campaign_id = e.campaign_id
WHERE e.email = ?
ORDER BY e.at DESC, e.id DESC
"""

# Events kept after a position (the row id), for copying them elsewhere in the order kept.
_EVENTS_AFTER = f"""
SELECT e.id, e.campaign_id, COALESCE(c.name, ''), e.activity_id, e.kind, e.contact_id, e.email,
       e.at, e.link
FROM "{m.CampaignEventRow._meta.table_name}" e
LEFT JOIN "{m.CampaignRow._meta.table_name}" c
       ON c.connection_id = e.connection_id AND c.campaign_id = e.campaign_id
WHERE e.connection_id = ? AND e.id > ? AND e.at >= ? AND e.kind IN ({{kinds}}) {{linked}}
ORDER BY e.id LIMIT ?
"""

_TIMELINE = f"""
SELECT substr(at, 1, 10), SUM(kind = 'open'), SUM(kind = 'click')
FROM "{m.CampaignEventRow._meta.table_name}"
WHERE kind IN ('open', 'click') {{where}}
GROUP BY substr(at, 1, 10) ORDER BY 1
"""


def _rows(sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    return list(db.execute_sql(sql, tuple(params)).fetchall())


def _summary(row: tuple[Any, ...]) -> CampaignSummary:
    campaign_id, name, status, sent_at, *counts, connection_id = row
    if counts[0] is None:  # no summary read: count the events kept
        by_kind = dict(_rows(_COUNTS, (connection_id, campaign_id)))
        counts = [
            by_kind.get(k, 0)
            for k in ("send", "open", "click", "bounce", "optout", "forward", "did_not_open")
        ]
    return CampaignSummary(campaign_id, name, status, from_text(sent_at), *map(int, counts))


def _newest_first(summary: CampaignSummary) -> tuple[int, float, str]:
    # Sent campaigns newest first, then drafts (never sent) by name.
    if summary.sent_at is None:
        return (1, 0.0, summary.name.lower())
    return (0, -summary.sent_at.timestamp(), summary.name.lower())


class CampaignStatsRepository:
    """Reads the campaign statistics the pull kept, and the pull's schedule."""

    def campaigns(self, search: str = "") -> list[CampaignSummary]:
        """Every campaign kept, newest sent first (drafts last); ``search`` matches names."""
        sql, params = _CAMPAIGNS, []
        if search.strip():
            sql += " WHERE c.name LIKE ? ESCAPE '\\'"
            escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        summaries = [_summary(r) for r in _rows(sql, params)]
        summaries.sort(key=_newest_first)
        return summaries

    def campaign(self, campaign_id: str) -> CampaignSummary | None:
        rows = _rows(_CAMPAIGNS + " WHERE c.campaign_id = ?", (campaign_id,))
        return _summary(rows[0]) if rows else None

    def _connection_of(self, campaign_id: str) -> int | None:
        row = (
            m.CampaignRow.select(m.CampaignRow.connection)
            .where(m.CampaignRow.campaign_id == campaign_id)
            .tuples()
            .first()
        )
        return None if row is None else int(row[0])

    def people(self, campaign_id: str) -> list[PersonActivity]:
        """Everyone the campaign reached, by email, with what each did and their source record."""
        connection_id = self._connection_of(campaign_id)
        if connection_id is None:
            return []
        key = (connection_id, campaign_id)
        links: dict[str, list[str]] = {}
        for contact_id, link, _first in _rows(_LINKS, key):
            links.setdefault(contact_id, []).append(link)
        by_id: dict[str, tuple[str, str]] = {}
        by_email: dict[str, tuple[str, str]] = {}
        for contact_id, email, source_key, label in _rows(_SOURCES, (connection_id, *key, *key)):
            if contact_id:
                by_id.setdefault(contact_id, (source_key, label))
            if email:
                by_email.setdefault(email_key(email), (source_key, label))
        out = []
        for row in _rows(_PEOPLE, key):
            contact_id, email, name, opens, clicks, forwards, optout, bounce, code = row
            source = by_id.get(contact_id) or by_email.get(email)
            out.append(
                PersonActivity(
                    contact_id=contact_id,
                    email=email,
                    name=name,
                    opens=int(opens),
                    clicks=int(clicks),
                    links=tuple(links.get(contact_id, ())),
                    forwards=int(forwards),
                    unsubscribed=bool(optout),
                    bounced=bool(bounce),
                    bounce_code=code,
                    source_key=source[0] if source else None,
                    source_label=source[1] if source else None,
                )
            )
        return out

    def person_events(self, email: str) -> list[ActivityEvent]:
        """Everything one address did, newest first, across campaigns and connections."""
        return [
            ActivityEvent(cid, cname, aid, kind, contact, mail, _at(at), link)
            for cid, cname, aid, kind, contact, mail, at, link in _rows(
                _PERSON_EVENTS, (email_key(email),)
            )
        ]

    def events_after(
        self,
        connection_id: int,
        after: int,
        since: datetime,
        kinds: Iterable[str],
        limit: int = 1000,
        linked_by: int | None = None,
        planned_in: int | None = None,
        contacts: Sequence[str] | None = None,
        upto: int | None = None,
    ) -> list[tuple[int, ActivityEvent]]:
        """Up to ``limit`` of one account's events of these kinds kept after position
        ``after`` (the row id: rows are kept in the order read), that happened at or after
        ``since``; each with its position, in position order. ``linked_by``: only of the
        contacts that profile links to (its links' source keys), or that the run
        ``planned_in`` plans to create, update or leave as they are; ``contacts``: only
        these; ``upto``: no position past it."""
        wanted = list(kinds)
        if not wanted or (contacts is not None and not contacts):
            return []
        linked = ""
        extra: list[Any] = []
        if contacts is not None:
            linked += f" AND e.contact_id IN ({', '.join('?' for _ in contacts)})"
            extra += list(contacts)
        if upto is not None:
            linked += " AND e.id <= ?"
            extra.append(upto)
        if linked_by is not None:
            linked += (
                f' AND (e.contact_id IN (SELECT source_key FROM "{m.Link._meta.table_name}"'
                " WHERE profile_id = ?)"
                f' OR e.contact_id IN (SELECT key FROM "{m.RunRecord._meta.table_name}"'
                " WHERE run_id = ? AND outcome IN ('created', 'updated', 'unchanged')))"
            )
            extra += [linked_by, planned_in or 0]
        sql = _EVENTS_AFTER.format(kinds=", ".join("?" for _ in wanted), linked=linked)
        rows = _rows(sql, (connection_id, after, stamp(since), *wanted, *extra, limit))
        return [
            (int(rid), ActivityEvent(cid, cname, aid, kind, contact, mail, _at(at), link))
            for rid, cid, cname, aid, kind, contact, mail, at, link in rows
        ]

    def timeline(self, campaign_id: str | None = None) -> list[ActivityPoint]:
        """Opens and clicks per day (UTC), oldest first; of one campaign or all."""
        where, params = "", []
        if campaign_id is not None:
            where, params = "AND campaign_id = ?", [campaign_id]
        return [
            ActivityPoint(date.fromisoformat(day), int(opens), int(clicks))
            for day, opens, clicks in _rows(_TIMELINE.format(where=where), params)
        ]

    def has_data(self) -> bool:
        """Whether any campaign has been pulled."""
        return m.CampaignRow.select().exists()

    def hard_bounced_or_opted_out(self, connection_id: int) -> dict[str, str]:
        """Contacts whose tracking says they opted out or hard-bounced: contact id -> kind
        ("optout" wins over "bounce")."""
        rows = _rows(
            f"""SELECT contact_id, kind, code FROM "{m.CampaignEventRow._meta.table_name}"
                WHERE connection_id = ? AND kind IN ('optout', 'bounce')""",
            (connection_id,),
        )
        out: dict[str, str] = {}
        for contact_id, kind, code in rows:
            if kind == "optout":
                out[contact_id] = "optout"
            elif code in HARD_BOUNCE_CODES:
                out.setdefault(contact_id, "bounce")
        return out

    def hard_bounced_emails(self, connection_id: int) -> frozenset[str]:
        """The addresses (lowercased) a campaign of the account hard-bounced on (code B):
        they do not exist, so no profile pushes them again."""
        rows = _rows(
            f"""SELECT DISTINCT email FROM "{m.CampaignEventRow._meta.table_name}"
                WHERE connection_id = ? AND kind = 'bounce' AND code IN
                ({", ".join("?" for _ in HARD_BOUNCE_CODES)}) AND email != ''""",
            (connection_id, *sorted(HARD_BOUNCE_CODES)),
        )
        return frozenset(str(r[0]) for r in rows)

    def schedule(self) -> str:
        """When the pull runs by itself: "nightly" (the default), "hourly" or "off"."""
        row = (
            m.AppSetting.select(m.AppSetting.value)
            .where(m.AppSetting.key == SCHEDULE_KEY)
            .tuples()
            .first()
        )
        value = None if row is None else row[0]
        return value if value in SCHEDULES else DEFAULT_SCHEDULE

    def set_schedule(self, value: str) -> None:
        if value not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}: {value!r}")
        m.AppSetting.insert(key=SCHEDULE_KEY, value=value, updated_at=now_text()).on_conflict(
            conflict_target=[m.AppSetting.key],
            update={m.AppSetting.value: value, m.AppSetting.updated_at: now_text()},
        ).execute()


def _at(text: str) -> datetime:
    value = from_text(text)
    assert value is not None  # the column is NOT NULL
    return value
