"""``ProfileWizard``: the six pages that create or edit a sync profile, saved once on Finish."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget, QWizard

from app.core.errors import AppError, ValidationError
from app.core.profiles import SyncProfile
from app.ui.dialog_fit import fit_to_screen
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.flow import ProfileDraft, Step
from app.ui.profile_wizard.pages.base import DraftPage, WizardContext, translate_problem
from app.ui.profile_wizard.pages.constant_contact import ConstantContactPage
from app.ui.profile_wizard.pages.filters import FiltersPage
from app.ui.profile_wizard.pages.mapping import MappingPage
from app.ui.profile_wizard.pages.options import OptionsPage
from app.ui.profile_wizard.pages.schedule import SchedulePage
from app.ui.profile_wizard.pages.source import SourcePage
from app.ui.profile_wizard.tasks import TaskRunner

if TYPE_CHECKING:
    from app.sync.facade.api import ContactBridgeApi

# The buttons of the wizard's bottom row, whatever the page shows of them.
_ROW = (
    QWizard.WizardButton.BackButton,
    QWizard.WizardButton.NextButton,
    QWizard.WizardButton.CustomButton1,
    QWizard.WizardButton.CustomButton2,
    QWizard.WizardButton.FinishButton,
    QWizard.WizardButton.CancelButton,
)

PAGES: dict[Step, type[DraftPage]] = {
    Step.SOURCE: SourcePage,
    Step.CONSTANT_CONTACT: ConstantContactPage,
    Step.OPTIONS: OptionsPage,
    Step.MAPPING: MappingPage,
    Step.FILTERS: FiltersPage,
    Step.SCHEDULE: SchedulePage,
}


class ProfileWizard(QWizard):
    """Creates a profile (or edits ``profile``) and saves it once, in ``accept()``.

    Args:
        service: the application service (previews, counts, Constant Contact, saving).
        profile: the profile to edit; None creates a new one.
        existing_names: names of the saved profiles; asked of the service when None.
        clock: the local time now, for the schedule's "Next run" (tests fix it).

    Attributes:
        saved_profile: the profile as saved, once Finish succeeded; else None.
        then: what the user asked to do once it is saved: ``PREVIEW`` (a dry run, "Preview
            first"), ``SYNC`` ("Sync now") or ``""`` (only save).
        discard_box: the "Discard the changes…?" question while it is open (tests answer it).

    Signals:
        profile_saved(object): the profile was saved (the stored SyncProfile, with its id).
    """

    profile_saved = Signal(object)

    PREVIEW = "preview"
    SYNC = "sync"
    _THEN_BUTTONS = {
        QWizard.WizardButton.CustomButton1: PREVIEW,
        QWizard.WizardButton.CustomButton2: SYNC,
    }

    def __init__(
        self,
        service: ContactBridgeApi,
        parent: QWidget | None = None,
        profile: SyncProfile | None = None,
        existing_names: Iterable[str] | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.saved_profile: SyncProfile | None = None
        self.editing = profile is not None
        if profile is not None:
            self.draft = ProfileDraft.from_profile(profile)
        else:  # a new profile starts from the Settings dialog's defaults
            self.draft = ProfileDraft(options=service.profiles.new_options())
        if existing_names is None:
            existing_names = [p.name for p in service.profiles.list()]
        names = flow.unique_names(existing_names, excluding=profile.name if profile else None)
        self.runner = TaskRunner(self)
        self.context = WizardContext(service, self.draft, self.runner, names, clock)

        self.setObjectName("profile_wizard")
        self.setWindowTitle(
            self.tr("Edit sync profile") if self.editing else self.tr("New sync profile")
        )
        self.setAccessibleName(self.windowTitle())
        if sys.platform != "darwin":
            self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Save profile"))
        self.pages: dict[Step, DraftPage] = {}
        for step, page_class in PAGES.items():
            page = page_class(self.context)
            # When editing, every step is already filled in: allow saving from any page.
            page.setFinalPage(self.editing)
            self.setPage(int(step), page)
            self.pages[step] = page
        self.setStartId(int(flow.first_step()))
        self.setMinimumSize(QSize(760, 600))
        fit_to_screen(self, QSize(900, 680))

        self.then = ""
        self.discard_box: QMessageBox | None = None
        self._unchanged: object = None  # the draft as it stood once the first page was read
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton2, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("&Preview first"))
        self.setButtonText(QWizard.WizardButton.CustomButton2, self.tr("Sync &now"))
        preview = self.button(QWizard.WizardButton.CustomButton1)
        preview.setToolTip(
            self.tr(
                "Save the profile, then see what a sync would change, without changing anything"
            )
        )
        preview.setAccessibleName(self.tr("Save and preview first"))
        sync = self.button(QWizard.WizardButton.CustomButton2)
        sync.setToolTip(self.tr("Save the profile and send its contacts to Constant Contact now"))
        sync.setAccessibleName(self.tr("Save and sync now"))
        self.blocked_line = QLabel(self)
        self.blocked_line.setObjectName("next_blocked")
        self.blocked_line.setAccessibleName(self.tr("Why you cannot go on"))
        self.blocked_line.setWordWrap(True)
        self.blocked_line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for which in _ROW:
            self.button(which).installEventFilter(self)
        self.customButtonClicked.connect(self._then_clicked)
        self.currentIdChanged.connect(self._page_shown)
        for page in self.pages.values():
            page.completeChanged.connect(self._update_then_buttons)

    # -- the buttons -----------------------------------------------------------------------------

    def _page_shown(self, page_id: int) -> None:
        if self._unchanged is None:  # the start page has read what it was given
            self._unchanged = self._fingerprint()
        page = self.currentPage()
        final = isinstance(page, DraftPage) and page.isFinalPage()
        buttons = [
            QWizard.WizardButton.Stretch,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
        ]
        if final:
            buttons += [
                QWizard.WizardButton.CustomButton1,
                QWizard.WizardButton.CustomButton2,
            ]
        buttons += [QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton]
        self.setButtonLayout(buttons)
        self._update_then_buttons()

    def _update_then_buttons(self) -> None:
        """Preview first and Sync now follow Save; the line beside them says why it is off."""
        page = self.currentPage()
        complete = page is not None and page.isComplete()
        for which in self._THEN_BUTTONS:
            self.button(which).setEnabled(complete)
        why = page.blocked_reason() if isinstance(page, DraftPage) else ""
        self.blocked_line.setText(why)
        self.blocked_line.setToolTip(why)
        self.blocked_line.setAccessibleDescription(why)
        self._place_blocked_line()

    def _place_blocked_line(self) -> None:
        """Lay the line over the free space left of the buttons: it takes no room from the
        page, so nothing moves under the pointer when it shows."""
        shown = [b for b in map(self.button, _ROW) if b is not None and b.isVisible()]
        if not shown:
            return
        left = min(b.x() for b in shown)
        middle = shown[0].geometry().center().y()
        height = self.blocked_line.fontMetrics().lineSpacing() * 2 + 4
        margin = 16
        self.blocked_line.setGeometry(
            margin, middle - height // 2, max(left - 2 * margin, 0), height
        )
        self.blocked_line.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            self._place_blocked_line()  # the button row moved or changed
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_blocked_line()

    def _then_clicked(self, which: int) -> None:
        self.then = self._THEN_BUTTONS.get(QWizard.WizardButton(which), "")
        self.accept()
        if self.saved_profile is None:  # a problem kept the wizard open
            self.then = ""

    # -- cancelling ------------------------------------------------------------------------------

    def _fingerprint(self) -> object:
        return self.draft.to_profile()

    def has_changes(self) -> bool:
        """True when the user changed something since the wizard opened (Save would keep it)."""
        return self._unchanged is not None and self._fingerprint() != self._unchanged

    def reject(self) -> None:
        """Cancel, Esc and the window's close button: ask first when there are changes."""
        if self.discard_box is not None:
            return
        if not self.has_changes():
            super().reject()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.windowTitle())
        box.setText(self.tr("Discard the changes to this profile?"))
        box.setInformativeText(
            self.tr("The profile stays as it was saved.")
            if self.editing
            else self.tr("The new profile is not saved.")
        )
        discard = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._discard_answered(box.clickedButton() is discard))
        self.discard_box = box
        box.open()

    def _discard_answered(self, discard: bool) -> None:
        self.discard_box = None
        if discard:
            super().reject()

    def page_for(self, step: Step) -> DraftPage:
        return self.pages[step]

    # -- finishing -------------------------------------------------------------------------------

    def accept(self) -> None:
        """Check the whole draft, save it once, and close; problems keep the wizard open."""
        if self.saved_profile is not None:  # a second click on Finish while closing
            return
        problem = flow.first_problem(self.draft, self.context.existing_names)
        if problem is not None:
            step, _field, message = problem
            title = self.pages[step].page_title()
            self.report_error(ValidationError(f"{title}: {translate_problem(message)}"))
            return
        try:
            saved = self.service.profiles.save(self.draft.to_profile())
        except AppError as exc:
            self.report_error(exc)
            return
        self.saved_profile = saved
        self.profile_saved.emit(saved)
        super().accept()

    def done(self, result: int) -> None:
        self.runner.shutdown()  # cancels a sign-in in progress and waits for the workers
        super().done(result)

    def report_error(self, exc: AppError) -> None:
        """Show a problem in a dialog (the app's ``show_error``); tests replace this method."""
        try:  # imported here: app.ui.errors may be absent in a partial checkout
            from app.ui.errors import show_error
        except ImportError:
            QMessageBox.warning(self, exc.title, exc.message)
        else:
            show_error(self, exc)
