"""The item plan sends exactly what mapping, transforming, checking and trimming would.

``ItemPlan`` works out per profile what the planner used to work out per record. Whatever
the mapping, options and values, the item it builds (keys in the same order), its warnings
and what Constant Contact would refuse are those of the plain composition of the core steps,
kept here as the model.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.fields import ADDRESS_KEYS, PHONE_KEYS, max_length
from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.core.transforms import CountryFormat, PhoneFormat, StateFormat, import_key, transformer
from app.core.validation import cc_first_name, check_record_values, trim_with_note
from app.sync.item_plan import DATE_KEYS, ItemPlan

TARGETS = [
    "email",
    "first_name",
    "last_name",
    "company_name",
    "job_title",
    "phone",
    "mobile_phone",
    "work_phone",
    "street",
    "city",
    "state",
    "zip",
    "country",
    "cf:Favourite Cake",
    "birthday_month",
    "birthday_day",
    "anniversary",
]
VALUES = [
    "",
    "  ",
    " Ann ",
    "T.J.",
    "..",
    "Dr. No",
    "OR",
    "Oregon",
    "wa",
    "NSW",
    "Bavaria",
    "US",
    "USA",
    "Australia",
    "Atlantis",
    "(503) 555-0101",
    "+44 20 7946 0958",
    "0412 345 678",
    "555-0101",
    "12345",
    "2",
    "13",
    "29",
    "2024-02-30",
    "2024-03-05",
    "x" * 60,
    "Senior Vice President, Global Operations & Sales 👩\u200d💼 (EMEA)",
    "L" * 260,
]
COLUMNS = [f"Column {c}" for c in "ABCDEFGH"]


@st.composite
def profiles(draw: st.DrawFn) -> SyncProfile:
    # Targets drawn with replacement: a field mapped twice must behave as FieldMapping does.
    pairs = [FieldMap(c, draw(st.sampled_from(TARGETS))) for c in COLUMNS if draw(st.booleans())]
    options = SyncOptions(
        state_format=draw(st.sampled_from(StateFormat)),
        country_format=draw(st.sampled_from(CountryFormat)),
        phone_format=draw(st.sampled_from(PhoneFormat)),
        phone_region=draw(st.sampled_from(["", "US", "gb", "AU"])),
        sync_addresses=draw(st.booleans()),
        sync_phones=draw(st.booleans()),
        unknown_for_blank_names=draw(st.booleans()),
    )
    return SyncProfile(
        "P", SourceSpec(), "News", options=options, mapping=FieldMapping(tuple(pairs))
    )


def model(profile: SyncProfile, record: SourceRecord, email: str) -> tuple:
    """The steps one by one, as the planner took them before the item plan."""
    opts = profile.options
    mapped = profile.mapping.apply(record.values)
    for key in list(mapped):
        if key == "email" or (
            (not opts.sync_addresses and key in ADDRESS_KEYS)
            or (not opts.sync_phones and key in PHONE_KEYS)
        ):
            del mapped[key]
    found = transformer(
        opts.state_format, opts.country_format, opts.phone_format, opts.phone_region
    )
    warnings = [*found.apply(mapped), *record.notes]
    refused: list[str] = []
    if not DATE_KEYS.isdisjoint(mapped):
        dates = {k: v for k, v in mapped.items() if k in DATE_KEYS}
        refused = check_record_values({**dates, "email": email})
    if "." in mapped.get("first_name", ""):
        value, warning = cc_first_name(mapped["first_name"])
        if warning:
            warnings.append(warning)
        if value:
            mapped["first_name"] = value
        else:
            del mapped["first_name"]
    item: dict[str, str] = {}
    for key, value in mapped.items():
        if len(value) > max_length(key):
            value, note = trim_with_note(key, value)
            if note:
                warnings.append(note)
        item[import_key(key)] = value
    if opts.unknown_for_blank_names:
        item.setdefault("first_name", "Unknown")
        item.setdefault("last_name", "Unknown")
    item["email"] = email
    return list(item.items()), warnings, list(refused)


@settings(max_examples=300, deadline=None)
@given(
    profile=profiles(),
    values=st.fixed_dictionaries(
        {c: st.sampled_from(VALUES) | st.text(max_size=8) for c in COLUMNS}
    ),
    notes=st.lists(st.sampled_from(["Column A: control characters were removed"]), max_size=1),
)
def test_the_item_plan_builds_what_the_steps_one_by_one_build(
    profile: SyncProfile, values: dict[str, str], notes: list[str]
) -> None:
    record = SourceRecord("k", 2, values, notes=tuple(notes))
    item, warnings, refused = ItemPlan(profile).build(record, "ann@example.com")
    assert (list(item.items()), list(warnings), list(refused)) == model(
        profile, record, "ann@example.com"
    )
