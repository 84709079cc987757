"""A two-way profile polls every ``poll_minutes`` (30 by default) whatever its schedule, once
the user has synced it: the window says so in the words ``run-due`` prints."""

from __future__ import annotations

from app.connectors.xero.connector import SAMPLE_PROFILE as XERO_PROFILE_NAME
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.profiles_model import ProfilesModel

POLLS = "Every 30 minutes (two-way)"
WAITS = "Manual (two-way checks start after your first sync)"


def schedules(window: MainWindow) -> dict[str, str]:
    return {
        window.model.index(r, ProfilesModel.COL_NAME).data(): window.model.index(
            r, ProfilesModel.COL_SCHEDULE
        ).data()
        for r in range(window.model.rowCount())
    }


def test_a_two_way_profile_polls_only_after_its_first_sync(qtbot, sandbox) -> None:
    service = sandbox.service
    window = MainWindow(service)
    qtbot.addWidget(window)
    try:
        before = schedules(window)
        assert before[SAMPLE_PROFILE_NAME] == "Manual"
        assert before[XERO_PROFILE_NAME] == WAITS
        # Every other sample is a service's two-way profile, or a migration (hourly): none
        # polls before it synced.
        assert set(before.values()) == {
            "Manual",
            WAITS,
            "Every hour (starts after your first sync)",
        }
        xero = service.profiles.named(XERO_PROFILE_NAME)
        window.select_profile(xero.id)
        assert window.profile_subtitle.text().endswith(f" · {WAITS}")

        service.runs.sync(xero.id)  # the user's first sync of it
        window.reload_profiles()

        assert schedules(window)[XERO_PROFILE_NAME] == POLLS
        assert window.profile_subtitle.text().endswith(f" · {POLLS}")
    finally:
        window.shutdown()


def test_the_wizards_schedule_step_says_when_a_two_way_profile_polls(qtbot, sandbox) -> None:
    xero = sandbox.service.profiles.named(XERO_PROFILE_NAME)
    wizard = ProfileWizard(sandbox.service, profile=xero)
    qtbot.addWidget(wizard)
    page = wizard.page_for(Step.SCHEDULE)

    page.initializePage()
    assert page.next_run_label.text().startswith(
        f"{WAITS}. A two-way profile looks for unsubscribes and changes every 30 minutes, "
        "once you have pressed Sync Now the first time."
    )

    sandbox.service.runs.sync(xero.id)
    page.initializePage()

    text = page.next_run_label.text()
    assert text.startswith("Runs every 30 minutes (two-way), and whenever you press Sync Now")
    assert "only when you press" not in text
