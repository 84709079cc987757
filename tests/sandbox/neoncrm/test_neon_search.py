"""Account search in the Neon CRM emulator: field lists, the names that differ between search
and output, operators, rows, pages of 200, sorting, and Neon's error codes."""

from __future__ import annotations

from typing import Any

import pytest

from app.sandbox.neoncrm import ORG_ID, NeonCrmEmulator
from tests.sandbox.fake_clock import FakeClock
from tests.sandbox.neoncrm.neon_support import RawNeon, codes, criterion

INDIVIDUALS = criterion("Account Type", "EQUAL", "Individual")


def _names(rows: list[Any], key: str = "Full Name (F)") -> set[str]:
    return {r[key] for r in rows}


def test_field_lists_name_search_and_output_fields_differently(raw: RawNeon) -> None:
    search = raw.get("/accounts/search/searchFields").json()
    output = raw.get("/accounts/search/outputFields").json()
    search_names = {f["fieldName"] for f in search["standardFields"]}
    output_names = set(output["standardFields"])
    assert {
        "Account Created Date",
        "Account Last Modified Date",
        "Email",
        "Account Source",
    } <= search_names
    assert {
        "Account Created Date/Time",
        "Account Last Modified Date/Time",
        "Email 2",
        "Source",
    } <= output_names
    assert not {"Account Created Date", "Email", "Account Source"} & output_names
    assert not {"Account Created Date/Time", "Email 2", "Source"} & search_names
    operators = {f["fieldName"]: f["operators"] for f in search["standardFields"]}
    assert operators["Email Opt-Out"] == ["EQUAL", "NOT_EQUAL", "IN_RANGE", "NOT_IN_RANGE"]
    assert operators["Account Type"] == ["EQUAL", "NOT_EQUAL"]
    # Custom fields carry integer ids here; two share a display name.
    custom = output["customFields"]
    assert all(isinstance(f["id"], int) for f in custom + search["customFields"])
    assert [f["displayName"] for f in custom].count("Emergency Contact") == 2


def test_a_name_from_the_other_list_is_refused(raw: RawNeon) -> None:
    by_output_name = raw.search(
        [criterion("Account Created Date/Time", "NOT_BLANK")], ["Account ID"]
    )
    assert (by_output_name.status_code, codes(by_output_name)) == (400, ["23"])
    by_search_name = raw.search([INDIVIDUALS], ["Account ID", "Account Created Date", "Email"])
    assert codes(by_search_name) == ["28", "28"]
    assert by_search_name.json()[0]["message"] == "Search output field name is invalid"


def test_all_problems_come_back_at_once_in_neons_order(raw: RawNeon) -> None:
    answer = raw.search(
        [
            criterion("NonExistentField", "EQUAL", "x"),
            criterion("firstName", "EQUAL", "x"),
            criterion("First Name", "INVALID_OPERATOR", "x"),
            criterion("First Name", "EQUAL"),
            criterion("Deceased", "EQUAL", "false"),
        ],
        ["Account ID", "Nope", 999_999],
        size=0,
    )
    assert answer.status_code == 400
    assert codes(answer) == ["23", "23", "29", "24", "25", "25", "28", "27", "9001"]
    messages = [m["message"] for m in answer.json()]
    assert messages[2] == "Search operator is required."


@pytest.mark.parametrize(
    ("size", "code"), [(0, "9001"), (-1, "9001"), (201, "9004"), (10_000, "9004")]
)
def test_page_sizes_outside_1_to_200_are_refused(raw: RawNeon, size: int, code: str) -> None:
    answer = raw.search([INDIVIDUALS], ["Account ID"], size=size)
    assert (answer.status_code, codes(answer)) == (400, [code])


def test_more_than_300_output_fields_are_refused(raw: RawNeon) -> None:
    answer = raw.search([INDIVIDUALS], ["Account ID"] * 301)
    assert codes(answer) == ["1061"]
    assert raw.search([], ["Account ID"]).json()[0]["code"] == "30"


def test_rows_carry_every_asked_key_as_strings_or_null(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    interests = int(neon.custom_field_id(ORG_ID, "Volunteer Interests"))
    rows = raw.search_rows(
        [criterion("Email 1", "EQUAL", "priya.n@example.org")],
        [
            "Account ID",
            "First Name",
            "Email 2",
            "Individual Type",
            interests,
            "First Volunteer Date",
        ],
    )
    assert rows == [
        {
            "Account ID": neon.find_by_email(ORG_ID, "priya.n@example.org")[0],
            "First Name": "Priya",
            "Email 2": None,
            "Individual Type": "Volunteer",
            "Volunteer Interests": "Kitchen Shifts|Events",
            "First Volunteer Date": "03/15/2023",
        }
    ]
    james = raw.search_rows(
        [criterion("Last Name", "EQUAL", "Chen")], ["Individual Type", "Do Not Contact"]
    )
    assert james == [{"Individual Type": "Board Member|Donor", "Do Not Contact": "No"}]


def test_pages_hold_200_rows_and_count_from_zero(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    neon.seed_bulk(ORG_ID, 420, seed=3)
    total = 40 + 420
    seen: list[str] = []
    for page in range(3):
        answer = raw.search([INDIVIDUALS], ["Account ID"], page=page).json()
        assert answer["pagination"] == {
            "currentPage": page,
            "pageSize": 200,
            "sortColumn": None,
            "sortDirection": None,
            "totalPages": 3,
            "totalResults": total,
        }
        seen += [r["Account ID"] for r in answer["searchResults"]]
    assert len(seen) == len(set(seen)) == total
    assert [int(s) for s in seen] == sorted(int(s) for s in seen)
    assert raw.search([INDIVIDUALS], ["Account ID"], page=3).json()["searchResults"] == []


def test_the_add_accounts_search_leaves_out_whom_it_must(raw: RawNeon) -> None:
    rows = raw.search_rows(
        [
            INDIVIDUALS,
            criterion("Deceased", "EQUAL", "No"),
            criterion("Do Not Contact", "EQUAL", "No"),
            criterion("Email Opt-Out", "EQUAL", "At least one email opted in"),
        ],
        ["Full Name (F)", "Email 1"],
    )
    names = _names(rows)
    assert len(rows) == 32
    for gone in ("Grace Whitaker", "Robert Fitzgerald", "Samuel Osei", "Emily Novak", "Daniel Kim"):
        assert gone not in names
    assert "Greenleaf Grocers" not in names
    assert "Hannah Schmidt" in names  # consent declined, yet Email 1 not opted out
    opted_out = raw.search_rows(
        [INDIVIDUALS, criterion("Email Opt-Out", "EQUAL", "All emails opted out")],
        ["Full Name (F)"],
    )
    assert {"Samuel Osei", "Emily Novak", "Mia Thompson", "Oscar Petrov"} <= _names(opted_out)


def test_email_matches_any_address_in_any_case(raw: RawNeon) -> None:
    rows = raw.search_rows([criterion("Email", "EQUAL", "evelyn.young@example.com")], ["Email 1"])
    assert rows == [{"Email 1": "Evelyn.Young@Example.com"}]
    work = raw.search_rows([criterion("Email", "EQUAL", "CMENDEZ.WORK@example.net")], ["Last Name"])
    assert work == [{"Last Name": "Mendez"}]
    shared = raw.search_rows(
        [criterion("Email", "EQUAL", "okafor.family@example.org")], ["First Name"]
    )
    assert _names(shared, "First Name") == {"Chidi", "Ngozi"}
    twins = raw.search_rows(
        [
            criterion("Email 1", "EQUAL", "maria.lopez@example.com"),
            criterion("First Name", "EQUAL", "Maria"),
        ],
        ["Account ID"],
    )
    assert len(twins) == 2
    both = raw.search_rows(
        [criterion("Email", "EQUAL", "tom@greenleafgrocers.example.com")], ["Account Type"]
    )
    assert sorted(r["Account Type"] for r in both) == ["Company", "Individual"]


def test_text_operators(raw: RawNeon) -> None:
    def names(*criteria: dict[str, Any]) -> set[str]:
        return _names(raw.search_rows([INDIVIDUALS, *criteria], ["Full Name (F)"]))

    assert names(criterion("Last Name", "CONTAIN", "okaf")) == {"Chidi Okafor", "Ngozi Okafor"}
    assert "Daniel Kim" in names(criterion("Email 1", "BLANK"))
    with_email = raw.search_rows([INDIVIDUALS, criterion("Email 1", "NOT_BLANK")], ["Account ID"])
    assert len(with_email) == 38  # 40 individuals, 2 without an email
    not_portland = names(criterion("City", "NOT_EQUAL", "Portland"))
    assert not_portland == {"Ruth Abernathy"}  # blanks never match a comparison
    assert names(criterion("Last Name", "IN_RANGE", valueList=["Kim", "King"])) == {
        "Daniel Kim",
        "Zoe King",
    }
    assert "Zoe King" not in names(criterion("Last Name", "NOT_IN_RANGE", valueList=["King"]))
    assert names(criterion("Last Name", "GREATER_THAN", "Whitaker")) == {
        "Noah Wilson",
        "Jack Wright",
        "Evelyn Young",
    }
    assert "Ngozi Okafor" not in names(criterion("Email 1", "NOT_CONTAIN", "okafor"))


def test_ids_dates_and_yes_no_fields(neon: NeonCrmEmulator, raw: RawNeon, clock: FakeClock) -> None:
    first = int(neon.account_ids(ORG_ID, "INDIVIDUAL")[0])
    ids = raw.search_rows(
        [criterion("Account ID", "IN_RANGE", valueList=[str(first), str(first + 2)])],
        ["Account ID"],
    )
    assert [r["Account ID"] for r in ids] == [str(first), str(first + 1), str(first + 2)]
    recent = raw.search_rows(
        [INDIVIDUALS, criterion("Account Created Date", "GREATER_AND_EQUAL", "2024-06-01")],
        ["Account Created Date/Time"],
    )
    assert recent and all(r["Account Created Date/Time"] >= "2024-06-01" for r in recent)
    assert (
        raw.search(
            [criterion("Account Created Date", "EQUAL", "June 1")], ["Account ID"]
        ).status_code
        == 400
    )
    dead = raw.search_rows([criterion("Deceased", "EQUAL", "Yes")], ["Full Name (F)", "Deceased"])
    assert dead == [{"Full Name (F)": "Grace Whitaker", "Deceased": "Yes"}]
    chidi = neon.find_by_email(ORG_ID, "okafor.family@example.org")[0]
    clock.advance(days=1)
    raw.call("PATCH", f"/accounts/{chidi}", json={"individualAccount": {"email1OptOut": True}})
    changed = raw.search_rows(
        [criterion("Account Last Modified Date", "EQUAL", "2025-03-15")],
        [
            "Account ID",
            "Email 1 Block Type",
            "Email 1 Block Date",
            "Email Opt-Out",
            "Account Last Modified Date/Time",
        ],
    )
    assert changed == [
        {
            "Account ID": chidi,
            "Email 1 Block Type": "Opted Out",
            "Email 1 Block Date": "2025-03-15",
            "Email Opt-Out": "Yes",
            "Account Last Modified Date/Time": "2025-03-15 12:00:00",
        }
    ]


def test_custom_fields_search_by_name_or_id(neon: NeonCrmEmulator, raw: RawNeon) -> None:
    spanish = raw.search_rows(
        [criterion("Preferred Language", "EQUAL", "Spanish")], ["Full Name (F)"]
    )
    assert _names(spanish) == {"Ava Martinez", "Mateo Hernandez"}
    field_id = neon.custom_field_id(ORG_ID, "Volunteer Interests")
    kitchen = raw.search_rows([criterion(field_id, "EQUAL", "Kitchen Shifts")], ["Full Name (F)"])
    assert _names(kitchen) == {"Priya Natarajan"}
    dated = raw.search_rows(
        [criterion("First Volunteer Date", "LESS_THAN", "2024-01-01")], ["Full Name (F)"]
    )
    assert _names(dated) == {"Priya Natarajan"}
    noted = raw.search_rows(
        [criterion("Dietary Notes", "CONTAIN", "vegetarian")], ["Full Name (F)"]
    )
    assert _names(noted) == {"Harper Walker", "Chloe Scott"}


def test_consent_and_origin_fields(raw: RawNeon) -> None:
    declined = raw.search_rows(
        [INDIVIDUALS, criterion("Email Consent", "EQUAL", "Declined")],
        ["Full Name (F)", "Email Consent"],
    )
    assert _names(declined) == {"Samuel Osei", "Hannah Schmidt", "Mia Thompson"}
    assert {r["Email Consent"] for r in declined} == {"Declined"}
    imported = raw.search_rows(
        [
            criterion("Origin Category", "EQUAL", "API"),
            criterion("Origin Detail", "EQUAL", "Constant Contact"),
        ],
        ["Full Name (F)", "Origin Category", "Origin Detail"],
    )
    assert _names(imported) == {"Kwame Mensah", "Sofia Rossi"}
    assert (
        raw.search([criterion("Email Opt-Out", "EQUAL", "Yes")], ["Account ID"]).status_code == 400
    )


def test_sorting_by_a_column(raw: RawNeon) -> None:
    rows = raw.search_rows(
        [INDIVIDUALS, criterion("Last Name", "CONTAIN", "o")],
        ["Last Name"],
    )
    ascending = raw.search(
        [INDIVIDUALS, criterion("Last Name", "CONTAIN", "o")],
        ["Last Name"],
        sortColumn="Last Name",
        sortDirection="ASC",
    ).json()
    assert [r["Last Name"] for r in ascending["searchResults"]] == sorted(
        r["Last Name"] for r in rows
    )
    assert ascending["pagination"]["sortColumn"] == "Last Name"
    descending = raw.search(
        [INDIVIDUALS], ["Last Name"], sortColumn="Last Name", sortDirection="DESC"
    ).json()["searchResults"]
    assert descending[0]["Last Name"] == "Young"
    bad = raw.search([INDIVIDUALS], ["Last Name"], sortColumn="Shoe Size")
    assert codes(bad) == ["21"]
