"""Running in the background: the tray icon and its menu, and the OS job's settings dialog.

The tray icon exists only where the system has a tray (``isSystemTrayAvailable()``; never
headless). The window then hides to the tray when closed while profiles have schedules, and the
scheduler keeps running. The OS job (``app.platform.os_jobs``) covers the time the app is closed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from app.platform.os_jobs import BACKEND_NAMES, DEFAULT_MINUTES, MINUTE_CHOICES, JobStatus
from app.ui.i18n import tr
from app.ui.notifications import ERROR, WARNING
from app.ui.theme import app_icon

MESSAGE_MS = 10_000
_ICONS = {
    WARNING: QSystemTrayIcon.MessageIcon.Warning,
    ERROR: QSystemTrayIcon.MessageIcon.Critical,
}


class Tray(QObject):
    """ContactBridge's tray icon: Open ContactBridge, Sync all now, Quit.

    Args:
        parent: the main window (parents the menu).
        available: whether the system has a tray; tests pass ``lambda: True``.

    Signals:
        open_requested(): show the main window (menu item, or a click on the icon).
        sync_all_requested(): start every profile now.
        quit_requested(): quit ContactBridge for real (the window only hides otherwise).
    """

    open_requested = Signal()
    sync_all_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
    ) -> None:
        super().__init__(parent)
        self._available = available
        self.menu = QMenu(parent)
        self.menu.setObjectName("trayMenu")
        self.open_action = QAction(tr("Open ContactBridge"), self.menu)
        self.sync_all_action = QAction(tr("Sync all now"), self.menu)
        self.sync_all_action.setToolTip(tr("Send every profile's contacts to Constant Contact"))
        self.quit_action = QAction(tr("Quit"), self.menu)
        self.quit_action.setToolTip(tr("Quit ContactBridge; scheduled syncs stop until it opens"))
        self.menu.addAction(self.open_action)
        self.menu.addAction(self.sync_all_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.open_action.triggered.connect(self.open_requested)
        self.sync_all_action.triggered.connect(self.sync_all_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip(tr("ContactBridge"))
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)

    def is_available(self) -> bool:
        """Whether there is a tray to hide in and to show messages from."""
        return bool(self._available())

    def show(self) -> bool:
        """Show the icon when there is a tray; returns whether it is shown."""
        if self.is_available():
            self.icon.show()
            return True
        return False

    def hide(self) -> None:
        self.icon.hide()

    def set_running(self, count: int) -> None:
        """Say in the tooltip how many syncs are running."""
        text = tr("ContactBridge")
        if count == 1:
            text += " — " + tr("1 sync running")
        elif count > 1:
            text += " — " + tr("%1 syncs running").replace("%1", str(count))
        self.icon.setToolTip(text)

    def show_message(self, title: str, message: str, level: str) -> None:
        icon = _ICONS.get(level, QSystemTrayIcon.MessageIcon.Information)
        self.icon.showMessage(title, message, icon, MESSAGE_MS)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()


class OsJobDialog(QDialog):
    """Turns the OS job (run schedules while ContactBridge is closed) on or off.

    Signals:
        chosen(bool, int): OK pressed: whether the job should exist, and every how many
            minutes it runs.
    """

    chosen = Signal(bool, int)

    def __init__(self, status: JobStatus, minutes: int = DEFAULT_MINUTES, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Run schedules when ContactBridge is closed"))
        self.setObjectName("osJobDialog")
        how = BACKEND_NAMES[status.backend] if status.backend else tr("your system's scheduler")
        intro = QLabel(
            tr(
                "ContactBridge runs scheduled syncs while it is open, even minimised to the "
                "tray. Turn this on to also run them when it is closed: %1 then starts "
                "ContactBridge in the background every few minutes to run the profiles that "
                "are due. Your computer must be on and you must be signed in."
            ).replace("%1", how)
        )
        intro.setWordWrap(True)
        self.enabled = QCheckBox(tr("Run scheduled syncs when ContactBridge is closed"))
        self.enabled.setChecked(status.installed)
        self.minutes = QComboBox()
        for n in MINUTE_CHOICES:
            self.minutes.addItem(
                tr("Every hour") if n == 60 else tr("Every %1 minutes").replace("%1", str(n)),
                n,
            )
        self.minutes.setCurrentIndex(max(0, self.minutes.findData(minutes)))
        self.minutes.setEnabled(status.installed)
        self.enabled.toggled.connect(self.minutes.setEnabled)
        self.state = QLabel(tr("It is on now.") if status.installed else tr("It is off now."))
        self.state.setObjectName("hint")
        form = QFormLayout()
        form.addRow(tr("Look for due profiles:"), self.minutes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.enabled)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        self.chosen.emit(self.enabled.isChecked(), int(self.minutes.currentData()))
        super().accept()
