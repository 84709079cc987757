"""A single name column split into first and last name; a date of birth to month and day."""

from __future__ import annotations

import pytest

from app.core.derived_fields import (
    anniversary_value,
    birthday_parts,
    expand,
    preview_split,
    split_full_name,
)
from app.core.mapping_suggest import suggest_mapping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("Dr. Ada King-Lovelace", ("Ada", "King-Lovelace")),  # the title is not sent
        ("Mrs Jane Smith", ("Jane", "Smith")),
        ("John Smith Jr.", ("John", "Smith")),  # nor the suffix
        ("Lovelace, Ada", ("Ada", "Lovelace")),  # "Last, First"
        ("Smith, John Paul III", ("John Paul", "Smith")),
        ("Mary Ann Smith", ("Mary Ann", "Smith")),  # the middle name stays with the first
        ("Ada van der Berg", ("Ada", "van der Berg")),
        ("Cher", ("Cher", "")),  # one word: a first name only
        ("  Ada   Lovelace ", ("Ada", "Lovelace")),
    ],
)
def test_a_persons_name_is_split_into_first_and_last(text, expected):
    assert split_full_name(text) == expected


@pytest.mark.parametrize(
    "text", ["Acme Ltd", "Smith & Sons", "Bakery 42", "Main Street Bakery", "Widgets LLC", ""]
)
def test_a_business_name_is_left_alone(text):
    assert split_full_name(text) is None


def test_the_preview_shows_what_is_sent():
    assert preview_split("Dr. Ada King-Lovelace") == "Dr. Ada King-Lovelace → Ada / King-Lovelace"
    assert preview_split("Cher") == "Cher → Cher / —"
    assert "business" in preview_split("Acme Ltd")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-03-05", ("3", "5")),
        ("03/05/1990", ("3", "5")),  # month first, as Constant Contact reads dates
        ("1990-03-05 00:00:00", ("3", "5")),  # a spreadsheet's date cell
        ("2000-02-29", ("2", "29")),
        ("1990-02-30", None),
        ("next Tuesday", None),
        ("", None),
    ],
)
def test_a_date_of_birth_gives_month_and_day(text, expected):
    assert birthday_parts(text) == expected


def test_an_anniversary_goes_in_a_form_constant_contact_takes():
    assert anniversary_value("6/21/2010") == "2010-06-21"
    assert anniversary_value("2010-06-21 00:00:00") == "2010-06-21"
    assert anniversary_value("soon") is None


def test_expand_replaces_the_derived_fields_and_keeps_own_columns():
    mapped = {"full_name": "Dr. Ada King-Lovelace", "birthday": "1815-12-10"}
    assert expand(mapped) == []
    assert mapped == {
        "first_name": "Ada",
        "last_name": "King-Lovelace",
        "birthday_month": "12",
        "birthday_day": "10",
    }
    own = {"full_name": "Ada Lovelace", "first_name": "Augusta"}
    expand(own)
    assert own == {"first_name": "Augusta", "last_name": "Lovelace"}


def test_an_anniversary_constant_contact_takes_is_sent_as_it_is():
    plain = {"anniversary": "6/21/2010"}
    expand(plain)
    assert plain == {"anniversary": "6/21/2010"}  # unchanged: no resend for old profiles
    cell = {"anniversary": "2010-06-21 00:00:00"}
    expand(cell)
    assert cell == {"anniversary": "2010-06-21"}


def test_expand_says_what_it_could_not_use():
    mapped = {"full_name": "Acme Ltd", "birthday": "unknown", "anniversary": "sometime"}
    warnings = expand(mapped)
    assert mapped == {"anniversary": "sometime"}  # left for the date check to refuse
    assert any("Acme Ltd" in w and "business" in w for w in warnings)
    assert any('Birthday "unknown"' in w for w in warnings)


def test_a_single_name_column_is_suggested_as_a_full_name():
    assert suggest_mapping(["Name", "Email"]).source_for("full_name") == "Name"
    assert suggest_mapping(["Customer Name", "Email"]).source_for("full_name") == "Customer Name"
    both = suggest_mapping(["First Name", "Last Name", "Full Name", "Email"])
    assert both.source_for("full_name") is None  # its own columns win
    dates = suggest_mapping(["Email", "Date of birth", "Anniversary"])
    assert dates.source_for("birthday") == "Date of birth"
    assert dates.source_for("anniversary") == "Anniversary"
