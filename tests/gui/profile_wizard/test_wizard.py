"""The profile wizard, driven as a user would: typing, choosing and pressing Next."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
    QWizard,
)

from app.core.errors import AuthError, RemoteError, ValidationError
from app.core.filters import FilterGroup, FilterRule, Join, Operator
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.schedule import ScheduleKind
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.preview_model import PreviewModel
from app.ui.profile_wizard.wizard import ProfileWizard

WAIT_MS = 5000


def next_button(wizard: QWizard) -> QAbstractButton:
    return wizard.button(QWizard.WizardButton.NextButton)


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def press_next(qtbot, wizard: QWizard, expected: Step) -> None:
    """Next, answering the consent question (everyone agreed) when a file's Options page
    still asks it: tests that are about consent answer it themselves first."""
    page = wizard.currentPage()
    if wizard.currentId() == Step.OPTIONS and page.problems().get("consent"):
        qtbot.mouseClick(page.attest_check, Qt.MouseButton.LeftButton)
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=WAIT_MS)


def error_text(page: QWidget, field: str) -> str:
    label = page.findChild(QLabel, f"error_{field}")
    assert label is not None, f"no error label for {field}"
    return label.text() if label.isVisible() else ""


def fill_source_page(
    qtbot, wizard: ProfileWizard, csv_path, name="Shop customers", typed=False
) -> None:
    page = wizard.page_for(Step.SOURCE)
    qtbot.keyClicks(page.name_edit, name)
    if typed:
        page.path_edit.setText(str(csv_path))  # as if typed or pasted: read after a pause
        assert not page.isComplete()
    else:
        page.set_file(str(csv_path))  # as the Browse button does
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)


def go_to(qtbot, wizard: ProfileWizard, csv_path, step: Step) -> None:
    fill_source_page(qtbot, wizard, csv_path)
    if step > Step.SOURCE:
        press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    if step > Step.CONSTANT_CONTACT:
        cc = wizard.page_for(Step.CONSTANT_CONTACT)
        cc.list_edit.setText("Newsletter")
        press_next(qtbot, wizard, Step.OPTIONS)
    for following in (Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        if step >= following:
            press_next(qtbot, wizard, following)


# -- end to end -------------------------------------------------------------------------------


def test_walk_through_creates_profile(qtbot, make_wizard, service, contacts_csv):
    wizard = make_wizard()
    assert wizard.windowTitle() == "New sync profile"
    assert wizard.currentId() == Step.SOURCE
    assert not next_button(wizard).isEnabled()

    # 1. Source
    fill_source_page(qtbot, wizard, contacts_csv, name="Shop customers", typed=True)
    source = wizard.page_for(Step.SOURCE)
    assert source.preview_model.rowCount() == 5
    assert source.preview_model.headerData(3, Qt.Orientation.Horizontal) == "E-mail"
    assert source.key_combo.currentData() == "Customer ID"  # suggested
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)

    # 2. Constant Contact: already connected; the lists arrive from a worker
    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    assert cc.status_label.text() == "✔ Connected to Sandbox Bakery"
    assert "built-in practice" in cc.how_label.text()
    qtbot.waitUntil(lambda: cc.list_picker.isEnabled(), timeout=WAIT_MS)
    assert not next_button(wizard).isEnabled()  # no Main List yet
    cc.list_picker.activated.emit(cc.list_picker.findData("VIP customers"))
    assert cc.list_edit.text() == "VIP customers"
    assert "exists in your account" in cc.list_status.text()
    cc.list_edit.setText("Newsletter")
    press_next(qtbot, wizard, Step.OPTIONS)

    # 3. Options: the opt-out column was suggested
    options = wizard.page_for(Step.OPTIONS)
    assert options.opt_out_combo.currentData() == "Opt Out"
    options.handling_combo.setCurrentIndex(
        options.handling_combo.findData(OptOutHandling.UNSUBSCRIBE.value)
    )
    options.checkboxes["unknown_for_blank_names"].click()
    press_next(qtbot, wizard, Step.MAPPING)

    # 4. Mapping: prefilled from the suggestions
    mapping = wizard.page_for(Step.MAPPING)
    assert mapping.combos["email"].currentData() == "E-mail"
    assert mapping.combos["first_name"].currentData() == "First Name"
    unused = [mapping.unused_list.item(i).text() for i in range(mapping.unused_list.count())]
    assert "Type" in unused
    mapping.custom_edit.setText("Customer type")
    click(qtbot, mapping.add_custom_button)
    mapping.set_column("cf:Customer type", "Type")
    unused = [mapping.unused_list.item(i).text() for i in range(mapping.unused_list.count())]
    assert "Type" not in unused
    press_next(qtbot, wizard, Step.FILTERS)

    # 5. Filters
    filters = wizard.page_for(Step.FILTERS)
    qtbot.waitUntil(lambda: filters.count_label.text() == "5 of 5 records match", timeout=WAIT_MS)
    click(qtbot, filters.add_button)
    row = filters.rows[0]
    row.field.setCurrentIndex(row.field.findData("City"))
    qtbot.keyClicks(row.value, "Portland")
    qtbot.waitUntil(lambda: filters.count_label.text() == "2 of 5 records match", timeout=WAIT_MS)
    press_next(qtbot, wizard, Step.SCHEDULE)

    # 6. Schedule
    schedule = wizard.page_for(Step.SCHEDULE)
    assert schedule.next_run_label.text() == "Runs only when you press Sync Now"
    schedule.kind_buttons[ScheduleKind.DAILY].click()
    assert schedule.next_run_label.text().startswith("Next run: ")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible() and finish.isEnabled()
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS) as saved:
        click(qtbot, finish)

    assert service.profiles.save_calls == 1
    profile = wizard.saved_profile
    assert saved.args == [profile]
    assert profile.id == 1
    assert profile.name == "Shop customers"
    assert profile.source == SourceSpec(
        "file", {"path": str(contacts_csv), "key_column": "Customer ID"}
    )
    assert profile.main_list == "Newsletter"
    assert profile.connection_id == 1
    assert profile.options.opt_out_column == "Opt Out"
    assert profile.options.opt_out_handling is OptOutHandling.UNSUBSCRIBE
    assert profile.options.unknown_for_blank_names is True
    assert profile.mapping.source_for("email") == "E-mail"
    assert profile.mapping.source_for("cf:Customer type") == "Type"
    assert [(r.field, r.op, r.value) for r in profile.filters.rules] == [
        ("City", Operator.EQUALS, "Portland")
    ]
    assert profile.schedule.kind is ScheduleKind.DAILY
    assert profile.schedule.at == "09:00"
    assert not wizard.isVisible()


def test_back_keeps_what_was_entered(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.OPTIONS)
    wizard.back()
    wizard.back()
    source = wizard.page_for(Step.SOURCE)
    assert source.name_edit.text() == "Shop customers"
    assert source.path_edit.text() == str(contacts_csv)
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    assert wizard.page_for(Step.CONSTANT_CONTACT).list_edit.text() == "Newsletter"


def test_edit_profile_saves_same_id_from_any_page(qtbot, make_wizard, service, contacts_csv):
    profile = SyncProfile(
        name="Old name",
        source=SourceSpec("file", {"path": str(contacts_csv)}),
        main_list="Newsletter",
        connection_id=1,
        mapping=service.profiles.suggest_mapping(["E-mail"]),
        options=SyncOptions(consent_attested_at="2025-06-01T09:00:00+00:00"),
        id=7,
    )
    service.profiles.add(profile)
    wizard = make_wizard(profile)
    assert wizard.windowTitle() == "Edit sync profile"
    source = wizard.page_for(Step.SOURCE)
    assert source.name_edit.text() == "Old name"  # its own name is not "taken"
    assert source.preview_model.rowCount() == 5
    source.name_edit.setText("New name")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(finish.isEnabled, timeout=WAIT_MS)
    click(qtbot, finish)
    assert service.profiles.save_calls == 1
    assert wizard.saved_profile.id == 7
    assert wizard.saved_profile.name == "New name"


def test_a_profile_saved_before_consent_was_asked_asks_when_edited(
    qtbot, make_wizard, service, contacts_csv
):
    profile = SyncProfile(
        name="Old shop",
        source=SourceSpec("file", {"path": str(contacts_csv)}),
        main_list="Newsletter",
        connection_id=1,
        mapping=service.profiles.suggest_mapping(["E-mail"]),
        id=8,
    )
    service.profiles.add(profile)
    wizard = make_wizard(profile)
    source = wizard.page_for(Step.SOURCE)
    qtbot.waitUntil(lambda: source.preview_model.rowCount() == 5, timeout=WAIT_MS)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    reported: list[str] = []
    wizard.report_error = lambda exc: reported.append(exc.message)
    qtbot.waitUntil(finish.isEnabled, timeout=WAIT_MS)
    click(qtbot, finish)  # it is not attested silently: saving asks the question
    assert service.profiles.save_calls == 0
    assert reported and reported[0].startswith("Options: Say whether these people agreed")
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    wizard.page_for(Step.CONSTANT_CONTACT).list_edit.setText("Newsletter")
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: wizard.currentId() == Step.OPTIONS, timeout=WAIT_MS)
    options = wizard.page_for(Step.OPTIONS)
    assert options.consent_box.isVisible()
    assert not next_button(wizard).isEnabled()
    assert "agreed to receive email" in options.blocked_reason()
    qtbot.mouseClick(options.attest_check, Qt.MouseButton.LeftButton)
    assert next_button(wizard).isEnabled()
    assert "Confirmed" in options.attest_note.text()
    qtbot.waitUntil(finish.isEnabled, timeout=WAIT_MS)
    click(qtbot, finish)
    saved = wizard.saved_profile.options.consent_attested_at
    assert datetime.fromisoformat(saved).tzinfo is not None  # when it was given, kept


def test_a_consent_column_answers_the_question(qtbot, make_wizard, service, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.CONSTANT_CONTACT)
    wizard.page_for(Step.CONSTANT_CONTACT).list_edit.setText("Newsletter")
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: wizard.currentId() == Step.OPTIONS, timeout=WAIT_MS)
    options = wizard.page_for(Step.OPTIONS)
    assert not next_button(wizard).isEnabled()
    options.consent_combo.setCurrentIndex(options.consent_combo.findData("Opt Out"))
    assert wizard.draft.consent_column == "Opt Out" and wizard.draft.opt_out_column == ""
    assert options.meaning_combo.currentData() == "consent"  # the section below agrees
    assert next_button(wizard).isEnabled()
    assert wizard.draft.options.consent_attested_at == ""


# -- page checks ------------------------------------------------------------------------------


def test_source_page_says_what_is_wrong(qtbot, make_wizard, service, contacts_csv, tmp_path):
    service.profiles.add(SyncProfile("Shop customers", SourceSpec(), "Newsletter", id=1))
    wizard = make_wizard()
    page = wizard.page_for(Step.SOURCE)
    assert error_text(page, "name") == ""  # nothing shouts before the user starts

    wizard.next()  # pressing Next early shows every problem, next to its field
    assert wizard.currentId() == Step.SOURCE
    assert "Give this profile a name" in error_text(page, "name")
    assert "Choose the CSV or Excel file" in error_text(page, "file_path")

    qtbot.keyClicks(page.name_edit, "shop customers")
    assert "already a profile named" in error_text(page, "name")
    page.name_edit.setText("Bakery")
    assert error_text(page, "name") == ""

    page.set_file(str(tmp_path / "missing.csv"))
    assert "missing.csv" in error_text(page, "file_path")
    assert page.preview_model.rowCount() == 0
    assert not next_button(wizard).isEnabled()

    page.set_file(str(contacts_csv))
    assert error_text(page, "file_path") == ""
    assert next_button(wizard).isEnabled()


def test_every_service_is_available_now(make_wizard):
    page = make_wizard().page_for(Step.SOURCE)
    assert page.kind_buttons["file"].isEnabled()
    assert page.kind_buttons["file"].isChecked()
    for kind in ("xero", "wellnessliving", "salesforce", "neoncrm", "klaviyo"):
        assert page.kind_buttons[kind].isEnabled()
        assert not page.kind_buttons[kind].text().endswith("(coming soon)")
    # Klaviyo is a migration's destination: Constant Contact is moved into it.
    assert page.kind_buttons["klaviyo"].text() == "Constant Contact → Klaviyo"


def test_browse_uses_the_chosen_file(qtbot, make_wizard, contacts_csv):
    page = make_wizard().page_for(Step.SOURCE)
    page.ask_for_file = lambda: str(contacts_csv)  # no modal file dialog in tests
    click(qtbot, page.browse_button)
    assert page.path_edit.text() == str(contacts_csv)
    assert page.preview_model.columnCount() == 8


def test_next_disabled_and_error_shown_when_email_unmapped(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.MAPPING)
    page = wizard.page_for(Step.MAPPING)
    assert next_button(wizard).isEnabled()
    assert error_text(page, "email") == ""

    page.set_column("email", "")
    assert not next_button(wizard).isEnabled()
    assert "Choose the column with email addresses" in error_text(page, "email")
    unused = [page.unused_list.item(i).text() for i in range(page.unused_list.count())]
    assert "E-mail" in unused
    wizard.next()
    assert wizard.currentId() == Step.MAPPING

    page.set_column("email", "E-mail")
    assert next_button(wizard).isEnabled()
    assert error_text(page, "email") == ""


def test_one_column_cannot_fill_two_fields(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.MAPPING)
    page = wizard.page_for(Step.MAPPING)
    page.set_column("company_name", "First Name")
    assert "already fills First name" in error_text(page, "company_name")
    assert not next_button(wizard).isEnabled()


def test_filter_count_updates_and_rules_are_checked(qtbot, make_wizard, service, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.FILTERS)
    page = wizard.page_for(Step.FILTERS)
    with qtbot.waitSignal(page.count_changed, timeout=WAIT_MS) as counted:
        pass
    assert counted.args == [5, 5]

    click(qtbot, page.add_button)
    row = page.rows[0]
    row.field.setCurrentIndex(row.field.findData("Type"))
    assert "Enter a value for rule 1" in error_text(page, "rule_0")
    assert not next_button(wizard).isEnabled()
    with qtbot.waitSignal(page.count_changed, timeout=WAIT_MS) as counted:
        qtbot.keyClicks(row.value, "retail")  # one count after the typing pause
    assert counted.args == [3, 5]
    assert page.count_label.text() == "3 of 5 records match"
    assert error_text(page, "rule_0") == ""

    click(qtbot, page.add_button)
    second = page.rows[1]
    second.field.setCurrentIndex(second.field.findData("Phone"))
    second.op.setCurrentIndex(second.op.findData(Operator.IS_EMPTY.value))
    assert second.value.isHidden()  # "is empty" needs no value
    qtbot.waitUntil(lambda: page.count_label.text() == "0 of 5 records match", timeout=WAIT_MS)
    page.any_button.click()
    qtbot.waitUntil(lambda: page.count_label.text() == "5 of 5 records match", timeout=WAIT_MS)
    assert wizard.draft.filters.join is Join.ANY

    click(qtbot, page.rows[0].remove)
    qtbot.waitUntil(lambda: page.count_label.text() == "2 of 5 records match", timeout=WAIT_MS)
    assert [r.field for r in wizard.draft.filters.rules] == ["Phone"]


@pytest.mark.parametrize(
    ("groups", "words"),
    [
        (1, "This profile also has 1 rule group made elsewhere; it is kept."),
        (2, "This profile also has 2 rule groups made elsewhere; they are kept."),
    ],
)
def test_rule_groups_made_elsewhere_are_counted_in_words(
    qtbot, make_wizard, contacts_csv, groups, words
):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.FILTERS)
    page = wizard.page_for(Step.FILTERS)
    nested = FilterGroup(Join.ANY, (FilterRule("Type", Operator.EQUALS, "retail"),))
    wizard.draft.filters = FilterGroup(groups=(nested,) * groups)
    page.initializePage()
    assert page.nested_label.text() == words


def test_schedule_page_shows_next_run(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()  # the clock says Monday 2 June 2025, 08:30
    go_to(qtbot, wizard, contacts_csv, Step.SCHEDULE)
    page = wizard.page_for(Step.SCHEDULE)
    assert page.next_run_label.text() == "Runs only when you press Sync Now"

    page.kind_buttons[ScheduleKind.DAILY].click()
    text = page.next_run_label.text()
    assert text.startswith("Next run: ") and "2025" in text and "2" in text

    page.kind_buttons[ScheduleKind.WEEKLY].click()
    assert page.day_boxes[0].isChecked()  # today (Monday) is picked to start with
    page.day_boxes[0].click()
    assert "Choose at least one day" in error_text(page, "schedule")
    assert page.next_run_label.text() == ""
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    page.day_boxes[2].click()  # Wednesday
    assert error_text(page, "schedule") == ""
    assert wizard.draft.schedule.days == (2,)
    assert "2025" in page.next_run_label.text()

    page.kind_buttons[ScheduleKind.INTERVAL].click()
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(1))  # minutes
    page.every_spin.setValue(2)
    assert "between 5 minutes and 7 days" in error_text(page, "schedule")
    page.every_spin.setValue(30)
    assert wizard.draft.schedule.every_minutes == 30
    assert page.next_run_label.text() == (
        "Next run: as soon as you save this profile, then every 30 minutes"
    )


# -- Constant Contact page ------------------------------------------------------------------


def test_connect_runs_in_a_worker_and_can_be_cancelled(
    qtbot, make_wizard, no_auth_service, contacts_csv
):
    no_auth_service.connections.connect_gate = threading.Event()
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.CONSTANT_CONTACT)
    page = wizard.page_for(Step.CONSTANT_CONTACT)
    assert page.status_label.text() == "Not connected yet."
    page.list_edit.setText("Newsletter")
    assert not next_button(wizard).isEnabled()

    click(qtbot, page.connect_button)
    assert page.busy_bar.isVisible()
    assert not page.connect_button.isEnabled()
    click(qtbot, page.cancel_button)  # the window answers while the sign-in waits
    assert not page.busy_bar.isVisible()
    assert page.status_label.text() == "Not connected yet."

    click(qtbot, page.connect_button)
    with qtbot.waitSignal(page.connected, timeout=WAIT_MS) as connected:
        no_auth_service.connections.connect_gate.set()
    assert page.status_label.text() == "✔ Connected to Sandbox Bakery"
    qtbot.waitUntil(next_button(wizard).isEnabled, timeout=WAIT_MS)
    press_next(qtbot, wizard, Step.OPTIONS)
    assert wizard.draft.connection_id == connected.args[0].id
    assert len(no_auth_service.connections.all()) == 1  # the cancelled sign-in made none


def test_connect_error_shows_next_to_the_button(qtbot, make_wizard, no_auth_service, contacts_csv):
    no_auth_service.connections.connect_error = AuthError("Constant Contact refused the sign-in.")
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.CONSTANT_CONTACT)
    page = wizard.page_for(Step.CONSTANT_CONTACT)
    click(qtbot, page.connect_button)
    qtbot.waitUntil(
        lambda: error_text(page, "connection") == "Constant Contact refused the sign-in.",
        timeout=WAIT_MS,
    )
    assert page.connect_button.isEnabled()


def test_next_waits_for_the_account_check(qtbot, make_wizard, service, contacts_csv):
    service.lists.lists_error = RemoteError("Constant Contact is down for maintenance.", 503)
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.CONSTANT_CONTACT)
    page = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: "could not be reached" in error_text(page, "connection"))
    page.list_edit.setText("Newsletter")
    assert next_button(wizard).isEnabled()  # a network hiccup does not block; Next retries

    service.lists.lists_error = None
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: wizard.currentId() == Step.OPTIONS, timeout=WAIT_MS)


def test_main_list_longer_than_constant_contact_allows(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.CONSTANT_CONTACT)
    page = wizard.page_for(Step.CONSTANT_CONTACT)
    page.list_edit.setText("x" * 256)
    assert "at most 255 characters" in error_text(page, "main_list")
    assert not next_button(wizard).isEnabled()


# -- finishing ----------------------------------------------------------------------------------


def test_save_problem_is_reported_and_wizard_stays_open(qtbot, make_wizard, service, contacts_csv):
    service.profiles.save_error = ValidationError("Another profile has this name.")
    wizard = make_wizard()
    reported: list[Exception] = []
    wizard.report_error = reported.append
    go_to(qtbot, wizard, contacts_csv, Step.SCHEDULE)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    assert [str(e) for e in reported] == ["Another profile has this name."]
    assert wizard.isVisible()
    assert wizard.saved_profile is None
    assert service.profiles.save_calls == 1


# -- accessibility and the parts ------------------------------------------------------------


def _qt_internal(widget: QWidget) -> bool:
    """Qt's own inner parts: a line edit's clear button, a combo's editor, a table's corner."""
    inner_of = (QComboBox, QAbstractSpinBox, QLineEdit)
    return isinstance(widget.parent(), inner_of) or widget.objectName().startswith("qt_")


@pytest.mark.parametrize("step", list(Step))
def test_every_control_has_an_accessible_name(qtbot, make_wizard, contacts_csv, step):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, step)
    page = wizard.page_for(step)
    assert page.title().startswith(f"Step {int(step) + 1} of 6: ")
    assert page.subTitle()
    controls = [
        w
        for kind in (QLineEdit, QComboBox, QAbstractButton, QAbstractSpinBox)
        for w in page.findChildren(kind)
        if w.isVisibleTo(page) and not _qt_internal(w)
    ]
    assert controls
    nameless = [
        f"{type(w).__name__}:{w.objectName()}:{w.parent().objectName()}"
        for w in controls
        if not w.accessibleName()
    ]
    assert nameless == []


def test_preview_model(qtmodeltester):
    model = PreviewModel()
    model.set_rows(["Email", "Name"], [["a@example.com", "Ada"], ["b@example.com"]])
    qtmodeltester.check(model)
    assert model.index(1, 1).data() == ""
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"
    # The rows' own numbers when the source gives them (blank rows skipped, a Xero position).
    model.set_rows(["Email"], [["a@example.com"], ["b@example.com"]], [4, 9])
    qtmodeltester.check(model)
    assert [model.headerData(i, Qt.Orientation.Vertical) for i in range(2)] == ["4", "9"]


def test_fixed_clock_is_used(make_wizard, now):
    wizard = make_wizard()
    assert wizard.context.clock() == now == datetime(2025, 6, 2, 8, 30)


def test_restart_goes_back_to_the_start_and_keeps_the_draft(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.FILTERS)
    wizard.restart()
    assert wizard.currentId() == Step.SOURCE
    assert wizard.currentPage() is wizard.page_for(Step.SOURCE)
    assert wizard.page_for(Step.SOURCE).name_edit.text() == "Shop customers"
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == Step.CONSTANT_CONTACT, timeout=WAIT_MS)
    wizard.next()  # waits for the account check, then moves on by itself
    qtbot.waitUntil(lambda: wizard.currentId() == Step.OPTIONS, timeout=WAIT_MS)
