"""The Help menu and the first-run welcome; mixed into ``MainWindow``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync import log_file
from app.ui.help.guide import GuideDialog
from app.ui.help.welcome import WELCOMED_KEY, WelcomeChoice, WelcomeDialog
from app.ui.i18n import tr

if TYPE_CHECKING:  # the mixin only runs as part of MainWindow
    from app.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class HelpActions(_Base):
    """Help › Getting started, Help › Welcome…, and the welcome shown on the first launch."""

    def _add_help_actions(self, menu: QMenu) -> None:
        self.guide_action = QAction(tr("&Getting started"), self)
        self.guide_action.setObjectName("guideAction")
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.setStatusTip(
            tr("A short guide: the first sync, profiles, schedules, unsubscribes, the sandbox")
        )
        self.guide_action.triggered.connect(lambda: self.show_guide())
        self.welcome_action = QAction(tr("&Welcome…"), self)
        self.welcome_action.setObjectName("welcomeAction")
        self.welcome_action.triggered.connect(self.show_welcome)
        menu.addAction(self.guide_action)
        menu.addAction(self.welcome_action)
        menu.addSeparator()

    def show_guide(self, section: str = "") -> GuideDialog:
        """Open the getting-started guide (at ``section``, an anchor, when given)."""
        dialog = GuideDialog(
            str(log_file.current_folder()), self.service.sandbox, self, section=section
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()
        return dialog

    def welcome_if_first_run(self) -> bool:
        """Show the welcome on the first launch only; whether it was shown."""
        if self.settings.flag(WELCOMED_KEY):
            return False
        self.settings.set_flag(WELCOMED_KEY)
        self.show_welcome()
        return True

    @Slot()
    def show_welcome(self) -> None:
        box = WelcomeDialog(self.service.sandbox, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self._on_welcome_choice(box.choice))
        self.dialog = box
        box.open()

    def _on_welcome_choice(self, choice: WelcomeChoice) -> None:
        if choice is WelcomeChoice.TOUR:
            self.start_tour()
        elif choice is WelcomeChoice.CONNECT:
            self.show_connections()
        elif choice is WelcomeChoice.OWN_FILE:
            self.new_profile()
        elif choice is WelcomeChoice.GUIDE:
            self.show_guide("first-sync")

    def start_tour(self) -> None:
        """Select the sample profile and point at Dry run and Sync Now."""
        sample = next(
            (pid for pid, ov in self._overviews.items() if ov.profile.name == SAMPLE_PROFILE_NAME),
            None,
        )
        if sample is None and self._overviews:
            sample = next(iter(self._overviews))
        if sample is None:
            self.statusBar().showMessage(tr("Make a profile first: New profile…"), 10000)
            return
        self.select_profile(sample)
        self.statusBar().showMessage(
            tr(
                "The sample profile is selected. Press Dry run to see what a sync would do, "
                "then Sync Now to send the sample contacts to the practice Constant Contact."
            ),
            30000,
        )
        for action in (self.dry_run_action, self.sync_action):
            widget = self.toolbar.widgetForAction(action)
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                break
