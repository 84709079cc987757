"""Seeding and moving campaigns: the state helpers behind the emulator's campaign methods.

A campaign is seeded as already sent: its sends and what people did up to the campaign
clock's "now" are stored at once (100,000 sends in a few seconds). Recent campaigns keep
gathering opens and clicks for 72 hours after their send; :meth:`Campaigns.catch_up` adds
what arrived since the last look (the clock moved, or real time passed while the sandbox
was closed). An opt-out in a report unsubscribes the contact, as the real service does.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from app.sandbox.constant_contact import campaign_clock
from app.sandbox.constant_contact import campaign_store as cs
from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.campaign_activity import (
    HOUR_MS,
    TAIL_HOURS,
    Batch,
    Plan,
    Rates,
    Seen,
    extra_events,
    initial_events,
    late_events,
)
from app.sandbox.constant_contact.consent import new_email, unsubscribe
from app.sandbox.constant_contact.lists import create_list
from app.sandbox.constant_contact.state import State
from app.sandbox.constant_contact.util import from_ms, iso, new_ids
from app.sandbox.samples import FIRST, LAST
from app.sandbox.wire import dumps

# A campaign seeded without sent_at went out a day ago: late opens and clicks still arrive.
DEFAULT_AGE = timedelta(hours=24)
DRAFTED_BEFORE_MS = 2 * 24 * HOUR_MS
SEED_STATUSES = ("Done", "Removed")
LINK_PATHS = ("menu", "order-online", "visit-us")
SITE = "https://www.example.com"
ADDRESS, FIRST_NAME, LAST_NAME = "@@address@@", "@@first@@", "@@last@@"  # template slots


class Campaigns:
    """Campaign state changes on one emulator's state file and clocks."""

    def __init__(self, state: State, clock: Callable[[], datetime]) -> None:
        self.state = state
        self.clock = clock

    # -- reading the clock ---------------------------------------------------------------

    def now_ms(self) -> int:
        with self.state.tx() as conn:
            return campaign_clock.now_ms(conn, self.clock)

    # -- creating campaigns -------------------------------------------------------------

    def create_draft(self, name: str, list_names: Iterable[str] = ()) -> str:
        with self.state.tx() as conn:
            now = campaign_clock.now_ms(conn, self.clock)
            self._check_name(conn, name)
            list_ids = self._list_ids(conn, list_names)
            doc = self._doc(conn, name, list_ids, Rates(), 0, ())
            campaign_id = cs.insert_campaign(conn, name, "Draft", now, None, doc)
            cs.insert_activity(conn, campaign_id, "primary_email")
            cs.insert_activity(conn, campaign_id, "permalink")
        return campaign_id

    def seed(
        self,
        name: str,
        list_names: Sequence[str],
        *,
        sends: int | None,
        rates: Rates,
        sent_at: datetime | None,
        status: str = "Done",
        rng_seed: int = 0,
        keep: Iterable[str] = (),
        links: Sequence[tuple[str, str]] | None = None,
        segment: Sequence[str] | None = None,
    ) -> str:
        """A campaign sent at ``sent_at`` (campaign clock; default a day ago) and its activity.

        ``sends=None`` sends to every subscribed member of the lists; ``sends=N`` creates N new
        contacts on the lists and sends to them; ``segment`` (contact ids, no lists) sends to
        those of them still subscribed, as a campaign sent to a segment. ``keep`` names
        contacts who open and click and never opt out or bounce (the sample's known people).
        """
        if status not in SEED_STATUSES:
            raise ValueError(f"a seeded campaign's status is one of {SEED_STATUSES}")
        if sends is not None and sends < 0:
            raise ValueError("sends cannot be negative")
        rng = random.Random(rng_seed)
        with self.state.tx() as conn:
            now = campaign_clock.now_ms(conn, self.clock)
            if sent_at is None:
                sent_ms = now - int(DEFAULT_AGE.total_seconds() * 1000)
            else:
                if sent_at.tzinfo is None:  # naive: taken as UTC, as the API's dates are
                    sent_at = sent_at.replace(tzinfo=UTC)
                sent_ms = int(sent_at.timestamp() * 1000)
            if sent_ms > now:
                raise ValueError("a campaign cannot have been sent after the campaign clock's now")
            self._check_name(conn, name)
            list_ids = self._list_ids(conn, list_names)
            if segment is not None:
                recipients = self._subscribed(conn, segment)
            elif sends is None:
                recipients = self._members(conn, list_ids)
            else:
                recipients = self._new_recipients(conn, sends, list_ids, sent_ms, rng)
            doc = self._doc(conn, name, list_ids, rates, rng_seed, keep, links)
            if segment is not None:
                doc["segment_ids"] = [1]
            campaign_id = cs.insert_campaign(
                conn, name, "Done", sent_ms - DRAFTED_BEFORE_MS, sent_ms, doc
            )
            act = cs.insert_activity(conn, campaign_id, "primary_email")
            cs.insert_activity(conn, campaign_id, "permalink")
            batch = initial_events(recipients, self._plan(sent_ms, doc), now, rng)
            self._store(conn, act, batch, first=True)
            last_send = max((e.at_ms for e in batch.events if e.kind == "sends"), default=sent_ms)
            conn.execute(
                "UPDATE campaigns SET updated_ms = ? WHERE campaign_id = ?",
                (last_send, campaign_id),
            )
            doc["through_ms"] = now
            cs.save_doc(conn, campaign_id, doc)
            if status == "Removed":
                cs.set_status(conn, campaign_id, "Removed", now)
        return campaign_id

    def delete(self, campaign_id: str) -> None:
        """The account deletes a campaign: it stays listed by GET /emails as Removed."""
        with self.state.tx() as conn:
            if cs.campaign(conn, campaign_id) is None:
                raise KeyError(campaign_id)
            cs.set_status(conn, campaign_id, "Removed", campaign_clock.now_ms(conn, self.clock))

    def clear(self) -> None:
        """Forget every campaign, activity and tracking row."""
        with self.state.tx() as conn:
            for table in ("tracking", "campaign_activities", "campaigns"):
                conn.execute(f"DELETE FROM {table}")

    # -- activity over time --------------------------------------------------------------

    def advance(self, hours: float) -> int:
        """Move the campaign clock on; returns how many tracking rows arrived meanwhile."""
        with self.state.tx() as conn:
            campaign_clock.advance(conn, hours)
            return self.catch_up()

    def catch_up(self) -> int:
        """Add the late activity of recent campaigns up to the campaign clock's now."""
        added = 0
        with self.state.tx() as conn:
            now = campaign_clock.now_ms(conn, self.clock)
            rows = conn.execute(
                "SELECT * FROM campaigns WHERE status = 'Done' AND sent_ms IS NOT NULL"
            ).fetchall()
            for row in rows:
                doc = cs.doc(row)
                through = int(doc.get("through_ms", now))
                if through >= now or through >= row["sent_ms"] + TAIL_HOURS * HOUR_MS:
                    continue  # nothing new yet, or no more to come
                doc["through_ms"] = now
                cs.save_doc(conn, row["campaign_id"], doc)
                act = cs.primary_act(conn, row["campaign_id"])
                if act is None:
                    continue
                rng = random.Random(f"{doc['rng_seed']}:{row['campaign_id']}:{through}")
                plan = self._plan(row["sent_ms"], doc)
                batch = late_events(plan, self._seen(conn, act), through, now, rng)
                added += self._store(conn, act, batch)
        return added

    def add_activity(self, campaign_id: str, fraction: float = 0.01) -> int:
        """``fraction`` of the sends as new opens (and clicks) now; returns the rows added."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        with self.state.tx() as conn:
            row = cs.campaign(conn, campaign_id)
            if row is None:
                raise KeyError(campaign_id)
            act = cs.primary_act(conn, campaign_id)
            if row["sent_ms"] is None or act is None:
                raise ValueError(f"campaign {row['name']!r} has not been sent")
            now = campaign_clock.now_ms(conn, self.clock)
            after = cs.latest_at(conn, act) or now
            doc = cs.doc(row)
            rng = random.Random(f"{doc['rng_seed']}:{campaign_id}:extra:{after}:{now}")
            plan = self._plan(row["sent_ms"], doc)
            batch = extra_events(plan, self._seen(conn, act), fraction, after, now, rng)
            return self._store(conn, act, batch)

    # -- helpers --------------------------------------------------------------------------

    def _check_name(self, conn: sqlite3.Connection, name: str) -> None:
        if not name.strip() or len(name) > 80:
            raise ValueError("a campaign name has 1 to 80 characters")
        if cs.name_taken(conn, name):
            raise ValueError(f"a campaign named {name!r} already exists")

    def _list_ids(self, conn: sqlite3.Connection, names: Iterable[str]) -> list[str]:
        ids = []
        for name in names:
            row = conn.execute(
                "SELECT list_id FROM lists WHERE name = ? AND deleted_at IS NULL", (name,)
            ).fetchone()
            ids.append(row[0] if row else create_list(name, conn, iso(self.clock()))["list_id"])
        return ids

    def _doc(
        self,
        conn: sqlite3.Connection,
        name: str,
        list_ids: list[str],
        rates: Rates,
        rng_seed: int,
        keep: Iterable[str],
        links: Sequence[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:
        number = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM campaigns").fetchone()[0]
        if links is None:
            links = [
                (str(1_100_400_000_000 + number * 10 + i), f"{SITE}/{path}")
                for i, path in enumerate(LINK_PATHS)
            ]
        return {
            "type": "NEWSLETTER",
            "type_code": 10,
            "subject": name,
            "from_name": "The Corner Bakery",
            "from_email": "hello@example.com",
            "list_ids": list_ids,
            "rates": rates.as_doc(),
            "rng_seed": rng_seed,
            "keep": sorted(keep),
            "links": [list(link) for link in links],
        }

    @staticmethod
    def _plan(sent_ms: int, doc: dict[str, Any]) -> Plan:
        return Plan(
            sent_ms=sent_ms,
            rates=Rates.from_doc(doc["rates"]),
            links=[(str(u), str(link)) for u, link in doc["links"]],
            keep=frozenset(doc.get("keep", ())),
        )

    @staticmethod
    def _members(conn: sqlite3.Connection, list_ids: list[str]) -> list[tuple[str, str]]:
        if not list_ids:
            return []
        marks = ",".join("?" * len(list_ids))
        rows = conn.execute(
            "SELECT DISTINCT c.contact_id, json_extract(c.doc, '$.email_address.address'),"
            " c.created_at FROM memberships m JOIN contacts c USING (contact_id)"
            f" WHERE m.list_id IN ({marks}) AND c.deleted_at IS NULL"
            " AND c.permission IN ('explicit', 'implicit') ORDER BY c.created_at, c.contact_id",
            list_ids,
        )
        return [(r[0], r[1]) for r in rows if r[1]]

    @staticmethod
    def _subscribed(conn: sqlite3.Connection, contact_ids: Sequence[str]) -> list[tuple[str, str]]:
        out = []
        for contact_id in contact_ids:
            row = conn.execute(
                "SELECT json_extract(doc, '$.email_address.address') FROM contacts"
                " WHERE contact_id = ? AND deleted_at IS NULL"
                " AND permission IN ('explicit', 'implicit')",
                (contact_id,),
            ).fetchone()
            if row and row[0]:
                out.append((contact_id, row[0]))
        return out

    def _new_recipients(
        self,
        conn: sqlite3.Connection,
        n: int,
        list_ids: list[str],
        sent_ms: int,
        rng: random.Random,
    ) -> list[tuple[str, str]]:
        """``n`` new subscribed contacts on the lists, made in bulk (the bench sends 100,000).

        Every document has the same shape, so it is written once as JSON and the address
        and names (plain ASCII from the sample tables) are put into copies of that text.
        """
        tag = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM campaigns").fetchone()[0]
        now = self.clock()
        created = min(now, from_ms(sent_ms) - timedelta(days=1))
        stamp, updated = iso(created), iso(now)
        template = dumps(
            {
                "email_address": new_email(ADDRESS, "implicit", "Account", created),
                "first_name": FIRST_NAME,
                "last_name": LAST_NAME,
                "create_source": "Account",
                "created_at": stamp,
                "updated_at": updated,
            }
        )
        out: list[tuple[str, str]] = []
        rows = []
        for i, contact_id in enumerate(new_ids(n), start=1):
            first, last = FIRST[rng.randrange(len(FIRST))], LAST[rng.randrange(len(LAST))]
            email = f"{first}.{last}.c{tag}n{i}@example.net".lower()
            doc = (
                template.replace(ADDRESS, email).replace(FIRST_NAME, first).replace(LAST_NAME, last)
            )
            rows.append((contact_id, email, "implicit", stamp, updated, None, None, doc))
            out.append((contact_id, email))
        conn.executemany(store.INSERT_SQL, rows)
        store.add_memberships(conn, ((cid, lid) for cid, _ in out for lid in list_ids))
        return out

    @staticmethod
    def _seen(conn: sqlite3.Connection, act: int) -> Seen:
        return Seen(
            recipients=cs.recipients(conn, act),
            opened=cs.contacts_with(conn, act, "opens"),
            clicked=cs.contacts_with(conn, act, "clicks"),
            bounced=cs.contacts_with(conn, act, "bounces"),
            opted_out=cs.contacts_with(conn, act, "optouts"),
            forwarded=cs.contacts_with(conn, act, "forwards"),
        )

    def _store(self, conn: sqlite3.Connection, act: int, batch: Batch, first: bool = False) -> int:
        if not first:  # earlier opens of people who open again are no longer their latest
            reopened = {e.contact_id for e in batch.events if e.kind == "opens"}
            cs.retire_latest_opens(conn, act, reopened)
        count = cs.insert_events(conn, act, batch.events)
        self._unsubscribe(conn, batch.optouts)
        return count

    def _unsubscribe(
        self, conn: sqlite3.Connection, optouts: Iterable[tuple[str, int, str | None]]
    ) -> None:
        """An opt-out from a campaign unsubscribes the contact (opt_out_source Contact)."""
        now = self.clock()
        for contact_id, at_ms, reason in optouts:
            doc = store.load(conn, contact_id)
            if doc is None or not doc.get("email_address"):
                continue
            if doc["email_address"].get("permission_to_send") == "unsubscribed":
                continue
            unsubscribe(doc["email_address"], "Contact", reason, from_ms(at_ms))
            store.touch(doc, now)
            store.update(conn, contact_id, doc)
            store.clear_memberships(conn, contact_id)
