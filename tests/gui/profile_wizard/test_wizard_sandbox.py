"""The profile wizard end to end in sandbox mode: the real service, store and emulator."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.core.filters import FilterGroup, FilterRule, Operator
from app.core.schedule import ScheduleKind
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard

WAIT_MS = 15_000


@pytest.fixture
def sandbox(tmp_path) -> Iterator[object]:
    from app.sync.bootstrap import open_service

    handle = open_service(sandbox=True, home=tmp_path / "home")
    yield handle
    handle.close()


def press_next(qtbot, wizard: QWizard, expected: Step) -> None:
    """Next, answering the consent question (everyone agreed) if the Options page asks it."""
    page = wizard.currentPage()
    if wizard.currentId() == Step.OPTIONS and page.problems().get("consent"):
        qtbot.mouseClick(page.attest_check, Qt.MouseButton.LeftButton)
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=WAIT_MS)


def test_create_profile_in_the_sandbox(qtbot, sandbox):
    service = sandbox.service
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()

    source = wizard.page_for(Step.SOURCE)
    qtbot.keyClicks(source.name_edit, "Retail customers")
    source.path_edit.setText(str(sandbox.sample_csv))
    qtbot.waitUntil(source.isComplete, timeout=WAIT_MS)
    assert source.preview_model.rowCount() == 20
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)

    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    assert cc.status_label.text().startswith("✔ Connected to ")
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("Retail newsletter")
    assert "creates it on the first sync" in cc.list_status.text()
    press_next(qtbot, wizard, Step.OPTIONS)

    options = wizard.page_for(Step.OPTIONS)
    assert options.opt_out_combo.currentData() == "Email Opt Out"
    press_next(qtbot, wizard, Step.MAPPING)

    mapping = wizard.page_for(Step.MAPPING)
    assert mapping.combos["email"].currentData() == "Email Address"
    press_next(qtbot, wizard, Step.FILTERS)

    filters = wizard.page_for(Step.FILTERS)
    qtbot.mouseClick(filters.add_button, Qt.MouseButton.LeftButton)
    row = filters.rows[0]
    row.field.setCurrentIndex(row.field.findData("Customer Type"))
    qtbot.keyClicks(row.value, "Retail")
    expected = service.profiles.count_matching(
        wizard.draft.source_spec(),
        FilterGroup(rules=(FilterRule("Customer Type", Operator.EQUALS, "Retail"),)),
    )
    text = f"{expected[0]:,} of {expected[1]:,} records match"
    qtbot.waitUntil(lambda: filters.count_label.text() == text, timeout=WAIT_MS)
    assert re.fullmatch(r"\d+ of \d+ records match", text) and 0 < expected[0] < expected[1]
    press_next(qtbot, wizard, Step.SCHEDULE)

    schedule = wizard.page_for(Step.SCHEDULE)
    schedule.kind_buttons[ScheduleKind.WEEKLY].click()
    assert schedule.next_run_label.text().startswith("Next run: ")
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )

    stored = service.profiles.get_by_name("Retail customers")
    assert stored is not None
    assert stored == wizard.saved_profile
    assert stored.main_list == "Retail newsletter"
    assert stored.connection_id == service.connections.default_connection().id
    assert stored.filters.rules == (FilterRule("Customer Type", Operator.EQUALS, "Retail"),)
    assert stored.schedule.kind is ScheduleKind.WEEKLY


def test_connect_another_account_in_the_sandbox(qtbot, sandbox):
    wizard = ProfileWizard(sandbox.service)
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    source.name_edit.setText("Second account")
    source.set_file(str(sandbox.sample_csv))
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)

    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    before = {c.id for c in sandbox.service.connections.cc_connections()}
    with qtbot.waitSignal(cc.connected, timeout=WAIT_MS) as connected:
        qtbot.mouseClick(cc.connect_button, Qt.MouseButton.LeftButton)
        assert cc.busy_bar.isVisible()  # the sign-in runs in a worker; the window is live
    conn = connected.args[0]
    assert conn.id not in before
    assert wizard.draft.connection_id == conn.id
    assert cc.status_label.text() == f"✔ Connected to {conn.account_name}"
    assert cc.account_combo.isVisible()  # now there are two accounts to choose from


def preview_rows_by_email(source) -> dict[str, int]:
    """The preview's row numbers (its vertical header) by the email shown in each row."""
    model = source.preview_model
    email_col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Email Address"
    )
    return {
        model.index(i, email_col).data().lower(): int(model.headerData(i, Qt.Orientation.Vertical))
        for i in range(model.rowCount())
        if model.index(i, email_col).data()
    }


def test_the_preview_numbers_rows_as_the_results_do(qtbot, sandbox):
    # Blank lines in the file: row numbers skip, in the preview as in the results.
    path = sandbox.sample_csv
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([lines[0], "\n", *lines[1:4], ",,\n", *lines[4:]]), encoding="utf-8")
    wizard = ProfileWizard(sandbox.service)
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    source.set_file(str(path))
    shown = preview_rows_by_email(source)
    assert list(shown.values())[:4] == [3, 4, 5, 7]

    service = sandbox.service
    profile = service.profiles.named("Bakery customers → Newsletter")
    summary = service.runs.sync(profile.id, dry_run=True)
    results: dict[str, int] = {}
    for r in sorted(service.store.runs.results(summary.run_id), key=lambda r: r.row):
        results.setdefault(r.email, r.row)  # the sample repeats one address further down
    assert {email: results[email] for email in shown} == shown


def test_a_list_name_in_other_capitals_uses_the_existing_list(qtbot, sandbox):
    """Constant Contact compares list names without regard to case: "newsletter" typed when
    "Newsletter" exists is that list; the wizard says so and the first sync uses it."""
    service = sandbox.service
    newsletter = sandbox.emulator.create_list("Newsletter")
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    source.name_edit.setText("Case test")
    source.set_file(str(sandbox.sample_csv))
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    assert cc.list_edit.text() == "Newsletter"  # the account's only list, suggested

    cc.list_edit.clear()  # the user types the name their own way
    qtbot.keyClicks(cc.list_edit, "newsletter")

    status = cc.list_status.text()
    assert status.startswith("✔ “Newsletter” already exists — ContactBridge will use it.")
    assert "creates" not in status
    assert cc.list_picker.currentData() == "Newsletter"  # the existing list, chosen
    assert wizard.draft.main_list == "Newsletter"

    for step in (Step.OPTIONS, Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        press_next(qtbot, wizard, step)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )
    assert wizard.saved_profile.main_list == "Newsletter"

    summary = service.runs.sync(wizard.saved_profile.id)

    assert summary.status.value == "completed", summary.message
    assert sandbox.emulator.list_id("Newsletter") == newsletter
    assert sandbox.emulator.contacts_on_list("Newsletter")


CONSENT_EXPORT = (
    "Member ID,First Name,Last Name,Email,Email: News and Updates\n"
    "M1,Ada,Lovelace,ada.consent@example.com,Yes\n"
    "M2,Grace,Hopper,grace.consent@example.com,No\n"
    "M3,Alan,Turing,alan.consent@example.com,\n"
    "M4,Joan,Clarke,joan.consent@example.com,subscribed\n"
)


def test_a_consent_column_sends_only_those_who_subscribed(qtbot, sandbox, tmp_path):
    """An export whose column says who *subscribed* (not who opted out): the wizard suggests
    it as a consent column, and a sync sends only the yes; a no or a blank stays out."""
    path = tmp_path / "all-clients.csv"
    path.write_text(CONSENT_EXPORT, encoding="utf-8")
    service = sandbox.service
    wizard = ProfileWizard(service)
    wizard.report_error = lambda exc: pytest.fail(f"unexpected error dialog: {exc}")
    qtbot.addWidget(wizard)
    wizard.show()
    source = wizard.page_for(Step.SOURCE)
    qtbot.keyClicks(source.name_edit, "Studio clients")
    source.set_file(str(path))
    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    wizard.page_for(Step.CONSTANT_CONTACT).list_edit.setText("Consented")
    press_next(qtbot, wizard, Step.OPTIONS)

    options = wizard.page_for(Step.OPTIONS)
    assert options.opt_out_combo.currentData() == "Email: News and Updates"
    assert options.meaning_combo.currentText() == "Yes means they subscribed (consent)"
    assert options.column_hint.text().startswith("A consent column: only people marked yes")
    # Read as an opt-out column, the meaning flips; back to consent for this export.
    options.meaning_combo.setCurrentIndex(options.meaning_combo.findData("opted_out"))
    assert wizard.draft.opt_out_column == "Email: News and Updates"
    assert wizard.draft.consent_column == ""
    options.meaning_combo.setCurrentIndex(options.meaning_combo.findData("consent"))
    assert (wizard.draft.opt_out_column, wizard.draft.consent_column) == (
        "",
        "Email: News and Updates",
    )
    for step in (Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        press_next(qtbot, wizard, step)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )

    stored = service.profiles.get_by_name("Studio clients")
    assert stored.source.settings["consent_column"] == "Email: News and Updates"
    summary = service.runs.sync(stored.id)
    results = {r.email: r for r in service.runs.results(summary.run_id)}
    assert summary.counts.total == 4 == summary.counts.created + summary.counts.skipped
    assert {e for e, r in results.items() if r.outcome == "created"} == {
        "ada.consent@example.com",
        "joan.consent@example.com",
    }
    assert sandbox.emulator.contacts_on_list("Consented") == {
        "ada.consent@example.com",
        "joan.consent@example.com",
    }
