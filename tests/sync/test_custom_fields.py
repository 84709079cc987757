"""Custom fields and value transforms: in the planner, and pushed to the emulator end to end."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.errors import ConfigError
from app.core.mapping import FieldMapping
from app.core.outcomes import RunStatus
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.core.transforms import CountryFormat, PhoneFormat, StateFormat
from app.sync.planner import Action, PlanContext, Planner
from tests.sync.conftest import IMPORT_KEY

MAPPING = FieldMapping.of(
    {
        "Email": "email",
        "First": "first_name",
        "Phone": "phone",
        "State": "state",
        "Country": "country",
        "Cake": "cf:Favourite cake",
    }
)


def plan_one(values: dict[str, str], **options: object) -> tuple[dict[str, str], tuple[str, ...]]:
    profile = SyncProfile(
        "Test",
        SourceSpec(),
        "Newsletter",
        options=SyncOptions(**options),  # type: ignore[arg-type]
        mapping=MAPPING,
        id=1,
    )
    planned = Planner(PlanContext(profile)).plan(SourceRecord("k1", 2, values))
    assert planned.action is Action.CREATE and planned.item is not None
    return dict(planned.item), planned.warnings


ROW = {
    "Email": "ada@example.com",
    "First": "Ada",
    "Phone": "503.555.0101",
    "State": "Oregon",
    "Country": "USA",
    "Cake": "Lemon drizzle",
}


def test_the_planner_sends_values_as_they_are_by_default():
    item, warnings = plan_one(ROW)
    assert item == {
        "email": "ada@example.com",
        "first_name": "Ada",
        "phone": "503.555.0101",
        "state": "Oregon",
        "country": "USA",
        "cf:favourite_cake": "Lemon drizzle",
    }
    assert warnings == ()


def test_the_planner_applies_the_transform_options():
    item, warnings = plan_one(
        ROW,
        state_format=StateFormat.CODE,
        country_format=CountryFormat.NAME,
        phone_format=PhoneFormat.E164,
    )
    assert (item["state"], item["country"], item["phone"]) == (
        "OR",
        "United States",
        "+15035550101",
    )
    assert warnings == ()
    item, _ = plan_one(
        {**ROW, "State": "NSW", "Country": "Australia", "Phone": "(02) 9374 4000"},
        state_format=StateFormat.NAME,
        country_format=CountryFormat.CODE,
        phone_format=PhoneFormat.INTERNATIONAL,
    )
    assert (item["state"], item["country"], item["phone"]) == (
        "New South Wales",
        "AU",
        "+61 2 9374 4000",
    )


def test_unknown_values_are_sent_as_they_are_with_warnings_and_trimmed_last():
    item, warnings = plan_one(
        {
            **ROW,
            "State": "Zone 5",
            "Country": "Narnia",
            "Phone": "ask at the desk",
            "Cake": "x" * 300,
        },
        state_format=StateFormat.CODE,
        country_format=CountryFormat.CODE,
        phone_format=PhoneFormat.E164,
        phone_region="US",
    )
    assert (item["state"], item["country"], item["phone"]) == (
        "Zone 5",
        "Narnia",
        "ask at the desk",
    )
    assert item["cf:favourite_cake"] == "x" * 255
    assert warnings == (
        'Country "Narnia" not recognised; sent as it is',
        'Phone "ask at the desk" is not a valid phone number; sent as it is',
        "Custom: Favourite cake was longer than Constant Contact allows (255 characters): "
        f'sent "{"x" * 40}…{"x" * 19}", left out "{"x" * 39}…"',
    )


def test_transform_options_survive_a_round_trip_through_dicts():
    options = SyncOptions(
        state_format=StateFormat.NAME,
        country_format=CountryFormat.CODE,
        phone_format=PhoneFormat.NATIONAL,
        phone_region="CA",
    )
    stored = {k: str(v) if isinstance(v, str) else v for k, v in options.to_dict().items()}
    assert SyncOptions.from_dict(stored) == options
    assert SyncOptions.from_dict(stored).state_format is StateFormat.NAME


# -- end to end on the emulator ---------------------------------------------------------------


def with_cake_column(bakery, label: str = "Favourite cake") -> SyncProfile:
    """The sample profile with its "Customer Type" column sent to a custom field."""
    profile = bakery.profile
    pairs = profile.mapping.as_dict()
    pairs["Customer Type"] = f"cf:{label}"
    return bakery.service.profiles.save(replace(profile, mapping=FieldMapping.of(pairs)))


def test_a_mapped_custom_field_reaches_the_contact(bakery):
    field_id = bakery.emulator.create_custom_field("Favourite cake")
    with_cake_column(bakery)
    summary = bakery.run()
    assert summary.status is RunStatus.COMPLETED
    row = next(r for r in bakery.rows() if r["Email Address"] == "grace.hopper@example.com")
    contact = bakery.emulator.get_contact("grace.hopper@example.com")
    assert {"custom_field_id": field_id, "value": row["Customer Type"]} in contact["custom_fields"]
    pushed = next(r for r in bakery.rows() if r["Email Address"].startswith("ada."))
    contact = bakery.emulator.get_contact(pushed["Email Address"].lower())
    assert contact["custom_fields"] == [
        {"custom_field_id": field_id, "value": pushed["Customer Type"]}
    ]


def test_a_deleted_custom_field_stops_the_run_before_any_write(bakery):
    with_cake_column(bakery)  # "Favourite cake" does not exist (or was deleted) in the account
    bakery.emulator.reset_counts()
    with pytest.raises(ConfigError) as caught:
        bakery.run()
    assert caught.value.message == (
        'The custom field "Favourite cake" was deleted in Constant Contact. Map that column to '
        "another field, or recreate the field, then sync again."
    )
    counts = bakery.emulator.request_counts()
    assert counts.get(IMPORT_KEY, 0) == 0
    assert not [k for k in counts if not k.startswith("GET ")], counts  # no write at all
    last = bakery.service.runs.history(bakery.profile.id)[0]
    assert last.status is RunStatus.FAILED and "Favourite cake" in last.message
