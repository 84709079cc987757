"""Filter rules and AND/OR groups, as the planner and the wizard's live count use them."""

from __future__ import annotations

import pytest

from app.core.filters import FilterGroup, FilterRule, Join, Operator

ROW = {
    "Type": "Retail",
    "City": "Portland",
    "Spend": "1,250.50",
    "Joined": "2024-03-05",
    "Notes": "",
}


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("Type", Operator.EQUALS, "retail", True),
        ("Type", Operator.EQUALS, "Cafe", False),
        ("Type", Operator.NOT_EQUALS, "Cafe", True),
        ("City", Operator.CONTAINS, "land", True),
        ("City", Operator.STARTS_WITH, "port", True),
        ("City", Operator.STARTS_WITH, "land", False),
        ("Notes", Operator.IS_EMPTY, "", True),
        ("Missing", Operator.IS_EMPTY, "", True),
        ("City", Operator.IS_NOT_EMPTY, "", True),
        ("Spend", Operator.GREATER_THAN, "1000", True),
        ("Spend", Operator.LESS_THAN, "1000", False),
        ("Joined", Operator.GREATER_THAN, "2024-01-01", True),
        ("Joined", Operator.LESS_THAN, "2024-01-01", False),
        ("Type", Operator.GREATER_THAN, "5", False),  # text is never "greater" than a number
        ("Joined", Operator.GREATER_THAN, "5", False),  # a date is not compared to a number
        ("Type", Operator.IN_LIST, "Cafe, retail ,Event", True),
        ("Type", Operator.IN_LIST, "Cafe,Event", False),
    ],
)
def test_rule_operators(field: str, op: Operator, value: str, expected: bool) -> None:
    assert FilterRule(field, op, value).matches(ROW) is expected


def test_empty_group_matches_everything() -> None:
    assert FilterGroup().matches({})


def test_all_and_any_groups_nest() -> None:
    retail = FilterRule("Type", Operator.EQUALS, "Retail")
    austin = FilterRule("City", Operator.EQUALS, "Austin")
    big = FilterRule("Spend", Operator.GREATER_THAN, "1000")
    assert not FilterGroup(Join.ALL, (retail, austin)).matches(ROW)
    assert FilterGroup(Join.ANY, (retail, austin)).matches(ROW)
    nested = FilterGroup(Join.ALL, (big,), (FilterGroup(Join.ANY, (austin, retail)),))
    assert nested.matches(ROW)


def test_group_roundtrips_through_a_dict() -> None:
    g = FilterGroup(
        Join.ANY,
        (FilterRule("Type", Operator.IN_LIST, "Cafe,Retail"),),
        (FilterGroup(Join.ALL, (FilterRule("City", Operator.IS_NOT_EMPTY),)),),
    )
    assert FilterGroup.from_dict(g.to_dict()) == g
    assert FilterGroup.from_dict(None) == FilterGroup()
