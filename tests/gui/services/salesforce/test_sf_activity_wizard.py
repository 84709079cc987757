"""The Salesforce panel's direction and email-change boxes, its campaign activity choices,
and step 4's event registrant fields, in sandbox mode (the real service and emulators)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.core.profiles import OptOutHandling
from app.ui.profile_wizard.flow import Step
from tests.gui.services.salesforce.test_sf_wizard import WAIT_MS, open_wizard, press_next


def test_one_way_from_constant_contact_and_a_new_contact_on_email_change(qtbot, sandbox):
    wizard, source = open_wizard(qtbot, sandbox.service)
    panel = source.panels["salesforce"]
    boxes = panel.choices.boxes
    draft = wizard.draft
    assert draft.options.push_to_cc and not boxes["no_push"].isChecked()
    assert not draft.options.new_contact_on_email_change  # stable identity by default

    boxes["no_push"].click()

    assert not draft.options.push_to_cc
    assert draft.options.import_from_cc  # one way from Constant Contact brings it in
    assert not boxes["one_way"].isChecked() and not boxes["one_way"].isEnabled()
    assert not boxes["unsubscribe"].isEnabled()  # nothing is sent, so nothing unsubscribed
    assert boxes["all_active"].isEnabled()
    boxes["no_push"].click()
    assert draft.options.push_to_cc and boxes["one_way"].isEnabled()
    assert draft.options.opt_out_handling is OptOutHandling.UNSUBSCRIBE

    boxes["new_on_email_change"].click()
    assert draft.options.new_contact_on_email_change
    hint = panel.choices.hints["new_on_email_change"].text()
    assert "keeps getting your emails" in hint and "never added" in hint


def test_activity_choices_and_the_event_fields_of_step_4(qtbot, sandbox):
    service = sandbox.service
    wizard, source = open_wizard(qtbot, service)
    panel = source.panels["salesforce"]
    qtbot.keyClicks(source.name_edit, "Roaster activity")
    activity = panel.activity
    settings = wizard.draft.source_settings
    assert not activity.separate_box.isEnabled()  # only with events

    combo = activity.responses_combo
    combo.setCurrentIndex(combo.findData("tasks"))
    combo.activated.emit(combo.currentIndex())
    activity.events_box.click()
    assert settings["responses"] == "tasks" and settings["events"] is True
    assert activity.separate_box.isEnabled()

    press_next(qtbot, wizard, Step.CONSTANT_CONTACT)
    cc = wizard.page_for(Step.CONSTANT_CONTACT)
    qtbot.waitUntil(lambda: cc.lists is not None, timeout=WAIT_MS)
    cc.list_edit.setText("Roasters")
    press_next(qtbot, wizard, Step.OPTIONS)
    press_next(qtbot, wizard, Step.MAPPING)
    section = wizard.page_for(Step.MAPPING).service_section
    assert section is not None and section.isVisible()
    qtbot.waitUntil(lambda: section.fields is not None, timeout=WAIT_MS)
    # One field for the four details: the practice org's "Email Events" is suggested.
    assert list(section.combos) == ["summary", "order_total", "checked_in"]
    assert section.combos["summary"].currentData() == "Email_Events__c"
    assert settings["event_field"] == "Email_Events__c"

    # Separate fields: one row each, suggested by label.
    wizard.back()
    wizard.back()
    wizard.back()
    assert wizard.currentId() == Step.SOURCE
    panel.activity.separate_box.click()
    for step in (Step.CONSTANT_CONTACT, Step.OPTIONS, Step.MAPPING):
        press_next(qtbot, wizard, step)
    assert set(section.combos) == {
        "registration_date",
        "registration_status",
        "payment_status",
        "guest_count",
        "order_total",
        "checked_in",
    }
    assert settings["event_map"]["guest_count"] == "Guest_Count__c"
    assert "order_total" not in settings["event_map"]  # the org has no such field
    payment = section.combos["payment_status"]
    payment.setCurrentIndex(0)  # not sent
    payment.activated.emit(0)
    assert "payment_status" not in settings["event_map"]

    for step in (Step.FILTERS, Step.SCHEDULE):
        press_next(qtbot, wizard, step)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        qtbot.mouseClick(
            wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton
        )
    stored = service.profiles.get_by_name("Roaster activity").source.settings
    assert (stored["responses"], stored["events"], stored["event_fields"]) == (
        "tasks",
        True,
        "separate",
    )
    assert stored["event_map"]["registration_date"] == "Registration_Date__c"


def test_the_lists_manager_says_a_campaign_list_is_kept_in_sync_by_its_profile(qtbot, sandbox):
    from app.connectors.salesforce.connector import SAMPLE_PROFILE
    from app.sandbox.salesforce import HOLIDAY, NEWSLETTER
    from app.sync.workers import BackgroundTasks
    from app.ui.lists_manager import ListsDialog

    service = sandbox.service
    service.runs.sync(service.profiles.named(SAMPLE_PROFILE).id)
    tasks = BackgroundTasks("test-sf-lists")
    try:
        dialog = ListsDialog(service, tasks)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.lists_loaded, timeout=WAIT_MS):
            dialog.show()
        for name in (HOLIDAY, NEWSLETTER, "Newsletter"):  # each campaign's list, the main one
            row = dialog.row_named(name)
            assert row is not None and SAMPLE_PROFILE in row.used_by, name
        dialog.close()
    finally:
        tasks.shutdown()
