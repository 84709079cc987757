"""Cutting text to a field's length never splits a character a reader sees as one."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.text_cut import cut, head, is_boundary, preview, tail
from app.core.validation import trim_to_limit, trim_with_note

FAMILY = "👨\u200d👩\u200d👧"  # five code points, one emoji
THUMB = "👍🏽"  # thumbs up and a skin tone
FRANCE, GERMANY = "🇫🇷", "🇩🇪"
E_ACUTE = "e\u0301"  # e and a combining acute accent


@pytest.mark.parametrize(
    ("text", "limit", "kept"),
    [
        ("abcdef", 3, "abc"),
        ("ab" + FAMILY + "cd", 5, "ab"),  # inside the family: the whole emoji goes
        ("ab" + FAMILY + "cd", 7, "ab" + FAMILY),
        ("ab" + THUMB, 3, "ab"),  # never a thumb without its skin tone
        ("caf" + E_ACUTE + "s", 4, "caf"),  # never an e without its accent
        ("x" + FRANCE + GERMANY, 2, "x"),  # never half a flag
        ("x" + FRANCE + GERMANY, 4, "x" + FRANCE),
        ("x" + FRANCE + GERMANY, 5, "x" + FRANCE + GERMANY),
        ("مرحبا بالعالم", 5, "مرحبا"),
    ],
)
def test_cut_keeps_characters_whole(text: str, limit: int, kept: str) -> None:
    assert cut(text, limit) == (kept, text[len(kept) :])


@given(st.text(max_size=40), st.integers(0, 45))
def test_a_cut_never_starts_with_a_mark_or_a_joined_part(text: str, limit: int) -> None:
    kept, left_out = cut(text, limit)
    assert kept + left_out == text
    assert len(kept) <= limit
    if left_out and kept:
        assert unicodedata.category(left_out[0]) not in ("Mn", "Mc", "Me")
        assert not kept.endswith("\u200d") and not left_out.startswith("\u200d")
        assert is_boundary(text, len(kept))


def test_head_tail_and_preview_mark_what_is_left_out() -> None:
    assert head("abcdef", 4) == "abc…"
    assert tail("abcdef", 4) == "…def"
    assert preview("a" * 100_000 + "@x.com") == "a" * 40 + "…" + "a" * 13 + "@x.com"
    assert preview("short@x.com") == "short@x.com"
    assert tail("a" + E_ACUTE + "b", 2) == "…b"  # not the accent alone


def test_trim_to_limit_does_not_split_an_emoji() -> None:
    assert trim_to_limit("first_name", "x" * 49 + THUMB) == ("x" * 49, True)


def test_the_note_says_what_was_sent_and_what_was_left_out() -> None:
    title = "Senior Vice President of Global Operations and Customer Delight"
    value, note = trim_with_note("job_title", title)
    assert value == title[:50]
    assert note == (
        "Job title was longer than Constant Contact allows (50 characters): "
        'sent "Senior Vice President of Global Operations and Cus", left out "tomer Delight"'
    )
    assert trim_with_note("job_title", "Baker") == ("Baker", None)


def test_a_huge_value_is_quoted_shortly() -> None:
    _, note = trim_with_note("cf:Notes", "n" * 1_000_000)
    assert note is not None and len(note) < 250
    assert note.startswith("Custom: Notes was longer than Constant Contact allows (255 characters)")
    assert note.endswith('…"')
