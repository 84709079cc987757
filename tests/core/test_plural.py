"""A count reads as a shop owner writes it: "1 contact", "1,234 contacts", never "contact(s)"."""

from __future__ import annotations

import pytest

from app.core.plural import counted, plural


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "0 contacts"), (1, "1 contact"), (2, "2 contacts"), (1234, "1,234 contacts")],
)
def test_counted_picks_the_form_and_groups_thousands(n: int, words: str) -> None:
    assert counted(n, "contact", "contacts") == words


def test_plural_takes_the_given_form_for_irregular_words() -> None:
    assert plural(1, "criterion", "criteria") == "criterion"
    assert plural(3, "criterion", "criteria") == "criteria"
