"""The wizard's guard rails: why Next is off, asking before discarding, Preview first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox, QWizard

from app.core.schedule import ScheduleKind
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from tests.gui.profile_wizard.test_wizard import (
    WAIT_MS,
    click,
    fill_source_page,
    go_to,
    next_button,
)


def blocked(wizard: ProfileWizard) -> QLabel:
    label = wizard.findChild(QLabel, "next_blocked")
    assert label is not None and label.isVisible()
    if label.text():  # beside the buttons, clear of them, and of the page
        row = wizard.button(QWizard.WizardButton.CancelButton).geometry()
        assert label.geometry().bottom() >= row.top() and label.geometry().top() <= row.bottom()
        shown = [b for b in wizard.findChildren(QAbstractButton) if b.isVisible()]
        assert not any(
            label.geometry().intersects(b.geometry()) for b in shown if b.parentWidget() is wizard
        )
        assert not label.geometry().intersects(wizard.currentPage().geometry())
    return label


def answer(qtbot, wizard: ProfileWizard, text: str) -> None:
    box = wizard.discard_box
    assert box is not None and box.isVisible()
    assert box.text() == "Discard the changes to this profile?"
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    with qtbot.waitSignal(box.finished, timeout=WAIT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_disabled_next_says_why_next_to_it(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    assert not next_button(wizard).isEnabled()
    assert blocked(wizard).text() == (
        "To go on: Give this profile a name, for example “Newsletter from shop customers”."
    )
    go_to(qtbot, wizard, contacts_csv, Step.MAPPING)
    label = blocked(wizard)
    assert next_button(wizard).isEnabled() and label.text() == ""
    page_box = wizard.currentPage().geometry()
    wizard.page_for(Step.MAPPING).set_column("email", "")
    assert not next_button(wizard).isEnabled()
    assert blocked(wizard).text().startswith("To go on: Choose the column with email addresses.")
    assert wizard.currentPage().geometry() == page_box  # nothing under the pointer moved


def test_the_last_page_says_why_save_is_off(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.SCHEDULE)
    assert blocked(wizard).text() == ""
    preview = wizard.button(QWizard.WizardButton.CustomButton1)
    assert preview.isVisible() and preview.isEnabled()
    page = wizard.page_for(Step.SCHEDULE)
    page.kind_buttons[ScheduleKind.WEEKLY].click()
    page.day_boxes[0].click()  # no day of the week left
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert blocked(wizard).text() == "To save this profile: Choose at least one day of the week."
    assert not preview.isEnabled()
    assert not wizard.button(QWizard.WizardButton.CustomButton2).isEnabled()
    page.day_boxes[2].click()
    assert blocked(wizard).text() == "" and preview.isEnabled()


def test_cancel_with_changes_asks_and_keep_editing_keeps_them(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, contacts_csv, name="Shop customers")
    wizard.button(QWizard.WizardButton.CancelButton).click()
    answer(qtbot, wizard, "Keep editing")
    assert wizard.isVisible() and wizard.result() == 0
    assert wizard.draft.name == "Shop customers"
    assert wizard.page_for(Step.SOURCE).name_edit.text() == "Shop customers"


def test_esc_and_the_close_button_ask_too_and_discard_closes(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    fill_source_page(qtbot, wizard, contacts_csv)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    answer(qtbot, wizard, "Keep editing")
    assert wizard.isVisible()
    wizard.close()
    assert wizard.isVisible()  # the question is open, the wizard is not closed under it
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        answer(qtbot, wizard, "Discard")
    assert not wizard.isVisible() and wizard.saved_profile is None


def test_cancel_without_changes_closes_at_once(qtbot, make_wizard):
    wizard = make_wizard()
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.discard_box is None and not wizard.isVisible()
    assert wizard.findChild(QMessageBox) is None


def test_cancel_an_untouched_edit_closes_at_once(qtbot, make_wizard, service, contacts_csv):
    first = make_wizard()
    go_to(qtbot, first, contacts_csv, Step.SCHEDULE)
    with qtbot.waitSignal(first.profile_saved, timeout=WAIT_MS) as saved:
        click(qtbot, first.button(QWizard.WizardButton.FinishButton))
    wizard = make_wizard(saved.args[0])
    for step in (Step.CONSTANT_CONTACT, Step.OPTIONS, Step.MAPPING, Step.FILTERS, Step.SCHEDULE):
        wizard.next()  # looking through every page changes nothing
        qtbot.waitUntil(lambda s=step: wizard.currentId() == s, timeout=WAIT_MS)
    assert not wizard.has_changes()
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.discard_box is None


def test_preview_first_saves_and_runs_a_dry_run(qtbot, service, contacts_csv):
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    try:
        window.new_profile()
        wizard = window.dialog
        assert isinstance(wizard, ProfileWizard)
        go_to(qtbot, wizard, contacts_csv, Step.SCHEDULE)
        preview = wizard.button(QWizard.WizardButton.CustomButton1)
        sync = wizard.button(QWizard.WizardButton.CustomButton2)
        assert preview.text().replace("&", "") == "Preview first"
        assert sync.text().replace("&", "") == "Sync now" and sync.isVisible()
        with qtbot.waitSignal(window.panel.results_shown, timeout=10_000):
            click(qtbot, preview)
        saved = [p for p in service.profiles.list() if p.name == "Shop customers"]
        assert len(saved) == 1
        assert service.runs.calls == [(saved[0].id, True)]  # a dry run, nothing sent
        title = window.panel.results.banner.title.text()
        assert title == "Dry run — nothing was changed in Constant Contact"
    finally:
        window.shutdown()


def test_the_first_pages_offer_no_preview_yet(qtbot, make_wizard):
    wizard = make_wizard()
    assert not wizard.button(QWizard.WizardButton.CustomButton1).isVisible()
    assert not wizard.button(QWizard.WizardButton.CustomButton2).isVisible()
