"""Email validation, trimming to field limits, and record value checks."""

from __future__ import annotations

import time

import pytest
from email_validator import EmailNotValidError
from email_validator import validate_email as library_validate

from app.core.validation import (
    cc_first_name,
    check_record_values,
    is_consent_value,
    is_opt_out_value,
    trim_to_limit,
    validate_email,
)

VALID = [
    ("john.smith@example.com", "john.smith@example.com"),
    ("  John.Smith@Example.COM ", "John.Smith@example.com"),
    ("o'brien+news@mail.co.uk", "o'brien+news@mail.co.uk"),
    ("a_b-c@sub-domain.example.org", "a_b-c@sub-domain.example.org"),
    # An internationalised domain is sent in its punycode (A-label) form, the ASCII form
    # Constant Contact accepts; one already in that form is taken as written.
    ("x@xn--mnchen-3ya.de", "x@xn--mnchen-3ya.de"),
    ("X@XN--MNCHEN-3YA.DE", "X@xn--mnchen-3ya.de"),
    ("a@münchen.de", "a@xn--mnchen-3ya.de"),
    ("user@Straße.DE", "user@xn--strae-oqa.de"),
    ("b@MÜNCHEN.de", "b@xn--mnchen-3ya.de"),
    ("a@пример.рф", "a@xn--e1afmkfd.xn--p1ai"),
    ("a@x.xn--p1ai", "a@x.xn--p1ai"),
    ("first!#$%&*/=?^`{|}~@x.io", "first!#$%&*/=?^`{|}~@x.io"),
]
INVALID = [
    "",
    "   ",
    "plainaddress",
    "@example.com",
    "a@",
    "a@b",
    "a@localhost",
    "a..b@x.com",
    ".a@x.com",
    "a.@x.com",
    "a@x..com",
    "a@-x.com",
    "a@x-.com",
    "a b@x.com",
    '"a b"@x.com',
    "a@x.c",  # no single-letter top-level domains exist
    "a@x.123",
    "a@b@c.com",
    "a@x.com.",
    "a@host.test",
    "a@printer.local",
    "ü@x.com",
    "a@[192.168.0.1]",
    ("x" * 65) + "@x.com",
    "a@" + ("d" * 64) + ".com",
    "a" * 70 + "@example.com",  # over Constant Contact's 80 characters
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_addresses_are_normalised(text: str, expected: str) -> None:
    assert validate_email(text) == expected


@pytest.mark.parametrize("text", INVALID)
def test_invalid_addresses(text: str) -> None:
    assert validate_email(text) is None


# Where we are deliberately stricter than email-validator: no single-letter TLD exists, a
# local part may not pass RFC 5321's 64 characters, Constant Contact stores at most 80, and
# it does not take non-ASCII local parts (SMTPUTF8).
STRICTER = {"a@x.c", ("x" * 65) + "@x.com", "a" * 70 + "@example.com", "ü@x.com"}


@pytest.mark.parametrize("text", [t for t, _ in VALID] + INVALID)
def test_agrees_with_email_validator(text: str) -> None:
    """The fast ASCII path accepts what email-validator does, apart from ``STRICTER``."""
    try:
        found = library_validate(text.strip(), check_deliverability=False)
        library: str | None = found.ascii_email
    except EmailNotValidError:
        library = None
    expected = None if text in STRICTER else library
    assert validate_email(text) == expected


@pytest.mark.parametrize("text", sorted(STRICTER))
def test_stricter_cases_are_accepted_by_email_validator(text: str) -> None:
    """Keeps ``STRICTER`` honest: each entry really is a case where we differ."""
    library_validate(text, check_deliverability=False)


def test_fast_enough_for_large_files() -> None:
    emails = [f"Person.{i}@Example{i % 50}.com" for i in range(100_000)]
    start = time.perf_counter()
    valid = sum(1 for e in emails if validate_email(e))
    elapsed = time.perf_counter() - start
    assert valid == 100_000
    assert elapsed < 1.5, f"{elapsed:.2f}s for 100,000 addresses"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("first_name", "Ann", ("Ann", False)),
        ("first_name", "x" * 50, ("x" * 50, False)),
        ("first_name", "x" * 51, ("x" * 50, True)),
        ("phone", "1" * 30, ("1" * 25, True)),
        ("street", "s" * 300, ("s" * 255, True)),
        ("cf:Favourite colour", "c" * 256, ("c" * 255, True)),
        ("birthday_month", "12", ("12", False)),
    ],
)
def test_trim_to_limit(key: str, value: str, expected: tuple[str, bool]) -> None:
    assert trim_to_limit(key, value) == expected


def test_trim_to_limit_unknown_field() -> None:
    with pytest.raises(KeyError):
        trim_to_limit("shoe_size", "9")


@pytest.mark.parametrize(
    ("mapped", "problems"),
    [
        ({"email": "a@x.com", "first_name": "Ann"}, []),
        ({"first_name": "Ann"}, ["Email address is missing."]),
        ({"email": "nope"}, ['Email address "nope" is not a valid email address.']),
        ({"email": "a@x.com", "birthday_month": "3", "birthday_day": "05"}, []),
        ({"email": "a@x.com", "birthday_month": "2", "birthday_day": "29"}, []),
        (
            {"email": "a@x.com", "birthday_month": "13", "birthday_day": "1"},
            ['Birthday month must be a whole number from 1 to 12, not "13".'],
        ),
        (
            {"email": "a@x.com", "birthday_month": "March", "birthday_day": "0"},
            [
                'Birthday month must be a whole number from 1 to 12, not "March".',
                'Birthday day must be a whole number from 1 to 31, not "0".',
            ],
        ),
        (
            {"email": "a@x.com", "birthday_month": "4", "birthday_day": "31"},
            ["Birthday day 31 does not exist in month 4."],
        ),
        (
            {"email": "a@x.com", "birthday_month": "4"},
            ["Birthday month is set but birthday day is not; give both."],
        ),
        (
            {"email": "a@x.com", "birthday_day": "4"},
            ["Birthday day is set but birthday month is not; give both."],
        ),
        ({"email": "a@x.com", "anniversary": "2024-03-05"}, []),
        ({"email": "a@x.com", "anniversary": "3/5/2024"}, []),
        ({"email": "a@x.com", "anniversary": "2024/3/5"}, []),
        (
            {"email": "a@x.com", "anniversary": "2024-02-30"},
            [
                'Anniversary "2024-02-30" is not a date Constant Contact understands; '
                "use a form such as 2024-03-05 or 03/05/2024."
            ],
        ),
        (
            {"email": "a@x.com", "anniversary": "next June"},
            [
                'Anniversary "next June" is not a date Constant Contact understands; '
                "use a form such as 2024-03-05 or 03/05/2024."
            ],
        ),
    ],
)
def test_check_record_values(mapped: dict[str, str], problems: list[str]) -> None:
    assert check_record_values(mapped) == problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes", True),
        ("y", True),
        ("TRUE", True),
        ("1", True),
        ("X", True),
        ("opted out", True),
        ("Opted_Out", True),
        ("UNSUBSCRIBED", True),
        ("No", False),
        ("0", False),
        ("", False),
        ("Subscribed", False),
        ("opted in", False),
    ],
)
def test_is_opt_out_value(text: str, expected: bool) -> None:
    assert is_opt_out_value(text) is expected


@pytest.mark.parametrize(
    ("name", "sent"),
    [("T.J.", "TJ"), ("T. J.", "T J"), ("St. John", "St John"), ("J.R.R. Tolkien", "JRR Tolkien")],
)
def test_a_first_name_with_full_stops_is_sent_without_them_with_a_warning(name, sent):
    cleaned, warning = cc_first_name(name)
    assert cleaned == sent
    assert warning == (
        f'First name "{name}" sent as "{sent}": Constant Contact refuses full stops in first names'
    )


def test_a_first_name_of_only_full_stops_is_left_out_and_others_pass_untouched():
    assert cc_first_name("..") == (
        "",
        'First name ".." left out: Constant Contact refuses full stops in first names',
    )
    assert cc_first_name("Ada") == ("Ada", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("Subscribed", True),
        ("opted-in", True),
        ("✓", True),
        ("No", False),
        ("0", False),
        ("", False),  # never asked: no consent
        ("Unsubscribed", False),
        ("maybe", False),  # a word ContactBridge does not know is no consent
    ],
)
def test_is_consent_value(text: str, expected: bool) -> None:
    """A consent column says the opposite of an opt-out column: only a yes lets us email."""
    assert is_consent_value(text) is expected
