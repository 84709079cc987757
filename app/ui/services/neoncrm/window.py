"""The NeonCRM window (File > NeonCRM lists and accounts…): its Lists page, the account view,
and the Unsubscribe, Import and Push Settings of a NeonCRM profile.

Every page works for one NeonCRM profile: its Constant Contact account, its NeonCRM
connection and its Push Settings. Work runs in the app's background tasks; a change that
writes to Constant Contact waits while a sync holds the account.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm import connector as neon_connector
from app.connectors.neoncrm.settings import NeonSourceSettings
from app.core.fields import custom_name, is_custom
from app.core.profiles import SourceSpec, SyncProfile
from app.sync.facade.api import ContactBridgeApi
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.services.neoncrm.account_view import AccountsPage
from app.ui.services.neoncrm.context import NeonScreens, ensure_custom_fields
from app.ui.services.neoncrm.lists_page import NeonListsPage
from app.ui.services.neoncrm.settings_form import NeonSettingsForm
from app.ui.settings import UiSettings

SCREEN_ACTION = "&NeonCRM lists and accounts…"
SCREEN_TIP = "NeonCRM's Constant Contact lists, account view and settings"


class SettingsPage(QWidget):
    """A saved profile's Unsubscribe, Import and Push Settings, saved with one button."""

    saved = Signal(object)

    def __init__(self, screens: NeonScreens, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.screens = screens
        self.form = NeonSettingsForm(self)
        self.form.load(screens.profile.options, screens.profile.source.settings)
        self.save_button = QPushButton(tr("&Save settings"), self)
        self.status = QLabel(self)
        self.status.setObjectName("hint")
        self.status.setAccessibleName(tr("Status"))
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)

    def load(self) -> None:
        """Read the Constant Contact lists to import from (in the background)."""
        screens = self.screens
        screens.run(
            self,
            lambda _t: screens.service.lists.contact_lists(screens.cc_id),
            self.form.set_lists,
            lambda exc: show_error(self, exc),
        )

    @Slot()
    def save(self) -> None:
        """Save the settings; first make the custom fields Push Settings now fill."""
        screens = self.screens
        profile = screens.profile
        settings = {**profile.source.settings, **self.form.push_settings()}
        try:
            chosen = NeonSourceSettings.from_settings(settings)
        except Exception as exc:  # a bad value: say so, keep the form as it is
            show_error(self, exc)
            return
        mapping = c.push_mapping(chosen.extras, mark_source=chosen.mark_source)
        changed = profile.with_changes(
            options=self.form.options(profile.options),
            source=SourceSpec(profile.source.kind, settings),
            mapping=mapping,
        )
        labels = [custom_name(t) for t in mapping.targets if is_custom(t)]
        self.save_button.setEnabled(False)
        self.status.setText(tr("Saving…"))

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(tr("Not saved."))
            show_error(self, exc)

        screens.run(
            self,
            lambda _t: ensure_custom_fields(screens.service, screens.cc_id, labels),
            lambda _r: self._store(changed),
            failed,
        )

    def _store(self, changed: SyncProfile) -> None:
        self.save_button.setEnabled(True)
        try:
            saved = self.screens.service.profiles.save(changed)
        except Exception as exc:  # a bad value: say so, keep the form as it is
            self.status.setText(tr("Not saved."))
            show_error(self, exc)
            return
        self.screens.profile = saved
        self.status.setText(tr("Saved. The next sync uses these settings."))
        self.saved.emit(saved)


class NeonWindow(QDialog):
    """Lists, Accounts and Settings of one NeonCRM profile (chosen at the top)."""

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.settings = settings
        self.setWindowTitle(tr("NeonCRM and Constant Contact"))
        self.setAccessibleName(self.windowTitle())
        self.profiles = [
            p
            for p in service.profiles.list()
            if p.source.kind == neon_connector.KIND and p.connection_id is not None
        ]
        self.profile_combo = QComboBox(self)
        self.profile_combo.setAccessibleName(tr("NeonCRM profile"))
        for profile in self.profiles:
            self.profile_combo.addItem(profile.name, profile.id)
        label = QLabel(tr("&Profile:"), self)
        label.setBuddy(self.profile_combo)
        self.tabs = QTabWidget(self)
        self.lists_page: NeonListsPage | None = None
        self.accounts_page: AccountsPage | None = None
        self.settings_page: SettingsPage | None = None
        self.empty = QLabel(
            tr(
                "Make a NeonCRM profile first (File > New profile…, then NeonCRM): these pages "
                "use its Constant Contact account and its Push Settings."
            ),
            self,
        )
        self.empty.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.profile_combo, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.empty.setVisible(not self.profiles)
        self.tabs.setVisible(bool(self.profiles))
        self.profile_combo.setEnabled(len(self.profiles) > 1)
        self.profile_combo.currentIndexChanged.connect(lambda _i: self._build())
        fit_to_screen(self, QSize(820, 600), settings, "neoncrm")
        self._build()

    def profile(self) -> SyncProfile | None:
        index = self.profile_combo.currentIndex()
        return self.profiles[index] if 0 <= index < len(self.profiles) else None

    def _build(self) -> None:
        profile = self.profile()
        if self.lists_page is not None:
            self.lists_page.close_tasks()
            self.lists_page.screens.shutdown()
        self.tabs.clear()
        if profile is None:
            return
        screens = NeonScreens(self.service, self.tasks, profile, self.settings)
        self.lists_page = NeonListsPage(screens, self)
        self.accounts_page = AccountsPage(screens, self)
        self.settings_page = SettingsPage(screens, self)
        self.settings_page.load()
        self.tabs.addTab(self.lists_page, tr("Lists"))
        self.tabs.addTab(self.accounts_page, tr("Accounts"))
        self.tabs.addTab(self.settings_page, tr("Settings"))

    def done(self, result: int) -> None:
        if self.lists_page is not None:
            self.lists_page.close_tasks()
            self.lists_page.screens.shutdown()
        super().done(result)


def open_screen(
    service: ContactBridgeApi,
    tasks: BackgroundTasks,
    settings: UiSettings | None,
    parent: QWidget | None,
) -> QDialog:
    """The window the File menu opens (see ``app.ui.service_views``)."""
    return NeonWindow(service, tasks, settings, parent)
