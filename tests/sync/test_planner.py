"""The pure planner: mapping, filters, validation, matching and consent, record by record."""

from __future__ import annotations

import pytest

from app.core.filters import FilterGroup, FilterRule, Operator
from app.core.mapping import FieldMapping
from app.core.outcomes import Outcome, RunCounts
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.sync.planner import (
    Action,
    LinkInfo,
    PlanContext,
    Planner,
    Reason,
    RemoteInfo,
    fingerprint,
)

MAPPING = FieldMapping.of(
    {"Email": "email", "First": "first_name", "Last": "last_name", "City": "city", "Notes": ""}
)


def profile(**options: object) -> SyncProfile:
    return SyncProfile(
        name="Test",
        source=SourceSpec(),
        main_list="Newsletter",
        options=SyncOptions(**options),  # type: ignore[arg-type]
        mapping=MAPPING,
        id=1,
    )


def rec(
    row: int,
    email: str,
    first: str = "Ada",
    *,
    key: str | None = None,
    opted_out: bool = False,
    **extra: str,
) -> SourceRecord:
    values = {"Email": email, "First": first, "Last": "Lovelace", "City": "London", **extra}
    return SourceRecord(key or f"k{row}", row, values, opted_out)


def plan_one(record: SourceRecord, **ctx: object) -> object:
    ctx.setdefault("profile", profile())
    return Planner(PlanContext(**ctx)).plan(record)  # type: ignore[arg-type]


def test_new_record_is_created_with_mapped_item() -> None:
    p = plan_one(rec(2, " Ada@Example.COM "))
    assert p.action is Action.CREATE
    assert p.email == "ada@example.com"
    assert p.item == {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "city": "London",
    }
    assert p.outcome is Outcome.CREATED


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("", Reason.NO_EMAIL),
        ("ada@", "Not a valid email address: 'ada@'"),
        ("no spaces@x.com", "Not a valid email address: 'no spaces@x.com'"),
    ],
)
def test_missing_or_invalid_email_is_skipped_with_reason(email: str, reason: str) -> None:
    p = plan_one(rec(2, email))
    assert p.action is Action.SKIP
    assert p.reason == reason


def test_filtered_out_record_is_skipped_not_lost() -> None:
    prof = profile().with_changes(
        filters=FilterGroup(rules=(FilterRule("City", Operator.EQUALS, "Paris"),))
    )
    p = plan_one(rec(2, "ada@example.com"), profile=prof)
    assert (p.action, p.reason) == (Action.SKIP, Reason.FILTERED)


def test_duplicate_email_in_source_keeps_first_and_names_its_row() -> None:
    planner = Planner(PlanContext(profile=profile()))
    first = planner.plan(rec(2, "ada@example.com"))
    second = planner.plan(rec(7, "ADA@example.com"))
    assert first.action is Action.CREATE
    assert second.action is Action.SKIP
    assert second.reason == "Same email address as row 2; only the first is pushed"


def test_unsubscribed_in_constant_contact_is_never_pushed() -> None:
    remote = {"ada@example.com": RemoteInfo("c1", "unsubscribed", on_main_list=False)}
    p = plan_one(rec(2, "ada@example.com"), remote=remote)
    assert p.action is Action.SKIP
    assert p.item is None
    assert p.reason == Reason.UNSUBSCRIBED


def test_unsubscribed_linked_contact_is_not_readded_even_when_changed() -> None:
    links = {"k2": LinkInfo("c1", "ada@example.com", "old-fingerprint")}
    remote = {"ada@example.com": RemoteInfo("c1", "unsubscribed", on_main_list=False)}
    p = plan_one(rec(2, "ada@example.com", first="Augusta"), links=links, remote=remote)
    assert p.action is Action.SKIP
    assert p.reason == Reason.UNSUBSCRIBED


def test_source_opt_out_is_not_pushed_as_subscribed() -> None:
    p = plan_one(rec(2, "ada@example.com", opted_out=True))
    assert (p.action, p.reason, p.item) == (Action.SKIP, Reason.OPTED_OUT, None)


def test_source_opt_out_unsubscribes_existing_contact_when_chosen() -> None:
    prof = profile(opt_out_handling=OptOutHandling.UNSUBSCRIBE)
    remote = {"ada@example.com": RemoteInfo("c1", "implicit", on_main_list=True)}
    p = plan_one(rec(2, "ada@example.com", opted_out=True), profile=prof, remote=remote)
    assert p.action is Action.UNSUBSCRIBE
    assert p.contact_id == "c1"
    assert p.item is None
    unknown = plan_one(rec(2, "new@example.com", opted_out=True), profile=prof)
    assert (unknown.action, unknown.reason) == (Action.SKIP, Reason.NOT_IN_CC)


def test_existing_contact_matched_by_email_is_updated() -> None:
    remote = {"ada@example.com": RemoteInfo("c1", "explicit", on_main_list=False)}
    p = plan_one(rec(2, "ada@example.com"), remote=remote)
    assert p.action is Action.UPDATE
    assert p.matched_existing
    assert p.contact_id == "c1"


def test_update_existing_off_only_adds_to_list() -> None:
    remote = {"ada@example.com": RemoteInfo("c1", "explicit", on_main_list=False)}
    p = plan_one(rec(2, "ada@example.com"), remote=remote, profile=profile(update_existing=False))
    assert p.action is Action.UPDATE
    assert p.item == {"email": "ada@example.com"}
    on_list = {"ada@example.com": RemoteInfo("c1", "explicit", on_main_list=True)}
    q = plan_one(rec(2, "ada@example.com"), remote=on_list, profile=profile(update_existing=False))
    assert (q.action, q.reason) == (Action.SKIP, Reason.NO_UPDATES)


def test_linked_and_unchanged_record_costs_nothing() -> None:
    first = plan_one(rec(2, "ada@example.com"))
    links = {"k2": LinkInfo(None, "ada@example.com", first.fingerprint)}
    again = plan_one(rec(2, "ada@example.com"), links=links)
    assert again.action is Action.UNCHANGED
    assert again.item is None


def test_linked_and_changed_record_is_updated() -> None:
    first = plan_one(rec(2, "ada@example.com"))
    links = {"k2": LinkInfo(None, "ada@example.com", first.fingerprint)}
    changed = plan_one(rec(2, "ada@example.com", first="Augusta"), links=links)
    assert changed.action is Action.UPDATE
    assert not changed.matched_existing
    assert changed.item["first_name"] == "Augusta"


def test_email_change_keeps_the_link_and_names_the_old_address() -> None:
    links = {"k2": LinkInfo("c1", "ada@example.com", "fp")}
    p = plan_one(rec(2, "ada@newmail.com"), links=links)
    assert p.action is Action.CHANGE_EMAIL
    assert p.outcome is Outcome.UPDATED
    assert p.previous_email == "ada@example.com"
    assert p.contact_id == "c1"
    assert p.detail.startswith("Email: ada@example.com → ada@newmail.com")


def test_email_change_onto_another_contacts_address_is_skipped_not_merged() -> None:
    links = {"k2": LinkInfo("c1", "ada@example.com", "fp")}
    remote = {"ada@newmail.com": RemoteInfo("c2", "implicit", on_main_list=True)}
    p = plan_one(rec(2, "ada@newmail.com"), links=links, remote=remote)
    assert p.action is Action.SKIP
    assert p.reason == Reason.EMAIL_TAKEN.format(email="ada@newmail.com")


def test_email_change_of_an_unsubscribed_contact_leaves_it_alone() -> None:
    links = {"k2": LinkInfo("c1", "ada@example.com", "fp")}
    remote = {"ada@example.com": RemoteInfo("c1", "unsubscribed", on_main_list=False)}
    p = plan_one(rec(2, "ada@newmail.com"), links=links, remote=remote)
    assert (p.action, p.reason) == (Action.SKIP, Reason.UNSUBSCRIBED)


def test_update_detail_shows_old_and_new_values() -> None:
    first = plan_one(rec(2, "ada@example.com"))
    links = {"k2": LinkInfo("c1", "ada@example.com", first.fingerprint)}
    sent = dict(first.item)
    p = plan_one(
        rec(2, "ada@example.com", first="Augusta"), links=links, previous_item={"k2": sent}.get
    )
    assert p.action is Action.UPDATE
    assert p.detail == "First name: Ada → Augusta"


def test_source_opt_out_after_a_resubscribe_in_cc_is_not_reapplied() -> None:
    links = {"k2": LinkInfo("c1", "ada@example.com", "fp", True, True)}
    remote = {"ada@example.com": RemoteInfo("c1", "explicit", on_main_list=True)}
    p = plan_one(
        rec(2, "ada@example.com", opted_out=True),
        links=links,
        remote=remote,
        profile=profile(opt_out_handling=OptOutHandling.UNSUBSCRIBE),
    )
    assert (p.action, p.reason, p.state) == (Action.SKIP, Reason.RESUBSCRIBED, "1,0")


def test_contact_removed_from_main_list_is_put_back() -> None:
    first = plan_one(rec(2, "ada@example.com"))
    links = {"k2": LinkInfo("c1", "ada@example.com", first.fingerprint)}
    remote = {"ada@example.com": RemoteInfo("c1", "implicit", on_main_list=False)}
    p = plan_one(rec(2, "ada@example.com"), links=links, remote=remote)
    assert (p.action, p.reason) == (Action.UPDATE, "Put back on the main list")


def test_unknown_placeholder_for_blank_names() -> None:
    p = plan_one(rec(2, "ada@example.com", first=""), profile=profile(unknown_for_blank_names=True))
    assert p.item["first_name"] == "Unknown"
    assert p.item["last_name"] == "Lovelace"


def test_addresses_left_out_when_option_off() -> None:
    p = plan_one(rec(2, "ada@example.com"), profile=profile(sync_addresses=False))
    assert "city" not in p.item


def test_long_values_are_trimmed_with_a_warning_saying_what_was_cut() -> None:
    p = plan_one(rec(2, "ada@example.com", first="A" * 50 + "BCD"))
    assert p.item["first_name"] == "A" * 50
    assert p.warnings == (
        "First name was longer than Constant Contact allows (50 characters): "
        f'sent "{"A" * 50}", left out "BCD"',
    )


def test_row_problem_is_skipped_with_the_problem() -> None:
    p = plan_one(rec(5, "ada@example.com"), row_problems={5: 'too many cells after "City"'})
    assert p.action is Action.SKIP
    assert "too many cells" in p.reason


def test_fingerprint_depends_on_values_and_list() -> None:
    item = {"email": "a@b.co", "first_name": "A"}
    assert fingerprint(item, "L") == fingerprint(dict(reversed(item.items())), "L")
    assert fingerprint(item, "L") != fingerprint(item, "Other list")
    assert fingerprint(item, "L") != fingerprint({**item, "first_name": "B"}, "L")


def test_every_record_gets_exactly_one_outcome_and_counts_add_up() -> None:
    remote = {
        "u@example.com": RemoteInfo("c9", "unsubscribed", on_main_list=False),
        "e@example.com": RemoteInfo("c8", "implicit", on_main_list=True),
    }
    records = [
        rec(2, "a@example.com"),
        rec(3, ""),
        rec(4, "u@example.com"),
        rec(5, "e@example.com"),
        rec(6, "a@example.com"),
        rec(7, "x@", opted_out=True),
        rec(8, "o@example.com", opted_out=True),
    ]
    plans = list(Planner(PlanContext(profile=profile(), remote=remote)).plan_all(records))
    assert [p.row for p in plans] == [2, 3, 4, 5, 6, 7, 8]
    counts = RunCounts.of(p.outcome for p in plans)
    assert counts == RunCounts(created=1, updated=1, skipped=5)
    assert counts.total == len(records)


@pytest.mark.parametrize(
    ("record", "name", "source_id"),
    [
        (rec(2, "ada@example.com", key="CUST-1"), "Ada Lovelace", "CUST-1"),
        # Skipped and opted-out records are named too: the error report lists them.
        (rec(3, "", key="CUST-2"), "Ada Lovelace", "CUST-2"),
        (rec(4, "x@example.com", first="", key="CUST-3", opted_out=True), "Lovelace", "CUST-3"),
        # A file without an ID column keys its rows by email or row: no id of its own.
        (rec(5, "b@example.com", key="b@example.com"), "Ada Lovelace", ""),
        (rec(6, "", key="row:6"), "Ada Lovelace", ""),
    ],
)
def test_every_plan_carries_the_persons_name_and_the_sources_own_id(
    record: SourceRecord, name: str, source_id: str
) -> None:
    p = plan_one(record)
    assert (p.row, p.name, p.source_id) == (record.row, name, source_id)


def test_a_company_without_a_persons_name_is_named_by_the_company() -> None:
    mapping = FieldMapping.of(
        {"Email": "email", "First": "first_name", "Last": "last_name", "Org": "company_name"}
    )
    company = SyncProfile(name="T", source=SourceSpec(), main_list="N", mapping=mapping, id=1)
    values = {"Email": "shop@example.com", "First": "", "Last": "", "Org": "Bun & Co"}
    p = plan_one(SourceRecord("X1", 7, values), profile=company)
    assert (p.name, p.source_id) == ("Bun & Co", "X1")
