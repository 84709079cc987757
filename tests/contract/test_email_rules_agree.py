"""The app's email check and the Constant Contact emulator's agree, in both directions.

The app (``app.core.email_address``) and the emulator (``contact_rules.valid_email``, behind
the bulk import and ``POST /contacts``) share no code. Whatever the text: when the app
accepts an address, the emulator accepts the form the app sends; when the app refuses it,
the emulator refuses it too, so no record is skipped that Constant Contact would have taken,
and none is sent that it would refuse. ``CONTACTBRIDGE_FUZZ_EXAMPLES`` sets the number of
examples (300 by default).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.email_address import check_email, email_key
from app.sandbox.constant_contact.contact_rules import Problems
from app.sandbox.constant_contact.contact_rules import check_email as emulator_check_email
from app.sandbox.constant_contact.json_import import Item, parse_item

EXAMPLES = int(os.environ.get("CONTACTBRIDGE_FUZZ_EXAMPLES", "300"))
AGREE = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
LOCAL_PIECES = [*ATEXT, ".", '"', " ", "@", "ë", "ü", "名", "\u0301"]
LABELS = [
    "example",
    "x",
    "bücher",
    "münchen",
    "пример",
    "xn--bcher-kva",
    "XN--MNCHEN-3YA",
    "xn--zz",
    "-bad",
    "bad-",
    "a--b",
    "☃",
    "ab1c",
    "1",
    "a" * 64,
    "",
]
TLDS = ["com", "de", "io", "c", "123", "рф", "xn--p1ai", "xn--p1a1", "test", "local", "LOCALHOST"]
TLDS += ["invalid", "onion", "arpa", "co.uk", "ab1c", "com."]
SPACES = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u3000"])


@st.composite
def email_like(draw: st.DrawFn) -> str:
    """Address-shaped text: plus-addresses, dots, quotes, Unicode, punycode, two in a cell..."""
    local = "".join(draw(st.lists(st.sampled_from(LOCAL_PIECES), min_size=0, max_size=12)))
    if draw(st.booleans()):
        local = draw(st.sampled_from(["john.smith", "a+news", "o'brien", "zoë", '"a b"']))
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=0, max_size=3))
    domain = ".".join([*labels, draw(st.sampled_from(TLDS))])
    text = f"{local}@{domain}"
    if draw(st.integers(0, 5)) == 0:
        text = text + draw(st.sampled_from([", ", ";", " ", ","])) + "b@y.com"
    if draw(st.integers(0, 6)) == 0:
        text = "a" * draw(st.integers(55, 120)) + text
    return draw(SPACES) + text + draw(SPACES)


def emulator_accepts(text: str) -> bool:
    """Both the bulk import and ``POST /contacts`` accept it (they must agree as well)."""
    imported = isinstance(parse_item(2, {"email": text}, {}), Item)
    problems = Problems()
    emulator_check_email(problems, {"address": text})
    assert imported == (not problems.messages), text
    return imported


def assert_agree(text: str) -> None:
    checked = check_email(text)
    if checked.address:
        assert checked.address.isascii()
        assert emulator_accepts(checked.address), (text, checked.address)
        assert email_key(text) == email_key(checked.address)  # Unicode and punycode match
        assert not checked.problem
    else:
        assert checked.problem
        assert not emulator_accepts(text), (text, checked.problem)


@AGREE
@given(email_like())
@example("user@bücher.de")
@example("user@xn--bcher-kva.de")
@example("zoë@example.com")
@example("a@x.com, b@y.com")
@example("a@x.com;b@y.com")
@example(" spaced@x.com ")
@example('"quoted"@x.com')
@example("a..b@x.com")
@example("a" * 100_000 + "@x.com")
@example("a" * 75 + "@x.com")
@example("user@host.test")
@example("user+tag@example.com")
def test_app_and_emulator_agree_on_address_like_text(text: str) -> None:
    assert_agree(text)


@AGREE
@given(st.text(max_size=90))
def test_app_and_emulator_agree_on_any_text(text: str) -> None:
    assert_agree(text)


@AGREE
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=90).map(lambda t: t + "@x.com"))
def test_app_and_emulator_agree_on_any_ascii_local_part(text: str) -> None:
    assert_agree(text)


@pytest.mark.parametrize(
    "text",
    [f"user@mail.{tld}" for tld in ("arpa", "invalid", "local", "localhost", "onion", "test")]
    + ["user@x.c", "user@x.123", "user@-x.com", "user@x-.com", "x" * 65 + "@x.com"]
    + ["user@xn--bcher-kva.de", "user@x.xn--p1ai", "user@X.COM", "a@b.co.uk"],
)
def test_special_use_names_and_edge_cases_agree(text: str) -> None:
    assert_agree(text)


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("user@bücher.de", "user@xn--bcher-kva.de"),
        ("user+tag@example.com", "user+tag@example.com"),
        ("  spaced@x.com  ", "spaced@x.com"),
        ("a@пример.рф", "a@xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_what_the_app_sends_the_emulator_takes(text: str, sent: str) -> None:
    assert check_email(text).address == sent
    assert emulator_accepts(sent)
    assert not emulator_accepts("user@bücher.de")  # the service takes ASCII only
