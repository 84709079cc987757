"""Desktop notifications when a run ends: the tray's message, or a banner in the window.

``QSystemTrayIcon.showMessage`` needs a system tray, and there is none headless or on some
Linux desktops (``isSystemTrayAvailable()`` is False): then the message shows as a banner at
the top of the main window instead, so it is never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QToolButton, QWidget

from app.core.errors import AppError, Cancelled, RunLocked
from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.core.vocabulary import RunTallies
from app.ui.i18n import tr
from app.ui.theme import Tone
from app.ui.widgets import Banner
from app.ui.wording import run_words

log = logging.getLogger(__name__)

INFO, WARNING, ERROR = "info", "warning", "error"
LEVEL_TONES = {INFO: Tone.SUCCESS, WARNING: Tone.WARNING, ERROR: Tone.ERROR}
BANNER_INFO_MS = 15_000  # an "all went well" banner goes away on its own; problems stay

# (profile name, list name) of a profile id; ("", "") when it is gone.
ProfileNames = Callable[[int], tuple[str, str]]


class MessageTarget(Protocol):
    """Where notifications can go besides the window: the tray (``app.ui.tray.Tray``)."""

    def is_available(self) -> bool: ...
    def show_message(self, title: str, message: str, level: str) -> None: ...


def counts_text(summary: RunSummary) -> str:
    """The run's counts in the results' words: "Created in Constant Contact: 12 · …"."""
    dry = summary.dry_run or summary.status is RunStatus.DRY_RUN
    return run_words(RunTallies.of_summary(summary), dry, summary.source_name)


def run_notification(summary: RunSummary, list_name: str = "") -> tuple[str, str, str] | None:
    """(title, message, level) for a run that ended; None for a cancelled one (no news)."""
    name = summary.profile_name
    # Profiles are often named after their list already ("Bakery customers → Newsletter").
    head = f"{name} → {list_name}" if list_name and list_name not in name else name
    body = f"{head}: {counts_text(summary)}"
    match summary.status:
        case RunStatus.CANCELLED:
            return None
        case RunStatus.DRY_RUN:
            return tr("Dry run finished — nothing was changed"), body, INFO
        case RunStatus.COMPLETED:
            return tr("Sync finished"), body, INFO
        case RunStatus.COMPLETED_WITH_ERRORS:
            return tr("Sync finished with errors"), body, WARNING
        case RunStatus.PAUSED:
            return tr("Sync paused"), _with_message(body, summary.message), WARNING
    return tr("Sync failed"), _with_message(body, summary.message), ERROR


def failure_notification(profile_name: str, exc: BaseException) -> tuple[str, str, str] | None:
    """(title, message, level) for a run that could not go on; None when that is no news."""
    if isinstance(exc, Cancelled | RunLocked):
        return None  # the user's own doing, or another process is on it
    text = exc.message if isinstance(exc, AppError) else tr("ContactBridge ran into a problem.")
    return tr("Sync failed"), f"{profile_name}: {text}", ERROR


def _with_message(body: str, message: str) -> str:
    return f"{body}. {message}" if message else body


class NoticeBanner(Banner):
    """The in-window stand-in for a desktop notification, with a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleDescription(tr("Notification"))
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip(tr("Close this notification"))
        self.close_button.setAccessibleName(tr("Close notification"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        self.layout().addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide)
        self.hide()

    def show_notice(self, title: str, message: str, level: str) -> None:
        self.show_message(LEVEL_TONES.get(level, Tone.INFO), title, message)
        if level == INFO:
            self._hide_timer.start(BANNER_INFO_MS)
        else:
            self._hide_timer.stop()


class Notifier(QObject):
    """Tells the user how runs ended, in the tray when there is one, else in the window.

    Args:
        banner: the window's fallback banner.
        names: (profile name, list name) of a profile id, for the messages.
        quiet_in_banner: levels the banner leaves out because the window says them already
            (the main window's attention banner keeps every failure in view).

    Signals:
        notified(str, str, str): a notification was shown (title, message, level, one of
            "info", "warning", "error").
    """

    notified = Signal(str, str, str)

    def __init__(
        self,
        banner: NoticeBanner | None,
        names: ProfileNames = lambda _pid: ("", ""),
        parent: QObject | None = None,
        *,
        quiet_in_banner: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(parent)
        self.banner = banner
        self.quiet_in_banner = quiet_in_banner
        self.names = names
        self.tray: MessageTarget | None = None

    def set_tray(self, tray: MessageTarget | None) -> None:
        self.tray = tray

    def uses_tray(self) -> bool:
        return self.tray is not None and self.tray.is_available()

    def notify(self, title: str, message: str, level: str = INFO) -> None:
        """Show one notification where the user will see it."""
        if self.uses_tray():
            assert self.tray is not None
            self.tray.show_message(title, message, level)
        elif self.banner is not None and level not in self.quiet_in_banner:
            self.banner.show_notice(title, message, level)
        else:
            if self.banner is not None:
                # The window says this one itself; an older "Sync finished" would contradict it.
                self.banner.hide()
            log.info("%s: %s", title, message)
        self.notified.emit(title, message, level)

    @Slot(int, object, object)
    def on_run_finished(
        self, profile_id: int, summary: RunSummary, rows: tuple[RecordResult, ...]
    ) -> None:
        note = run_notification(summary, self.names(profile_id)[1])
        if note is not None:
            self.notify(*note)

    @Slot(int, object)
    def on_run_failed(self, profile_id: int, exc: BaseException) -> None:
        name = self.names(profile_id)[0] or tr("A profile")
        note = failure_notification(name, exc)
        if note is not None:
            self.notify(*note)
