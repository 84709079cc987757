"""The sandbox account's sample campaigns, so a newcomer's Stats page has something to show.

The bakery's Constant Contact account holds its regular customers (people who signed up at
the till, plus two of the account's known contacts) and four campaigns sent to that segment:
two monthly newsletters sent weeks ago, a bake-sale announcement sent hours ago that keeps
gathering opens and clicks as the campaign clock moves, and a draft. The regulars are on no
list (the campaigns went to a segment), so a newcomer's account still has no list and the
wizard still suggests "Newsletter"; their ``example.net`` addresses are in no sample file, so
the sample sync's counts stay as they were.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.sandbox.constant_contact.campaign_activity import Rates
from app.sandbox.samples import FIRST, LAST

if TYPE_CHECKING:  # the emulator imports nothing from here
    from app.sandbox.constant_contact.emulator import ConstantContactEmulator

REGULARS = 150
KNOWN = ("grace.hopper@example.com", "old.friend@example.org")  # samples.EXISTING, subscribed
DRAFT_NAME = "Sourdough class dates"
RECENT_NAME = "Weekend bake sale"
RECENT_HOURS = 8  # sent hours ago: many of its opens are still to come


def _sent(now: datetime, days: float, hour: int) -> datetime:
    """``days`` before ``now``, on the hour: campaigns go out at a chosen time."""
    moment = now - timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_sample_campaigns(emulator: ConstantContactEmulator) -> list[str]:
    """Create the regulars and the campaigns once; returns the campaign ids (none if done)."""
    with emulator.state.tx() as conn:
        if conn.execute("SELECT 1 FROM campaigns LIMIT 1").fetchone():
            return []
    regulars = _seed_regulars(emulator)
    known = [c["contact_id"] for c in map(emulator.get_contact, KNOWN) if c]
    now = emulator.campaign_now()
    older, newer = _sent(now, 38, 15), _sent(now, 9, 15)
    recent = (now - timedelta(hours=RECENT_HOURS)).replace(minute=0, second=0, microsecond=0)
    plans = (
        (f"{older:%B} newsletter", older, Rates(0.42, 0.08, 0.02, 0.007, 0.004), 11),
        (f"{newer:%B} newsletter", newer, Rates(0.38, 0.07, 0.013, 0.007, 0.007), 12),
        (RECENT_NAME, recent, Rates(0.24, 0.05, 0.013, 0.007, 0.007), 13),
    )
    ids = [
        emulator.campaigns.seed(
            name,
            [],
            sends=None,
            rates=rates,
            sent_at=sent_at,
            rng_seed=seed,
            keep=known,
            segment=regulars + known,
        )
        for name, sent_at, rates, seed in plans
    ]
    ids.append(emulator.campaigns.create_draft(DRAFT_NAME))
    return ids


def _seed_regulars(emulator: ConstantContactEmulator) -> list[str]:
    """The generated regulars (on no list); returns their contact ids."""
    rng = random.Random(2024)
    pairs = [(first, last) for first in FIRST for last in LAST]
    ids = []
    for first, last in rng.sample(pairs, REGULARS):
        email = f"{first}.{last}@example.net".lower()
        found = emulator.get_contact(email)
        if found is not None:
            ids.append(found["contact_id"])
            continue
        permission = "explicit" if rng.random() < 0.4 else "implicit"
        ids.append(emulator.seed_contact(email, first, last, permission))
    return ids
