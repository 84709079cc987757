"""Email addresses as Constant Contact takes them, and the one key they are matched by (pure).

What Constant Contact accepts is not documented; ``../shared/notes`` are silent on it. The
rule here is the conservative reading, and the Constant Contact emulator checks the same rule
with its own code (``app/sandbox/constant_contact/contact_rules.py``):

- ASCII only, at most 80 characters, leading and trailing spaces trimmed;
- a dot-atom local part of at most 64 characters (no quoted local parts, no ".." or a dot at
  either end);
- a domain of two or more letter/digit/hyphen labels (1 to 63 long, no hyphen at either
  end), ending in a top-level domain of letters, or a punycode one (``xn--p1ai``) that ends in
  a letter; not a special-use name (``.test``, ``.local``, ``.localhost``, ``.invalid``,
  ``.onion``, ``.arpa``);
- an internationalised domain (``user@bücher.de``) is sent in its punycode (A-label) form,
  ``user@xn--bcher-kva.de``, which is ASCII; a punycode domain is taken as it is written;
- an accented local part (``zoë@example.com``) is refused: that needs SMTPUTF8.

Plain ASCII addresses (nearly all of them) are checked by one regular expression: the planner
sees a million rows, and email-validator takes ~25 µs a call. Only an address with non-ASCII
characters goes to email-validator, which knows the IDNA 2008 rules for turning a Unicode
domain into its A-label form; that form is then checked by the same regular expression.
Before all that, an address already in the form it is sent in (one ``@``, a lower-case domain
that is not special-use, within the limits) is known good by one quicker expression
(``_SENT_AS_WRITTEN``); tests check that it never takes an address the full check would not
take just as it is written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from email_validator import EmailNotValidError
from email_validator import validate_email as _library_validate

from app.core.text_cut import preview

EMAIL_MAX = 80  # Constant Contact's EmailAddress.address limit
LOCAL_MAX = 64  # RFC 5321
# Longer non-ASCII text is refused before email-validator sees it; a domain is at most 253.
_UNICODE_MAX = 4 * EMAIL_MAX

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{0,58}[A-Za-z])"
_LOCAL = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_ASCII_EMAIL = re.compile(rf"(?P<local>{_LOCAL.pattern})@(?P<domain>(?:{_LABEL}\.)+{_TLD})")
# Domains email-validator refuses as special-use (RFC 6761 and friends); kept in step with it.
SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")
_SPECIAL_USE = frozenset(SPECIAL_USE)
# A subset of what ``_check_ascii`` takes unchanged, written as runs of one character class
# (which Python's regex engine matches quickly): a dot-atom local part of at most 64
# characters with no dot at either end ("a..b" is ruled out before, by ``in``), then
# lower-case labels with no hyphen at either end and a lower-case top-level domain that is not
# special-use. Anything else takes the full check.
_SENT_AS_WRITTEN = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{0,63}(?<!\.)"
    r"@(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+"
    rf"(?!(?:{'|'.join(SPECIAL_USE)})\Z)[a-z]{{2,63}}"
)
# Two addresses in one cell: "a@x.com, b@y.com", "a@x.com;b@y.com", "a@x.com b@y.com".
_SEPARATOR = re.compile(r"[,;\s]+")

NOT_VALID = "Not a valid email address: {value!r}"


class EmailCheck(NamedTuple):  # a tuple: made once per row, so cheap to make
    """An address checked as Constant Contact checks it.

    Attributes:
        address: the form to send (trimmed, domain in lower case, ASCII); "" when refused.
        problem: why Constant Contact would refuse it, in plain words naming the field.
        warning: set when the form sent is not the one written (an IDN domain in punycode).
    """

    address: str = ""
    problem: str = ""
    warning: str = ""


# ``tuple.__new__(EmailCheck, (address, "", ""))`` makes the same tuple as ``EmailCheck(address)``
# without the Python-level ``__new__`` a NamedTuple has: one a row, on the planner's hot path.
_AS_WRITTEN = tuple.__new__


def check_email(text: str) -> EmailCheck:
    """``text`` as Constant Contact would take it, or the reason it would refuse it."""
    text = text.strip()
    if len(text) <= EMAIL_MAX and ".." not in text and _SENT_AS_WRITTEN.fullmatch(text):
        return _AS_WRITTEN(EmailCheck, (text, "", ""))
    return _full_check(text)


def _full_check(text: str) -> EmailCheck:
    """``check_email`` for any stripped text (the quick path above is a shortcut of this)."""
    if not text:
        return EmailCheck(problem="Email address is missing")
    if text.count("@") > 1 and len(_with_at(text)) > 1:
        return EmailCheck(
            problem=f'Email address "{preview(text)}" holds more than one address; Constant '
            "Contact takes one address per contact, so put each on its own row"
        )
    if text.isascii():
        return _check_ascii(text)
    if len(text) > _UNICODE_MAX:
        return _too_long(text)
    local = text.rpartition("@")[0]
    if not local.isascii():
        accented = "".join(dict.fromkeys(c for c in local if not c.isascii()))
        return EmailCheck(
            problem=f'Email address "{preview(text)}" has accented letters or other special '
            f'characters before the @ ("{preview(accented, 20)}"), which Constant Contact '
            "does not accept"
        )
    try:
        found = _library_validate(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if _LOCAL.fullmatch(local):  # then the domain is what cannot be sent
            return EmailCheck(
                problem=f'Email address "{preview(text)}" has a domain (after the @) that '
                "cannot be written in the form Constant Contact accepts"
            )
        return _not_valid(text)
    ascii_form = found.ascii_email or ""
    if len(ascii_form) > EMAIL_MAX:
        return EmailCheck(
            problem=f'Email address "{preview(text)}" is {len(ascii_form):,} characters long '
            f'in the form Constant Contact accepts ("{preview(ascii_form)}"); it accepts at '
            f"most {EMAIL_MAX}"
        )
    sent = _check_ascii(ascii_form)
    if not sent.address:
        return _not_valid(text)
    return EmailCheck(
        address=sent.address,
        warning=f'Email "{preview(text)}" sent as "{sent.address}", '
        "the form Constant Contact accepts",
    )


def validate_email(text: str) -> str | None:
    """The address to send (trimmed, domain in lower case, ASCII), or ``None`` if refused."""
    return check_email(text).address or None


def email_key(address: str) -> str:
    """The key an address is matched by: the mirror, links, duplicates and lookups use it.

    Lower case, trimmed, with an internationalised domain in its punycode form, so that
    "Ann@Bücher.de" in a file and "ann@xn--bcher-kva.de" read back from Constant Contact are
    the same person.
    """
    address = address.strip()
    if address.isascii():
        return address.lower()
    return (check_email(address).address or address).lower()


def _with_at(text: str) -> list[str]:
    return [part for part in _SEPARATOR.split(text) if "@" in part]


def _check_ascii(text: str) -> EmailCheck:
    if len(text) > EMAIL_MAX:
        return _too_long(text)
    match = _ASCII_EMAIL.fullmatch(text)
    if match is None:
        return _not_valid(text)
    local, domain = match.group("local", "domain")
    if len(local) > LOCAL_MAX:
        return _not_valid(text)
    lowered = domain.lower()
    top = lowered[lowered.rfind(".") + 1 :]
    if top in _SPECIAL_USE:
        return EmailCheck(
            problem=f'Email address "{text}" ends in ".{top}", a reserved name that cannot '
            "receive email"
        )
    # A full match: ``text`` is the address already when its domain is in lower case.
    return _AS_WRITTEN(EmailCheck, (text if lowered == domain else f"{local}@{lowered}", "", ""))


def _too_long(text: str) -> EmailCheck:
    return EmailCheck(
        problem=f'Email address "{preview(text)}" is {len(text):,} characters long; '
        f"Constant Contact accepts at most {EMAIL_MAX}"
    )


def _not_valid(text: str) -> EmailCheck:
    return EmailCheck(problem=NOT_VALID.format(value=preview(text)))
