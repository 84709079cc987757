"""A re-sync knows an unchanged record by the digest of its source values, without making its
item again, and is never fooled by it: any change that would change what is sent is sent."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.mapping import FieldMapping
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.core.transforms import PhoneFormat
from app.sync.fingerprint import item_part, source_part
from app.sync.planner import Action, LinkInfo, PlanContext, PlannedRecord, Planner, RemoteInfo

MAPPING = FieldMapping.of(
    {"Email": "email", "First": "first_name", "Last": "last_name", "Phone": "phone"}
)


def profile(main_list: str = "Newsletter", **options: object) -> SyncProfile:
    return SyncProfile(
        name="Test",
        source=SourceSpec(),
        main_list=main_list,
        options=SyncOptions(**options),  # type: ignore[arg-type]
        mapping=MAPPING,
        id=1,
    )


def rec(row: int, first: str = "Ada", last: str = "Lovelace", **extra: str) -> SourceRecord:
    values = {"Email": f"p{row}@example.com", "First": first, "Last": last, **extra}
    return SourceRecord(f"k{row}", row, values)


def plan(records: list[SourceRecord], prof: SyncProfile, links: dict | None = None) -> list:
    return list(Planner(PlanContext(prof, links or {})).plan_all(records))


def links_after(planned: list[PlannedRecord], strip: bool = False) -> dict[str, LinkInfo]:
    """The links a successful push of these plans leaves (``strip``: as an older version kept
    them, with the item's fingerprint alone)."""
    return {
        p.key: LinkInfo(f"c-{p.row}", p.email, item_part(p.fingerprint) if strip else p.fingerprint)
        for p in planned
        if p.action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED)
    }


def test_a_pushed_record_keeps_the_digest_of_its_source_values_and_is_unchanged_next_time() -> None:
    prof = profile()
    (first,) = plan([rec(2)], prof)
    assert first.action is Action.CREATE
    assert source_part(first.fingerprint)  # kept with the link from now on
    (again,) = plan([rec(2)], prof, links_after([first]))
    assert (again.action, again.reason) == (Action.UNCHANGED, "Already up to date")
    assert again.fingerprint == first.fingerprint


def test_a_changed_value_is_sent_though_the_link_has_a_digest() -> None:
    prof = profile()
    (first,) = plan([rec(2)], prof)
    (again,) = plan([rec(2, first="Augusta")], prof, links_after([first]))
    assert again.action is Action.UPDATE
    assert again.item is not None and again.item["first_name"] == "Augusta"
    assert source_part(again.fingerprint) != source_part(first.fingerprint)


def test_a_value_written_another_way_that_sends_the_same_is_still_unchanged() -> None:
    prof = profile()
    (first,) = plan([rec(2)], prof)
    # Another digest (the spaces), but the same item: known by making the item, as before.
    (again,) = plan([rec(2, first="  Ada ")], prof, links_after([first]))
    assert again.action is Action.UNCHANGED
    assert item_part(again.fingerprint) == item_part(first.fingerprint)


def test_a_new_phone_format_sends_every_phone_again() -> None:
    before = profile(phone_format=PhoneFormat.AS_IS, phone_region="US")
    (first,) = plan([rec(2, Phone="(503) 555-0101")], before)
    after = profile(phone_format=PhoneFormat.E164, phone_region="US")
    (again,) = plan([rec(2, Phone="(503) 555-0101")], after, links_after([first]))
    assert again.action is Action.UPDATE
    assert again.item is not None and again.item["phone"] == "+15035550101"


def test_a_new_mapping_sends_the_newly_mapped_field() -> None:
    prof = profile()
    (first,) = plan([rec(2, City="Paris")], prof)
    mapped = replace(prof, mapping=FieldMapping.of({**MAPPING.as_dict(), "City": "city"}))
    (again,) = plan([rec(2, City="Paris")], mapped, links_after([first]))
    assert again.action is Action.UPDATE
    assert again.item is not None and again.item["city"] == "Paris"


def test_another_main_list_is_not_taken_for_unchanged() -> None:
    (first,) = plan([rec(2)], profile("Newsletter"))
    (again,) = plan([rec(2)], profile("Members"), links_after([first]))
    assert again.action is Action.UPDATE


def test_a_record_whose_item_came_with_warnings_gives_them_again() -> None:
    prof = profile()
    (first,) = plan([rec(2, first="A" * 60)], prof)  # cut to Constant Contact's 50
    assert first.warnings and not source_part(first.fingerprint)
    (again,) = plan([rec(2, first="A" * 60)], prof, links_after([first]))
    assert again.action is Action.UNCHANGED
    assert again.warnings == first.warnings


def test_values_holding_the_gap_between_values_are_not_taken_for_each_other() -> None:
    prof = profile()
    (first,) = plan([rec(2, first="Ada\x1fLove", last="lace")], prof)
    assert not source_part(first.fingerprint)  # no digest for values it cannot tell apart
    (again,) = plan([rec(2, first="Ada", last="Love\x1flace")], prof, links_after([first]))
    assert again.action is Action.UPDATE


def test_links_kept_before_digests_existed_plan_the_same_and_gain_one() -> None:
    prof = profile()
    first = plan([rec(2), rec(3)], prof)
    again = plan([rec(2), rec(3, first="Grace")], prof, links_after(first, strip=True))
    assert [p.action for p in again] == [Action.UNCHANGED, Action.UPDATE]
    assert all(source_part(p.fingerprint) for p in again)


def test_someone_off_the_main_list_is_put_back_though_their_values_did_not_change() -> None:
    prof = profile()
    (first,) = plan([rec(2)], prof)
    remote = {"p2@example.com": RemoteInfo("c-2", "implicit", on_main_list=False)}
    ctx = PlanContext(prof, links_after([first]), remote)
    (again,) = Planner(ctx).plan_all([rec(2)])
    assert (again.action, again.reason) == (Action.UPDATE, "Put back on the main list")


# Values that stress the digest: blanks, spaces, the gap, names with dots, long ones, phones.
VALUE = st.sampled_from(
    ["", " ", "Ada", " Ada", "Ada ", "T.J.", "A" * 60, "\x1f", "a\x1fb", "Zoë", "503 555 0101"]
)


@settings(max_examples=150, deadline=None)
@given(
    before=st.lists(st.tuples(VALUE, VALUE, VALUE), min_size=1, max_size=6),
    edits=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), VALUE), max_size=6),
    e164=st.booleans(),
)
def test_plans_with_digests_are_the_plans_made_from_items(
    before: list[tuple[str, str, str]], edits: list[tuple[int, int, str]], e164: bool
) -> None:
    """With or without the digests kept, a re-sync plans every record the same way: the same
    action, item and warnings (only the kept fingerprint's digest may differ)."""
    fields = ("First", "Last", "Phone")

    def record(row: int, values: tuple[str, ...]) -> SourceRecord:
        values_by_column = dict(zip(fields, values, strict=True))
        return SourceRecord(f"k{row}", row, {"Email": f"p{row}@example.com", **values_by_column})

    prof = profile(phone_format=PhoneFormat.E164 if e164 else PhoneFormat.AS_IS, phone_region="US")
    first = plan([record(n, v) for n, v in enumerate(before)], prof)
    rows = [list(v) for v in before]
    for row, column, value in edits:
        if row < len(rows):
            rows[row][column] = value
    records = [record(n, tuple(v)) for n, v in enumerate(rows)]
    with_digests = plan(records, prof, links_after(first))
    from_items = plan(records, prof, links_after(first, strip=True))

    def seen(p: PlannedRecord) -> tuple:
        return (p.action, p.reason, p.item, p.warnings, item_part(p.fingerprint), p.detail)

    assert [seen(p) for p in with_digests] == [seen(p) for p in from_items]
