"""The planner, when one record takes the address another record leaves (``handover``)."""

from __future__ import annotations

from app.core.outcomes import RunCounts
from app.core.profiles import OptOutHandling
from app.core.records import Permission
from app.sync.planner import Action, LinkInfo, PlanContext, PlannedRecord, Planner, Reason
from app.sync.planner import RemoteInfo as Remote
from tests.sync.test_planner import profile, rec

ANN, CAT = "ann@example.com", "cat@example.com"
ANNS = {"k3": LinkInfo("c-ann", ANN, "fp")}  # row 3 was synced as ann@, on contact c-ann


def plan_all(records: list, **ctx: object) -> list[PlannedRecord]:
    ctx.setdefault("profile", profile())
    return list(Planner(PlanContext(**ctx)).plan_all(records))  # type: ignore[arg-type]


def remote(permission: str = Permission.IMPLICIT) -> dict[str, Remote]:
    return {ANN: Remote("c-ann", permission, on_main_list=True)}


def test_a_record_taking_a_left_address_is_planned_after_the_record_leaving_it() -> None:
    ann, nina = plan_all([rec(2, ANN, "Nina"), rec(3, CAT)], links=ANNS, remote=remote())
    assert [ann.row, nina.row] == [3, 2]  # the change that frees ann@ comes first
    assert (ann.action, ann.contact_id, ann.previous_email) == (Action.CHANGE_EMAIL, "c-ann", ANN)
    # Nina is new: not matched to Ann's contact, which moves to cat@ first.
    assert (nina.action, nina.contact_id, nina.matched_existing) == (Action.CREATE, "", False)


def test_an_opted_out_record_taking_a_left_address_unsubscribes_nobody() -> None:
    options = {"opt_out_handling": OptOutHandling.UNSUBSCRIBE}
    records = [rec(2, ANN, "Nina", opted_out=True), rec(3, CAT)]
    ann, nina = plan_all(records, profile=profile(**options), links=ANNS, remote=remote())
    assert ann.action is Action.CHANGE_EMAIL
    assert (nina.action, nina.reason) == (Action.SKIP, Reason.NOT_IN_CC)


def test_an_address_is_not_taken_when_its_contact_keeps_it() -> None:
    taken = {**remote(), CAT: Remote("c-cat", Permission.IMPLICIT, on_main_list=True)}
    ann, nina = plan_all([rec(2, ANN, "Nina"), rec(3, CAT)], links=ANNS, remote=taken)
    assert (ann.action, ann.reason) == (Action.SKIP, Reason.EMAIL_TAKEN.format(email=CAT))
    assert (nina.action, nina.reason) == (
        Action.SKIP,
        Reason.STILL_IN_USE.format(email=ANN, row=3),
    )


def test_a_retry_of_other_records_does_not_free_the_address() -> None:
    # Retrying Nina alone: Ann's email change is not made by this run.
    records = [rec(2, ANN, "Nina"), rec(3, CAT)]
    only = frozenset({"k2"})
    plans = plan_all(records, links=ANNS, remote=remote(), only_keys=only)
    nina = next(p for p in plans if p.key == "k2")
    assert (nina.action, nina.reason) == (Action.SKIP, Reason.STILL_IN_USE.format(email=ANN, row=3))


def test_consent_speaks_first_for_an_unsubscribed_address() -> None:
    # Ann's contact unsubscribed: her change is not made, and Nina is not put on the list.
    plans = plan_all([rec(2, ANN, "Nina"), rec(3, CAT)], links=ANNS, remote=remote("unsubscribed"))
    assert {p.row: (p.action, p.reason) for p in plans} == {
        3: (Action.SKIP, Reason.UNSUBSCRIBED),
        2: (Action.SKIP, Reason.UNSUBSCRIBED),
    }


def test_without_a_move_the_address_is_matched_by_email_as_always() -> None:
    # Ann was not read (or did not move): Nina is matched to the contact that has ann@.
    (nina,) = plan_all([rec(2, ANN, "Nina")], links=ANNS, remote=remote())
    assert (nina.action, nina.contact_id, nina.matched_existing) == (Action.UPDATE, "c-ann", True)
    # Two records once synced with ann@ (a duplicate): nobody is its one owner.
    both = {**ANNS, "k4": LinkInfo("c-ann", ANN, "fp")}
    plans = plan_all([rec(2, ANN, "Nina"), rec(3, CAT), rec(4, "dan@example.com")], links=both)
    assert [p.row for p in plans] == [2, 3, 4]


def test_a_swap_ends_with_one_plan_each_and_nothing_merged() -> None:
    links = {**ANNS, "k2": LinkInfo("c-cat", CAT, "fp")}
    both = {**remote(), CAT: Remote("c-cat", Permission.IMPLICIT, on_main_list=True)}
    plans = plan_all(
        [rec(2, ANN), rec(3, CAT), rec(4, "dan@example.com")], links=links, remote=both
    )
    assert sorted(p.row for p in plans) == [2, 3, 4]
    swapped = [p for p in plans if p.row in (2, 3)]
    assert all(p.action is Action.SKIP for p in swapped)
    assert RunCounts.of(p.outcome for p in plans) == RunCounts(created=1, skipped=2)


def test_an_opted_out_record_acts_on_its_own_contact_never_on_another() -> None:
    options = {"opt_out_handling": OptOutHandling.UNSUBSCRIBE}
    taken = {**remote(), CAT: Remote("c-cat", Permission.IMPLICIT, on_main_list=True)}
    records = [rec(2, ANN, "Nina", opted_out=True), rec(3, CAT)]  # Ann's change is refused
    own = {**ANNS, "k2": LinkInfo("c-nina", "nina@example.com", "fp")}
    _, nina = plan_all(records, profile=profile(**options), links=own, remote=taken)
    assert (nina.action, nina.contact_id) == (Action.UNSUBSCRIBE, "c-nina")
    # Her own contact's id unknown: acting by address would unsubscribe Ann's. Not done.
    unknown = {**ANNS, "k2": LinkInfo(None, "nina@example.com", "fp")}
    _, nina = plan_all(records, profile=profile(**options), links=unknown, remote=taken)
    assert (nina.action, nina.reason) == (Action.SKIP, Reason.STILL_IN_USE.format(email=ANN, row=3))
