"""A two-way profile polls every ``poll_minutes`` (30 by default) whatever its schedule: the
window says so in the words ``run-due`` prints, never "Manual"."""

from __future__ import annotations

from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.profiles_model import ProfilesModel

POLLS = "Every 30 minutes (two-way)"


def test_the_profiles_list_and_title_say_a_two_way_profile_polls(qtbot, sandbox) -> None:
    service = sandbox.service
    window = MainWindow(service)
    qtbot.addWidget(window)
    try:
        schedules = {
            window.model.index(r, ProfilesModel.COL_NAME).data(): window.model.index(
                r, ProfilesModel.COL_SCHEDULE
            ).data()
            for r in range(window.model.rowCount())
        }
        assert schedules[SAMPLE_PROFILE_NAME] == "Manual"
        assert schedules[XERO_PROFILE_NAME] == POLLS
        # Every other sample is a service's two-way profile: it polls too.
        assert set(schedules.values()) == {"Manual", POLLS}

        window.select_profile(service.profiles.named(XERO_PROFILE_NAME).id)
        assert window.profile_subtitle.text().endswith(f" · {POLLS}")
    finally:
        window.shutdown()


def test_the_wizards_schedule_step_says_a_two_way_profile_polls(qtbot, sandbox) -> None:
    xero = sandbox.service.profiles.named(XERO_PROFILE_NAME)
    wizard = ProfileWizard(sandbox.service, profile=xero)
    qtbot.addWidget(wizard)
    page = wizard.page_for(Step.SCHEDULE)

    page.initializePage()

    text = page.next_run_label.text()
    assert text.startswith("Runs every 30 minutes (two-way), and whenever you press Sync Now")
    assert "only when you press" not in text
