"""The row that pulls campaign statistics: the button, or the progress with Cancel while a
pull runs (in the same room, so nothing under the pointer moves), and what the last pull
found."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from app.core.campaign_stats import PullReport
from app.core.errors import AppError
from app.ui.i18n import tr
from app.ui.stats.pull import StatsPuller, pull_words
from app.ui.theme import icon


class PullBar(QWidget):
    """Drives the window's ``StatsPuller``; any number of bars may show the same pull."""

    def __init__(self, puller: StatsPuller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.puller = puller
        self.pull_button = QPushButton(icon("sync"), tr("&Pull campaign stats now"))
        self.pull_button.setAccessibleName(tr("Pull campaign stats now"))
        self.pull_button.setToolTip(
            tr("Read the latest opens, clicks, unsubscribes and bounces from Constant Contact")
        )
        self.pull_button.clicked.connect(self.start)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(tr("Pull progress"))
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.cancel_button = QPushButton(icon("cancel"), tr("&Cancel"))
        self.cancel_button.setAccessibleName(tr("Cancel the pull"))
        self.cancel_button.clicked.connect(puller.cancel)
        running = QWidget()
        running_layout = QHBoxLayout(running)
        running_layout.setContentsMargins(0, 0, 0, 0)
        running_layout.addWidget(self.progress)
        running_layout.addWidget(self.cancel_button)
        idle = QWidget()
        idle_layout = QHBoxLayout(idle)
        idle_layout.setContentsMargins(0, 0, 0, 0)
        idle_layout.addWidget(self.pull_button)
        idle_layout.addStretch(1)
        self.state = QStackedWidget()
        self.state.addWidget(idle)
        self.state.addWidget(running)
        self.state.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.state.setFixedWidth(max(idle.sizeHint().width(), running.sizeHint().width(), 300))
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setAccessibleName(tr("Pull status"))
        self.status.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(self.status, 1)
        puller.started.connect(self._on_started)
        puller.progress_changed.connect(self._on_progress)
        puller.finished.connect(self._on_finished)
        puller.failed.connect(self._on_failed)
        if puller.is_running():
            self._on_started()
            self._on_progress(*puller.last)

    @Slot()
    def start(self) -> None:
        self.puller.start()

    @Slot()
    def _on_started(self) -> None:
        self.state.setCurrentIndex(1)
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)  # busy, amount unknown
        if message:
            self.status.setText(message)

    @Slot(object)
    def _on_finished(self, report: PullReport) -> None:
        self.state.setCurrentIndex(0)
        self.status.setText(pull_words(report))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.state.setCurrentIndex(0)
        # The window says what went wrong, once (``MainWindow``); the bar keeps a line of it.
        words = str(exc) if isinstance(exc, AppError) else tr("an unexpected error")
        self.status.setText(tr("The pull stopped: %1").replace("%1", words))
