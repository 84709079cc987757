"""The one vocabulary of a run's results: the words every surface uses for them, over the
counts of ``app.core.tallies`` (re-exported here, so a surface needs this module only).

The result tiles, the banner and the run's message, run history, reports, exports and the
CLI all count and word a run through here, so they agree. Words are English templates;
``%1`` stands for the source's name ("Xero", or "the source"). Every function that returns
words takes a ``translate`` function: the UI passes its ``tr``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.core.outcomes import RecordResult
from app.core.phases import Phase
from app.core.tallies import (
    FAILED_SUBSCRIPTION_REASON,
    SIDE_TALLIES,
    RunTallies,
    Side,
    SideCounts,
    Tally,
    record_tally,
    side_of,
    tally_of,
)

__all__ = [
    "FAILED_SUBSCRIPTION_REASON",
    "PHASE_WORDS",
    "SIDE_TALLIES",
    "TERMS",
    "RunTallies",
    "Side",
    "SideCounts",
    "Tally",
    "Term",
    "column_label",
    "label",
    "phase_words",
    "record_tally",
    "row_label",
    "shown_terms",
    "side_of",
    "side_title",
    "summary_text",
    "tally_of",
    "term",
    "terms",
    "words",
]

Translate = Callable[[str], str]


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
    Constant Contact's unless every record went the other way (a migration out of Constant
    Contact), and an optional term only when some run has it."""
    runs = tuple(runs)
    two_way = any(r.two_way for r in runs)
    into_cc = not two_way or any(r.side(_CC).total for r in runs)
    sides = {s for s, shown in ((_CC, into_cc), (_SRC, two_way)) if shown}
    return tuple(
        t
        for t in TERMS
        if t.side in sides and (not t.optional or any(r.side(t.side).get(t.tally) for r in runs))
    )


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


# The words of each phase of a run, shown in the run card and the command line's progress.
PHASE_WORDS: dict[str, str] = {
    Phase.PREPARE: "Preparing",
    Phase.REFRESH: "Reading Constant Contact",
    Phase.PLAN: "Planning",
    Phase.GUARD: "Checking the plan",
    Phase.EMAILS: "Changing email addresses",
    Phase.IMPORT: "Importing to Constant Contact",
    Phase.UNSUBSCRIBE: "Unsubscribing opted-out contacts",
    Phase.LISTS: "Updating the other lists",
    Phase.REMOVE: "Removing from the main list",
    Phase.IMPORT_BACK: "Adding Constant Contact contacts to the source",
    Phase.OPTOUTS_BACK: "Updating opt-outs in the source",
    Phase.ACTIVITY_BACK: "Writing campaign activity to the source",
    Phase.TO_DESTINATION: "Copying to the destination",
    Phase.FINISH: "Finishing",
}


def phase_words(phase: str) -> str:
    """The words for a phase id; a phase named in words already (an undo's) as it is."""
    return PHASE_WORDS.get(phase, phase)
