"""One person's activity across every campaign: what they were sent, opened, clicked,
forwarded, and whether they unsubscribed or bounced, as NeonCRM shows on an account's page.

Opened from a campaign's people, from a run's results (a row's menu) and from a list's
members, always through ``open_person_activity``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.campaign_stats import EVENT_KINDS, ActivityEvent
from app.sync.exports import Sheet
from app.sync.facade.api import ContactBridgeApi
from app.sync.progress import CancelToken
from app.sync.workers import BackgroundTasks
from app.ui.dialog_fit import fit_to_screen
from app.ui.errors import show_error
from app.ui.i18n import tr
from app.ui.lists.tasks import run_task
from app.ui.settings import UiSettings
from app.ui.stats.columns import event_columns
from app.ui.stats.export import ExportButton, sheet_of
from app.ui.stats.person_history import campaign_history, history_columns
from app.ui.stats.tables import stats_table
from app.ui.stats.words import kind_words, person_summary
from app.ui.theme import icon


def kind_choices() -> list[tuple[str, str | None]]:
    """The "Show" choices of a person's events: everything, then each kind."""
    return [(tr("Everything"), None), *((kind_words(k), k) for k in EVENT_KINDS)]


class PersonActivityDialog(QDialog):
    """Every campaign event of one email, newest first; searchable and exportable.

    Signals:
        events_loaded(): the events were read and are on screen.
    """

    events_loaded = Signal()

    def __init__(
        self,
        service: ContactBridgeApi,
        tasks: BackgroundTasks,
        email: str,
        settings: UiSettings | None = None,
        parent: QWidget | None = None,
        *,
        name: str = "",
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.tasks = tasks
        self.email = email
        self.person_name = name
        who = f"{name} <{email}>" if name else email
        self.setWindowTitle(tr("Campaign activity — %1").replace("%1", email))
        self.setAccessibleName(self.windowTitle())

        title = QLabel(tr("Campaign activity of %1").replace("%1", who))
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(tr("Reading this person's campaign activity…"))
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(tr("Summary"))

        # Each campaign on a line (as NeonCRM's account page), and every event.
        self.history_columns = history_columns()
        self.history_model, self.history_proxy, self.history_view = stats_table(
            self.history_columns, tr("Campaigns"), sort_column=1, descending=True, parent=self
        )
        for col, width in ((0, 220), (1, 110), (2, 60), (3, 60), (4, 190), (5, 70), (6, 100)):
            self.history_view.horizontalHeader().resizeSection(col, width)
        self.columns = event_columns()
        self.model, self.proxy, self.view = stats_table(
            self.columns, tr("Campaign activity"), sort_column=0, descending=True, parent=self
        )
        header = self.view.horizontalHeader()
        for col, width in ((0, 130), (1, 260), (2, 130)):
            header.resizeSection(col, width)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.history_view, tr("By campaign"))
        self.tabs.addTab(self.view, tr("Every event"))
        self.tabs.currentChanged.connect(self._on_tab)

        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search campaign, link or what happened"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(tr("Search activity"))
        self.search.textChanged.connect(self._on_search)
        self.kind = QComboBox()
        self.kind.setAccessibleName(tr("Show"))
        for words, kind in kind_choices():
            self.kind.addItem(words, kind)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.kind.setEnabled(False)  # "By campaign" comes first; the kinds are the events'
        show_label = QLabel(tr("&Show:"))
        show_label.setBuddy(self.kind)
        self.shown = QLabel()
        self.shown.setObjectName("hint")
        self.export = ExportButton(
            service,
            tasks,
            self.sheets,
            lambda: self.email,
            tr("campaign activity"),
            self,
        )
        self.export.set_available(False)

        tools = QHBoxLayout()
        tools.addWidget(self.search, 2)
        tools.addWidget(show_label)
        tools.addWidget(self.kind)
        tools.addStretch(1)
        tools.addWidget(self.shown)
        tools.addWidget(self.export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(tools)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        for signal in (self.proxy.modelReset, self.proxy.layoutChanged, self.proxy.rowsInserted):
            signal.connect(self._update_shown)
        self.proxy.rowsRemoved.connect(self._update_shown)
        fit_to_screen(self, QSize(960, 600), settings, "stats-person")
        self.reload()

    def reload(self) -> None:
        stats, email = self.service.stats, self.email

        def load(cancel: CancelToken) -> list[ActivityEvent]:
            return stats.person_events(email)

        run_task(self, self.tasks, load, self._show, self._on_failed, name="stats-person")

    def _show(self, events: list[ActivityEvent]) -> None:
        self.model.set_rows(events)
        self.history_model.set_rows(campaign_history(events))
        self.summary.setText(person_summary(events))
        self.export.set_available(bool(events))
        self._update_shown()
        self.events_loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.summary.setText(tr("This person's activity could not be read."))
        show_error(self, exc)

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self.history_proxy.set_search(text)
        self._update_shown()

    def _on_tab(self, index: int) -> None:
        self.kind.setEnabled(index == 1)  # the kinds are the events'
        self._update_shown()

    def sheets(self) -> list[Sheet]:
        """The tab shown, as shown (the other one too, in a workbook)."""
        history = sheet_of(tr("By campaign"), self.history_columns, self.history_proxy.shown_rows())
        events = sheet_of(tr("Every event"), self.columns, self.proxy.shown_rows())
        return [history, events] if self.tabs.currentIndex() == 0 else [events, history]

    def _on_kind(self, _index: int) -> None:
        kind = self.kind.currentData()
        self.proxy.set_keep(None if kind is None else (lambda e: e.kind == kind))
        self._update_shown()

    def _update_shown(self, *_args: Any) -> None:
        if self.tabs.currentIndex() == 0:
            total, shown = self.history_model.rowCount(), self.history_proxy.rowCount()
            words = (tr("%1 campaigns"), tr("%1 of %2 campaigns"))
        else:
            total, shown = self.model.rowCount(), self.proxy.rowCount()
            words = (tr("%1 events"), tr("%1 of %2 events"))
        text = words[0].replace("%1", f"{total:,}")
        if shown != total:
            text = words[1].replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
        self.shown.setText(text)


OpenPerson = Callable[[QWidget, str, str], QDialog | None]


def person_opener(
    service: ContactBridgeApi, tasks: BackgroundTasks, settings: UiSettings | None = None
) -> OpenPerson:
    """A function that opens a person's activity over ``parent``: (parent, email, name)."""

    def open_person(parent: QWidget, email: str, name: str = "") -> QDialog | None:
        return open_person_activity(service, tasks, email, settings, parent, name=name)

    return open_person


def open_person_activity(
    service: ContactBridgeApi,
    tasks: BackgroundTasks,
    email: str,
    settings: UiSettings | None = None,
    parent: QWidget | None = None,
    *,
    name: str = "",
) -> PersonActivityDialog | None:
    """Show ``email``'s campaign activity (nothing for a record without an email)."""
    if not email:
        return None
    dialog = PersonActivityDialog(service, tasks, email, settings, parent, name=name)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
