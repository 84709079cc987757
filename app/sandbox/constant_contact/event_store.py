"""The account's events and their registrations, in tables of their own.

An event has one default track; its registrations hang off that track. The tables are made
on first use (``ensure``), so an emulator state file made before events existed takes them.
Seeding goes straight to the tables (``seed_event``, ``add_registration``), as an account's
own event pages would fill them.
"""

from __future__ import annotations

import random
import sqlite3
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.sandbox.constant_contact.state import State
from app.sandbox.constant_contact.util import new_id, to_ms
from app.sandbox.kit.replies import dumps

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cc_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT UNIQUE NOT NULL,
        track_id TEXT NOT NULL,
        campaign_id TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        name TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        status TEXT NOT NULL,
        event_type TEXT NOT NULL,
        location_type TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        address TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS cc_registrations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        registration_id TEXT UNIQUE NOT NULL,
        event_id TEXT NOT NULL,
        track_id TEXT NOT NULL,
        email TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        status TEXT NOT NULL,
        payment_status TEXT NOT NULL,
        tickets INTEGER NOT NULL,
        total REAL NOT NULL,
        checkin_status TEXT NOT NULL,
        checked_in INTEGER NOT NULL,
        new_contact INTEGER NOT NULL,
        registered_ms INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS cc_registrations_event ON cc_registrations(event_id, seq)",
)
EVENT_STATUSES = ("ACTIVE", "DRAFT", "COMPLETE", "DELETED", "CANCELLED", "ERROR")
REGISTRATION_STATUSES = ("PENDING", "REGISTERED", "CANCELED", "EXPIRED", "IN_PROGRESS", "FAILED")
PAYMENT_STATUSES = ("PENDING", "PAID", "REFUNDED", "CANCELLED", "FAILED", "CHARGED_BACK")


def ensure(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        conn.execute(statement)


def _track_id(rng: random.Random) -> str:
    """A track key as the service writes them: six lower-case letters and digits."""
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(6))


@dataclass(frozen=True)
class Registration:
    """One registrant to seed."""

    email: str
    first_name: str = ""
    last_name: str = ""
    status: str = "REGISTERED"
    payment_status: str = "PAID"
    tickets: int = 1
    total: float = 0.0
    checked_in: bool = False
    new_contact: bool = False
    registered_at: datetime | None = None


def seed_event(
    state: State,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    *,
    status: str = "ACTIVE",
    description: str = "",
    created_at: datetime | None = None,
    registrants: Iterable[Registration] = (),
    rng_seed: int = 0,
) -> str:
    """An event with its default track and registrants; returns its event_id."""
    if status not in EVENT_STATUSES:
        raise ValueError(f"status must be one of {', '.join(EVENT_STATUSES)}")
    rng = random.Random(rng_seed or name)
    event_id, track_id = new_id(), _track_id(rng)
    made = to_ms(created_at or starts_at)
    address = {
        "address_type": "EVENT",
        "line1": "1 Main St",
        "city": "Portland",
        "state_code": "OR",
        "postal_code": "97201",
        "country_code": "US",
        "location_name": "The bakery",
    }
    with state.tx() as conn:
        ensure(conn)
        conn.execute(
            "INSERT INTO cc_events (event_id, track_id, campaign_id, activity_id, name, title,"
            " description, status, event_type, location_type, time_zone, start_ms, end_ms,"
            " created_ms, updated_ms, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (
                event_id,
                track_id,
                new_id(),
                new_id(),
                name,
                name,
                description or name,
                status,
                "FOOD_AND_DRINK",
                "PHYSICAL",
                "America/Los_Angeles",
                to_ms(starts_at),
                to_ms(ends_at),
                made,
                made,
                dumps(address),
            ),
        )
    for registration in registrants:
        add_registration(state, event_id, registration)
    return event_id


def add_registration(state: State, event_id: str, r: Registration) -> str:
    """A registration for the event's default track; returns its registration_id."""
    if r.status not in REGISTRATION_STATUSES or r.payment_status not in PAYMENT_STATUSES:
        raise ValueError("unknown registration or payment status")
    registration_id = new_id()
    with state.tx() as conn:
        ensure(conn)
        row = conn.execute(
            "SELECT track_id, created_ms FROM cc_events WHERE event_id = ?", (event_id,)
        ).fetchone()
        if row is None:
            raise KeyError(event_id)
        at = to_ms(r.registered_at) if r.registered_at else row["created_ms"]
        conn.execute(
            "INSERT INTO cc_registrations (registration_id, event_id, track_id, email,"
            " first_name, last_name, status, payment_status, tickets, total, checkin_status,"
            " checked_in, new_contact, registered_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (
                registration_id,
                event_id,
                row["track_id"],
                r.email,
                r.first_name,
                r.last_name,
                r.status,
                r.payment_status,
                r.tickets,
                r.total,
                "CHECKED_IN" if r.checked_in else "NOT_CHECKED_IN",
                r.tickets if r.checked_in else 0,
                int(r.new_contact),
                at,
            ),
        )
    return registration_id


def event(conn: sqlite3.Connection, event_id: str) -> sqlite3.Row | None:
    ensure(conn)
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM cc_events WHERE event_id = ?", (event_id,)
    ).fetchone()
    return row


def events(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    ensure(conn)
    return list(conn.execute("SELECT * FROM cc_events ORDER BY seq").fetchall())


def registrations(conn: sqlite3.Connection, event_id: str) -> list[sqlite3.Row]:
    ensure(conn)
    return list(
        conn.execute(
            "SELECT * FROM cc_registrations WHERE event_id = ? ORDER BY seq", (event_id,)
        ).fetchall()
    )


def counts(conn: sqlite3.Connection, event_id: str) -> dict[str, Any]:
    row = conn.execute(
        "SELECT COUNT(*) AS n, COALESCE(SUM(tickets), 0) AS t FROM cc_registrations"
        " WHERE event_id = ? AND status = 'REGISTERED'",
        (event_id,),
    ).fetchone()
    return {"registration_count": int(row["n"]), "ticket_sold": int(row["t"]), "item_sold": 0}
