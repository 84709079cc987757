"""The main window's life in the background: the tray, schedules, reconnecting, the OS job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot

from app.core.errors import NeedsReconnect
from app.platform.os_jobs import JobStatus
from app.sync.due import is_scheduled
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.tray import OsJobDialog, Tray

if TYPE_CHECKING:  # the mixin only runs as part of MainWindow
    from app.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class BackgroundActions(_Base):
    """Tray, scheduled runs, reconnecting and the OS job; mixed into ``MainWindow``."""

    def set_tray(self, tray: Tray | None) -> None:
        """Use ``tray`` for notifications and to hide in when closed (None: no tray)."""
        self.tray = tray
        self.notifier.set_tray(tray)

    def note_scheduled_run(self, profile_id: int) -> None:
        """The scheduler started this run: its failure is told without a dialog."""
        self._scheduled_runs.add(profile_id)

    def has_schedules(self) -> bool:
        return any(is_scheduled(ov.profile) for ov in self._overviews.values())

    def _should_hide_to_tray(self) -> bool:
        return (
            not self._quitting
            and self.tray is not None
            and self.tray.is_available()
            and self.has_schedules()
        )

    @Slot()
    def quit_app(self) -> None:
        """Close for real, even when a tray would keep ContactBridge running."""
        self._quitting = True
        self.close()

    @Slot()
    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    @Slot(int)
    def show_profile_from_banner(self, profile_id: int) -> None:
        self.select_profile(profile_id)  # the banner is in this window: it is in front

    def _profile_name(self, profile_id: int) -> str:
        return self._profile_names(profile_id)[0]

    def _profile_names(self, profile_id: int) -> tuple[str, str]:
        ov = self._overviews.get(profile_id)
        return (ov.profile.name, ov.profile.main_list) if ov is not None else ("", "")

    @Slot()
    def reconnect(self) -> None:
        """Sign in to Constant Contact again, in the background (the browser opens)."""
        conn = self.service.connections.default_connection()
        service = self.service
        label = conn.label if conn is not None else tr("Constant Contact")
        conn_id = conn.id if conn is not None else None
        task = self.tasks.submit(
            lambda cancel: service.connections.connect_constant_contact(
                label, cancel, connection_id=conn_id
            ),
            name="reconnect",
        )
        task.finished.connect(lambda _conn: self.refresh_connection())
        task.failed.connect(self._on_reconnect_failed)
        self.statusBar().showMessage(tr("Waiting for you to sign in to Constant Contact…"), 15_000)

    def _on_reconnect_failed(self, exc: BaseException) -> None:
        self.refresh_connection()
        if not isinstance(exc, NeedsReconnect):
            show_error(self, exc)

    @Slot()
    def configure_background_job(self) -> None:
        """Ask the system whether the OS job exists, then offer to change it."""
        jobs = self.os_jobs
        task = self.tasks.submit(lambda cancel: jobs.status(), name="os-job-status")
        task.finished.connect(self._open_os_job_dialog)
        task.failed.connect(lambda exc: show_error(self, exc))

    def _open_os_job_dialog(self, status: JobStatus) -> None:
        dialog = OsJobDialog(status, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(lambda on, minutes: self._change_os_job(status, on, minutes))
        self.dialog = dialog
        dialog.open()

    def _change_os_job(self, status: JobStatus, on: bool, minutes: int) -> None:
        if not on and not status.installed:
            return
        jobs = self.os_jobs
        task = self.tasks.submit(
            lambda cancel: jobs.install(minutes) if on else jobs.remove(), name="os-job"
        )
        task.finished.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        task.failed.connect(lambda exc: show_error(self, exc))
