"""Who opened, clicked, forwarded, opted out or bounced: the tracking events of a campaign.

Three generators, all deterministic for a given random source:

- :func:`initial_events`: a campaign just seeded, its activity spread between each send and
  "now" (opens arrive after a delay that is exponential with a mean of ten hours);
- :func:`late_events`: activity arriving as the campaign clock moves on, which fades out
  over the 72 hours after the send (the same exponential curve);
- :func:`extra_events`: a fraction of the sends as new opens (and clicks) right now.

Rates are fractions of the sends, as the campaign summaries count them: unique openers,
clickers (who opened), forwarders and opt-outs (who opened) and bounces (who did not open).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from app.sandbox.constant_contact.campaign_store import Event

HOUR_MS = 3_600_000
TAIL_HOURS = 72.0  # opens and clicks keep trickling in this long after a send
OPEN_DELAY_HOURS = 10.0  # mean delay of a first open after its send
SEND_SPREAD_MS = 600_000  # a big send takes about ten minutes to go out
REOPEN_CHANCE = 0.35  # after each open, the chance the same person opens again
REOPEN_GAP_HOURS = 6.0  # mean time between one person's opens
TAIL_MS = int(TAIL_HOURS * HOUR_MS)
REOPEN_SHARE = 0.3  # late re-opens, per late first open
SECOND_CLICK_CHANCE = 0.3
SECOND_CLICK_GAP_MS = 30 * 60_000  # mean time to a second click
DEVICES = (("mobile", 55), ("computer", 33), ("tablet", 10), ("other", 2))
BOUNCE_CODES = (("B", 40), ("F", 15), ("D", 12), ("V", 10), ("Z", 10), ("X", 8), ("S", 5))
OPT_OUT_REASONS = (
    "I get too many emails",
    "The content is not relevant to me",
    "I never signed up for this list",
    None,
    None,
)


@dataclass(frozen=True)
class Rates:
    """Unique counts as fractions of the sends."""

    opens: float = 0.3
    clicks: float = 0.05
    bounces: float = 0.01
    optouts: float = 0.005
    forwards: float = 0.002

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} rate must be between 0 and 1, not {value}")
        if self.opens + self.bounces > 1.0:
            raise ValueError("opens and bounces together cannot exceed the sends")
        for name in ("clicks", "optouts", "forwards"):
            if getattr(self, name) > self.opens:
                raise ValueError(f"{name} come from people who opened: at most the open rate")

    def as_doc(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Rates:
        return cls(**doc)


@dataclass(frozen=True)
class Plan:
    """What the generators need to know about one campaign activity."""

    sent_ms: int
    rates: Rates
    links: Sequence[tuple[str, str]]  # (url_id, link_url)
    keep: frozenset[str] = field(default_factory=frozenset)  # always open, never opt out


@dataclass
class Batch:
    """Events to store (oldest first) and the opt-outs to apply to the contacts."""

    events: list[Event] = field(default_factory=list)
    optouts: list[tuple[str, int, str | None]] = field(default_factory=list)

    def sorted_events(self) -> list[Event]:
        return sorted(self.events, key=lambda e: (e.at_ms, e.kind != "sends"))


def stochastic_round(value: float, rng: random.Random) -> int:
    whole = math.floor(value)
    return whole + (1 if rng.random() < value - whole else 0)


def _pick(weights: Sequence[tuple[str, int]], rng: random.Random) -> str:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def _open_delay_ms(age_ms: int, rng: random.Random) -> int:
    """A delay from an exponential curve, cut at ``age_ms`` (what has happened by now)."""
    if age_ms <= 0:
        return 0
    tau = OPEN_DELAY_HOURS * HOUR_MS
    reach = 1.0 - math.exp(-age_ms / tau)
    return min(age_ms, int(-tau * math.log(1.0 - rng.random() * reach)))


def _between(start: int, end: int, rng: random.Random) -> int:
    return start if end <= start else rng.randint(start, end)


class _Builder:
    """Collects events for one batch, keeping each contact's newest open marked latest."""

    def __init__(self, plan: Plan, emails: dict[str, str], rng: random.Random) -> None:
        self.plan = plan
        self.emails = emails
        self.rng = rng
        self.batch = Batch()
        self._opens: dict[str, list[Event]] = {}

    def add(self, kind: str, contact_id: str, at_ms: int, **extra: Any) -> None:
        event = Event(kind, contact_id, self.emails[contact_id], at_ms, **extra)
        if kind == "opens":
            self._opens.setdefault(contact_id, []).append(event)
        else:
            self.batch.events.append(event)

    def opens(self, contact_id: str, first_ms: int, until_ms: int, device: str) -> None:
        """A first open and maybe more, hours apart, none after ``until_ms``."""
        at = first_ms
        self.add("opens", contact_id, at, device=device)
        while self.rng.random() < REOPEN_CHANCE:
            at += 1 + int(self.rng.expovariate(1.0 / (REOPEN_GAP_HOURS * HOUR_MS)))
            if at > until_ms:
                break
            self.add("opens", contact_id, at, device=device)

    def clicks(self, contact_id: str, after_ms: int, until_ms: int, device: str) -> None:
        """A click minutes after ``after_ms`` (an open), sometimes a second on another link."""
        links = list(self.plan.links)
        first = self.rng.choice(links)
        at = max(after_ms, min(until_ms, after_ms + self.rng.randint(5_000, 300_000)))
        self.add("clicks", contact_id, at, device=device, url_id=first[0], link_url=first[1])
        if len(links) > 1 and self.rng.random() < SECOND_CLICK_CHANCE:
            second = self.rng.choice([link for link in links if link != first])
            at += 1 + int(self.rng.expovariate(1.0 / SECOND_CLICK_GAP_MS))
            if at <= until_ms:
                url_id, link = second
                self.add("clicks", contact_id, at, device=device, url_id=url_id, link_url=link)

    def optout(self, contact_id: str, after_ms: int, until_ms: int) -> None:
        at = max(after_ms, min(until_ms, after_ms + self.rng.randint(10_000, 600_000)))
        reason = self.rng.choice(OPT_OUT_REASONS)
        self.add("optouts", contact_id, at, reason=reason)
        self.batch.optouts.append((contact_id, at, reason))

    def finish(self) -> Batch:
        for events in self._opens.values():
            newest = max(events, key=lambda e: e.at_ms)
            self.batch.events.extend(e if e is newest else replace(e, latest=False) for e in events)
        self.batch.events = self.batch.sorted_events()
        return self.batch


def initial_events(
    recipients: Sequence[tuple[str, str]], plan: Plan, now_ms: int, rng: random.Random
) -> Batch:
    """Sends to ``recipients`` (contact_id, email) and what they did up to ``now_ms``."""
    n = len(recipients)
    rates = plan.rates
    emails = dict(recipients)
    build = _Builder(plan, emails, rng)
    step = max(1, min(50, SEND_SPREAD_MS // max(n, 1)))
    sent_at: dict[str, int] = {}
    for i, (contact_id, _email) in enumerate(recipients):
        sent_at[contact_id] = min(now_ms, plan.sent_ms + i * step)
        build.add("sends", contact_id, sent_at[contact_id])
    kept = [cid for cid in emails if cid in plan.keep]
    others = [cid for cid in emails if cid not in plan.keep]
    rng.shuffle(others)
    n_bounces = min(len(others), round(n * rates.bounces))
    bounced, delivered = others[:n_bounces], kept + others[n_bounces:]
    for contact_id in bounced:
        at = min(now_ms, sent_at[contact_id] + rng.randint(1_000, 120_000))
        build.add("bounces", contact_id, at, bounce_code=_pick(BOUNCE_CODES, rng))
    openers = delivered[: round(n * rates.opens)]
    first_open: dict[str, int] = {}
    until: dict[str, int] = {}  # no activity after now, nor 72 hours after the send
    device: dict[str, str] = {}
    for contact_id in openers:
        sent = sent_at[contact_id]
        until[contact_id] = min(now_ms, sent + TAIL_MS)
        first_open[contact_id] = sent + _open_delay_ms(until[contact_id] - sent, rng)
        device[contact_id] = _pick(DEVICES, rng)
        build.opens(contact_id, first_open[contact_id], until[contact_id], device[contact_id])
    for contact_id in openers[: round(n * rates.clicks)]:
        build.clicks(contact_id, first_open[contact_id], until[contact_id], device[contact_id])
    for contact_id in rng.sample(openers, min(len(openers), round(n * rates.forwards))):
        later = first_open[contact_id] + rng.randint(60_000, 3_600_000)
        build.add("forwards", contact_id, min(until[contact_id], later))
    may_leave = [cid for cid in openers if cid not in plan.keep]
    for contact_id in rng.sample(may_leave, min(len(may_leave), round(n * rates.optouts))):
        build.optout(contact_id, first_open[contact_id], until[contact_id])
    return build.finish()


@dataclass(frozen=True)
class Seen:
    """Who has done what so far in one campaign activity."""

    recipients: Sequence[tuple[str, str]]
    opened: set[str]
    clicked: set[str]
    bounced: set[str]
    opted_out: set[str]
    forwarded: set[str]


def _fade(plan: Plan, from_ms: int, to_ms: int) -> float:
    """The share of a campaign's eventual activity that arrives between two instants."""
    start = max(0.0, (from_ms - plan.sent_ms) / HOUR_MS)
    end = min(TAIL_HOURS, (to_ms - plan.sent_ms) / HOUR_MS)
    if end <= start:
        return 0.0
    return math.exp(-start / OPEN_DELAY_HOURS) - math.exp(-end / OPEN_DELAY_HOURS)


def late_events(plan: Plan, seen: Seen, from_ms: int, to_ms: int, rng: random.Random) -> Batch:
    """Activity arriving between ``from_ms`` and ``to_ms`` (campaign clock)."""
    share = _fade(plan, from_ms, to_ms)
    if share <= 0.0:
        return Batch()
    end = min(to_ms, plan.sent_ms + TAIL_MS)
    n = len(seen.recipients)
    emails = dict(seen.recipients)
    build = _Builder(plan, emails, rng)
    start = max(from_ms, plan.sent_ms) + 1
    rates = plan.rates
    fresh = [cid for cid in emails if cid not in seen.opened and cid not in seen.bounced]
    new_openers = rng.sample(fresh, min(len(fresh), stochastic_round(n * rates.opens * share, rng)))
    opened_at: dict[str, int] = {}
    for contact_id in new_openers:
        opened_at[contact_id] = _between(start, end, rng)
        build.add("opens", contact_id, opened_at[contact_id], device=_pick(DEVICES, rng))
    old = sorted(seen.opened)
    wanted = stochastic_round(n * rates.opens * share * REOPEN_SHARE, rng)
    for contact_id in rng.sample(old, min(len(old), wanted)):
        build.add("opens", contact_id, _between(start, end, rng), device=_pick(DEVICES, rng))
    everyone = old + new_openers

    def chosen(rate: float, exclude: Iterable[str]) -> list[str]:
        skip = set(exclude)
        pool = [cid for cid in everyone if cid not in skip]
        return rng.sample(pool, min(len(pool), stochastic_round(n * rate * share, rng)))

    for contact_id in chosen(rates.clicks, seen.clicked):
        after = opened_at.get(contact_id, start)
        build.clicks(contact_id, after, end, _pick(DEVICES, rng))
    for contact_id in chosen(rates.forwards, seen.forwarded):
        build.add("forwards", contact_id, _between(opened_at.get(contact_id, start), end, rng))
    for contact_id in chosen(rates.optouts, seen.opted_out | plan.keep):
        build.optout(contact_id, opened_at.get(contact_id, start), end)
    return build.finish()


def extra_events(
    plan: Plan, seen: Seen, fraction: float, after_ms: int, now_ms: int, rng: random.Random
) -> Batch:
    """``fraction`` of the sends as new rows now: opens (by new openers, and some re-opens)
    and clicks from some of those openers, split as the campaign's open and click rates.

    The events are a millisecond apart, ending at ``now_ms`` and all after ``after_ms`` (the
    newest row so far), so they are the newest rows of every report they land in.
    """
    n = len(seen.recipients)
    count = round(n * fraction)
    if count <= 0:
        return Batch()
    emails = dict(seen.recipients)
    build = _Builder(plan, emails, rng)
    rates = plan.rates
    share = rates.clicks / (rates.opens + rates.clicks) if rates.opens else 0.0
    n_clicks = round(count * share)
    fresh = [cid for cid in emails if cid not in seen.opened and cid not in seen.bounced]
    newcomers = rng.sample(fresh, min(len(fresh), round((count - n_clicks) * (1 - REOPEN_SHARE))))
    old = sorted(seen.opened)
    again = rng.sample(old, min(len(old), count - n_clicks - len(newcomers)))
    openers = newcomers + again
    clickers = rng.sample(openers, min(len(openers), n_clicks))
    total = len(openers) + len(clickers)
    at = max(after_ms + 1, now_ms - total + 1)
    for contact_id in openers:
        build.add("opens", contact_id, at, device=_pick(DEVICES, rng))
        at += 1
    for contact_id in clickers:
        url_id, link = rng.choice(list(plan.links))
        device = _pick(DEVICES, rng)
        build.add("clicks", contact_id, at, device=device, url_id=url_id, link_url=link)
        at += 1
    return build.finish()
