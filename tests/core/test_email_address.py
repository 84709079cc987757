"""Each odd address gets what Constant Contact would do with it, said in plain words."""

from __future__ import annotations

import time

import pytest

from app.core.email_address import check_email, email_key


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("user+tag@example.com", "user+tag@example.com"),
        ("  spaced@x.com  ", "spaced@x.com"),  # trimmed before it is sent
        ("\u00a0nbsp@x.com\u3000", "nbsp@x.com"),
        ("Ann@Example.COM", "Ann@example.com"),
        ("user@xn--bcher-kva.de", "user@xn--bcher-kva.de"),  # punycode, taken as written
    ],
)
def test_addresses_sent_as_they_are_carry_no_warning(text: str, sent: str) -> None:
    checked = check_email(text)
    assert (checked.address, checked.problem, checked.warning) == (sent, "", "")


def test_an_idn_domain_is_sent_as_punycode_and_says_so() -> None:
    checked = check_email("user@bücher.de")
    assert checked.address == "user@xn--bcher-kva.de"
    assert checked.warning == (
        'Email "user@bücher.de" sent as "user@xn--bcher-kva.de", the form Constant Contact accepts'
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "zoë@example.com",
            'Email address "zoë@example.com" has accented letters or other special characters '
            'before the @ ("ë"), which Constant Contact does not accept',
        ),
        (
            "a@x.com, b@y.com",
            'Email address "a@x.com, b@y.com" holds more than one address; Constant Contact '
            "takes one address per contact, so put each on its own row",
        ),
        ("a@x.com;b@y.com", "holds more than one address"),
        ("a@x.com b@y.com", "holds more than one address"),
        ('"john doe"@x.com', "Not a valid email address: '\"john doe\"@x.com'"),
        ("a..b@x.com", "Not a valid email address: 'a..b@x.com'"),
        ("a@host.test", 'ends in ".test", a reserved name that cannot receive email'),
        ("a@printer.local", 'ends in ".local"'),
        ("a" * 75 + "@x.com", "is 81 characters long; Constant Contact accepts at most 80"),
        (
            "a" * 100_000 + "@x.com",
            f'"{"a" * 40}…{"a" * 13}@x.com" is 100,006 characters long; Constant Contact '
            "accepts at most 80",
        ),
        ("a" * 70 + "@bücher.de", "is 87 characters long in the form Constant Contact accepts"),
        ("a@☃.com", "has a domain (after the @) that cannot be written in the form"),
        ("", "Email address is missing"),
    ],
)
def test_a_refused_address_says_why(text: str, problem: str) -> None:
    checked = check_email(text)
    assert checked.address == ""
    assert problem in checked.problem
    assert len(checked.problem) < 300  # a 100,000-character address is not repeated whole


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ann@Bücher.de", "ann@xn--bcher-kva.de"),
        (" ANN@EXAMPLE.COM ", "ann@example.com"),
        ("ann@BÜCHER.DE", "ann@bücher.de"),
    ],
)
def test_the_file_and_constant_contact_forms_share_one_key(one: str, other: str) -> None:
    assert email_key(one) == email_key(other)


def test_plain_addresses_stay_on_the_fast_path() -> None:
    emails = [f"Person.{i}@Example{i % 50}.com" for i in range(100_000)]
    start = time.perf_counter()
    keys = {email_key(check_email(e).address) for e in emails}
    elapsed = time.perf_counter() - start
    assert len(keys) == 100_000
    assert elapsed < 2.0, f"{elapsed:.2f}s for 100,000 addresses"
