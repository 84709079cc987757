"""Values as Constant Contact keeps them, and comparisons of what was sent with what is read."""

from __future__ import annotations

import pytest

from app.core.normalise import kept_value, normalise_value, normalised, same_items, same_value


@pytest.mark.parametrize(
    ("key", "value", "country", "kept"),
    [
        ("state", "IL", "", "Illinois"),
        ("state", "CA", "", "California"),  # no country: a US state first
        ("state", "il", "US", "Illinois"),
        ("state", "Calif.", "United States", "California"),
        ("state", "ON", "Canada", "Ontario"),
        ("work_state", "WA", "AU", "Western Australia"),
        ("state", "Atlantis", "", "Atlantis"),  # unknown: as it was
        ("country", "US", "", "United States"),
        ("home_country", "usa", "", "United States"),
        ("country", "Nowhere", "", "Nowhere"),
        ("first_name", "  Ada   Lovelace ", "", "Ada Lovelace"),
        ("city", "   ", "", ""),
    ],
)
def test_values_as_constant_contact_keeps_them(key, value, country, kept):
    assert normalise_value(key, value, country) == kept


def test_an_item_is_normalised_address_by_address_with_each_own_country():
    item = {"state": "ON", "country": "CA", "work_state": "CA", "first_name": "Ada"}
    assert normalised(item) == {
        "state": "Ontario",
        "country": "Canada",
        "work_state": "California",  # the work address has no country: a US state
        "first_name": "Ada",
    }


def test_what_was_sent_matches_what_is_read_back():
    assert same_value("state", "IL", "Illinois")
    assert same_value("state", "illinois", "Illinois")
    assert same_value("country", "US", "United States")
    assert same_value("state", "ON", "Ontario", country="Canada")
    assert not same_value("state", "IL", "Indiana")
    assert not same_value("first_name", "ada", "Ada")  # a name's letter case is an edit
    assert same_value("first_name", "Ada ", "Ada")


def test_the_street_read_back_holds_both_lines_sent():
    sent = {"street": "1 Main St", "street2": "Apt 2", "state": "IL", "country": "US"}
    assert kept_value(sent, "street") == "1 Main St Apt 2"
    assert same_value("street", kept_value(sent, "street"), "1 Main St\nApt 2")
    assert kept_value({"street2": "Apt 2"}, "street") == "Apt 2"
    assert kept_value(sent, "state") == "Illinois"
    assert kept_value(sent, "city") == ""


def test_items_written_another_way_are_the_same():
    before = {"email": "a@example.com", "state": "IL", "country": "US", "city": "Chicago"}
    assert same_items(before, {**before, "state": "Illinois", "country": "United States"})
    assert same_items(before, {**before, "zip": ""})  # a blank is no value
    assert not same_items(before, {**before, "city": "Springfield"})
    assert not same_items(before, {**before, "state": "IN"})
