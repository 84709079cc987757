"""State, country and phone transforms, custom field keys, and the per-run custom field checks."""

from __future__ import annotations

import phonenumbers
import pytest

from app.core.countries import country_code, subdivision
from app.core.custom_fields import check_custom_fields, find_custom_field, mapped_custom_fields
from app.core.errors import ConfigError
from app.core.mapping import FieldMapping
from app.core.records import CustomField
from app.core.transforms import (
    CountryFormat,
    PhoneFormat,
    StateFormat,
    Transformer,
    format_country,
    format_phone,
    format_state,
    import_key,
    transformer,
)

# -- states and provinces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "code", "name"),
    [
        ("Oregon", None, "OR", "Oregon"),
        ("or", None, "OR", "Oregon"),
        ("OR", "US", "OR", "Oregon"),
        ("US-OR", None, "OR", "Oregon"),
        ("Calif.", None, "CA", "California"),
        ("district of columbia", None, "DC", "District of Columbia"),
        ("Ontario", None, "ON", "Ontario"),
        ("Québec", None, "QC", "Quebec"),
        ("PQ", None, "QC", "Quebec"),
        ("Newfoundland & Labrador", None, "NL", "Newfoundland and Labrador"),
        ("New South Wales", None, "NSW", "New South Wales"),
        ("nsw", "AU", "NSW", "New South Wales"),
        ("WA", None, "WA", "Washington"),  # without a country, the US comes first
        ("WA", "AU", "WA", "Western Australia"),
        ("NT", "CA", "NT", "Northwest Territories"),
        ("NT", "AU", "NT", "Northern Territory"),
        ("Bayern", "DE", "BY", "Bayern"),  # any country pycountry knows, given the country
    ],
)
def test_states_both_ways(text, country, code, name):
    assert format_state(text, StateFormat.CODE, country) == code
    assert format_state(text, StateFormat.NAME, country) == name
    assert format_state(text, StateFormat.AS_IS, country) == text


@pytest.mark.parametrize("text", ["Narnia", "Zone 5", "FD", "  "])
def test_unknown_states_are_left_untouched(text):
    assert format_state(text, StateFormat.CODE) == text
    assert format_state(text, StateFormat.NAME) == text
    assert subdivision(text) is None


def test_a_state_is_looked_up_in_the_records_country_only():
    assert format_state("Oregon", StateFormat.CODE, "AU") == "Oregon"
    assert format_state("Western Australia", StateFormat.CODE, "US") == "Western Australia"


# -- countries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["USA", "U.S.", "U.S.A.", "United States of America", "us", "United States", "america"]
)
def test_the_many_spellings_of_the_united_states(text):
    assert format_country(text, CountryFormat.NAME) == ("United States", None)
    assert format_country(text, CountryFormat.CODE) == ("US", None)


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("Canada", "Canada", "CA"),
        ("can", "Canada", "CA"),
        ("UK", "United Kingdom", "GB"),
        ("Great Britain", "United Kingdom", "GB"),
        ("Korea, Republic of", "South Korea", "KR"),
        ("Deutschland", "Germany", "DE"),
        ("Côte d'Ivoire", "Côte d'Ivoire", "CI"),
        ("AUS", "Australia", "AU"),
    ],
)
def test_countries_to_one_form(text, name, code):
    assert format_country(text, CountryFormat.NAME) == (name, None)
    assert format_country(text, CountryFormat.CODE) == (code, None)


def test_unknown_countries_are_left_as_they_are_with_a_warning():
    value, warning = format_country("Narnia", CountryFormat.CODE)
    assert value == "Narnia"
    assert warning == 'Country "Narnia" not recognised; sent as it is'
    assert format_country("Narnia", CountryFormat.AS_IS) == ("Narnia", None)
    assert country_code("") is None


# -- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "region", "e164", "international", "national"),
    [
        ("(503) 555-0101", "US", "+15035550101", "+1 503-555-0101", "(503) 555-0101"),
        ("503.555.0101", "US", "+15035550101", "+1 503-555-0101", "(503) 555-0101"),
        ("+1 503 555 0101", None, "+15035550101", "+1 503-555-0101", "+1 503-555-0101"),
        ("416 555 0101", "CA", "+14165550101", "+1 416-555-0101", "(416) 555-0101"),
        ("020 7946 0958", "GB", "+442079460958", "+44 20 7946 0958", "020 7946 0958"),
        ("(02) 9374 4000", "AU", "+61293744000", "+61 2 9374 4000", "(02) 9374 4000"),
        ("030 1234567", "DE", "+49301234567", "+49 30 1234567", "030 1234567"),
        # A number from another country keeps its country code in the national format.
        ("+44 20 7946 0958", "US", "+442079460958", "+44 20 7946 0958", "+44 20 7946 0958"),
        ("503-555-0101 x12", "US", "+15035550101", "+1 503-555-0101 ext. 12", None),
    ],
)
def test_phones_in_several_regions(text, region, e164, international, national):
    assert format_phone(text, PhoneFormat.E164, region) == (e164, None)
    assert format_phone(text, PhoneFormat.INTERNATIONAL, region) == (international, None)
    if national is not None:
        assert format_phone(text, PhoneFormat.NATIONAL, region) == (national, None)


@pytest.mark.parametrize(
    ("text", "region"),
    [("12", "US"), ("call me", "US"), ("123-456-7890", "US"), ("555-0101", "US")],
)
def test_unreadable_phones_are_left_as_they_are_with_a_warning(text, region):
    value, warning = format_phone(text, PhoneFormat.E164, region)
    assert value == text
    assert warning == f'Phone "{text}" is not a valid phone number; sent as it is'


def test_a_phone_without_a_country_says_so():
    value, warning = format_phone("(503) 555-0101", PhoneFormat.E164, None)
    assert value == "(503) 555-0101"
    assert "no country to read it by" in warning


def test_the_north_american_fast_path_agrees_with_phonenumbers():
    # Numbers the fast path formats must come out as phonenumbers would format them.
    samples = [
        f"({npa}) {nxx}-{line:04d}"
        for npa in (212, 503, 416, 604, 999, 289)
        for nxx in (
            555,
            234,
            911,
        )
        for line in (0, 101, 9999)
    ]
    formats = {
        PhoneFormat.E164: phonenumbers.PhoneNumberFormat.E164,
        PhoneFormat.INTERNATIONAL: phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        PhoneFormat.NATIONAL: phonenumbers.PhoneNumberFormat.NATIONAL,
    }
    for text in samples:
        number = phonenumbers.parse(text, "US")
        valid = phonenumbers.is_valid_number(number)
        for ours, theirs in formats.items():
            value, warning = format_phone(text, ours, "US")
            if valid:
                assert (value, warning) == (phonenumbers.format_number(number, theirs), None)
            else:
                assert value == text and warning


# -- a whole item -----------------------------------------------------------------------------


def test_transformer_uses_the_records_country_for_states_and_phones():
    item = {
        "state": "WA",
        "country": "Australia",
        "phone": "(02) 9374 4000",
        "work_state": "Ontario",
        "work_country": "Canada",
    }
    t = Transformer(StateFormat.NAME, CountryFormat.CODE, PhoneFormat.E164)
    assert t.apply(item) == []
    assert item == {
        "state": "Western Australia",
        "country": "AU",
        "phone": "+61293744000",
        "work_state": "Ontario",
        "work_country": "CA",
    }


def test_transformer_default_region_and_warnings_in_order():
    item = {"country": "Narnia", "phone": "503 555 0101", "mobile_phone": "no phone"}
    warnings = transformer(StateFormat.AS_IS, CountryFormat.NAME, PhoneFormat.E164, "us").apply(
        item
    )
    assert item == {"country": "Narnia", "phone": "+15035550101", "mobile_phone": "no phone"}
    assert warnings == [
        'Country "Narnia" not recognised; sent as it is',
        'Phone "no phone" is not a valid phone number; sent as it is',
    ]


def test_the_default_transformer_changes_nothing():
    item = {"state": "Oregon", "country": "USA", "phone": "503 555 0101"}
    assert transformer().apply(item) == []
    assert item == {"state": "Oregon", "country": "USA", "phone": "503 555 0101"}
    assert not transformer().active


# -- custom fields ----------------------------------------------------------------------------


def test_custom_fields_are_sent_by_their_name_a_lower_case_slug_of_the_label():
    assert import_key("cf:Favourite cake") == "cf:favourite_cake"
    assert import_key("cf:Tier") == "cf:tier"
    assert import_key("cf:Best-loved  Pie!") == "cf:best_loved_pie"
    assert import_key("first_name") == "first_name"


CAKE = CustomField("id-1", "favourite_cake", "Favourite cake")
TIER = CustomField("id-2", "tier", "Tier")
LEGACY = CustomField("id-3", "Shoe_size", "Shoe size")  # named before names were slugs


def test_a_field_named_the_old_way_is_still_found():
    assert find_custom_field("Shoe size", [CAKE, LEGACY]) is LEGACY


def test_mapped_custom_fields_are_found_by_name_or_label():
    mapping = FieldMapping.of({"E-mail": "email", "Cake": "cf:Favourite cake", "T": "cf:tier"})
    assert mapped_custom_fields(mapping) == ["Favourite cake", "tier"]
    assert find_custom_field("Favourite cake", [TIER, CAKE]) is CAKE
    assert find_custom_field("tier", [TIER, CAKE]) is TIER
    check_custom_fields(mapping, [CAKE, TIER])  # nothing missing: no error


def test_a_deleted_custom_field_is_named_in_plain_words():
    mapping = FieldMapping.of({"E-mail": "email", "Cake": "cf:Favourite cake", "T": "cf:Tier"})
    with pytest.raises(ConfigError) as caught:
        check_custom_fields(mapping, [TIER])
    assert caught.value.message == (
        'The custom field "Favourite cake" was deleted in Constant Contact. Map that column to '
        "another field, or recreate the field, then sync again."
    )
    with pytest.raises(ConfigError, match='fields "Favourite cake", "Tier" were deleted'):
        check_custom_fields(mapping, [])


def test_more_than_25_custom_fields_stop_the_run():
    mapping = FieldMapping.of({f"Col {i}": f"cf:Field {i}" for i in range(26)})
    with pytest.raises(ConfigError, match=r"maps 26 custom fields; .* at most 25"):
        check_custom_fields(mapping, [])
