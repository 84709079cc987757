"""What a profile has handed back to its source of the campaign statistics: how far it got.

A profile whose source takes Constant Contact's campaign activity back (Salesforce) hands it
the events the statistics pull kept since the last time. Events are kept once each, with a
growing row id, so the profile remembers the last row id it handed over (``mark``); a late
event, kept by a later pull, has a higher id and is handed the next time. It also remembers
the source's own record made for each campaign and event (``targets``), so a renamed
campaign keeps its record. All of it is one app setting per profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.store import models as m
from app.store.convert import from_text, now_text, to_text, tuple_rows
from app.store.db import db

E = m.CampaignEventRow
C = m.CampaignRow
KEY = "campaign_responses.{profile_id}"


@dataclass
class HandedBack:
    """A profile's memory of what its source was given (see the module's docstring)."""

    mark: int = 0
    targets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRow:
    """One kept tracking event, as the hand-back reads it."""

    row_id: int
    kind: str
    contact_id: str
    email: str
    name: str
    at: datetime
    link: str


@dataclass(frozen=True)
class CampaignFacts:
    campaign_id: str
    name: str
    sent_at: datetime | None


class CampaignResponseRepository:
    """Reads the kept events for a hand-back, and keeps each profile's mark."""

    def state(self, profile_id: int) -> HandedBack:
        row = (
            m.AppSetting.select(m.AppSetting.value)
            .where(m.AppSetting.key == KEY.format(profile_id=profile_id))
            .tuples()
            .first()
        )
        value: Any = row[0] if row else None
        if not isinstance(value, Mapping):
            return HandedBack()
        targets = value.get("targets")
        return HandedBack(
            mark=int(value.get("mark") or 0),
            targets={str(k): str(v) for k, v in targets.items()}
            if isinstance(targets, Mapping)
            else {},
        )

    def save_state(self, profile_id: int, state: HandedBack) -> None:
        value = {"mark": state.mark, "targets": dict(state.targets)}
        m.AppSetting.insert(
            key=KEY.format(profile_id=profile_id), value=value, updated_at=now_text()
        ).on_conflict(
            conflict_target=[m.AppSetting.key],
            update={m.AppSetting.value: value, m.AppSetting.updated_at: now_text()},
        ).execute()

    def newest_id(self, connection_id: int) -> int:
        found = db.execute_sql(
            f'SELECT MAX(id) FROM "{E._meta.table_name}" WHERE connection_id = ?',
            (connection_id,),
        ).fetchone()
        return int(found[0] or 0)

    def changed(
        self, connection_id: int, after_id: int, up_to_id: int, sent_after: datetime
    ) -> dict[str, set[str]]:
        """Campaign id -> the contacts with events kept after ``after_id`` (up to
        ``up_to_id``), of campaigns sent after ``sent_after`` (or not known to be sent)."""
        rows = db.execute_sql(
            f"""SELECT DISTINCT e.campaign_id, e.contact_id FROM "{E._meta.table_name}" e
                LEFT JOIN "{C._meta.table_name}" c
                       ON c.connection_id = e.connection_id AND c.campaign_id = e.campaign_id
                WHERE e.connection_id = ? AND e.id > ? AND e.id <= ?
                  AND (c.sent_at IS NULL OR c.sent_at >= ?)""",
            (connection_id, after_id, up_to_id, to_text(sent_after)),
        ).fetchall()
        out: dict[str, set[str]] = {}
        for campaign_id, contact_id in rows:
            out.setdefault(str(campaign_id), set()).add(str(contact_id))
        return out

    def campaigns(self, connection_id: int, campaign_ids: Iterable[str]) -> list[CampaignFacts]:
        wanted = list(campaign_ids)
        if not wanted:
            return []
        query = C.select(C.campaign_id, C.name, C.sent_at).where(
            (C.connection == connection_id) & C.campaign_id.in_(wanted)
        )
        found = {
            str(row[0]): CampaignFacts(str(row[0]), str(row[1] or ""), from_text(row[2]))
            for row in tuple_rows(query)
        }
        return [found.get(c, CampaignFacts(c, "", None)) for c in wanted]

    def events_of(
        self, connection_id: int, campaign_id: str, contacts: set[str], up_to_id: int
    ) -> dict[str, list[EventRow]]:
        """Every kept event of these contacts in the campaign (up to ``up_to_id``), oldest
        first, by contact id."""
        rows = db.execute_sql(
            f"""SELECT id, kind, contact_id, email, name, at, link FROM "{E._meta.table_name}"
                WHERE connection_id = ? AND campaign_id = ? AND id <= ? ORDER BY at, id""",
            (connection_id, campaign_id, up_to_id),
        ).fetchall()
        out: dict[str, list[EventRow]] = {}
        for row_id, kind, contact_id, email, name, at, link in rows:
            if contact_id not in contacts:
                continue
            moment = from_text(at)
            if moment is None:
                continue
            out.setdefault(contact_id, []).append(
                EventRow(int(row_id), kind, contact_id, email or "", name or "", moment, link or "")
            )
        return out
