"""The question closing the window asks while a sync or an undo runs: keep syncing in the
tray (where there is one), cancel and quit (the run resumes at the next sync), or stay."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from app.ui.i18n import tr


class CloseAnswer(Enum):
    KEEP_IN_TRAY = "tray"
    CANCEL_AND_QUIT = "quit"
    STAY = "stay"


def running_words(names: Sequence[str], undos: int = 0) -> str:
    """What is running, in a sentence: "“Shop” is still syncing.", "An undo is still
    running.", "2 runs are still going: “Shop” and an undo."."""
    if len(names) == 1 and not undos:
        return tr("“%1” is still syncing.").replace("%1", names[0])
    if not names and undos == 1:
        return tr("An undo is still running.")
    parts = [f"“{name}”" for name in names] + [tr("an undo")] * undos
    listed = ", ".join(parts[:-1]) + " " + tr("and") + " " + parts[-1]
    return tr("%1 runs are still going: %2.").replace("%1", str(len(parts))).replace("%2", listed)


class CloseQuestion(QMessageBox):
    """Asks what to do with the runs in progress; ``answer(button)`` reads the choice.

    Args:
        names: the profiles syncing.
        tray: whether there is a system tray to keep syncing in.
        undos: how many undos run (from the run history).
    """

    def __init__(self, parent: QWidget, names: Sequence[str], tray: bool, undos: int = 0) -> None:
        super().__init__(parent)
        self.setObjectName("closeQuestion")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(tr("A sync is running"))
        self.setText(running_words(names, undos))
        lines = []
        if tray:
            lines.append(
                tr(
                    "Keep syncing in the tray: the window closes and the sync goes on; the "
                    "ContactBridge icon says when it is done."
                )
            )
        lines.append(
            tr(
                "Cancel and quit: the sync stops safely, and the next sync picks up where it "
                "stopped, sending nothing twice."
            )
        )
        self.setInformativeText("\n\n".join(lines))
        self.tray_button: QAbstractButton | None = None
        if tray:
            self.tray_button = self.addButton(
                tr("Keep syncing in the tray"), QMessageBox.ButtonRole.AcceptRole
            )
        self.quit_button = self.addButton(
            tr("Cancel and quit"), QMessageBox.ButtonRole.DestructiveRole
        )
        self.stay_button = self.addButton(tr("Stay"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.stay_button)  # Enter and Esc never stop a run
        self.setEscapeButton(self.stay_button)

    def answer(self, button: QAbstractButton | None) -> CloseAnswer:
        if button is not None and button is self.tray_button:
            return CloseAnswer.KEEP_IN_TRAY
        if button is self.quit_button:
            return CloseAnswer.CANCEL_AND_QUIT
        return CloseAnswer.STAY
