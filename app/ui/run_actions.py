"""Run panel actions for two-way sync: confirming a large run, and retrying failed records."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from app.core.errors import NeedsConfirmation
from app.core.outcomes import RunSummary
from app.ui.i18n import tr, tr_n

# Asks the user whether a run the guard stopped may go ahead; injectable so tests never block.
ConfirmFn = Callable[[QWidget, NeedsConfirmation], bool]


def ask_confirmation(parent: QWidget, exc: NeedsConfirmation) -> bool:
    """A Yes/No dialog that says exactly what the run would do; No is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Confirm a large change"))
    box.setText(
        tr("This sync would unsubscribe %1 and remove %2 of the %3 contacts it has synced.")
        .replace("%1", f"{exc.unsubscribes:,}")
        .replace("%2", f"{exc.removals:,}")
        .replace("%3", f"{exc.synced:,}")
    )
    box.setInformativeText(
        tr(
            "Nothing has been changed yet; the results list everyone affected. "
            "Unsubscribes cannot be undone. Go ahead?"
        )
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


class RetryFailedBar(QWidget):
    """A "Retry failed records" button under a run's results that had failures.

    Signals:
        retry_requested(int): the user asked to retry the failed records of this run id.
    """

    retry_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_id = 0
        self.label = QLabel()
        self.button = QPushButton(tr("Retry failed records"))
        self.button.setToolTip(
            tr("Run the profile again for only the records that failed in this run.")
        )
        self.button.clicked.connect(self._on_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_for(self, summary: RunSummary | None) -> None:
        """Show the button for a finished real run with failures; hide it otherwise."""
        failed = summary.counts.failed if summary is not None and not summary.dry_run else 0
        if not failed:
            self.hide()
            return
        assert summary is not None
        self.run_id = summary.run_id
        self.label.setText(
            tr_n("%n record failed in this run.", "%n records failed in this run.", failed)
        )
        self.button.setEnabled(True)
        self.show()

    @Slot()
    def _on_clicked(self) -> None:
        self.button.setEnabled(False)
        self.retry_requested.emit(self.run_id)
