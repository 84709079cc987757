"""The one vocabulary of a run's results: which way each record went, what became of it,
the counts that add up, and the words every surface shows."""

from __future__ import annotations

import pytest

from app.core.outcomes import Outcome, RecordResult, RunCounts, RunStatus, RunSummary
from app.core.vocabulary import (
    FAILED_SUBSCRIPTION_REASON,
    SIDE_TALLIES,
    TERMS,
    RunTallies,
    Side,
    SideCounts,
    Tally,
    label,
    record_tally,
    row_label,
    shown_terms,
    summary_text,
    term,
    terms,
)

CC, SRC = Side.TO_CONSTANT_CONTACT, Side.TO_SOURCE


def rec(
    outcome: Outcome,
    direction: str = "push",
    action: str = "",
    matched: bool = False,
    reason: str = "",
) -> RecordResult:
    return RecordResult(
        1,
        "k",
        "a@example.com",
        outcome,
        reason=reason,
        matched_existing=matched,
        direction=direction,
        action=action,
    )


# One record of every kind a two-way run has, with the tally each must get.
TWO_WAY_RUN = (
    (rec(Outcome.CREATED, action="create"), (CC, Tally.CREATED)),
    (rec(Outcome.UPDATED, action="update", matched=True), (CC, Tally.MATCHED)),
    (rec(Outcome.UNCHANGED, action="unchanged", matched=True), (CC, Tally.MATCHED)),
    (rec(Outcome.UPDATED, action="update"), (CC, Tally.UPDATED)),
    (rec(Outcome.UPDATED, action="change_email"), (CC, Tally.UPDATED)),
    (rec(Outcome.UNCHANGED, action="unchanged"), (CC, Tally.UNCHANGED)),
    (rec(Outcome.UPDATED, action="unsubscribe"), (CC, Tally.UNSUBSCRIBED)),
    (rec(Outcome.UPDATED, action="remove"), (CC, Tally.REMOVED)),
    (rec(Outcome.SKIPPED, action="skip", reason="No email address"), (CC, Tally.SKIPPED)),
    (
        rec(Outcome.SKIPPED, action="skip", reason=FAILED_SUBSCRIPTION_REASON),
        (CC, Tally.FAILED_SUBSCRIPTIONS),
    ),
    (rec(Outcome.FAILED, action="create", matched=True), (CC, Tally.FAILED)),
    (rec(Outcome.CREATED, "import", "import_create"), (SRC, Tally.CREATED)),
    (rec(Outcome.UNCHANGED, "import", "import_link", matched=True), (SRC, Tally.MATCHED)),
    (rec(Outcome.UPDATED, "import", "import_update", matched=True), (SRC, Tally.UPDATED)),
    (rec(Outcome.UPDATED, "optout", "opt_out"), (SRC, Tally.OPTED_OUT)),
    (rec(Outcome.UPDATED, "optout", "opt_in"), (SRC, Tally.OPT_OUT_CLEARED)),
    (rec(Outcome.UNCHANGED, "optout", "opt_out"), (SRC, Tally.UNCHANGED)),
    (
        rec(Outcome.SKIPPED, "import", "skip", reason="Unsubscribed in Constant Contact, so not"),
        (SRC, Tally.SKIPPED),
    ),
    (rec(Outcome.FAILED, "optout", "opt_out"), (SRC, Tally.FAILED)),
)


@pytest.mark.parametrize(("record", "expected"), TWO_WAY_RUN)
def test_each_record_gets_the_tally_of_its_side(record, expected):
    assert record_tally(record) == expected


def test_an_opt_out_marked_in_the_source_is_not_an_update_in_constant_contact():
    marked = rec(Outcome.UPDATED, "optout", "opt_out")
    created_in_xero = rec(Outcome.CREATED, "import", "import_create")
    assert row_label(marked, False, "Xero") == "Marked opted out in Xero"
    assert row_label(created_in_xero, False, "Xero") == "Created in Xero"
    assert row_label(created_in_xero, False) == "Created in the source"
    assert row_label(rec(Outcome.CREATED), False) == "Created in Constant Contact"


def test_counts_add_up_per_side_and_to_the_five_outcomes():
    records = [r for r, _ in TWO_WAY_RUN]
    tallies = RunTallies.of(records)
    counts = RunCounts.of(r.outcome for r in records)
    cc, src = tallies.to_constant_contact, tallies.to_source

    assert tallies.total == counts.total == len(records)
    assert cc.total == 11 and src.total == 8
    assert cc.created + src.created == counts.created
    assert cc.skipped + src.skipped == counts.skipped
    assert cc.failed + src.failed == counts.failed
    settled = (
        sum(
            c.matched + c.updated + c.unchanged + c.unsubscribed + c.removed + c.opted_out
            for c in (cc, src)
        )
        + src.opt_out_cleared
    )
    assert settled == counts.updated + counts.unchanged
    # A failed subscription is one of those not pushed, not a sixth outcome.
    assert (cc.skipped, cc.failed_subscriptions) == (2, 1)
    assert tallies.matched == 3  # two matched contacts, one matched source record
    for side in Side:
        as_json = tallies.side(side).as_dict(side)
        parts = sum(n for k, n in as_json.items() if k not in ("total", "failed_subscriptions"))
        assert as_json["total"] == parts


def test_json_keys_are_stable_and_per_side():
    data = RunTallies.of([rec(Outcome.CREATED)]).as_json()
    assert list(data) == ["to_constant_contact", "to_source"]
    assert list(data["to_constant_contact"]) == [
        "total",
        "created",
        "matched",
        "updated",
        "unchanged",
        "unsubscribed",
        "removed",
        "skipped",
        "failed_subscriptions",
        "failed",
    ]
    assert list(data["to_source"]) == [
        "total",
        "created",
        "matched",
        "updated",
        "unchanged",
        "opted_out",
        "opt_out_cleared",
        "skipped",
        "failed",
    ]
    assert RunTallies.from_json(data) == RunTallies.of([rec(Outcome.CREATED)])


def test_tallies_stored_with_a_run_read_back_and_old_runs_fall_back_to_their_counts():
    records = [r for r, _ in TWO_WAY_RUN]
    tallies = RunTallies.of(records)
    counts = RunCounts.of(r.outcome for r in records)
    run = RunSummary(1, "Xero", RunStatus.COMPLETED, counts, extra=tallies.as_extra())
    assert RunTallies.of_summary(run) == tallies

    old = RunSummary(2, "Old", RunStatus.COMPLETED, RunCounts(created=3, updated=1, skipped=2))
    fallback = RunTallies.of_summary(old)
    assert fallback.to_constant_contact == SideCounts(created=3, updated=1, skipped=2)
    assert not fallback.two_way
    # Counts of a run still going (not yet what it stored) win over stale tallies.
    going = RunSummary(3, "X", RunStatus.RUNNING, RunCounts(created=5), extra=tallies.as_extra())
    assert RunTallies.of_summary(going).total == 5


def test_groups_from_the_store_count_as_the_records_do():
    records = [r for r, _ in TWO_WAY_RUN]
    groups = [
        (
            r.direction,
            r.action,
            r.outcome.value,
            r.matched_existing,
            r.reason == FAILED_SUBSCRIPTION_REASON,
            2,
        )
        for r in records
    ]
    once = RunTallies.of(records)
    twice = RunTallies.from_groups(groups)
    assert twice.total == 2 * once.total
    assert twice.to_constant_contact.failed_subscriptions == 2


def test_shown_terms_follow_the_runs():
    push = RunTallies.of([rec(Outcome.CREATED), rec(Outcome.SKIPPED)])
    shown = [(t.side, t.tally) for t in shown_terms([push])]
    assert shown == [
        (CC, Tally.CREATED),
        (CC, Tally.MATCHED),
        (CC, Tally.UPDATED),
        (CC, Tally.UNCHANGED),
        (CC, Tally.SKIPPED),
        (CC, Tally.FAILED_SUBSCRIPTIONS),
        (CC, Tally.FAILED),
    ]
    both = RunTallies.of([rec(Outcome.UPDATED, action="remove"), rec(Outcome.CREATED, "import")])
    shown = {(t.side, t.tally) for t in shown_terms([push, both])}
    assert (CC, Tally.REMOVED) in shown and (CC, Tally.UNSUBSCRIBED) not in shown
    assert {(SRC, Tally.CREATED), (SRC, Tally.OPTED_OUT), (SRC, Tally.FAILED)} <= shown
    assert (SRC, Tally.OPT_OUT_CLEARED) not in shown


def test_a_run_that_sent_everything_the_other_way_shows_only_that_side():
    """A migration out of Constant Contact: no all-zero "To Constant Contact" section."""
    out = RunTallies.of([rec(Outcome.CREATED, "import"), rec(Outcome.UPDATED, "import")])
    assert {t.side for t in shown_terms([out])} == {SRC}
    empty = RunTallies.of([])  # nothing at all: Constant Contact's side, all zeros
    assert {t.side for t in shown_terms([empty])} == {CC}


def test_summary_text_uses_the_captions_and_leaves_out_zeros():
    records = [
        *[rec(Outcome.CREATED)] * 42,
        rec(Outcome.UPDATED, action="update", matched=True),
        *[rec(Outcome.SKIPPED, action="skip", reason="No email address")] * 5,
        rec(Outcome.SKIPPED, action="skip", reason=FAILED_SUBSCRIPTION_REASON),
        rec(Outcome.CREATED, "import", "import_create"),
        rec(Outcome.UPDATED, "optout", "opt_out"),
    ]
    text = summary_text(RunTallies.of(records), False, "Xero")
    assert text == (
        "Created in Constant Contact: 42 · Matched to existing contacts: 1 · Not pushed: 6 "
        "(Failed subscriptions: 1) · Created in Xero: 1 · Marked opted out in Xero: 1"
    )
    dry = summary_text(RunTallies.of(records[:42]), True)
    assert dry == "Would create in Constant Contact: 42"
    assert summary_text(RunTallies(), False) == "No records to sync"


def test_every_term_has_words_and_a_translation_hook():
    assert {(t.side, t.tally) for t in TERMS} == {
        (side, tally)
        for side in Side
        for tally in Tally
        if not (side is SRC and tally in (Tally.UNSUBSCRIBED, Tally.REMOVED))
        and not (side is SRC and tally is Tally.FAILED_SUBSCRIPTIONS)
        and not (side is CC and tally in (Tally.OPTED_OUT, Tally.OPT_OUT_CLEARED))
    }
    captions = [label(t, False, "Xero") for t in TERMS]
    assert len(set(captions)) == len(captions)  # no two tallies read the same
    assert all("%1" not in c for c in captions)
    shout = label(term(CC, Tally.SKIPPED), False, translate=str.upper)
    assert shout == "NOT PUSHED"
    for side in Side:  # the words follow the counts' order (that of the JSON keys)
        assert [t.tally for t in terms(side)] == list(SIDE_TALLIES[side])
