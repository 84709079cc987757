"""The sandbox account's sample campaigns, so a newcomer's Stats page has something to show.

The bakery's Constant Contact account has a list of regulars (people who signed up at the
till, plus two of the account's known contacts) and four campaigns: two monthly newsletters
sent weeks ago, a bake-sale announcement sent yesterday that is still gathering opens and
clicks as the campaign clock moves, and a draft. The regulars use ``example.net`` addresses,
so none of them is in the sample customer file: the sample sync's counts stay as they were.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.campaign_activity import Rates
from app.sandbox.samples import FIRST, LAST

if TYPE_CHECKING:  # the emulator imports nothing from here
    from app.sandbox.constant_contact.emulator import ConstantContactEmulator

REGULARS_LIST = "Bakery regulars"
REGULARS = 150
KNOWN = ("grace.hopper@example.com", "old.friend@example.org")  # samples.EXISTING, subscribed
DRAFT_NAME = "Sourdough class dates"
RECENT_NAME = "Weekend bake sale"


def _sent(now: datetime, days: float, hour: int) -> datetime:
    """``days`` before ``now``, on the hour: campaigns go out at a chosen time."""
    moment = now - timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_sample_campaigns(emulator: ConstantContactEmulator) -> list[str]:
    """Create the sample list and campaigns once; returns the campaign ids (none if done)."""
    with emulator.state.tx() as conn:
        if conn.execute("SELECT 1 FROM campaigns LIMIT 1").fetchone():
            return []
    _seed_regulars(emulator)
    keep = [c["contact_id"] for c in map(emulator.get_contact, KNOWN) if c]
    now = emulator.campaign_now()
    older, newer = _sent(now, 38, 15), _sent(now, 9, 15)
    recent = (now - timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
    plans = (
        (f"{older:%B} newsletter", older, Rates(0.42, 0.08, 0.02, 0.007, 0.004), 11),
        (f"{newer:%B} newsletter", newer, Rates(0.38, 0.07, 0.013, 0.007, 0.007), 12),
        (RECENT_NAME, recent, Rates(0.31, 0.06, 0.013, 0.007, 0.007), 13),
    )
    ids = [
        emulator.campaigns.seed(
            name,
            [REGULARS_LIST],
            sends=None,
            rates=rates,
            sent_at=sent_at,
            rng_seed=seed,
            keep=keep,
        )
        for name, sent_at, rates, seed in plans
    ]
    ids.append(emulator.campaigns.create_draft(DRAFT_NAME, [REGULARS_LIST]))
    return ids


def _seed_regulars(emulator: ConstantContactEmulator) -> None:
    """The regulars list: generated people plus the account's subscribed known contacts."""
    rng = random.Random(2024)
    pairs = [(first, last) for first in FIRST for last in LAST]
    for first, last in rng.sample(pairs, REGULARS):
        email = f"{first}.{last}@example.net".lower()
        if emulator.get_contact(email) is None:
            permission = "explicit" if rng.random() < 0.4 else "implicit"
            emulator.seed_contact(email, first, last, permission, [REGULARS_LIST])
    list_id = emulator.list_id(REGULARS_LIST)
    with emulator.state.tx() as conn:
        for email in KNOWN:
            found = store.find_by_email(conn, email)
            if found is not None and list_id is not None:
                store.add_memberships(conn, [(found[0], list_id)])
