"""A newcomer's path, click by click: from the first launch (the sandbox, a fresh data
folder) to a finished sync of their own file, in at most 10 clicks and key presses."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from app.core.outcomes import Outcome, RunStatus
from app.ui.help.welcome import WelcomeDialog
from app.ui.main_window import MainWindow
from app.ui.profile_wizard.flow import Step
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.settings import UiSettings

WAIT_MS = 20_000
MAX_CLICKS = 10
PEOPLE = [
    ("Rosa", "Diaz", "rosa.diaz@example.net", "Austin"),
    ("Kenji", "Sato", "kenji.sato@example.net", "Dallas"),
    ("Amara", "Okafor", "amara.okafor@example.net", "Houston"),
]


class Clicks:
    """Every click a user makes, counted."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.made: list[str] = []

    def click(self, widget: QWidget, what: str) -> None:
        self.qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=WAIT_MS)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.made.append(what)


def own_file(folder: Path) -> Path:
    path = folder / "my-customers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["First Name", "Last Name", "Email", "City"])
        out.writerows(PEOPLE)
    return path


def test_first_launch_to_a_finished_sync_of_my_own_file(qtbot, sandbox, tmp_path, monkeypatch):
    path = own_file(tmp_path)
    service = sandbox.service
    window = MainWindow(service, settings=UiSettings.for_home(service.home))
    qtbot.addWidget(window)
    window.show()
    clicks = Clicks(qtbot)
    try:
        assert window.welcome_if_first_run()  # the first launch
        welcome = window.dialog
        assert isinstance(welcome, WelcomeDialog)
        clicks.click(welcome.own_file_button, "Sync my own file…")

        wizard = window.dialog
        assert isinstance(wizard, ProfileWizard)
        source = wizard.page_for(Step.SOURCE)
        # The system file dialog, answered with one click (a double-click on the file).
        monkeypatch.setattr(source, "ask_for_file", lambda: str(path))
        clicks.click(source.browse_button, "Browse…")
        qtbot.waitUntil(source.isComplete, timeout=WAIT_MS)
        assert source.name_edit.text() == "My customers"  # named from the file

        next_button = wizard.button(QWizard.WizardButton.NextButton)
        for step in (Step.CONSTANT_CONTACT, Step.OPTIONS, Step.MAPPING, Step.FILTERS):
            clicks.click(next_button, "Next")
            qtbot.waitUntil(lambda s=step: wizard.currentId() == s, timeout=WAIT_MS)
            if step is Step.CONSTANT_CONTACT:
                cc = wizard.page_for(Step.CONSTANT_CONTACT)
                qtbot.waitUntil(lambda page=cc: page.lists is not None, timeout=WAIT_MS)
                assert cc.list_edit.text() == "Newsletter"  # suggested: nothing to type
            if step is Step.OPTIONS:  # the consent question: everyone in my file agreed
                options = wizard.page_for(Step.OPTIONS)
                clicks.click(options.attest_check, "I confirm everyone agreed")
        while wizard.currentId() != int(Step.SCHEDULE):  # any step added since
            current = wizard.currentId()
            clicks.click(next_button, "Next")
            qtbot.waitUntil(lambda c=current: wizard.currentId() != c, timeout=WAIT_MS)

        with qtbot.waitSignal(window.runner.run_finished, timeout=WAIT_MS * 3) as finished:
            clicks.click(wizard.button(QWizard.WizardButton.CustomButton2), "Sync now")
        profile_id, summary, rows = finished.args
        assert summary.status is RunStatus.COMPLETED
        assert not summary.dry_run
        assert sorted(r.email for r in rows if r.outcome is Outcome.CREATED) == sorted(
            p[2] for p in PEOPLE
        )
        assert service.profiles.get(profile_id).name == "My customers"
        qtbot.waitUntil(lambda: window.panel.results.summary is not None, timeout=WAIT_MS)
    finally:
        print(f"\nNewcomer path: {len(clicks.made)} clicks: {', '.join(clicks.made)}")
        window.shutdown()
    assert len(clicks.made) <= MAX_CLICKS, clicks.made
