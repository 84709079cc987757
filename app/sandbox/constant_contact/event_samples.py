"""The sandbox account's sample events, so event registrations have something to show.

The bakery runs a few events with Constant Contact's event pages: a sourdough workshop three
weeks ago, a coffee and pastry pairing evening in twelve days, a cookie swap last winter
(older than the 90 days that syncs take back) and a draft. Registrants are some of the
bakery's regulars and a few of the people in the sandbox's practice Salesforce org (a
coffee roaster who supplies the bakery), so a Salesforce profile that takes events back
finds some of them and adds the others as leads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.sandbox.constant_contact import event_store as es
from app.sandbox.constant_contact.event_store import Registration

if TYPE_CHECKING:  # the emulator imports nothing from here
    from app.sandbox.constant_contact.emulator import ConstantContactEmulator

WORKSHOP = "Sourdough workshop"
PAIRING = "Coffee & pastry pairing evening"
COOKIES = "Holiday cookie swap"
DRAFT = "Bread club tasting"
PRICE = 45.0

# email | first | last | status | payment | tickets | checked in
_WORKSHOP = """
grace.hopper@example.com|Grace|Hopper|REGISTERED|PAID|1|Y
maya.chen@driftwoodcafe.example|Maya|Chen|REGISTERED|PAID|2|Y
jose.nunez@larchgrocery.example|José|Núñez|REGISTERED|PAID|1|Y
lucy.park@example.com|Lucy|Park|REGISTERED|PAID|1|N
rosa.garcia@example.com|Rosa|García|CANCELED|REFUNDED|1|N
nadia.fields@example.org|Nadia|Fields|REGISTERED|PAID|3|Y
"""
_PAIRING = """
amara.okafor@northsidecoop.example|Amara|Okafor|REGISTERED|PAID|2|N
maya.chen@driftwoodcafe.example|Maya|Chen|REGISTERED|PENDING|1|N
aiko.tanaka@example.com|Aiko|Tanaka|REGISTERED|PAID|1|N
walter.brooks@example.org|Walter|Brooks|REGISTERED|PAID|2|N
priya@larchgrocery.example|Priya|Raman|PENDING|PENDING|1|N
"""
_COOKIES = """
old.friend@example.org|Old|Friend|REGISTERED|PAID|1|Y
"""


def _people(table: str, at: datetime) -> list[Registration]:
    out = []
    for i, line in enumerate(table.strip().splitlines()):
        email, first, last, status, payment, tickets, checked = line.split("|")
        count = int(tickets)
        out.append(
            Registration(
                email=email,
                first_name=first,
                last_name=last,
                status=status,
                payment_status=payment,
                tickets=count,
                total=PRICE * count if payment in ("PAID", "REFUNDED") else 0.0,
                checked_in=checked == "Y",
                registered_at=at + timedelta(hours=5 * i),
            )
        )
    return out


def _at(now: datetime, days: float, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_sample_events(emulator: ConstantContactEmulator) -> list[str]:
    """Create the sample events once; returns their ids (none if done already)."""
    with emulator.state.tx() as conn:
        if es.events(conn):
            return []
    now = emulator.clock()
    plans = (
        (WORKSHOP, _at(now, -21, 17), 3, "COMPLETE", _WORKSHOP, -35),
        (PAIRING, _at(now, 12, 18), 2, "ACTIVE", _PAIRING, -10),
        (COOKIES, _at(now, -140, 16), 2, "COMPLETE", _COOKIES, -150),
    )
    ids = []
    for name, start, hours, status, table, opened in plans:
        created = now + timedelta(days=opened)
        ids.append(
            es.seed_event(
                emulator.state,
                name,
                start,
                start + timedelta(hours=hours),
                status=status,
                created_at=created,
                registrants=_people(table, created + timedelta(days=1)),
            )
        )
    ids.append(
        es.seed_event(emulator.state, DRAFT, _at(now, 40, 18), _at(now, 40, 20), status="DRAFT")
    )
    return ids
