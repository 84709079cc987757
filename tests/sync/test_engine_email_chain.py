"""One record takes the address another record leaves, in the same run (``app/sync/handover.py``).

Constant Contact still has the address on the first record's contact when the run is
planned. The run moves that contact off it first, then gives the address to the record that
took it: no two people merged into one contact, nobody unsubscribed for someone else's
opt-out, and the next run has nothing to write. When the address cannot be freed, the
record taking it is skipped, saying whose contact still has it.
"""

from __future__ import annotations

import pytest

from app.core.outcomes import Outcome, RunStatus
from app.core.phases import Phase
from app.core.profiles import OptOutHandling
from app.sync.planner import Reason
from tests.sync.two_way import TwoWay, counts_add_up

ANN, BEN, CAT = "ann@chain.example", "ben@chain.example", "cat@chain.example"
NEW = "new@chain.example"


def synced(tw: TwoWay, *people: tuple[str, str]) -> dict[str, str]:
    """Source records for these (first name, email), synced once: first name -> key."""
    keys = {first: tw.source.add(email, first, "Chain") for first, email in people}
    assert tw.run().status is RunStatus.COMPLETED
    return keys


def contact_id(tw: TwoWay, email: str) -> str:
    return tw.emulator.get_contact(email)["contact_id"]


def in_order(tw: TwoWay, *keys: str) -> None:
    """Read the source's records in this order (the others after them)."""
    records = tw.source.records
    tw.source.records = {k: records[k] for k in [*keys, *(k for k in records if k not in keys)]}


def quiet(tw: TwoWay) -> None:
    """The next run writes nothing, to either side, and its counts add up."""
    tw.emulator.reset_counts()
    tw.source.writes.clear()
    again = tw.run()
    counts_add_up(tw.service, again)
    assert tw.writes() == [], tw.results(again)
    assert tw.source.writes == []
    assert {r.outcome for r in tw.results(again, "push")} <= {Outcome.UNCHANGED, Outcome.SKIPPED}


@pytest.mark.parametrize("taker_first", [False, True])
def test_a_record_takes_the_address_another_record_leaves(two_way, taker_first):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN), ("Ben", BEN))
    ann_id, ben_id = contact_id(tw, ANN), contact_id(tw, BEN)
    tw.source.records[keys["Ann"]]["Email"] = CAT  # Ann leaves ann@ ...
    tw.source.records[keys["Ben"]]["Email"] = ANN  # ... and Ben takes it
    if taker_first:
        in_order(tw, keys["Ben"], keys["Ann"])

    dry = tw.run(dry_run=True)
    summary = tw.run()

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert {k: (r.action, r.outcome) for k, r in results.items()} == {
        keys["Ann"]: ("change_email", Outcome.UPDATED),
        keys["Ben"]: ("change_email", Outcome.UPDATED),
    }
    assert {k: r.outcome for k, r in tw.by_key(dry).items()} == {
        k: r.outcome for k, r in results.items()
    }
    assert (contact_id(tw, CAT), contact_id(tw, ANN)) == (ann_id, ben_id)  # same people
    assert tw.emulator.get_contact(ANN)["first_name"] == "Ben"
    assert tw.emulator.get_contact(CAT)["first_name"] == "Ann"
    assert tw.emulator.get_contact(BEN) is None
    assert {ANN, CAT} <= tw.on_list()
    quiet(tw)


def test_a_new_record_gets_the_address_another_record_leaves(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN))
    ann_id = contact_id(tw, ANN)
    tw.source.records[keys["Ann"]]["Email"] = CAT
    new = tw.source.add(ANN, "Nina", "New")
    in_order(tw, new, keys["Ann"])  # read before the record that frees the address

    summary = tw.run()

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert (results[keys["Ann"]].action, results[keys["Ann"]].outcome) == (
        "change_email",
        Outcome.UPDATED,
    )
    assert (results[new].action, results[new].outcome) == ("create", Outcome.CREATED)
    assert contact_id(tw, CAT) == ann_id
    assert contact_id(tw, ANN) != ann_id
    assert tw.emulator.get_contact(ANN)["first_name"] == "Nina"
    assert tw.emulator.get_contact(CAT)["first_name"] == "Ann"
    quiet(tw)


def test_an_opted_out_record_taking_a_left_address_unsubscribes_nobody_else(two_way):
    tw = two_way.setup(opt_out_handling=OptOutHandling.UNSUBSCRIBE, optout_to_source=True)
    keys = synced(tw, ("Ann", ANN))
    ben = tw.source.add(BEN, "Ben", "Out")
    tw.source.opted_out.add(ben)  # never pushed: he opted out
    tw.run()
    tw.source.records[keys["Ann"]]["Email"] = CAT
    tw.source.records[ben]["Email"] = ANN

    summary = tw.run()

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert results[keys["Ann"]].outcome is Outcome.UPDATED
    assert (results[ben].outcome, results[ben].reason) == (Outcome.SKIPPED, Reason.NOT_IN_CC)
    assert tw.permission(CAT) == "implicit"  # Ann is still subscribed
    assert CAT in tw.on_list()
    assert tw.emulator.get_contact(ANN) is None
    assert tw.results(summary, "optout") == []  # nobody marked opted out in the source
    assert keys["Ann"] not in tw.source.opted_out
    quiet(tw)


def test_a_chain_of_three_addresses_read_backwards(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN), ("Ben", BEN), ("Cat", CAT))
    ids = {email: contact_id(tw, email) for email in (ANN, BEN, CAT)}
    tw.source.records[keys["Ann"]]["Email"] = NEW  # Ann leaves ann@ for a new address,
    tw.source.records[keys["Ben"]]["Email"] = ANN  # Ben takes ann@,
    tw.source.records[keys["Cat"]]["Email"] = BEN  # Cat takes ben@
    in_order(tw, keys["Cat"], keys["Ben"], keys["Ann"])

    summary = tw.run()

    counts_add_up(tw.service, summary)
    assert {r.outcome for r in tw.results(summary, "push")} == {Outcome.UPDATED}
    assert contact_id(tw, NEW) == ids[ANN]
    assert contact_id(tw, ANN) == ids[BEN]
    assert contact_id(tw, BEN) == ids[CAT]
    assert tw.emulator.get_contact(CAT) is None
    quiet(tw)


def test_two_records_swapping_addresses_are_reported_not_merged(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN), ("Ben", BEN))
    ann_id, ben_id = contact_id(tw, ANN), contact_id(tw, BEN)
    tw.source.records[keys["Ann"]]["Email"] = BEN
    tw.source.records[keys["Ben"]]["Email"] = ANN
    tw.emulator.reset_counts()

    summary = tw.run()

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert {r.outcome for r in results.values()} == {Outcome.SKIPPED}
    assert results[keys["Ann"]].reason == Reason.EMAIL_TAKEN.format(email=BEN)
    ben_row = results[keys["Ann"]].row
    assert results[keys["Ben"]].reason == Reason.STILL_IN_USE.format(email=ANN, row=ben_row)
    assert tw.writes() == []  # Constant Contact cannot swap them: nothing merged
    assert (contact_id(tw, ANN), contact_id(tw, BEN)) == (ann_id, ben_id)
    assert tw.emulator.get_contact(ANN)["first_name"] == "Ann"
    quiet(tw)


def test_an_address_whose_contact_keeps_it_is_not_given_to_another_record(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN))
    tw.emulator.seed_contact(CAT, "Someone", "Else")  # Ann's new address is taken already
    tw.source.records[keys["Ann"]]["Email"] = CAT
    new = tw.source.add(ANN, "Nina", "New")

    summary = tw.run()

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert results[keys["Ann"]].reason == Reason.EMAIL_TAKEN.format(email=CAT)
    assert (results[new].outcome, results[new].reason) == (
        Outcome.SKIPPED,
        Reason.STILL_IN_USE.format(email=ANN, row=results[keys["Ann"]].row),
    )
    assert tw.emulator.get_contact(ANN)["first_name"] == "Ann"  # not merged with Nina
    assert tw.emulator.get_contact(CAT)["first_name"] == "Someone"
    quiet(tw)


class TakeTheAddressMeanwhile:
    """A reporter that lets someone take an address in Constant Contact once the run is
    planned, just before its email changes are sent."""

    def __init__(self, tw: TwoWay, email: str) -> None:
        self.tw, self.email = tw, email

    def phase(self, name: str, total: int = 0) -> None:
        if name == Phase.EMAILS:
            self.tw.emulator.seed_contact(self.email, "Someone", "Else")

    def advance(self, done: int, total: int = 0, message: str = "") -> None:
        pass


def test_a_new_record_is_not_merged_when_the_change_freeing_its_address_is_refused(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN))
    ann_id = contact_id(tw, ANN)
    tw.source.records[keys["Ann"]]["Email"] = CAT
    new = tw.source.add(ANN, "Nina", "New")

    summary = tw.run(reporter=TakeTheAddressMeanwhile(tw, CAT))

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert results[keys["Ann"]].outcome is Outcome.SKIPPED
    assert results[keys["Ann"]].reason == Reason.EMAIL_TAKEN.format(email=CAT)
    assert (results[new].outcome, results[new].reason) == (
        Outcome.SKIPPED,
        Reason.STILL_IN_USE.format(email=ANN, row=results[keys["Ann"]].row),
    )
    nina = tw.emulator.get_contact(ANN)
    assert (nina["contact_id"], nina["first_name"]) == (ann_id, "Ann")  # Ann's, untouched
    # Next time the plan knows the address is taken: the same outcomes, nothing written.
    quiet_outcomes = tw.by_key(tw.run())
    assert quiet_outcomes[new].reason == results[new].reason


def test_undo_gives_each_address_back_to_its_contact(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN), ("Ben", BEN))
    ids = {email: contact_id(tw, email) for email in (ANN, BEN)}
    tw.source.records[keys["Ann"]]["Email"] = CAT  # Ann leaves ann@, Ben takes it
    tw.source.records[keys["Ben"]]["Email"] = ANN
    run = tw.run()

    report = tw.service.runs.undo(tw.profile_id, run_id=run.run_id)

    assert {s.key: s.outcome for s in report.steps} == dict.fromkeys(keys.values(), "restored")
    assert {email: contact_id(tw, email) for email in (ANN, BEN)} == ids
    assert tw.emulator.get_contact(CAT) is None


def test_undo_never_puts_one_persons_values_on_a_contact_created_for_another(two_way):
    tw = two_way.setup()
    keys = synced(tw, ("Ann", ANN))
    tw.source.records[keys["Ann"]]["Email"] = CAT
    nina = tw.source.add(ANN, "Nina", "New")  # takes ann@: a contact of her own
    run = tw.run()

    report = tw.service.runs.undo(tw.profile_id, run_id=run.run_id)

    steps = {s.key: s for s in report.steps}
    assert (steps[nina].restore, steps[nina].list_remove) == ({}, True)
    assert tw.emulator.get_contact(ANN)["first_name"] == "Nina"  # not made "Ann" again
    assert ANN not in tw.on_list()
    # Ann's contact cannot have ann@ back while Nina's has it: said, not merged.
    assert steps[keys["Ann"]].outcome == "failed"
    assert "already exists" in steps[keys["Ann"]].reason
    assert tw.emulator.get_contact(CAT)["first_name"] == "Ann"


def test_an_opt_out_never_unsubscribes_the_contact_whose_email_change_was_refused(two_way):
    tw = two_way.setup(opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    keys = synced(tw, ("Ann", ANN), ("Ben", BEN))
    tw.source.records[keys["Ann"]]["Email"] = CAT
    tw.source.records[keys["Ben"]]["Email"] = ANN  # Ben takes ann@ and opts out
    tw.source.opted_out.add(keys["Ben"])

    summary = tw.run(reporter=TakeTheAddressMeanwhile(tw, CAT))

    counts_add_up(tw.service, summary)
    results = tw.by_key(summary)
    assert results[keys["Ann"]].reason == Reason.EMAIL_TAKEN.format(email=CAT)
    assert (results[keys["Ben"]].outcome, results[keys["Ben"]].reason) == (
        Outcome.SKIPPED,
        Reason.STILL_IN_USE.format(email=ANN, row=results[keys["Ann"]].row),
    )
    assert tw.permission(ANN) == "implicit"  # Ann's contact: still subscribed, still listed
    assert ANN in tw.on_list()
