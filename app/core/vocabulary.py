"""The one vocabulary of a run's results: which way each record went, what became of it, and
the words for it. The result tiles, the banner and the run's message, run history, reports,
exports and the CLI all count and word a run through this module, so they agree.

A run record goes one of two ways (its ``Side``): to Constant Contact (the push, with list
removals), or to the source (Constant Contact contacts brought in, opt-outs marked). Its
``Tally`` says what became of it on that side. Every record has exactly one tally, so each
side's counts add up to its records, and the two sides to the run's total. One more count
sits inside "not pushed": **failed subscriptions** (NeonCRM's word), the records Constant
Contact would not put on the list because the person unsubscribed.

Words are English templates; ``%1`` stands for the source's name ("Xero", or "the source").
Every function that returns words takes a ``translate`` function: the UI passes its ``tr``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunSummary
from app.core.profiles import SOURCE_LABELS, SourceKind
from app.core.store_types import Direction, RecordAction

Translate = Callable[[str], str]

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
        return sum(getattr(self, f.name) for f in fields(self)) - self.failed_subscriptions

    def get(self, tally: Tally) -> int:
        return int(getattr(self, tally.value))

    def as_dict(self, side: Side) -> dict[str, int]:
        """``total`` and the side's own tallies, in display order."""
        return {"total": self.total, **{t.tally.value: self.get(t.tally) for t in terms(side)}}


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


# -- words ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """The words of one tally on one side.

    Attributes:
        done, planned: the caption after a run and in a dry run ("Created in Constant
            Contact", "Would create in Constant Contact"); the sentence uses them too.
        row, row_planned: one record's outcome, where it differs from the caption.
        short: a table column's header, where it differs from the caption.
        optional: shown only when some run has it (removals need an option turned on).
        hint: what the count means, for tooltips.
    """

    side: Side
    tally: Tally
    done: str
    planned: str
    row: str = ""
    row_planned: str = ""
    short: str = ""
    optional: bool = False
    hint: str = ""


_CC, _SRC = Side.TO_CONSTANT_CONTACT, Side.TO_SOURCE
TERMS: tuple[Term, ...] = (
    Term(
        _CC,
        Tally.CREATED,
        "Created in Constant Contact",
        "Would create in Constant Contact",
        short="Created",
        hint="New contacts, added to the main list",
    ),
    Term(
        _CC,
        Tally.MATCHED,
        "Matched to existing contacts",
        "Would match existing contacts",
        row="Matched to an existing contact",
        row_planned="Would match an existing contact",
        short="Matched",
        hint="Already in Constant Contact with the same email, and linked to it now",
    ),
    Term(
        _CC,
        Tally.UPDATED,
        "Updated in Constant Contact",
        "Would update in Constant Contact",
        short="Updated",
        hint="Linked by an earlier sync, and changed since",
    ),
    Term(_CC, Tally.UNCHANGED, "Unchanged", "No change", hint="Already up to date"),
    Term(
        _CC,
        Tally.UNSUBSCRIBED,
        "Unsubscribed in Constant Contact",
        "Would unsubscribe in Constant Contact",
        short="Unsubscribed",
        optional=True,
        hint="Opted out in the source, so unsubscribed in Constant Contact",
    ),
    Term(
        _CC,
        Tally.REMOVED,
        "Removed from the main list",
        "Would remove from the main list",
        short="Removed from list",
        optional=True,
        hint="Deleted from the source or no longer matching the filters",
    ),
    Term(_CC, Tally.SKIPPED, "Not pushed", "Would not push", hint="Each with its reason"),
    Term(
        _CC,
        Tally.FAILED_SUBSCRIPTIONS,
        "Failed subscriptions",
        "Failed subscriptions",
        row="Failed subscription",
        row_planned="Failed subscription",
        hint="Could not be added to the list: they unsubscribed in Constant Contact, and only "
        "they can opt back in (counted in Not pushed)",
    ),
    Term(_CC, Tally.FAILED, "Failed", "Failed", hint="Each with its reason"),
    Term(
        _SRC,
        Tally.CREATED,
        "Created in %1",
        "Would create in %1",
        hint="New in Constant Contact, so added to %1",
    ),
    Term(
        _SRC,
        Tally.MATCHED,
        "Matched to records in %1",
        "Would match records in %1",
        row="Matched to a record in %1",
        row_planned="Would match a record in %1",
        short="Matched in %1",
        hint="Constant Contact contacts linked to a record already in %1 with the same email",
    ),
    Term(
        _SRC,
        Tally.UPDATED,
        "Updated in %1",
        "Would update in %1",
        hint="Changed in Constant Contact, so updated in %1",
    ),
    Term(_SRC, Tally.UNCHANGED, "Unchanged in %1", "No change in %1", optional=True),
    Term(
        _SRC,
        Tally.OPTED_OUT,
        "Marked opted out in %1",
        "Would mark opted out in %1",
        short="Opted out in %1",
        hint="Unsubscribed in Constant Contact, so marked opted out in %1",
    ),
    Term(
        _SRC,
        Tally.OPT_OUT_CLEARED,
        "Opt-out mark cleared in %1",
        "Would clear the opt-out mark in %1",
        short="Opt-out cleared in %1",
        optional=True,
        hint="Opted back in at Constant Contact, so the opt-out mark in %1 is cleared",
    ),
    Term(
        _SRC,
        Tally.SKIPPED,
        "Not written to %1",
        "Would not write to %1",
        hint="Each with its reason",
    ),
    Term(
        _SRC,
        Tally.FAILED,
        "Failed to write to %1",
        "Failed to write to %1",
        short="Failed in %1",
        hint="Each with its reason",
    ),
)
_BY_KEY = {(t.side, t.tally): t for t in TERMS}
SIDE_TITLES = {_CC: "To Constant Contact", _SRC: "To %1"}


def terms(side: Side) -> tuple[Term, ...]:
    return tuple(t for t in TERMS if t.side is side)


def term(side: Side, tally: Tally) -> Term:
    return _BY_KEY[(side, tally)]


def shown_terms(runs: Iterable[RunTallies]) -> tuple[Term, ...]:
    """The terms to show for these runs: the source's side only when some run went that way,
    and an optional term only when some run has it."""
    runs = tuple(runs)
    two_way = any(r.two_way for r in runs)
    return tuple(
        t
        for t in TERMS
        if (t.side is _CC or two_way)
        and (not t.optional or any(r.side(t.side).get(t.tally) for r in runs))
    )


def source_label(kind: str) -> str:
    """The source's name in the words ("Xero"); blank (read "the source") for a file."""
    try:
        found = SourceKind(kind)
    except ValueError:
        return ""
    return "" if found is SourceKind.FILE else SOURCE_LABELS[found]


def _identity(text: str) -> str:
    return text


def words(template: str, source: str = "", translate: Translate = _identity) -> str:
    """A template in the user's language with the source's name for ``%1``."""
    return translate(template).replace("%1", source or translate("the source"))


def label(t: Term, dry_run: bool, source: str = "", translate: Translate = _identity) -> str:
    """A term's caption: tiles, filters, the sentence and the CLI."""
    return words(t.planned if dry_run else t.done, source, translate)


def column_label(t: Term, source: str = "", translate: Translate = _identity) -> str:
    """A term as a table's or an export's column header."""
    return words(t.short or t.done, source, translate)


def row_label(
    r: RecordResult, dry_run: bool, source: str = "", translate: Translate = _identity
) -> str:
    """One record's outcome in the same words as its tally."""
    t = term(*record_tally(r))
    if dry_run:
        return words(t.row_planned or t.planned, source, translate)
    return words(t.row or t.done, source, translate)


def side_title(side: Side, source: str = "", translate: Translate = _identity) -> str:
    return words(SIDE_TITLES[side], source, translate)


def summary_text(
    tallies: RunTallies,
    dry_run: bool,
    source: str = "",
    translate: Translate = _identity,
) -> str:
    """The run in one line, in the captions' words: "Created in Constant Contact: 238 ·
    Matched to existing contacts: 1 · Not pushed: 7 (Failed subscriptions: 2)".

    Counts that are zero are left out; a run with no records says so. No final period, so it
    can be followed by more.
    """
    if tallies.total == 0:
        return translate("No records to sync")
    parts: list[str] = []
    for t in TERMS:
        n = tallies.side(t.side).get(t.tally)
        if not n or t.tally is Tally.FAILED_SUBSCRIPTIONS:
            continue
        part = f"{label(t, dry_run, source, translate)}: {n:,}"
        if t.tally is Tally.SKIPPED and t.side is _CC and tallies.side(_CC).failed_subscriptions:
            fs = term(_CC, Tally.FAILED_SUBSCRIPTIONS)
            n_fs = tallies.side(_CC).failed_subscriptions
            part += f" ({label(fs, dry_run, source, translate)}: {n_fs:,})"
        parts.append(part)
    return " · ".join(parts)
