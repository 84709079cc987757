"""A run's counts by the way each record went: the numbers of ``app.core.vocabulary``.

A run record goes one of two ways (its ``Side``): to Constant Contact (the push, with list
removals), or to the source (Constant Contact contacts brought in, opt-outs marked). Its
``Tally`` says what became of it on that side. Every record has exactly one tally, so each
side's counts add up to its records, and the two sides to the run's total. One more count
sits inside "not pushed": **failed subscriptions** (NeonCRM's word), the records Constant
Contact would not put on the list because the person unsubscribed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunSummary
from app.core.store_types import Direction, RecordAction

# The reason a push record gets when Constant Contact will not list it: unsubscribed there.
# The planner and the engine use it; a record skipped with it is a failed subscription.
FAILED_SUBSCRIPTION_REASON = "Unsubscribed in Constant Contact; only the person can opt back in"


class Side(StrEnum):
    """Which way a record went; also the keys of ``sync --json``'s ``directions``."""

    TO_CONSTANT_CONTACT = "to_constant_contact"
    TO_SOURCE = "to_source"


class Tally(StrEnum):
    """What became of one record on its side (the JSON keys of a side's counts)."""

    CREATED = "created"
    MATCHED = "matched"  # linked to an existing contact (or source record) found by email
    UPDATED = "updated"  # already linked, and changed
    UNCHANGED = "unchanged"
    UNSUBSCRIBED = "unsubscribed"  # to CC: opted out in the source, so unsubscribed there
    REMOVED = "removed"  # to CC: taken off the main list
    OPTED_OUT = "opted_out"  # to the source: marked opted out there
    OPT_OUT_CLEARED = "opt_out_cleared"  # to the source: its opt-out mark cleared
    SKIPPED = "skipped"
    FAILED_SUBSCRIPTIONS = "failed_subscriptions"  # of skipped: refused by the list
    FAILED = "failed"


_TALLY_KEYS = frozenset(t.value for t in Tally)
# Each side's tallies, in the order they are shown (and keyed in JSON).
SIDE_TALLIES: dict[Side, tuple[Tally, ...]] = {
    Side.TO_CONSTANT_CONTACT: (
        Tally.CREATED,
        Tally.MATCHED,
        Tally.UPDATED,
        Tally.UNCHANGED,
        Tally.UNSUBSCRIBED,
        Tally.REMOVED,
        Tally.SKIPPED,
        Tally.FAILED_SUBSCRIPTIONS,
        Tally.FAILED,
    ),
    Side.TO_SOURCE: (
        Tally.CREATED,
        Tally.MATCHED,
        Tally.UPDATED,
        Tally.UNCHANGED,
        Tally.OPTED_OUT,
        Tally.OPT_OUT_CLEARED,
        Tally.SKIPPED,
        Tally.FAILED,
    ),
}
_BACK = frozenset({Direction.IMPORT.value, Direction.OPTOUT.value})
_CC_ACTIONS = {
    RecordAction.UNSUBSCRIBE.value: Tally.UNSUBSCRIBED,
    RecordAction.REMOVE.value: Tally.REMOVED,
}
_SOURCE_ACTIONS = {
    RecordAction.IMPORT_LINK.value: Tally.MATCHED,
    RecordAction.OPT_OUT.value: Tally.OPTED_OUT,
    RecordAction.OPT_IN.value: Tally.OPT_OUT_CLEARED,
}


def side_of(direction: str) -> Side:
    return Side.TO_SOURCE if direction in _BACK else Side.TO_CONSTANT_CONTACT


def tally_of(
    direction: str, action: str, outcome: Outcome, matched: bool, failed_subscription: bool
) -> tuple[Side, Tally]:
    """The side and tally of one record with a final outcome.

    ``failed_subscription``: the record's reason is ``FAILED_SUBSCRIPTION_REASON``.
    """
    side = side_of(direction)
    outcome = Outcome(outcome)
    if outcome is Outcome.FAILED:
        return side, Tally.FAILED
    if outcome is Outcome.SKIPPED:
        if failed_subscription and side is Side.TO_CONSTANT_CONTACT:
            return side, Tally.FAILED_SUBSCRIPTIONS
        return side, Tally.SKIPPED
    if outcome is Outcome.CREATED:
        return side, Tally.CREATED
    if side is Side.TO_SOURCE:
        by_action = _SOURCE_ACTIONS.get(action)
        if by_action is Tally.MATCHED or (by_action and outcome is Outcome.UPDATED):
            return side, by_action
    else:
        by_action = _CC_ACTIONS.get(action)
        if by_action and outcome is Outcome.UPDATED:
            return side, by_action
        if matched:
            return side, Tally.MATCHED
    return side, Tally.UPDATED if outcome is Outcome.UPDATED else Tally.UNCHANGED


def record_tally(r: RecordResult) -> tuple[Side, Tally]:
    return tally_of(
        r.direction,
        r.action,
        r.outcome,
        r.matched_existing,
        r.reason == FAILED_SUBSCRIPTION_REASON,
    )


@dataclass(frozen=True, slots=True)
class SideCounts:
    """One side's counts. ``skipped`` includes ``failed_subscriptions``; ``total`` is the sum
    of the others."""

    created: int = 0
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    unsubscribed: int = 0
    removed: int = 0
    opted_out: int = 0
    opt_out_cleared: int = 0
    skipped: int = 0
    failed_subscriptions: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(int(getattr(self, f.name)) for f in fields(self)) - self.failed_subscriptions

    def get(self, tally: Tally) -> int:
        return int(getattr(self, tally.value))

    def as_dict(self, side: Side) -> dict[str, int]:
        """``total`` and the side's own tallies, in display order."""
        return {"total": self.total, **{t.value: self.get(t) for t in SIDE_TALLIES[side]}}


@dataclass(frozen=True, slots=True)
class RunTallies:
    """A run's counts on both sides."""

    to_constant_contact: SideCounts = SideCounts()
    to_source: SideCounts = SideCounts()

    def side(self, side: Side) -> SideCounts:
        return self.to_source if side is Side.TO_SOURCE else self.to_constant_contact

    @property
    def total(self) -> int:
        return self.to_constant_contact.total + self.to_source.total

    @property
    def two_way(self) -> bool:
        """Whether anything went to the source (only then is there a second side to show)."""
        return self.to_source.total > 0

    @property
    def matched(self) -> int:
        return self.to_constant_contact.matched + self.to_source.matched

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[str, str, str, bool, bool, int]]) -> RunTallies:
        """From ``(direction, action, outcome, matched, failed_subscription, count)`` groups,
        as ``RunRepository.tallies`` reads them with one GROUP BY."""
        found: dict[Side, Counter[str]] = {
            Side.TO_CONSTANT_CONTACT: Counter(),
            Side.TO_SOURCE: Counter(),
        }
        for direction, action, outcome, matched, failed_sub, n in groups:
            side, tally = tally_of(
                direction, action, Outcome(outcome), bool(matched), bool(failed_sub)
            )
            found[side][tally.value] += n
            if tally is Tally.FAILED_SUBSCRIPTIONS:
                found[side][Tally.SKIPPED.value] += n
        return cls(
            SideCounts(**found[Side.TO_CONSTANT_CONTACT]), SideCounts(**found[Side.TO_SOURCE])
        )

    @classmethod
    def of(cls, records: Iterable[RecordResult]) -> RunTallies:
        """Count records (e.g. the rows a results screen holds)."""
        groups = Counter(
            (
                r.direction,
                r.action,
                r.outcome.value,
                r.matched_existing,
                r.reason == FAILED_SUBSCRIPTION_REASON,
            )
            for r in records
        )
        return cls.from_groups((*key, n) for key, n in groups.items())

    def as_json(self) -> dict[str, dict[str, int]]:
        """``sync --json``'s ``directions``: both sides, each with ``total`` first."""
        return {side.value: self.side(side).as_dict(side) for side in Side}

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, int]]) -> RunTallies:
        """What ``as_json`` made."""
        return cls(
            *(
                SideCounts(**{k: n for k, n in data.get(side.value, {}).items() if k != "total"})
                for side in Side
            )
        )

    def as_extra(self) -> dict[str, int]:
        """Flat ``"side.tally"`` counts, as a run stores them in its ``extra``."""
        return {
            f"{side}.{key}": n
            for side, counts in self.as_json().items()
            for key, n in counts.items()
        }

    @classmethod
    def from_extra(cls, extra: Mapping[str, int]) -> RunTallies | None:
        """What ``as_extra`` stored; None when the run stored none (it has not finished)."""
        found: dict[str, dict[str, int]] = {side.value: {} for side in Side}
        for key, n in extra.items():
            side, _, tally = key.partition(".")
            if side in found and tally in _TALLY_KEYS:
                found[side][tally] = int(n)
        if not found[Side.TO_CONSTANT_CONTACT.value] and not found[Side.TO_SOURCE.value]:
            return None
        return cls(*(SideCounts(**found[side.value]) for side in Side))

    @classmethod
    def of_summary(cls, summary: RunSummary) -> RunTallies:
        """A run's tallies from its summary alone: what it stored when it finished, or (a
        run still going, or from before tallies were kept) its five counts as pushes."""
        stored = cls.from_extra(summary.extra)
        if stored is not None and stored.total == summary.counts.total:
            return stored
        return cls.of_counts(summary.counts)

    @classmethod
    def of_counts(cls, counts: RunCounts) -> RunTallies:
        return cls(
            SideCounts(
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                skipped=counts.skipped,
                failed=counts.failed,
            )
        )
