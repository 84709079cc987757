"""The composition root: builds the QApplication, opens the service and shows the main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app import APP_NAME, APP_ORG, __version__
from app.core.errors import AppError
from app.sync.bootstrap import ServiceHandle, open_service
from app.sync.scheduler import Scheduler
from app.ui.errors import build_error_dialog, show_error
from app.ui.i18n import tr
from app.ui.main_window import MainWindow
from app.ui.notifications import WARNING
from app.ui.theme import app_icon, apply_theme
from app.ui.tray import Tray
from app.ui.wheel_guard import install as install_wheel_guard

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication, named and styled (reused when one exists, as in tests)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    # Hand the interpreter lock back to the GUI thread sooner while workers run (the default
    # 5 ms slice, shared by a worker and the sandbox's threads, adds up to felt stalls).
    sys.setswitchinterval(0.001)
    app.setOrganizationName(APP_ORG)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("contactbridge")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    install_wheel_guard(app)  # the wheel scrolls pages; it changes only a chosen control
    # Follow the system when it switches between light and dark while we run.
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
    return app


def run(
    argv: Sequence[str] | None = None,
    *,
    sandbox: bool = False,
    home: Path | None = None,
    screenshot: Path | None = None,
) -> int:
    """Run the desktop app until its window closes; returns the exit code.

    Args:
        argv: Qt's command-line arguments (the program name first), if any.
        sandbox: work against the built-in Constant Contact emulator and sample data.
        home: the data folder (default: the platform's, or the sandbox's own).
        screenshot: instead of running, write screenshots of every screen to this folder.
    """
    app = create_application(argv)
    if screenshot is not None:
        from app.devtools.screenshots import take_screenshots  # only this command needs it

        take_screenshots(Path(screenshot), home)
        return 0

    try:
        handle = open_service(sandbox=sandbox, home=home, emulator_process=True)
    except AppError as exc:
        box = build_error_dialog(None, exc)
        if box is not None:
            box.exec()  # nothing else is on screen yet
        return 1

    window = MainWindow(handle.service)
    scheduler, tray = run_in_background(app, window)
    closer = _Closer(window, handle, scheduler, tray)
    previous_hook = sys.excepthook
    sys.excepthook = _excepthook(window)
    app.aboutToQuit.connect(closer.close)
    window.show()
    window.welcome_if_first_run()  # once: the sandbox tour, or connecting an account
    scheduler.start()
    for notice in handle.notices:  # e.g. no secure keyring: stays until closed
        window.notice_banner.show_notice(
            tr("Sign-ins are kept for this session only"), notice, WARNING
        )
    try:
        return app.exec()
    finally:
        sys.excepthook = previous_hook
        closer.close()


def run_in_background(app: QApplication, window: MainWindow) -> tuple[Scheduler, Tray | None]:
    """The scheduler on the window's runner, and the tray icon when the system has a tray.

    With a tray, closing the window can hide it while schedules run on, so the app quits when
    the window really closes rather than when the last visible window goes.
    """
    scheduler = Scheduler(window.service, window.runner, parent=window)
    scheduler.run_due.connect(window.note_scheduled_run)
    window.profiles_reloaded.connect(scheduler.rearm)
    tray: Tray | None = Tray(window)
    assert tray is not None
    if not tray.show():
        tray = None
    else:
        tray.open_requested.connect(window.bring_to_front)
        tray.sync_all_requested.connect(scheduler.sync_all)
        tray.quit_requested.connect(window.quit_app)
        runner = window.runner
        for signal in (runner.run_started, runner.run_finished, runner.run_failed):
            signal.connect(lambda *_a, t=tray: t.set_running(len(runner.running_ids())))
        app.setQuitOnLastWindowClosed(False)
        window.closed.connect(app.quit)
    window.set_tray(tray)
    return scheduler, tray


class _Closer:
    """Stops every run and thread, then closes the database and the emulator, once."""

    def __init__(
        self,
        window: MainWindow,
        handle: ServiceHandle,
        scheduler: Scheduler | None = None,
        tray: Tray | None = None,
    ) -> None:
        self.window, self.handle, self.closed = window, handle, False
        self.scheduler, self.tray = scheduler, tray

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.scheduler is not None:
            self.scheduler.stop()  # before the runner stops, so nothing new starts
        if self.tray is not None:
            self.tray.hide()
        self.window.shutdown()
        self.handle.close()


def _excepthook(window: MainWindow):
    """Show an error raised in a slot (a bug) in the one error dialog instead of losing it."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: not ours to show
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("uncaught error", exc_info=(kind, exc, tb))
        show_error(window, exc.with_traceback(tb))

    return hook
