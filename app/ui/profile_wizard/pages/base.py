"""What every wizard page shares: the draft, live validation, errors next to the fields."""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWhatsThis, QWidget, QWizardPage

from app.ui.profile_wizard import flow
from app.ui.profile_wizard.flow import ProfileDraft, Step
from app.ui.profile_wizard.page_help import page_help
from app.ui.profile_wizard.tasks import TaskRunner
from app.ui.profile_wizard.widgets import error_label, set_error

if TYPE_CHECKING:
    from app.sync.facade.api import ContactBridgeApi

STEP_COUNT = len(Step)


@dataclass
class WizardContext:
    """What the pages share: the draft they edit and the things they may ask.

    Attributes:
        existing_names: the names of the other profiles (a new name must differ).
        clock: the local wall-clock time now (injected so tests can fix it).
    """

    service: ContactBridgeApi
    draft: ProfileDraft
    runner: TaskRunner
    existing_names: Set[str]
    clock: Callable[[], datetime]


def translate_problem(text: str) -> str:
    """A ``flow.validate`` message in the user's language (flow.py has no Qt to do it)."""
    return QCoreApplication.translate("ProfileDraft", text)


class DraftPage(QWizardPage):
    """A page that edits part of the draft.

    Subclasses set ``step``, build their widgets, register each field's error label with
    ``add_error_label`` (and the widget to focus with ``watch``), write changes to the draft,
    and call ``changed(field)``. Errors show for fields the user has touched (and for those
    in ``always_show``); pressing Next shows them all.
    """

    step: Step
    always_show: frozenset[str] = frozenset()

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        self._errors: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self.page_error = error_label("page", self)
        self.setTitle(
            self.tr("Step {n} of {count}: {title}").format(
                n=int(self.step) + 1, count=STEP_COUNT, title=self.page_title()
            )
        )
        # "What's this?": a "?" in the page's top-right margin (it takes no room from the
        # page) and Shift+F1 both show what this step is for.
        self.help_text = page_help(int(self.step))
        self.setWhatsThis(self.help_text)
        self.help_button = QToolButton(self)
        self.help_button.setObjectName("pageHelp")
        self.help_button.setText("?")
        self.help_button.setAutoRaise(False)  # a button that looks like one
        self.help_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.help_button.setToolTip(self.tr("What is this step for?"))
        self.help_button.setAccessibleName(self.tr("Help on this step"))
        self.help_button.setWhatsThis(self.help_text)
        self.help_button.clicked.connect(self.show_help)

    # -- help ----------------------------------------------------------------------------------

    def show_help(self) -> None:
        """Show what this step is for, under the "?" button."""
        below = self.help_button.mapToGlobal(QPoint(0, self.help_button.height()))
        QWhatsThis.showText(below, self.help_text, self.help_button)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = 22
        self.help_button.setGeometry(self.width() - size - 1, 0, size, size)
        self.help_button.raise_()

    # -- for subclasses ------------------------------------------------------------------------

    @property
    def draft(self) -> ProfileDraft:
        return self.ctx.draft

    def page_title(self) -> str:
        raise NotImplementedError

    def page_layout(self) -> QVBoxLayout:
        """A vertical layout with the wizard's margins; the page-level error goes last."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.setSpacing(6)
        return layout

    def add_error_label(self, field: str, focus: QWidget | None = None) -> QLabel:
        label = self._errors.get(field)
        if label is None:
            label = error_label(field, self)
            self._errors[field] = label
        if focus is not None:
            self._focus[field] = focus
        return label

    def drop_error_labels(self, prefix: str) -> None:
        """Forget the error labels of fields whose rows were rebuilt (their widgets go too)."""
        for key in [k for k in self._errors if k.startswith(prefix)]:
            del self._errors[key]
            self._focus.pop(key, None)

    def extra_problems(self) -> dict[str, str]:
        """Problems that live in the page's state, not the draft (a connection in progress)."""
        return {}

    def changed(self, field: str | None = None) -> None:
        """The user changed ``field``: show its errors from now on and re-check the page."""
        if field:
            self._touched.add(field)
        self.refresh()

    # -- validation --------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        found = flow.validate(self.step, self.draft, self.ctx.existing_names)
        return {**found, **self.extra_problems()}

    def refresh(self) -> None:
        """Update the error labels and the Next button."""
        problems = self.problems()
        unplaced: list[str] = []
        for field, message in problems.items():
            if field not in self._errors:
                unplaced.append(message)
        for field, label in self._errors.items():
            shown = self._show_all or field in self._touched or field in self.always_show
            text = problems.get(field, "") if shown else ""
            set_error(label, translate_problem(text) if text else "")
        set_error(
            self.page_error,
            " ".join(translate_problem(m) for m in unplaced) if self._show_all else "",
        )
        self.completeChanged.emit()

    def show_all_errors(self) -> None:
        self._show_all = True
        self.refresh()
        for field in self.problems():
            widget = self._focus.get(field)
            if widget is not None and widget.isEnabled():
                widget.setFocus()
                break

    def blocked_reason(self) -> str:
        """Why Next (or Save) is unavailable, in plain words; empty when it is available."""
        if self.isComplete():
            return ""
        problems = self.problems()
        if not problems:
            return self.tr("Wait a moment: ContactBridge is still checking this page.")
        why = translate_problem(next(iter(problems.values())))
        if self.wizard() is not None and self.isFinalPage():
            return self.tr("To save this profile: {why}").format(why=why)
        return self.tr("To go on: {why}").format(why=why)

    # -- QWizardPage hooks ---------------------------------------------------------------------

    def isComplete(self) -> bool:
        return not self.problems()

    def validatePage(self) -> bool:
        if self.problems():
            self.show_all_errors()
            return False
        return True

    def nextId(self) -> int:
        following = flow.next_step(self.step, self.draft)
        return -1 if following is None else int(following)

    def cleanupPage(self) -> None:
        # Going Back keeps what the user entered: it lives in the draft, not in fields.
        self._show_all = False
