"""The planner sends each address in the form Constant Contact accepts, and matches by it."""

from __future__ import annotations

from app.core.mapping import FieldMapping
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import Permission, SourceRecord
from app.sync.planner import (
    Action,
    LinkInfo,
    PlanContext,
    PlannedRecord,
    Planner,
    Reason,
    RemoteInfo,
    fingerprint,
)

MAPPING = FieldMapping.of({"Email": "email", "First": "first_name", "Title": "job_title"})
PROFILE = SyncProfile("T", SourceSpec(), "News", options=SyncOptions(), mapping=MAPPING, id=1)
PUNY = "user@xn--bcher-kva.de"


def rec(row: int, email: str, first: str = "Ann", key: str = "") -> SourceRecord:
    return SourceRecord(key or f"k{row}", row, {"Email": email, "First": first, "Title": ""})


def plan(*records: SourceRecord, **ctx: object) -> list[PlannedRecord]:
    planner = Planner(PlanContext(profile=PROFILE, **ctx))  # type: ignore[arg-type]
    return [planner.plan(r) for r in records]


def test_an_idn_address_is_sent_as_punycode_with_a_note() -> None:
    (p,) = plan(rec(2, "user@bücher.de"))
    assert p.action is Action.CREATE
    assert p.item["email"] == p.email == PUNY
    assert p.warnings[0] == (
        f'Email "user@bücher.de" sent as "{PUNY}", the form Constant Contact accepts'
    )


def test_an_idn_address_matches_the_contact_constant_contact_holds_in_punycode() -> None:
    remote = {PUNY: RemoteInfo("c-1", Permission.IMPLICIT, on_main_list=True)}
    (p,) = plan(rec(2, "User@BÜCHER.de"), remote=remote)
    assert (p.action, p.matched_existing, p.contact_id) == (Action.UPDATE, True, "c-1")


def test_the_second_sync_of_an_idn_address_is_unchanged() -> None:
    (first,) = plan(rec(2, "user@bücher.de"))
    link = LinkInfo("c-1", first.email, first.fingerprint)
    remote = {PUNY: RemoteInfo("c-1", Permission.IMPLICIT, on_main_list=True)}
    (again,) = plan(rec(2, "user@bücher.de"), links={"k2": link}, remote=remote)
    assert again.action is Action.UNCHANGED
    assert again.fingerprint == fingerprint(first.item or {}, "News")


def test_the_unicode_and_punycode_forms_in_one_file_are_one_person() -> None:
    first, second = plan(rec(2, "user@bücher.de"), rec(3, "USER@xn--bcher-kva.de"))
    assert first.action is Action.CREATE
    assert (second.action, second.reason) == (Action.SKIP, Reason.DUPLICATE.format(row=2))


def test_an_unsubscribed_contact_is_found_by_its_punycode_address() -> None:
    remote = {PUNY: RemoteInfo("c-1", Permission.UNSUBSCRIBED, on_main_list=False)}
    (p,) = plan(rec(2, "user@bücher.de"), remote=remote)
    assert (p.action, p.reason) == (Action.SKIP, Reason.UNSUBSCRIBED)


def test_addresses_constant_contact_refuses_are_skipped_naming_the_field() -> None:
    accented, two, semi, huge = plan(
        rec(2, "zoë@example.com"),
        rec(3, "a@x.com, b@y.com"),
        rec(4, "a@x.com;b@y.com"),
        rec(5, "a" * 100_000 + "@x.com"),
    )
    assert all(p.action is Action.SKIP for p in (accented, two, semi, huge))
    assert accented.reason.startswith('Email address "zoë@example.com" has accented letters')
    assert "holds more than one address" in two.reason
    assert "holds more than one address" in semi.reason
    assert "100,006 characters long" in huge.reason and len(huge.reason) < 200


def test_spaces_around_an_address_are_trimmed_without_a_note() -> None:
    (p,) = plan(rec(2, "  spaced@x.com "))
    assert (p.action, p.item["email"], p.warnings) == (Action.CREATE, "spaced@x.com", ())
