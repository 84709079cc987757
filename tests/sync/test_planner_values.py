"""The planner checks values as Constant Contact would, before anything is sent."""

from __future__ import annotations

import pytest

from app.core.mapping import FieldMapping
from app.core.profiles import SourceSpec, SyncOptions, SyncProfile
from app.core.records import SourceRecord
from app.sync.planner import Action, PlanContext, Planner

MAPPING = FieldMapping.of(
    {
        "Email": "email",
        "First": "first_name",
        "Month": "birthday_month",
        "Day": "birthday_day",
        "Wed": "anniversary",
    }
)


def plan(**values: str) -> object:
    profile = SyncProfile("T", SourceSpec(), "News", options=SyncOptions(), mapping=MAPPING, id=1)
    base = {"Email": "ann@example.com", "First": "Ann", "Month": "", "Day": "", "Wed": ""}
    record = SourceRecord("k", 7, {**base, **values})
    return Planner(PlanContext(profile=profile)).plan(record)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"Month": "June", "Day": "3"}, "Birthday month"),
        ({"Month": "13", "Day": "3"}, "Birthday month"),
        ({"Month": "2", "Day": "30"}, "Birthday day 30"),
        ({"Month": "2"}, "Birthday month is set"),
        ({"Wed": "2024-02-30"}, 'Anniversary "2024-02-30"'),
        ({"Wed": "June"}, 'Anniversary "June"'),
        ({"Wed": "2024-06"}, 'Anniversary "2024-06"'),
    ],
    ids=["month-word", "month-13", "feb-30", "half-birthday", "feb-30-anniv", "word", "partial"],
)
def test_a_date_constant_contact_would_refuse_is_skipped_naming_the_field(
    values: dict[str, str], field: str
) -> None:
    planned = plan(**values)
    assert planned.action is Action.SKIP  # type: ignore[attr-defined]
    assert field in planned.reason  # type: ignore[attr-defined]
    assert planned.reason.startswith("Constant Contact would refuse")  # type: ignore[attr-defined]


def test_good_dates_are_sent() -> None:
    planned = plan(Month="2", Day="29", Wed="2024-03-05")
    assert planned.action is Action.CREATE  # type: ignore[attr-defined]
    assert planned.item["birthday_month"] == "2"  # type: ignore[attr-defined]


def test_notes_from_reading_the_file_show_with_the_result() -> None:
    note = "First: control characters (such as NUL, DEL or terminal codes) were removed"
    record = SourceRecord("k", 3, {"Email": "a@example.com", "First": "Bob"}, notes=(note,))
    profile = SyncProfile("T", SourceSpec(), "News", mapping=MAPPING, id=1)
    planned = Planner(PlanContext(profile=profile)).plan(record)
    assert note in planned.warnings


def test_an_over_long_value_says_what_was_sent_and_what_was_left_out() -> None:
    mapping = FieldMapping.of({"Email": "email", "Title": "job_title"})
    profile = SyncProfile("T", SourceSpec(), "News", mapping=mapping, id=1)
    title = "Senior Vice President, Global Operations & Sales 👩\u200d💼 (EMEA)"
    record = SourceRecord("k", 3, {"Email": "a@example.com", "Title": title})
    planned = Planner(PlanContext(profile=profile)).plan(record)
    # 50 falls inside the emoji (woman, joiner, briefcase, at 49 to 51): all of it is left out.
    assert planned.item["job_title"] == "Senior Vice President, Global Operations & Sales "
    assert planned.warnings == (
        "Job title was longer than Constant Contact allows (50 characters): "
        'sent "Senior Vice President, Global Operations & Sales ", '
        'left out "👩\u200d💼 (EMEA)"',
    )


def test_a_full_name_and_a_date_of_birth_are_sent_as_constant_contact_fields() -> None:
    mapping = FieldMapping.of(
        {"Email": "email", "Name": "full_name", "DOB": "birthday", "Wed": "anniversary"}
    )
    profile = SyncProfile("T", SourceSpec(), "News", options=SyncOptions(), mapping=mapping, id=1)
    values = {
        "Email": "ada@example.com",
        "Name": "Dr. Ada King-Lovelace",
        "DOB": "1815-12-10 00:00:00",
        "Wed": "1835-07-08 00:00:00",
    }
    planned = Planner(PlanContext(profile=profile)).plan(SourceRecord("k", 2, values))  # type: ignore[arg-type]
    assert planned.action is Action.CREATE  # type: ignore[attr-defined]
    item = planned.item  # type: ignore[attr-defined]
    assert (item["first_name"], item["last_name"]) == ("Ada", "King-Lovelace")
    assert (item["birthday_month"], item["birthday_day"]) == ("12", "10")
    assert item["anniversary"] == "1835-07-08"
    assert "full_name" not in item and "birthday" not in item
    company = {**values, "Name": "Acme Ltd", "DOB": "someday"}
    planned = Planner(PlanContext(profile=profile)).plan(SourceRecord("k", 3, company))  # type: ignore[arg-type]
    assert "first_name" not in planned.item  # type: ignore[attr-defined]
    assert any("business" in w for w in planned.warnings)  # type: ignore[attr-defined]
