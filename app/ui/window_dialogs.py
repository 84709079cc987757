"""The main window's dialogs: connections, lists, reports, settings, history and About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from app import __version__
from app.ui.connections_manager import ConnectionsDialog
from app.ui.history import HistoryDialog
from app.ui.i18n import tr
from app.ui.lists_manager import ListsDialog
from app.ui.reports import ReportsDialog
from app.ui.service_views import ServiceViews, all_views
from app.ui.settings_dialog import SettingsDialog
from app.ui.theme import app_icon

if TYPE_CHECKING:  # the mixin only runs as part of MainWindow
    from app.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class DialogActions(_Base):
    """Opens the main window's secondary windows; mixed into ``MainWindow``."""

    def _add_manager_actions(self, menu: QMenu) -> None:
        """Connections, lists, reports and settings: each opens its own window."""
        for name, text, tip, slot, role in (
            (
                "connections",
                tr("&Connections…"),
                tr("Connect, reconnect or disconnect your Constant Contact accounts"),
                self.show_connections,
                None,
            ),
            (
                "lists",
                tr("&Lists…"),
                tr("See, create, rename and delete your Constant Contact lists"),
                self.show_lists,
                None,
            ),
            (
                "reports",
                tr("&Reports…"),
                tr("Every run of every profile, with exports to CSV and Excel"),
                self.show_reports,
                None,
            ),
            (
                "settings",
                tr("Se&ttings…"),
                tr("Unsubscribe, import and push settings"),
                self.show_settings,
                QAction.MenuRole.PreferencesRole,
            ),
        ):
            action = QAction(text, self)
            action.setObjectName(f"{name}Action")
            action.setStatusTip(tip)
            action.setToolTip(tip)
            if role is not None:
                action.setMenuRole(role)
                action.setShortcut(QKeySequence.StandardKey.Preferences)
            action.triggered.connect(slot)
            menu.addAction(action)
            setattr(self, f"{name}_action", action)
        self.service_screen_actions: dict[str, QAction] = {}
        for found in all_views():  # a service's own window (its lists and accounts)
            if not found.screen_action:
                continue
            action = QAction(found.screen_action, self)
            action.setStatusTip(found.screen_tip)
            action.setToolTip(found.screen_tip)
            action.triggered.connect(lambda _checked=False, f=found: self.show_service_screen(f))
            menu.addAction(action)
            self.service_screen_actions[found.connector.kind] = action

    def show_service_screen(self, found: ServiceViews) -> None:
        """Open a service's own window (``ServiceViews.open_screen``)."""
        dialog = found.open_screen(self.service, self.tasks, self.settings, self)
        if hasattr(dialog, "finished"):
            dialog.finished.connect(lambda _result: self.reload_profiles())
        self._open_manager(dialog)

    def _open_manager(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()

    @Slot()
    def show_connections(self) -> None:
        dialog = ConnectionsDialog(self.service, self.tasks, self.settings, self)
        dialog.connections_changed.connect(self.refresh_connection)
        dialog.connections_changed.connect(self.reload_profiles)
        self._open_manager(dialog)

    @Slot()
    def show_lists(self) -> None:
        dialog = ListsDialog(self.service, self.tasks, self.settings, self)
        dialog.action_finished.connect(lambda _message: self.reload_profiles())
        self._open_manager(dialog)

    @Slot()
    def show_reports(self) -> None:
        self._open_manager(ReportsDialog(self.service, self.tasks, self.settings, self))

    @Slot()
    def show_settings(self) -> None:
        dialog = SettingsDialog(self.service, self.settings, self)
        dialog.setModal(True)
        self._open_manager(dialog)

    @Slot()
    def show_history(self) -> None:
        pid = self.selected_profile_id()
        if pid is None:
            return
        dialog = HistoryDialog(
            self.service, self._overviews[pid].profile, self.tasks, self.settings, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()

    @Slot()
    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setWindowTitle(tr("About ContactBridge"))
        box.setText(tr("ContactBridge %1").replace("%1", __version__))
        text = tr("Keeps your contacts in sync with Constant Contact.")
        if self.service.sandbox:
            text += "\n\n" + tr(
                "You are in sandbox mode: ContactBridge is working with a built-in practice "
                "copy of Constant Contact and sample data. Nothing reaches your real account."
            )
        text += "\n\n" + tr("Data folder: %1").replace("%1", str(self.service.home))
        box.setInformativeText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = box
        box.open()
