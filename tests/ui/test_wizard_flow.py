"""The profile wizard's flow and checks, tested without Qt (``app/ui/profile_wizard/flow.py``)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.connectors import registry
from app.core.filters import FilterGroup, FilterRule, Join, Operator
from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.schedule import Schedule, ScheduleKind
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.flow import ProfileDraft, Step, next_step, validate

COLUMNS = ["Customer ID", "First Name", "Last Name", "E-mail", "City", "Opt Out"]
ROWS = [
    ["C1", "Ada", "Lovelace", "ada@example.com", "Portland", ""],
    ["C2", "Grace", "Hopper", "grace@example.com", "Portland", "yes"],
    ["C3", "Alan", "Turing", "", "Boston", ""],
]
SUGGESTED = FieldMapping(
    (
        FieldMap("First Name", "first_name"),
        FieldMap("Last Name", "last_name"),
        FieldMap("E-mail", "email"),
        FieldMap("City", "city"),
    )
)


def ready_draft(**changes: object) -> ProfileDraft:
    """A draft that passes every step."""
    draft = ProfileDraft(
        name="Shop customers",
        file_path="/data/customers.csv",
        connection_id=3,
        account_name="Sandbox Bakery",
        main_list="Newsletter",
    )
    flow.apply_source_preview(
        draft,
        COLUMNS,
        ROWS,
        suggested=SUGGESTED,
        opt_out_column="Opt Out",
        key_column="Customer ID",
    )
    draft.options = replace(draft.options, consent_attested_at="2025-06-02T08:30:00+00:00")
    for key, value in changes.items():
        setattr(draft, key, value)
    return draft


def test_flow_module_loads_no_qt():
    code = (
        "import sys, app.ui.profile_wizard.flow; "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# -- next_step --------------------------------------------------------------------------------


def test_steps_are_the_page_ids_in_order():
    assert [int(s) for s in Step] == [0, 1, 2, 3, 4, 5]
    assert flow.first_step() is Step.SOURCE


def test_next_step_walks_every_page_once_then_finishes():
    draft = ProfileDraft()
    order = [flow.first_step()]
    while (following := next_step(order[-1], draft)) is not None:
        order.append(following)
    assert order == [
        Step.SOURCE,
        Step.CONSTANT_CONTACT,
        Step.OPTIONS,
        Step.MAPPING,
        Step.FILTERS,
        Step.SCHEDULE,
    ]
    assert next_step(Step.SCHEDULE, draft) is None


# -- validate: source -------------------------------------------------------------------------


def test_a_ready_draft_has_no_problems():
    draft = ready_draft()
    for step in Step:
        assert validate(step, draft) == {}, step
    assert flow.first_problem(draft) is None


def test_source_needs_a_name_and_a_readable_file():
    problems = validate(Step.SOURCE, ProfileDraft())
    assert set(problems) == {"name", "file_path"}
    assert problems["name"].startswith("Give this profile a name")
    assert problems["file_path"] == "Choose the CSV or Excel file that holds your contacts."


def test_profile_name_must_be_unique_ignoring_case_and_spaces():
    draft = ready_draft(name="  shop CUSTOMERS ")
    problems = validate(Step.SOURCE, draft, {"Shop customers"})
    assert problems == {
        "name": "There is already a profile named “shop CUSTOMERS”. Choose another name."
    }
    assert validate(Step.SOURCE, draft, {"Other"}) == {}


def test_profile_name_length_is_limited():
    draft = ready_draft(name="x" * (flow.PROFILE_NAME_MAX + 1))
    assert "at most 100 characters" in validate(Step.SOURCE, draft)["name"]


def test_unreadable_file_problem_shows_under_the_file():
    draft = ready_draft()
    flow.clear_source(draft, "The file is empty: it has no column headings and no rows.")
    assert validate(Step.SOURCE, draft) == {
        "file_path": "The file is empty: it has no column headings and no rows."
    }
    assert draft.columns == [] and draft.preview_rows == []


def test_sources_coming_soon_are_refused(monkeypatch):
    # Every planned service is registered now; the next one announced would be refused so.
    monkeypatch.setattr(registry, "COMING_SOON", (("hubspot", "HubSpot"),))
    draft = ready_draft(source_kind="hubspot")
    available = ", ".join(c.label for c in registry.CONNECTORS)  # every registered service
    assert available.startswith("CSV or Excel file, Xero")
    assert validate(Step.SOURCE, draft) == {
        "source_kind": f"HubSpot is coming soon. Choose one of: {available}."
    }


def xero_draft(**changes: object) -> ProfileDraft:
    """A ready draft whose source is Xero (connection 7), read already."""
    draft = ready_draft(source_kind="xero", file_path="", key_column="")
    draft.source_settings.update({"connection_id": 7, "customers_only": True}, **changes)
    return draft


def test_xero_needs_a_connection():
    draft = xero_draft()
    del draft.source_settings["connection_id"]
    assert validate(Step.SOURCE, draft) == {"source_connection": "Connect to Xero to continue."}
    draft.source_settings["connection_id"] = 7
    assert validate(Step.SOURCE, draft) == {}


def test_xero_needs_no_file_but_a_readable_organisation():
    draft = xero_draft()
    assert "file_path" not in validate(Step.SOURCE, draft)
    flow.clear_source(draft, "Xero could not be reached.")
    assert validate(Step.SOURCE, draft) == {"source_connection": "Xero could not be reached."}


def test_xero_source_settings_are_those_the_engine_opens():
    draft = xero_draft()
    spec = draft.to_profile().source
    assert spec == SourceSpec("xero", {"connection_id": 7, "customers_only": True})
    draft.source_settings["customers_only"] = False
    draft.source_settings["group_ids"] = ["g-1"]
    assert dict(draft.source_spec().settings) == {
        "connection_id": 7,
        "customers_only": False,
        "group_ids": ["g-1"],
    }


def test_xero_draft_round_trips_through_a_profile():
    draft = xero_draft(group_ids=["g-2"], customers_only=False)
    draft.options = SyncOptions(import_from_cc=True, optout_to_source=False, guard_count=9)
    profile = draft.to_profile()
    again = ProfileDraft.from_profile(profile)
    assert again.source_kind == "xero"
    assert again.source_settings == {
        "connection_id": 7,
        "customers_only": False,
        "group_ids": ["g-2"],
    }
    assert again.file_path == ""
    assert again.to_profile() == profile
    assert again.writable_source and not ready_draft().writable_source


def test_file_source_drops_xero_settings_when_switched_back():
    draft = xero_draft(group_ids=["g-2"])
    draft.source_kind = "file"
    draft.file_path = "/data/customers.csv"
    assert dict(draft.source_spec().settings) == {"path": "/data/customers.csv"}


def test_switching_the_source_and_back_keeps_the_services_choices():
    draft = xero_draft(group_ids=["g-2"], customers_only=False)
    draft.source_kind = "file"
    draft.source_kind = "xero"
    assert draft.source_spec() == SourceSpec(
        "xero", {"connection_id": 7, "customers_only": False, "group_ids": ["g-2"]}
    )


def test_a_chosen_workbook_sheet_round_trips_through_a_profile():
    draft = ProfileDraft(name="Shop", file_path="/data/book.xlsx", file_sheet="Contacts")
    spec = draft.source_spec()
    assert spec.settings == {"path": "/data/book.xlsx", "sheet": "Contacts"}
    profile = SyncProfile("Shop", spec, "Newsletter")
    again = ProfileDraft.from_profile(profile)
    assert again.file_sheet == "Contacts" and "sheet" not in again.source_settings
    again.file_sheet = ""  # back to the sheet ContactBridge picks
    assert "sheet" not in again.source_spec().settings


def test_guard_values_must_be_positive():
    draft = ready_draft()
    draft.options = SyncOptions(guard_share=0.0, guard_count=0, consent_attested_at="2025-06-02")
    assert set(validate(Step.OPTIONS, draft)) == {"guard_share", "guard_count"}


def test_key_column_must_be_in_the_file():
    draft = ready_draft(key_column="Member No")
    assert "Member No" in validate(Step.SOURCE, draft)["key_column"]


# -- validate: Constant Contact -----------------------------------------------------------------


def test_constant_contact_needs_a_connection_and_a_main_list():
    problems = validate(Step.CONSTANT_CONTACT, ready_draft(connection_id=None, main_list="  "))
    assert problems == {
        "connection": "Connect to your Constant Contact account to continue.",
        "main_list": "Enter the name of the Constant Contact list to sync into.",
    }


def test_main_list_name_is_at_most_255_characters():
    assert validate(Step.CONSTANT_CONTACT, ready_draft(main_list="x" * 255)) == {}
    problems = validate(Step.CONSTANT_CONTACT, ready_draft(main_list="x" * 256))
    assert problems["main_list"] == (
        "Constant Contact list names can have at most 255 characters (this one has 256)."
    )


# -- validate: options, mapping, filters, schedule ---------------------------------------------


def test_opt_out_column_must_be_in_the_file():
    assert "Gone" in validate(Step.OPTIONS, ready_draft(opt_out_column="Gone"))["opt_out_column"]
    assert validate(Step.OPTIONS, ready_draft(opt_out_column="")) == {}


def test_a_file_needs_a_consent_column_or_the_users_word():
    unanswered = ready_draft()
    unanswered.options = replace(unanswered.options, consent_attested_at="")
    assert "agreed to receive email" in validate(Step.OPTIONS, unanswered)["consent"]
    unanswered.consent_column = "Opt Out"  # a column that says yes or no
    assert validate(Step.OPTIONS, unanswered) == {}
    attested = ready_draft()
    assert validate(Step.OPTIONS, attested) == {}
    assert attested.to_profile().options.consent_attested_at == "2025-06-02T08:30:00+00:00"


def test_email_must_be_mapped():
    draft = ready_draft()
    del draft.mapping["email"]
    problems = validate(Step.MAPPING, draft)
    assert problems == {
        "email": "Choose the column with email addresses. Constant Contact needs an email "
        "address for every contact."
    }


def test_mapping_flags_missing_and_reused_columns():
    draft = ready_draft()
    draft.mapping["company_name"] = "First Name"
    draft.mapping["job_title"] = "Title"
    problems = validate(Step.MAPPING, draft)
    assert problems["company_name"].startswith("The column “First Name” already fills First name")
    assert "“Title”" in problems["job_title"]


def test_custom_fields_are_checked():
    draft = ready_draft()
    draft.mapping["cf:" + "x" * 51] = "City"
    draft.mapping["cf:   "] = ""
    problems = validate(Step.MAPPING, draft)
    assert "at most 50 characters" in problems["cf:" + "x" * 51]
    assert problems["cf:   "] == "Give the custom field a name."
    many = ready_draft()
    many.mapping.update({f"cf:Field {i}": "" for i in range(26)})
    assert "at most 25 custom fields" in validate(Step.MAPPING, many)["custom_fields"]


def test_filter_rules_need_a_column_and_a_value():
    rules = (
        FilterRule("", Operator.EQUALS, "x"),
        FilterRule("City", Operator.EQUALS, " "),
        FilterRule("City", Operator.IS_EMPTY),
        FilterRule("Region", Operator.CONTAINS, "North"),
    )
    problems = validate(Step.FILTERS, ready_draft(filters=FilterGroup(Join.ALL, rules)))
    assert problems == {
        "rule_0": "Choose a column for rule 1, or remove the rule.",
        "rule_1": "Enter a value for rule 2, or remove the rule.",
        "rule_3": "Rule 4 uses the column “Region”, which this file does not have. "
        "Choose another column or remove the rule.",
    }


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (Schedule(ScheduleKind.INTERVAL, every_minutes=2), "between 5 minutes and 7 days"),
        (Schedule(ScheduleKind.DAILY, at="25:00"), "HH:MM"),
        (Schedule(ScheduleKind.WEEKLY, days=()), "at least one day"),
    ],
)
def test_schedule_problems(schedule, message):
    problems = validate(Step.SCHEDULE, ready_draft(schedule=schedule))
    assert message in problems["schedule"]


def test_first_problem_names_the_step_and_field():
    draft = ready_draft(main_list="")
    assert flow.first_problem(draft) == (
        Step.CONSTANT_CONTACT,
        "main_list",
        "Enter the name of the Constant Contact list to sync into.",
    )


# -- columns arriving ---------------------------------------------------------------------------


def test_preview_fills_suggestions():
    draft = ready_draft()
    assert draft.mapping == {
        "first_name": "First Name",
        "last_name": "Last Name",
        "email": "E-mail",
        "city": "City",
    }
    assert draft.opt_out_column == "Opt Out"
    assert draft.key_column == "Customer ID"
    assert draft.unused_columns() == []
    assert flow.sample_values(draft, "City") == ["Portland", "Boston"]
    assert flow.sample_values(draft, "Nope") == []


def test_new_file_keeps_choices_that_still_fit_and_drops_the_rest():
    draft = ready_draft()
    draft.mapping["email"] = "City"  # the user's choice beats a suggestion
    draft.mapping.pop("city")
    changed = flow.apply_source_preview(
        draft,
        ["City", "First Name", "Email"],
        [],
        suggested=FieldMapping((FieldMap("Email", "email"), FieldMap("First Name", "first_name"))),
        opt_out_column=None,
        key_column=None,
    )
    assert changed
    assert draft.mapping == {"first_name": "First Name", "email": "City"}
    assert draft.opt_out_column == "" and draft.key_column == ""
    assert draft.unused_columns() == ["Email"]


def test_same_columns_again_changes_nothing_but_the_rows():
    draft = ready_draft()
    draft.mapping.pop("city")
    assert not flow.apply_source_preview(draft, COLUMNS, ROWS[:1], suggested=SUGGESTED)
    assert "city" not in draft.mapping
    assert len(draft.preview_rows) == 1


# -- draft <-> profile ----------------------------------------------------------------------------


def test_draft_to_profile():
    draft = ready_draft(
        options=SyncOptions(sync_phones=False, opt_out_handling=OptOutHandling.UNSUBSCRIBE),
        filters=FilterGroup(Join.ANY, (FilterRule("City", Operator.EQUALS, "Portland"),)),
        schedule=Schedule(ScheduleKind.DAILY, at="07:15"),
        name="  Shop customers ",
        main_list=" Newsletter ",
    )
    draft.mapping["cf:Favourite cake"] = "Customer ID"
    draft.mapping["job_title"] = ""  # "not mapped" is left out
    profile = draft.to_profile()
    assert profile == SyncProfile(
        name="Shop customers",
        source=SourceSpec("file", {"path": "/data/customers.csv", "key_column": "Customer ID"}),
        main_list="Newsletter",
        connection_id=3,
        options=SyncOptions(
            sync_phones=False,
            opt_out_handling=OptOutHandling.UNSUBSCRIBE,
            opt_out_column="Opt Out",
        ),
        mapping=FieldMapping(
            (
                FieldMap("E-mail", "email"),
                FieldMap("First Name", "first_name"),
                FieldMap("Last Name", "last_name"),
                FieldMap("City", "city"),
                FieldMap("Customer ID", "cf:Favourite cake"),
            )
        ),
        filters=FilterGroup(Join.ANY, (FilterRule("City", Operator.EQUALS, "Portland"),)),
        schedule=Schedule(ScheduleKind.DAILY, at="07:15"),
        id=None,
    )


def test_profile_roundtrips_through_a_draft():
    profile = SyncProfile(
        name="Members",
        source=SourceSpec(
            "file", {"path": "C:/x/members.xlsx", "key_column": "Member", "sheet": "2024"}
        ),
        main_list="Members",
        connection_id=2,
        options=SyncOptions(unknown_for_blank_names=True, opt_out_column="Opt Out"),
        mapping=FieldMapping((FieldMap("Email", "email"), FieldMap("Tier", "cf:Tier"))),
        filters=FilterGroup(
            Join.ALL,
            (FilterRule("Tier", Operator.IN_LIST, "Gold, Silver"),),
            (FilterGroup(Join.ANY, (FilterRule("City", Operator.IS_NOT_EMPTY),)),),
        ),
        schedule=Schedule(ScheduleKind.WEEKLY, at="06:00", days=(0, 3)),
        id=12,
    )
    draft = ProfileDraft.from_profile(profile)
    assert draft.editing_id == 12
    assert draft.file_path == "C:/x/members.xlsx"
    assert draft.key_column == "Member"
    assert draft.opt_out_column == "Opt Out"
    assert draft.mapping == {"email": "Email", "cf:Tier": "Tier"}
    assert draft.to_profile() == profile


def test_unique_names_leaves_out_the_profile_being_edited():
    names = flow.unique_names(["A", " b ", "C"], excluding="B")
    assert names == frozenset({"A", "C"})
    assert flow.unique_names(["A"]) == frozenset({"A"})


def test_labels_and_groups_for_the_mapping_page():
    assert flow.target_label("email") == "Email address"
    assert flow.target_label("cf:Tier") == "Custom: Tier"
    assert flow.target_group("city") == "Address"
    assert flow.target_group("cf:Tier") == "Custom fields"
    draft = ready_draft()
    draft.mapping["cf:Tier"] = ""
    assert flow.mapping_targets(draft)[-1] == "cf:Tier"
    assert flow.mapping_targets(draft)[0] == "email"


# -- a consent column (a file's column whose yes means "may be emailed") ------------------------


def test_a_consent_column_is_suggested_kept_in_the_files_settings_and_read_back():
    columns = ["Member ID", "Email", "City", "Email: News and Updates"]
    draft = ProfileDraft(name="Studio export", file_path="/data/all-clients.csv")
    flow.apply_source_preview(
        draft,
        columns,
        [],
        suggested=FieldMapping((FieldMap("Email", "email"),)),
        opt_out_column=None,
        key_column="Member ID",
        consent_column="Email: News and Updates",
    )
    assert (draft.consent_column, draft.opt_out_column) == ("Email: News and Updates", "")
    assert draft.unused_columns() == ["City"]
    profile = draft.to_profile()
    assert profile.source.settings["consent_column"] == "Email: News and Updates"
    assert profile.options.opt_out_column == ""
    again = ProfileDraft.from_profile(profile)
    assert again.consent_column == "Email: News and Updates"
    assert "consent_column" not in again.source_settings  # kept in its own field, once
    draft.consent_column = "Gone"
    assert "Gone" in validate(Step.OPTIONS, draft)["opt_out_column"]


def test_an_opt_out_column_wins_over_a_suggested_consent_column():
    draft = ProfileDraft(name="Both", file_path="/data/x.csv")
    flow.apply_source_preview(
        draft,
        ["Email", "Unsubscribed", "Subscribed"],
        [],
        suggested=FieldMapping((FieldMap("Email", "email"),)),
        opt_out_column="Unsubscribed",
        consent_column="Subscribed",
    )
    assert (draft.opt_out_column, draft.consent_column) == ("Unsubscribed", "")


def test_a_profile_is_named_from_its_file_unless_the_name_is_taken():
    from app.ui.profile_wizard.flow import name_for_file

    assert name_for_file("/home/me/shop-customers.csv") == "Shop customers"
    assert name_for_file("C:/exports/till_export 2025.xlsx") == "Till export 2025"
    taken = {"shop customers", "Shop customers (2)"}
    assert name_for_file("/x/shop-customers.csv", taken) == "Shop customers (3)"
    assert name_for_file("/x/__.csv") == "Contacts"


def test_the_full_name_and_birthday_rows_sit_with_their_fields():
    targets = flow.mapping_targets(ready_draft())
    assert targets[targets.index("last_name") + 1] == "full_name"
    assert targets[targets.index("birthday") + 1] == "birthday_month"
    assert len(targets) == len(set(targets))
