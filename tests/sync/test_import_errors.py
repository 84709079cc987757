"""app.sync.import_errors: an import's error messages name the record's own source row."""

from __future__ import annotations

from app.sync.import_errors import ImportItem, attribute_errors, refused_reason

# A chunk as sent: position 1 is the first item. Source rows skip (blank rows, records
# not sent), so an item's position and its row differ.
ITEMS = [
    ImportItem(101, 2, "ada@example.com"),
    ImportItem(102, 5, "o'brien@example.com"),
    ImportItem(103, 14, "zoe@example.com"),
]


def test_the_emulators_message_is_attributed_by_email_and_names_the_source_row() -> None:
    errors = ["Row 3 (zoe@example.com): a contact can have at most 3 phone numbers"]
    assert attribute_errors(errors, ITEMS) == {
        103: "Row 14: Constant Contact refused it: a contact can have at most 3 phone numbers"
    }


def test_a_position_without_an_email_is_the_item_at_that_place_in_the_import() -> None:
    errors = ["Row 2: email is required", "line 1 - first_name is too long"]
    assert attribute_errors(errors, ITEMS) == {
        102: "Row 5: Constant Contact refused it: email is required",
        101: "Row 2: Constant Contact refused it: first_name is too long",
    }


def test_the_email_wins_over_a_position_that_disagrees() -> None:
    # A 0-based position would point at the wrong item; the address does not lie.
    errors = ["Row 0 (ADA@example.com): invalid email address"]
    assert attribute_errors(errors, ITEMS) == {
        101: "Row 2: Constant Contact refused it: invalid email address"
    }


def test_an_apostrophe_address_is_not_mistaken_for_a_shorter_one() -> None:
    errors = ["Contact 'o'brien@example.com' was refused: blocked domain"]
    assert attribute_errors(errors, ITEMS) == {
        102: "Row 5: Constant Contact refused it: "
        "Contact 'o'brien@example.com' was refused: blocked domain"
    }


def test_errors_about_no_record_of_the_chunk_are_left_out() -> None:
    errors = ["Row 9 (someone@else.com): invalid", "The import took too long", "Row 40: x"]
    assert attribute_errors(errors, ITEMS) == {}


def test_two_errors_for_one_record_are_both_kept_once() -> None:
    errors = [
        "Row 1 (ada@example.com): phone is too long",
        "Row 1 (ada@example.com): phone is too long",
        "Row 1 (ada@example.com): city is too long",
    ]
    assert attribute_errors(errors, ITEMS) == {
        101: "Row 2: Constant Contact refused it: phone is too long; city is too long"
    }


def test_a_record_without_a_row_gets_no_row_prefix() -> None:
    assert refused_reason(0, "invalid") == "Constant Contact refused it: invalid"
    assert refused_reason(7, "invalid") == "Row 7: Constant Contact refused it: invalid"
