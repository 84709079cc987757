"""The Settings dialog: unsubscribe, import and push settings, and the log folder.

Every control is built from the option registry in ``app.core.settings``; the dialog only
reads ``Preferences`` from the service and saves them back when OK is pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import AppError
from app.core.settings import (
    CLEAR_ON_RESUBSCRIBE,
    IMPORT_SCOPE,
    MULTIPLE_MATCH,
    PUSH_ADDRESSES,
    PUSH_CUSTOM_FIELDS,
    PUSH_PHONES,
    PUSH_UNKNOWN_NAMES,
    PUSH_UPDATE_EXISTING,
    UNSUBSCRIBE_FROM_CC,
    UNSUBSCRIBE_TO_CC,
    Option,
    Preferences,
)
from app.sync import log_file
from app.sync.facade.api import ContactBridgeApi
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.settings import UiSettings
from app.ui.theme import icon

OpenUrl = Callable[[QUrl], bool]

# The sections in the order shown: a heading, a line under it, and their options.
SECTIONS: tuple[tuple[str, str, tuple[Option[Any], ...]], ...] = (
    (
        "Unsubscribes",
        "What happens when someone stops wanting your emails, on either side.",
        (UNSUBSCRIBE_FROM_CC, CLEAR_ON_RESUBSCRIBE, UNSUBSCRIBE_TO_CC),
    ),
    (
        "Importing from Constant Contact",
        "How contacts from Constant Contact are brought into your records.",
        (MULTIPLE_MATCH, IMPORT_SCOPE),
    ),
    (
        "Pushing to Constant Contact",
        "Where new profiles start. Each profile can change these in its own options.",
        (
            PUSH_UPDATE_EXISTING,
            PUSH_ADDRESSES,
            PUSH_PHONES,
            PUSH_UNKNOWN_NAMES,
            PUSH_CUSTOM_FIELDS,
        ),
    ),
)
# When campaign statistics are pulled (``service.stats.set_schedule``), nightly by default.
STATS_SCHEDULES: tuple[tuple[str, str], ...] = (
    ("nightly", "Every night (recommended)"),
    ("hourly", "Every hour"),
    ("off", "Never (only when I press Pull)"),
)
# Options that only apply while another one is on: indented under it, disabled when it is off.
DEPENDS_ON: dict[str, Option[bool]] = {CLEAR_ON_RESUBSCRIBE.key: UNSUBSCRIBE_FROM_CC}


def _hint(text: str, indent: int = 0) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    label.setContentsMargins(indent, 0, 0, 0)
    return label


class SettingsDialog(QDialog):
    """Edits the app preferences; saves on OK, restores the defaults on request.

    Signals:
        preferences_saved(object): the ``Preferences`` just stored.
    """

    preferences_saved = Signal(object)

    def __init__(
        self,
        service: ContactBridgeApi,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        open_url: OpenUrl = QDesktopServices.openUrl,
        log_dir: Callable[[], Path] = log_file.current_folder,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.open_url = open_url
        self.log_dir = log_dir
        self.setWindowTitle(tr("Settings"))
        self.setAccessibleName(self.windowTitle())
        self.checkboxes: dict[str, QCheckBox] = {}
        self.combos: dict[str, QComboBox] = {}

        body = QWidget()
        body.setObjectName("settingsBody")
        form = QVBoxLayout(body)
        form.setContentsMargins(20, 16, 20, 16)
        form.setSpacing(4)
        page_title = QLabel(tr("Settings"))
        page_title.setObjectName("pageTitle")
        form.addWidget(page_title)
        form.addWidget(
            _hint(
                tr(
                    "These choices apply to every profile you create from now on, as its "
                    "starting point; existing profiles keep their own options."
                )
            )
        )
        form.addSpacing(12)
        for n, (heading, line, options) in enumerate(SECTIONS):
            if n:
                form.addSpacing(10)
                form.addWidget(_separator())
                form.addSpacing(6)
            title = QLabel(tr(heading))
            title.setObjectName("sectionTitle")
            form.addWidget(title)
            form.addWidget(_hint(tr(line)))
            form.addSpacing(6)
            for option in options:
                self._add_option(form, option)
        self._add_stats_schedule(form)
        form.addSpacing(10)
        form.addWidget(_separator())
        form.addSpacing(6)
        trouble = QLabel(tr("Troubleshooting"))
        trouble.setObjectName("sectionTitle")
        form.addWidget(trouble)
        form.addWidget(
            _hint(tr("ContactBridge writes what it does to log files. Support may ask for them."))
        )
        self.log_button = QPushButton(icon("history"), tr("Open &log folder"))
        self.log_button.setAccessibleName(tr("Open log folder"))
        self.log_button.setToolTip(tr("Show the folder with ContactBridge's log files"))
        self.log_button.clicked.connect(self.open_log_folder)
        row = QHBoxLayout()
        row.setContentsMargins(0, 6, 0, 0)
        row.addWidget(self.log_button)
        row.addStretch(1)
        form.addLayout(row)
        form.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.defaults_button = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_button.setAccessibleName(tr("Restore defaults"))
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(scroll, 1)
        buttons_row = QHBoxLayout()
        buttons_row.setContentsMargins(20, 0, 20, 0)
        buttons_row.addWidget(self.buttons)
        layout.addLayout(buttons_row)
        fit_to_screen(self, QSize(700, 860), settings, "settings")
        self.show_preferences(service.profiles.preferences())

    def _add_option(self, form: QVBoxLayout, option: Option[Any]) -> None:
        indent = 24 if option.key in DEPENDS_ON else 0
        if isinstance(option.default, bool):
            box = QCheckBox(tr(option.label))
            box.setAccessibleName(tr(option.label))
            box.setAccessibleDescription(tr(option.help))
            box.setToolTip(tr(option.help))
            wrapper = QHBoxLayout()
            wrapper.setContentsMargins(indent, 4, 0, 0)
            wrapper.addWidget(box)
            form.addLayout(wrapper)
            form.addWidget(_hint(tr(option.help), indent + 24))
            self.checkboxes[option.key] = box
            box.toggled.connect(lambda _checked: self._update_enabled())
            return
        label = QLabel(tr(option.label))
        label.setWordWrap(True)
        combo = QComboBox()
        combo.setAccessibleName(tr(option.label))
        combo.setAccessibleDescription(tr(option.help))
        combo.setToolTip(tr(option.help))
        for value, words in option.choices:
            combo.addItem(tr(words), value)
        label.setBuddy(combo)
        label.setContentsMargins(0, 6, 0, 0)
        form.addWidget(label)
        row = QHBoxLayout()
        row.addWidget(combo)
        row.addStretch(1)
        form.addLayout(row)
        form.addWidget(_hint(tr(option.help)))
        self.combos[option.key] = combo

    def _add_stats_schedule(self, form: QVBoxLayout) -> None:
        """When campaign statistics are pulled from Constant Contact (``service.stats``)."""
        form.addSpacing(10)
        form.addWidget(_separator())
        form.addSpacing(6)
        title = QLabel(tr("Campaign statistics"))
        title.setObjectName("sectionTitle")
        form.addWidget(title)
        form.addWidget(_hint(tr("Opens, clicks, unsubscribes and bounces of the emails you send.")))
        label = QLabel(tr("Pull campaign statistics from Constant Contact"))
        label.setContentsMargins(0, 6, 0, 0)
        self.stats_schedule = QComboBox()
        self.stats_schedule.setAccessibleName(label.text())
        for value, words in STATS_SCHEDULES:
            self.stats_schedule.addItem(tr(words), value)
        label.setBuddy(self.stats_schedule)
        self._stats_schedule = self.service.stats.schedule()
        self.stats_schedule.setCurrentIndex(
            max(0, self.stats_schedule.findData(self._stats_schedule))
        )
        form.addWidget(label)
        row = QHBoxLayout()
        row.addWidget(self.stats_schedule)
        row.addStretch(1)
        form.addLayout(row)
        form.addWidget(
            _hint(
                tr(
                    "Every night, the day's opens and clicks are here each morning; every hour "
                    "suits a campaign still gathering results. With “Never”, stats come only "
                    "when you press Pull on the Campaign stats page."
                )
            )
        )

    # -- values ----------------------------------------------------------------------------

    def show_preferences(self, prefs: Preferences) -> None:
        for key, box in self.checkboxes.items():
            box.setChecked(bool(prefs.values[key]))
        for key, combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData(prefs.values[key])))
        self._update_enabled()

    @Slot()
    def restore_defaults(self) -> None:
        self.show_preferences(Preferences())
        self.stats_schedule.setCurrentIndex(self.stats_schedule.findData("nightly"))

    def preferences(self) -> Preferences:
        """The preferences as the controls show them."""
        values: dict[str, Any] = {k: box.isChecked() for k, box in self.checkboxes.items()}
        values.update({k: combo.currentData() for k, combo in self.combos.items()})
        return Preferences.from_raw(values)

    def _update_enabled(self) -> None:
        for key, parent_option in DEPENDS_ON.items():
            self.checkboxes[key].setEnabled(self.checkboxes[parent_option.key].isChecked())

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def open_log_folder(self) -> None:
        folder = self.log_dir()
        if not self.open_url(QUrl.fromLocalFile(str(folder))):
            show_error(
                self,
                AppError(
                    tr("The log folder could not be opened. It is here: %1").replace(
                        "%1", str(folder)
                    )
                ),
            )

    def accept(self) -> None:
        prefs = self.preferences()
        try:
            self.service.profiles.save_preferences(prefs)
        except AppError as exc:
            show_error(self, exc)
            return
        schedule = str(self.stats_schedule.currentData())
        if schedule != self._stats_schedule:
            try:
                self.service.stats.set_schedule(schedule)
            except AppError as exc:
                show_error(self, exc)
                return
        self.preferences_saved.emit(prefs)
        super().accept()


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
