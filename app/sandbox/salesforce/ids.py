"""Salesforce record ids (15 and 18 characters, with the key prefix of their object)."""

from __future__ import annotations

import re
import secrets

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID = re.compile(r"^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$")
# The pod and instance characters every id of the sandbox org carries after its prefix.
POD = "dM0"


def checksum(id15: str) -> str:
    """The three characters Salesforce appends to make an id case-insensitively unique."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(id15[start : start + 5]) if ch.isupper())
        suffix += _ALPHABET[bits]
    return suffix


def to18(record_id: str) -> str | None:
    """The 18-character form of an id (15 or 18 characters), or None when it is not an id."""
    if not _ID.match(record_id):
        return None
    if len(record_id) == 18:
        head = record_id[:15]
        return head + checksum(head) if checksum(head) == record_id[15:].upper() else None
    return record_id + checksum(record_id)


def make_id(prefix: str, number: int) -> str:
    """An 18-character id: the object's 3-character prefix, the org's pod, a base-62 serial."""
    digits = ""
    value = number
    for _ in range(9):
        value, rest = divmod(value, 62)
        digits = _BASE62[rest] + digits
    head = prefix + POD + digits
    return head + checksum(head)


def opaque(length: int = 12) -> str:
    """Random letters and digits, for query locators, tokens and job ids."""
    return "".join(secrets.choice(_BASE62) for _ in range(length))
