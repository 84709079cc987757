"""The main window: the profiles, Sync Now and Dry run, live progress and the last results."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from app.connectors.registry import describe_source, label
from app.core.errors import AppError, NeedsConfirmation
from app.core.outcomes import RecordResult, RunSummary
from app.core.profiles import SyncProfile
from app.core.store_types import ConnectionStatus
from app.platform.os_jobs import OsJobs
from app.sync.due import schedule_words
from app.sync.facade.api import ContactBridgeApi
from app.sync.facade.values import ProfileOverview
from app.sync.workers import BackgroundTasks, SyncRunner
from app.ui.close_question import CloseAnswer, CloseQuestion
from app.ui.db_follow import DatabaseFollower
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.help.help_actions import HelpActions
from app.ui.history import UNDO_TASK, HistoryDialog
from app.ui.i18n import tr
from app.ui.locate_file import PickFile, ask_for_file, locate_source_file
from app.ui.notifications import ERROR, Notifier
from app.ui.profile_transfer_actions import ProfileTransfer
from app.ui.profile_wizard.wizard import ProfileWizard
from app.ui.profiles_model import ID_ROLE, dry_run_words, profile_rows
from app.ui.settings import UiSettings
from app.ui.theme import Tone, app_icon, icon, tone_icon
from app.ui.tray import Tray
from app.ui.window_background import BackgroundActions
from app.ui.window_dialogs import DialogActions
from app.ui.window_layout import WindowLayout
from app.ui.window_stats import StatsActions

log = logging.getLogger(__name__)

WizardFactory = Callable[[ContactBridgeApi, QWidget, SyncProfile | None, set[str]], ProfileWizard]


def default_wizard(
    service: ContactBridgeApi,
    parent: QWidget,
    profile: SyncProfile | None,
    names: set[str],
) -> ProfileWizard:
    return ProfileWizard(service, parent, profile=profile, existing_names=names)


class MainWindow(
    WindowLayout, DialogActions, HelpActions, BackgroundActions, StatsActions, QMainWindow
):
    """ContactBridge's window. Owns the sync runner and the background tasks it starts.

    Signals:
        profiles_reloaded(): the profiles list was read again from the service.
        closed(): the window closed for real (not hidden to the tray) and shut down.
    """

    profiles_reloaded = Signal()
    closed = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        *,
        settings: UiSettings | None = None,
        wizard_factory: WizardFactory = default_wizard,
    ) -> None:
        super().__init__()
        self.service = service
        self.settings = settings or UiSettings.for_home(service.home)
        self.wizard_factory = wizard_factory
        self.runner = SyncRunner(service, self)
        self.tasks = BackgroundTasks("ui-tasks", self)
        self._overviews: dict[int, ProfileOverview] = {}
        self._synced: frozenset[int] = frozenset()  # profiles that have synced for real
        self._shut_down = False
        self.dialog: QWidget | None = None  # the last dialog opened (tests inspect it)
        # Running in the background (app/ui/tray.py): the tray, set by the app when it has one.
        self.tray: Tray | None = None
        self.os_jobs = OsJobs(sandbox=service.sandbox)
        self._quitting = False
        self._close_confirmed = False  # "Cancel and quit" was chosen: close without asking
        self.close_question: CloseQuestion | None = None
        self._told_about_tray = False
        self._scheduled_runs: set[int] = set()  # started by the scheduler: no error dialog

        title = tr("ContactBridge")
        if service.sandbox:
            title += tr(" — SANDBOX")
        self.setWindowTitle(title)
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")

        self._build_actions()
        self._build_stats()
        self._build_menus()
        self._build_central()
        self._build_status_bar()

        self.runner.run_started.connect(self._on_run_started)
        self.runner.run_waiting.connect(self._on_run_waiting)
        self.runner.run_finished.connect(self._on_run_finished)
        self.runner.run_failed.connect(self._on_run_failed)
        self.panel.locate_requested.connect(self.locate_source)
        self.pick_source_file: PickFile = ask_for_file  # tests replace the file dialog
        self.notifier = Notifier(
            self.notice_banner, self._profile_names, self, quiet_in_banner=frozenset({ERROR})
        )
        for target in (self.notifier, self.attention):
            self.runner.run_finished.connect(target.on_run_finished)
            self.runner.run_failed.connect(target.on_run_failed)
        self.attention.show_requested.connect(self.show_profile_from_banner)
        self.attention.reconnect_requested.connect(self.reconnect)

        fit_to_screen(self, QSize(1180, 760))  # then where it was left, if it was
        self.settings.restore_geometry("main", self)
        self.settings.restore_splitter("main", self.splitter)
        self.settings.restore_header("main/profiles", self.table.horizontalHeader())
        # Runs made elsewhere (the command line, run-due, another window) show by themselves.
        self.follower = DatabaseFollower(self.service.runs.activity_marker, parent=self)
        self.follower.changed.connect(self._on_database_changed)
        self.reload_profiles()
        self.refresh_connection()
        self.follower.start()

    # -- building --------------------------------------------------------------------------

    def _action(
        self, name: str, text: str, shortcut: QKeySequence | str | None, tip: str
    ) -> QAction:
        action = QAction(icon(name), text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "new-profile",
            tr("&New profile…"),
            QKeySequence.StandardKey.New,
            tr("Create a sync profile: a source, a Constant Contact list and a schedule"),
        )
        self.edit_action = self._action(
            "edit", tr("&Edit…"), "Ctrl+E", tr("Change the selected profile")
        )
        self.delete_action = self._action(
            "delete",
            tr("&Delete…"),
            QKeySequence.StandardKey.Delete,
            tr("Delete the selected profile (your contacts stay where they are)"),
        )
        self.sync_action = self._action(
            "sync",
            tr("&Sync Now"),
            "F5",
            tr("Send the selected profile's contacts to Constant Contact now"),
        )
        self.dry_run_action = self._action(
            "dry-run",
            tr("D&ry run"),
            "Shift+F5",
            tr("See what Sync Now would change, without changing anything"),
        )
        self.history_action = self._action(
            "history", tr("Run &history…"), "Ctrl+H", tr("See the selected profile's past runs")
        )
        self.quit_action = QAction(tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = QAction(icon("about"), tr("&About ContactBridge"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        self.new_action.triggered.connect(self.new_profile)
        self.edit_action.triggered.connect(self.edit_profile)
        self.delete_action.triggered.connect(self.delete_profile)
        self.sync_action.triggered.connect(self.sync_now)
        self.dry_run_action.triggered.connect(self.dry_run)
        self.history_action.triggered.connect(self.show_history)
        self.quit_action.triggered.connect(self.quit_app)
        self.background_action = QAction(tr("Run schedules when ContactBridge is &closed…"), self)
        self.background_action.setStatusTip(
            tr("Let your computer run scheduled syncs while ContactBridge is closed")
        )
        self.background_action.triggered.connect(self.configure_background_job)
        # Profiles › Duplicate, Export…, Import…: the command line's checks, with dialogs.
        self.transfer = ProfileTransfer(
            self, self.service, self.selected_profile_id, self._on_profile_transferred
        )
        self.about_action.triggered.connect(self.show_about)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        self._add_manager_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.background_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        profiles = self.menuBar().addMenu(tr("&Profiles"))
        for action in (self.new_action, self.edit_action, self.delete_action):
            profiles.addAction(action)
        profiles.addAction(self.transfer.duplicate_action)
        profiles.addSeparator()
        profiles.addAction(self.transfer.export_action)
        profiles.addAction(self.transfer.import_action)
        profiles.addSeparator()
        for action in (self.sync_action, self.dry_run_action, self.history_action):
            profiles.addAction(action)
        self._add_stats_menu()
        help_menu = self.menuBar().addMenu(tr("&Help"))
        self._add_help_actions(help_menu)
        help_menu.addAction(self.about_action)

        toolbar = QToolBar(tr("Main toolbar"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.edit_action, self.delete_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.sync_action, self.dry_run_action, self.history_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.stats_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    # -- profiles --------------------------------------------------------------------------

    def selected_profile_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return int(rows[0].data(ID_ROLE))

    def select_profile(self, profile_id: int) -> None:
        row = self.model.row_of(profile_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)

    def reload_profiles(self) -> None:
        """Read the profiles again, keeping the selection."""
        selected = self.selected_profile_id()
        self.follower.seen()  # before reading: a change made meanwhile is news next time
        overviews = self.service.profiles.overviews()
        self._overviews = {ov.profile.id: ov for ov in overviews if ov.profile.id is not None}
        # A run in another process (the CLI, run-due) is syncing too, not "Interrupted".
        # An undo counts too: it holds the profile while it runs.
        newest = [ov.latest or ov.last_run for ov in overviews]
        live = self.service.runs.live_run_ids(run for run in newest if run)
        elsewhere = {
            ov.profile.id
            for ov, run in zip(overviews, newest, strict=True)
            if run and run.run_id in live
        }
        running = frozenset(self.runner.running_ids()) | elsewhere
        # Two-way polling starts after a profile's first sync: its schedule says so till then.
        self._synced = frozenset(self.service.runs.last_started())
        self.model.set_rows(
            profile_rows(overviews, running, waiting=self.runner.waiting(), synced=self._synced)
        )
        self.stack.setCurrentIndex(1 if overviews else 0)
        if selected not in self._overviews:
            # The first one shown, or none at all.
            selected = int(self.proxy.index(0, 0).data(ID_ROLE)) if self.proxy.rowCount() else None
        if selected is not None:
            self.select_profile(selected)
        else:
            self._show_selected()
        self.profiles_reloaded.emit()

    def refresh_connection(self) -> None:
        conn = self.service.connections.default_connection()
        status = ConnectionStatus(conn.status) if conn is not None else None
        if status is ConnectionStatus.CONNECTED and conn is not None:
            text = tr("Constant Contact: connected to %1").replace(
                "%1", conn.account_name or conn.label
            )
            tone = Tone.SUCCESS
        elif status is ConnectionStatus.NEEDS_RECONNECT:
            text, tone = tr("Constant Contact: needs reconnect"), Tone.ERROR
        else:
            text, tone = tr("Constant Contact: not connected"), Tone.NEUTRAL
        self.attention.set_needs_reconnect(status is ConnectionStatus.NEEDS_RECONNECT)
        self.connection_label.setText(text)
        self.connection_icon.setPixmap(tone_icon(tone).pixmap(12, 12))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        pid = self.selected_profile_id()
        ov = self._overviews.get(pid) if pid is not None else None
        if ov is None:
            self.profile_title.setText(tr("No profile selected"))
            self.profile_subtitle.clear()
            self.panel.show_profile(None)
        else:
            p = ov.profile
            self.profile_title.setText(p.name)
            into = (  # a migration's destination is another service, not a list
                tr("Constant Contact list “%1”").replace("%1", p.main_list)
                if p.into_constant_contact
                else label(p.destination.kind)
            )
            subtitle = (
                tr("%1 → %2 · %3")
                .replace("%1", describe_source(p.source))
                .replace("%2", into)
                .replace("%3", schedule_words(p, synced=pid in self._synced))
            )
            if ov.last_dry_run is not None:  # apart from the last sync, which it never hides
                subtitle += " · " + dry_run_words(ov.last_dry_run)
            self.profile_subtitle.setText(subtitle)
            self.panel.show_profile(pid, ov.last_run)
        self._update_actions()

    def _update_actions(self) -> None:
        pid = self.selected_profile_id()
        has = pid is not None
        running = has and self.runner.is_running(pid)
        self.edit_action.setEnabled(has and not running)
        self.delete_action.setEnabled(has and not running)
        self.history_action.setEnabled(has)
        self.transfer.set_enabled(has)
        self.sync_action.setEnabled(has and not running)
        self.dry_run_action.setEnabled(has and not running)
        if running:
            assert pid is not None
            waiting = self.runner.waiting_for(pid)
            busy = waiting or tr("This profile is already syncing")
            self.sync_action.setText(tr("Waiting…") if waiting else tr("Syncing…"))
            for action in (self.sync_action, self.dry_run_action):
                action.setToolTip(busy)
            self.delete_action.setToolTip(tr("Cancel the sync before deleting this profile"))
            self.edit_action.setToolTip(tr("Cancel the sync before changing this profile"))
        else:
            self.sync_action.setText(tr("&Sync Now"))
            self.sync_action.setToolTip(
                tr("Send the selected profile's contacts to Constant Contact now")
            )
            self.dry_run_action.setToolTip(
                tr("See what Sync Now would change, without changing anything")
            )
            self.delete_action.setToolTip(
                tr("Delete the selected profile (your contacts stay where they are)")
            )
            self.edit_action.setToolTip(tr("Change the selected profile"))

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        self.edit_profile()

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def new_profile(self) -> None:
        self._open_wizard(None)

    @Slot()
    def edit_profile(self) -> None:
        pid = self.selected_profile_id()
        if pid is None or self.runner.is_running(pid):
            return
        self._open_wizard(self._overviews[pid].profile)

    def _open_wizard(self, profile: SyncProfile | None) -> None:
        names = {ov.profile.name for ov in self._overviews.values()}
        try:
            wizard = self.wizard_factory(self.service, self, profile, names)
        except AppError as exc:
            show_error(self, exc)
            return
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.accepted.connect(
            lambda: self._on_wizard_saved(wizard.saved_profile, getattr(wizard, "then", ""))
        )
        self.dialog = wizard
        wizard.open()

    def _on_wizard_saved(self, profile: SyncProfile | None, then: str = "") -> None:
        """The wizard saved ``profile``; ``then`` is "preview" (a dry run, the wizard's
        "Preview first"), "sync" ("Sync now") or "" (nothing more)."""
        self.reload_profiles()
        self.refresh_connection()
        if profile is not None and profile.id is not None:
            self.panel.forget(profile.id)  # its old results no longer match the settings
            self.select_profile(profile.id)
            self._show_selected()
            if then in (ProfileWizard.PREVIEW, ProfileWizard.SYNC):
                self._start(dry_run=then == ProfileWizard.PREVIEW)

    @Slot()
    def delete_profile(self) -> None:
        pid = self.selected_profile_id()
        if pid is None or self.runner.is_running(pid):
            return
        name = self._overviews[pid].profile.name
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Delete profile"))
        box.setText(tr("Delete the profile “%1”?").replace("%1", name))
        box.setInformativeText(
            tr(
                "Its settings and run history are removed from ContactBridge. Contacts already "
                "in Constant Contact and your source file are not touched."
            )
        )
        delete = box.addButton(tr("Delete profile"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self._confirmed_delete(pid) if button is delete else None
        )
        self.dialog = box
        box.open()

    def _confirmed_delete(self, profile_id: int) -> None:
        if self.runner.is_running(profile_id):
            return
        try:
            self.service.profiles.delete(profile_id)
        except AppError as exc:
            show_error(self, exc)
            return
        self.panel.forget(profile_id)
        self.reload_profiles()

    def _on_profile_transferred(self, profile: SyncProfile, words: str) -> None:
        """A profile was duplicated, exported or imported: show it and say so."""
        self.reload_profiles()
        if profile.id is not None:
            self.panel.forget(profile.id)  # a replaced profile's old results may not fit
            self.select_profile(profile.id)
        self.statusBar().showMessage(words, 8000)

    @Slot()
    def sync_now(self) -> None:
        self._start(dry_run=False)

    @Slot()
    def dry_run(self) -> None:
        self._start(dry_run=True)

    def _start(self, *, dry_run: bool) -> None:
        pid = self.selected_profile_id()
        if pid is None:
            return
        if self.runner.is_running(pid):  # a shortcut pressed twice: the button says it all
            self.statusBar().showMessage(tr("This profile is already syncing"), 5000)
            return
        try:
            self.runner.start(pid, dry_run=dry_run)
        except AppError as exc:
            show_error(self, exc)

    # -- runs ------------------------------------------------------------------------------

    @Slot(int, bool)
    def _on_run_started(self, profile_id: int, dry_run: bool) -> None:
        self.reload_profiles()

    @Slot(int, str)
    def _on_run_waiting(self, profile_id: int, message: str) -> None:
        self.reload_profiles()  # "Waiting for another sync…", then "Syncing…"

    @Slot(int, object, object)
    def _on_run_finished(
        self, profile_id: int, summary: RunSummary, rows: tuple[RecordResult, ...]
    ) -> None:
        self._scheduled_runs.discard(profile_id)
        self.reload_profiles()
        self.refresh_connection()

    @Slot(int, object)
    def _on_run_failed(self, profile_id: int, exc: BaseException) -> None:
        self.reload_profiles()
        self.refresh_connection()
        if profile_id in self._scheduled_runs or not self.isVisible():
            # Nobody pressed a button: the attention banner and a notification say it.
            self._scheduled_runs.discard(profile_id)
            return
        if isinstance(exc, NeedsConfirmation) and self.panel.confirm_and_rerun(profile_id, exc):
            return  # the run panel asked; a confirmed run starts from there
        show_error(self, exc, lambda: self.locate_source(profile_id), run_failed=True)

    @Slot(int)
    def locate_source(self, profile_id: int) -> None:
        """Ask where a profile's moved source file is now, and keep the profile pointing at it."""
        try:
            saved = locate_source_file(self, self.service, profile_id, self.pick_source_file)
        except AppError as exc:
            show_error(self, exc)
            return
        if saved is not None:
            self.panel.source_located(profile_id)
            self.reload_profiles()
            self.statusBar().showMessage(
                tr("“%1” now reads %2").replace("%1", saved.name).replace("%2", saved.source.path),
                8000,
            )

    @Slot()
    def _on_database_changed(self) -> None:
        """Runs or profiles changed elsewhere: read them again, keeping the selection, and
        the results and history of a profile that ran elsewhere."""
        if self._shut_down:
            return

        def newest(ov: ProfileOverview) -> int | None:
            run = ov.latest or ov.last_run
            return run.run_id if run else None

        before = {pid: newest(ov) for pid, ov in self._overviews.items()}
        self.reload_profiles()
        changed = {pid for pid, ov in self._overviews.items() if newest(ov) != before.get(pid)}
        for pid in changed:
            kept = self.panel.kept_run(pid)
            if (
                not self.runner.is_running(pid)
                and kept is not None
                and kept != newest(self._overviews[pid])
            ):
                self.panel.forget(pid)  # its last results are another run's now
        if self.selected_profile_id() in changed:
            self._show_selected()
        history = self.dialog
        if (
            isinstance(history, HistoryDialog)
            and history.isVisible()
            and history.profile.id in changed
        ):
            history.reload(keep_selection=True)

    # -- closing ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Save the layout, cancel the runs and wait for every thread. Idempotent."""
        if self._shut_down:
            return
        self._shut_down = True
        self.follower.stop()
        self.stats_timer.stop()
        self.settings.save_geometry("main", self)
        self.settings.save_splitter("main", self.splitter)
        self.settings.save_header("main/profiles", self.table.horizontalHeader())
        self.settings.sync()
        self.runner.shutdown()
        self.tasks.shutdown()

    def running_now(self) -> tuple[list[str], int]:
        """What runs in this window now: each syncing profile's name, and how many undos."""
        names = [self._profile_name(pid) or tr("a profile") for pid in self.runner.running_ids()]
        return names, self.tasks.pending_named(UNDO_TASK)

    def closeEvent(self, event: QCloseEvent) -> None:
        names, undos = ([], 0) if self._close_confirmed or self._shut_down else self.running_now()
        if names or undos:
            event.ignore()  # a run goes on: ask what to do with it
            self._ask_before_closing(names, undos)
            return
        if self._should_hide_to_tray():
            event.ignore()
            self.hide()
            if not self._told_about_tray:
                self._told_about_tray = True
                self.notifier.notify(
                    tr("ContactBridge is still running"),
                    tr(
                        "Your scheduled syncs keep running in the background. To quit, choose "
                        "Quit from the ContactBridge icon's menu."
                    ),
                )
            return
        self.shutdown()
        super().closeEvent(event)
        self.closed.emit()

    def _ask_before_closing(self, names: list[str], undos: int) -> None:
        if self.close_question is not None:  # asked already: the question comes to the front
            self.close_question.raise_()
            return
        if not self.isVisible():
            self.bring_to_front()  # Quit from the tray: the question needs its window
        tray = self.tray is not None and self.tray.is_available()
        box = CloseQuestion(self, names, tray, undos)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._on_close_answer(box.answer(button)))
        box.finished.connect(lambda _result: setattr(self, "close_question", None))
        self.close_question = box
        self.dialog = box
        box.open()

    def _on_close_answer(self, answer: CloseAnswer) -> None:
        self.close_question = None
        if answer is CloseAnswer.KEEP_IN_TRAY and self.tray is not None:
            self._quitting = False
            self.hide()
            self.tray.set_running(len(self.runner.running_ids()))
            self.notifier.notify(
                tr("ContactBridge is still syncing"),
                tr(
                    "The sync goes on in the background, and this icon says when it is done. "
                    "To quit, choose Quit from the ContactBridge icon's menu."
                ),
            )
        elif answer is CloseAnswer.CANCEL_AND_QUIT:
            # The runs stop at their next checkpoint, as Cancel does; the next sync resumes.
            self.statusBar().showMessage(tr("Stopping the sync safely…"))
            self._quitting = self._close_confirmed = True
            self.close()
        else:
            self._quitting = False  # "Stay": a Quit chosen before is called off

    # -- running in the background ---------------------------------------------------------
