"""What the statistics pull writes: campaigns, activities, counts, events and read marks.

Every row belongs to one Constant Contact connection, so that disconnecting the account
purges its statistics (``purge``) and nothing else. Events go in with ``INSERT OR IGNORE``
against their unique key (connection, activity, kind, contact, time, link): a row read twice
by overlapping passes, or again after a stopped pull resumes, is kept once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.campaign_stats import CampaignInfo, SummaryCounts, TrackingRow
from app.store import models as m
from app.store.convert import (
    BATCH,
    batched,
    executemany,
    from_text,
    now_text,
    to_text,
    tuple_rows,
)
from app.store.db import db

C = m.CampaignRow
A = m.CampaignActivityRow
S = m.CampaignSummaryRow
E = m.CampaignEventRow
K = m.CampaignMarkRow
P = m.CampaignPullState

_INSERT_EVENT = (
    f'INSERT OR IGNORE INTO "{E._meta.table_name}" ("connection_id", "campaign_id", '
    '"activity_id", "kind", "contact_id", "email", "name", "at", "link", "code") '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class StoredCampaign:
    """A campaign as kept: what discovery compares against."""

    campaign_id: str
    name: str
    status: str
    updated_at: datetime | None
    sent_at: datetime | None
    details_at: datetime | None  # the updated_at its activities were read at (None: never)


@dataclass(frozen=True)
class Mark:
    """How far one report of one activity has been read (see ``models.CampaignMarkRow``)."""

    mark: datetime | None = None
    cursor: str | None = None
    pending: datetime | None = None
    done: bool = False


@dataclass(frozen=True)
class PullState:
    """A connection's pull: see ``models.CampaignPullState``."""

    discovered_at: datetime | None = None
    nightly_at: datetime | None = None
    pulled_at: datetime | None = None
    tried_at: datetime | None = None
    resume_at: datetime | None = None


def _campaign(row: m.CampaignRow) -> StoredCampaign:
    return StoredCampaign(
        row.campaign_id,
        row.name,
        row.status,
        from_text(row.updated_at),
        from_text(row.sent_at),
        from_text(row.details_at),
    )


class CampaignPullRepository:
    """The pull's writes and the state it resumes from, per connection."""

    # -- campaigns and activities ------------------------------------------------------------

    def stored_campaigns(self, connection_id: int) -> dict[str, StoredCampaign]:
        rows = C.select().where(C.connection == connection_id)
        return {r.campaign_id: _campaign(r) for r in rows}

    def upsert_campaigns(self, connection_id: int, campaigns: Iterable[CampaignInfo]) -> int:
        """Keep new campaigns and refresh known ones; returns how many were new."""
        new = 0
        with db.atomic():
            for c in campaigns:
                changed = {
                    C.name: c.name,
                    C.status: c.status,
                    C.created_at: to_text(c.created_at),
                    C.updated_at: to_text(c.updated_at),
                }
                done = (
                    C.update(changed)
                    .where((C.connection == connection_id) & (C.campaign_id == c.campaign_id))
                    .execute()
                )
                if not done:
                    C.insert(
                        connection=connection_id,
                        campaign_id=c.campaign_id,
                        name=c.name,
                        status=c.status,
                        created_at=to_text(c.created_at),
                        updated_at=to_text(c.updated_at),
                    ).execute()
                    new += 1
        return new

    def set_activities(
        self,
        connection_id: int,
        campaign_id: str,
        activities: Sequence[tuple[str, str]],
        details_at: datetime | None,
    ) -> None:
        """A campaign's activities ``(activity id, role)``, read at its ``details_at``."""
        with db.atomic():
            for activity_id, role in activities:
                A.insert(
                    connection=connection_id,
                    campaign_id=campaign_id,
                    activity_id=activity_id,
                    role=role,
                ).on_conflict(
                    conflict_target=[A.connection, A.activity_id], update={A.role: role}
                ).execute()
            C.update(details_at=to_text(details_at) or now_text()).where(
                (C.connection == connection_id) & (C.campaign_id == campaign_id)
            ).execute()

    def activities(self, connection_id: int, campaign_id: str) -> list[tuple[str, str]]:
        """The campaign's activities as ``(activity id, role)``, in the order stored."""
        query = (
            A.select(A.activity_id, A.role)
            .where((A.connection == connection_id) & (A.campaign_id == campaign_id))
            .order_by(A.id)
        )
        return [(str(a), str(r)) for a, r in tuple_rows(query)]

    def set_sent_at(self, connection_id: int, campaign_id: str, sent_at: datetime | None) -> None:
        C.update(sent_at=to_text(sent_at)).where(
            (C.connection == connection_id) & (C.campaign_id == campaign_id)
        ).execute()

    # -- counts ------------------------------------------------------------------------------

    def upsert_summaries(self, connection_id: int, summaries: Iterable[SummaryCounts]) -> int:
        """Store the counts of the campaigns kept (others are ignored); returns how many."""
        known = set(self.stored_campaigns(connection_id))
        n = 0
        now = now_text()
        with db.atomic():
            for s in summaries:
                if s.campaign_id not in known:
                    continue
                counts = {
                    "sends": s.sends,
                    "opens": s.opens,
                    "clicks": s.clicks,
                    "forwards": s.forwards,
                    "optouts": s.optouts,
                    "abuse": s.abuse,
                    "bounces": s.bounces,
                    "not_opened": s.not_opened,
                    "refreshed_at": now,
                }
                S.insert(connection=connection_id, campaign_id=s.campaign_id, **counts).on_conflict(
                    conflict_target=[S.connection, S.campaign_id],
                    update={getattr(S, k): v for k, v in counts.items()},
                ).execute()
                if s.sent_at is not None:
                    self.set_sent_at(connection_id, s.campaign_id, s.sent_at)
                n += 1
        return n

    # -- events ------------------------------------------------------------------------------

    def add_events(self, connection_id: int, campaign_id: str, rows: Iterable[TrackingRow]) -> int:
        """Keep tracking rows not kept before; returns how many were new."""
        new = 0
        for batch in batched(rows, BATCH):
            with db.atomic():
                new += executemany(
                    _INSERT_EVENT, [(connection_id, campaign_id, *row) for row in batch]
                )
        return new

    def report_count(self, connection_id: int, activity_id: str, kind: str, unique: bool) -> int:
        """Rows kept of one kind of one activity (``unique``: the people among them)."""
        what = "COUNT(DISTINCT contact_id)" if unique else "COUNT(*)"
        row = db.execute_sql(
            f'SELECT {what} FROM "{E._meta.table_name}" '
            'WHERE "connection_id" = ? AND "activity_id" = ? AND "kind" = ?',
            (connection_id, activity_id, kind),
        ).fetchone()
        return int(row[0])

    def event_count(self, connection_id: int | None = None) -> int:
        query = E.select()
        if connection_id is not None:
            query = query.where(E.connection == connection_id)
        return int(query.count())

    # -- marks -------------------------------------------------------------------------------

    def mark(self, connection_id: int, activity_id: str, report: str) -> Mark:
        row = (
            K.select()
            .where(
                (K.connection == connection_id)
                & (K.activity_id == activity_id)
                & (K.report == report)
            )
            .first()
        )
        if row is None:
            return Mark()
        return Mark(from_text(row.mark), row.cursor, from_text(row.pending), bool(row.done))

    def _put_mark(
        self, connection_id: int, activity_id: str, report: str, **values: object
    ) -> None:
        K.insert(
            connection=connection_id, activity_id=activity_id, report=report, **values
        ).on_conflict(
            conflict_target=[K.connection, K.activity_id, K.report],
            update={getattr(K, k): v for k, v in values.items()},
        ).execute()

    def save_page(
        self,
        connection_id: int,
        campaign_id: str,
        activity_id: str,
        report: str,
        *,
        cursor: str | None,
        pending: datetime | None,
        groups: Sequence[Sequence[TrackingRow]],
    ) -> list[int]:
        """One page read: its rows (in groups, each counted apart) and where the pass goes on,
        in one transaction, so a stop between pages resumes at the next page and a stop
        inside one reads it again. Returns how many rows of each group were new."""
        with db.atomic():
            new = [self.add_events(connection_id, campaign_id, rows) for rows in groups]
            self._put_mark(
                connection_id, activity_id, report, cursor=cursor, pending=to_text(pending)
            )
        return new

    def end_pass(
        self,
        connection_id: int,
        activity_id: str,
        report: str,
        mark: datetime | None,
        *,
        done: bool = False,
    ) -> None:
        """A pass reached its end: ``mark`` is the newest row's time, and paging starts over."""
        self._put_mark(
            connection_id,
            activity_id,
            report,
            mark=to_text(mark),
            cursor=None,
            pending=None,
            done=done,
            read_at=now_text(),
        )

    def marks(self, connection_id: int) -> dict[str, str]:
        """Every finished high-water mark: "activity/report" -> ISO time."""
        query = (
            K.select(K.activity_id, K.report, K.mark)
            .where((K.connection == connection_id) & K.mark.is_null(False))
            .order_by(K.activity_id, K.report)
        )
        return {f"{a}/{r}": str(t) for a, r, t in tuple_rows(query)}

    def drop_opened_did_not_opens(self, connection_id: int) -> int:
        """Forget "did not open" for people who opened since the report was read (it is read
        once; later opens settle it); returns how many were dropped."""
        cursor = db.execute_sql(
            f"""DELETE FROM "{E._meta.table_name}" WHERE "connection_id" = ?
                AND "kind" = 'did_not_open' AND EXISTS (
                    SELECT 1 FROM "{E._meta.table_name}" o
                    WHERE o."connection_id" = "{E._meta.table_name}"."connection_id"
                    AND o."activity_id" = "{E._meta.table_name}"."activity_id"
                    AND o."contact_id" = "{E._meta.table_name}"."contact_id"
                    AND o."kind" = 'open')""",
            (connection_id,),
        )
        return max(int(cursor.rowcount), 0)

    # -- what tracking tells the syncs -------------------------------------------------------

    def apply_optouts_to_mirror(self, connection_id: int) -> int:
        """Mark unsubscribed, in the local copy of the account, the contacts whose tracking
        shows an opt-out newer than what the copy holds of them; returns how many.

        Constant Contact unsubscribes them itself; this makes every profile's next run see
        it even before its refresh reads the contact again (a contact who opted back in
        after the opt-out has a newer ``updated_at``, and is left alone).
        """
        contacts, events = m.RemoteContactRow._meta.table_name, E._meta.table_name
        cursor = db.execute_sql(
            f"""UPDATE "{contacts}" SET "permission" = 'unsubscribed'
                WHERE "connection_id" = ? AND "permission" != 'unsubscribed'
                AND EXISTS (SELECT 1 FROM "{events}" e
                    WHERE e."connection_id" = "{contacts}"."connection_id"
                    AND e."contact_id" = "{contacts}"."contact_id" AND e."kind" = 'optout'
                    AND e."at" > COALESCE("{contacts}"."updated_at", ''))""",
            (connection_id,),
        )
        return max(int(cursor.rowcount), 0)

    # -- pull state --------------------------------------------------------------------------

    def state(self, connection_id: int) -> PullState:
        row = P.select().where(P.connection == connection_id).first()
        if row is None:
            return PullState()
        return PullState(
            from_text(row.discovered_at),
            from_text(row.nightly_at),
            from_text(row.pulled_at),
            from_text(row.tried_at),
            from_text(row.resume_at),
        )

    def set_state(self, connection_id: int, **values: datetime | None) -> None:
        texts = {k: to_text(v) for k, v in values.items()}
        P.insert(connection=connection_id, **texts).on_conflict(
            conflict_target=[P.connection], update={getattr(P, k): v for k, v in texts.items()}
        ).execute()

    def states(self) -> dict[int, PullState]:
        """Every connection's pull state, by connection id (for the schedule)."""
        return {int(cid): self.state(int(cid)) for (cid,) in tuple_rows(P.select(P.connection))}

    # -- purge -------------------------------------------------------------------------------

    def purge(self, connection_id: int) -> None:
        """Forget the account's statistics (disconnect); source records and links stay."""
        purge_campaign_stats(connection_id)


def purge_campaign_stats(connection_id: int) -> None:
    """Delete one connection's statistics rows (shared with the connections' purge)."""
    with db.atomic():
        for model in (E, K, S, A, C, P):
            model.delete().where(model.connection == connection_id).execute()
