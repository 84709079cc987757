"""Which other Constant Contact lists a record joins, from the profile's list map."""

from app.core.list_rules import ListRules
from app.core.records import SourceRecord


def test_source_lists_map_to_constant_contact_lists_whatever_their_case_and_spacing():
    rules = ListRules.from_settings(
        {"list_map": {" VIP ": "VIP  customers", "Wholesale": "Trade news", "": "x"}}
    )
    record = SourceRecord("k", 2, {}, lists=("vip", "Retail", "WHOLESALE"))
    assert rules.wanted(record) == ("Trade news", "VIP customers")
    assert rules.list_names == ("Trade news", "VIP customers")


def test_a_lists_column_may_name_several_lists_and_unmapped_ones_are_ignored():
    rules = ListRules.from_settings({"list_map": {"Cafe": "Cafés"}, "lists_column": "Groups"})
    record = SourceRecord("k", 2, {"Groups": "Retail; cafe | Events"})
    assert rules.wanted(record) == ("Cafés",)
    assert not ListRules.from_settings({})  # no map: no other lists at all
