"""The fingerprint of an item sent to Constant Contact: a short digest of its values.

A link stores the fingerprint of what was last sent, so a record that has not changed costs no
request. The digest is of ``json.dumps([main_list, sorted(item.items())], ensure_ascii=False,
separators=(",", ":"))`` and must stay that, or every stored link would look changed. The
planner takes one per record, so that text is put together from pieces made once per set of
keys (``_layout``): the same text in a fraction of the time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from json.encoder import encode_basestring  # a JSON string, non-ASCII kept as it is
from operator import itemgetter
from typing import NamedTuple

_BLAKE = hashlib.blake2b(digest_size=12)  # copied for each digest: no parameters to parse


class _Layout(NamedTuple):
    """The JSON text around the values of an item with these keys, a gap for each value."""

    values: Callable[[Mapping[str, str]], Sequence[str]]  # the values, sorted by key
    quoted: list[str]  # for values that need no escaping: the quotes are in the pieces
    bare: list[str]  # for values written as JSON strings


def fingerprint(item: Mapping[str, str], main_list: str) -> str:
    """A short, stable digest of the values sent, with the main list they were sent to."""
    layout = _layout(main_list, tuple(item))
    values = layout.values(item)
    try:
        joined = "".join(values)
    except TypeError:  # a value that is not text: as json.dumps writes it
        return _digest(
            json.dumps([main_list, sorted(item.items())], ensure_ascii=False, separators=(",", ":"))
        )
    if len(encode_basestring(joined)) == len(joined) + 2:  # no value has to be escaped
        text = layout.quoted.copy()
    else:
        text, values = layout.bare.copy(), tuple(map(encode_basestring, values))
    text[1::2] = values
    return _digest("".join(text))


def _digest(text: str) -> str:
    digest = _BLAKE.copy()
    digest.update(text.encode())
    return digest.hexdigest()


@lru_cache(maxsize=256)
def _layout(main_list: str, keys: tuple[str, ...]) -> _Layout:
    ordered = sorted(keys)
    quoted, bare = _pieces(main_list, ordered, '"'), _pieces(main_list, ordered, "")
    return _Layout(_getter(ordered), quoted, bare)


def _getter(keys: list[str]) -> Callable[[Mapping[str, str]], Sequence[str]]:
    if len(keys) > 1:
        return itemgetter(*keys)
    return lambda item: tuple(item[key] for key in keys)  # itemgetter of one key is no tuple


def _pieces(main_list: str, keys: list[str], quote: str) -> list[str]:
    """``[main_list,[[key,value],...]]`` as JSON, with an empty gap for each value."""
    pieces, before = [], f"[{encode_basestring(main_list)},["
    for n, key in enumerate(keys):
        pieces += [f"{before}{',' if n else ''}[{encode_basestring(key)},{quote}", ""]
        before = f"{quote}]"
    pieces.append(f"{before}]]")
    return pieces


# A plan's fingerprint can carry a second part: the digest of the source values the item was
# made from (``ItemPlan.source_digest``), after a dot. A record whose source values are those
# of its link's second part makes the item that link's first part holds, so a re-sync knows it
# unchanged without making its item again. Fingerprints of items alone (imports, older links)
# have no second part; everything that compares items compares the first parts.
SOURCE_MARK = "."


def with_source(item_fingerprint: str, source_digest: str) -> str:
    """The fingerprint to keep: the item's, and the digest of the values it was made from."""
    return f"{item_fingerprint}{SOURCE_MARK}{source_digest}" if source_digest else item_fingerprint


def item_part(stored: str) -> str:
    """The item's fingerprint within a kept one."""
    return stored.partition(SOURCE_MARK)[0]


def source_part(stored: str) -> str:
    """The source values' digest within a kept one, or "" when it has none."""
    return stored.partition(SOURCE_MARK)[2]
