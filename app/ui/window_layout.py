"""How the main window is laid out: the profiles table, the run panel, the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.attention import AttentionBanner
from app.ui.i18n import tr
from app.ui.notifications import NoticeBanner
from app.ui.profiles_model import SORT_ROLE, ProfilesModel
from app.ui.run_panel import RunPanel
from app.ui.stable_layout import Overlay, PointerSafeSlot
from app.ui.theme import app_icon, icon

if TYPE_CHECKING:  # the mixin only runs as part of MainWindow
    from app.ui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class WindowLayout(_Base):
    """Builds the main window's widgets; mixed into ``MainWindow``."""

    def _build_central(self) -> None:
        self.stack = QStackedWidget()
        # Above everything: what needs the user (attention), then the latest notification
        # when there is no system tray to show it (notifications).
        self.attention = AttentionBanner(self._profile_name)
        self.notice_banner = NoticeBanner()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        # Neither moves what is under the pointer when it comes or goes
        # (app/ui/stable_layout.py): the attention banner floats at the top while the pointer
        # is in the window and takes its room when the pointer is elsewhere; the passing
        # notification floats over the bottom right corner.
        self.attention_room = PointerSafeSlot(self.attention, central, self, (16, 8, 16, 0))
        central_layout.addWidget(self.attention_room)
        central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.notice_overlay = Overlay(self.notice_banner, central)
        self.stack.addWidget(self._build_empty_state())

        self.model = ProfilesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("profilesTable")
        self.table.setAccessibleName(tr("Sync profiles"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ProfilesModel.COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for col, width in (
            (ProfilesModel.COL_NAME, 200),
            (ProfilesModel.COL_SOURCE, 140),
            (ProfilesModel.COL_LIST, 152),
            (ProfilesModel.COL_SCHEDULE, 120),
            (ProfilesModel.COL_STATUS, 130),
        ):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.sync_action, self.dry_run_action, self.history_action):
            self.table.addAction(action)
        separator = QAction(self.table)
        separator.setSeparator(True)
        self.table.addAction(separator)
        for action in (self.edit_action, self.delete_action):
            self.table.addAction(action)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        # The selected profile's heading with its main buttons, over its progress/results.
        self.profile_title = QLabel()
        self.profile_title.setObjectName("pageTitle")
        self.profile_subtitle = QLabel()
        self.profile_subtitle.setObjectName("hint")
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.profile_title)
        heading.addWidget(self.profile_subtitle)
        self.dry_run_button = self._tool_button(self.dry_run_action)
        self.sync_button = self._tool_button(self.sync_action)
        self.sync_button.setObjectName("primaryButton")
        self.sync_button.setIcon(icon("sync", "#ffffff"))
        buttons = QHBoxLayout()
        buttons.addLayout(heading, 1)
        buttons.addWidget(self._tool_button(self.history_action))
        buttons.addWidget(self.dry_run_button)
        buttons.addWidget(self.sync_button)

        self.panel = RunPanel(self.service, self.runner, self.tasks)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(16, 12, 16, 8)
        lower_layout.setSpacing(10)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.panel, 1)

        upper = QWidget()
        upper_layout = QHBoxLayout(upper)
        upper_layout.setContentsMargins(16, 12, 16, 4)
        upper_layout.setSpacing(12)
        upper_layout.addWidget(self.table, 1)
        # Beside the profiles, at a width of its own: it never moves the table.
        upper_layout.addWidget(self._build_stats_panel())
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([170, 590])
        self.stack.addWidget(self.splitter)

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(False)
        button.setProperty("heading", True)
        return button

    def _build_empty_state(self) -> QWidget:
        page = QWidget()
        page.setObjectName("emptyState")
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(tr("Create your first sync profile"))
        title.setObjectName("emptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            tr(
                "A sync profile sends the contacts from your customer file or CRM to a "
                "Constant Contact list, and keeps that list up to date. Setting one up takes "
                "about two minutes, and you can try it with a dry run before anything is sent."
            )
        )
        text.setObjectName("hint")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(540)
        text.setMinimumHeight(text.heightForWidth(540))  # wrapped labels get squeezed otherwise
        self.create_first_button = QPushButton(
            icon("new-profile", "#ffffff"), tr("Create your first sync profile")
        )
        self.create_first_button.setObjectName("primaryButton")
        self.create_first_button.setAccessibleName(tr("Create your first sync profile"))
        self.create_first_button.clicked.connect(self.new_profile)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        layout.addWidget(logo)
        layout.addSpacing(8)
        layout.addWidget(title)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(self.create_first_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.connection_icon = QLabel()
        self.connection_label = QLabel()
        self.connection_label.setAccessibleName(tr("Constant Contact connection"))
        bar.addWidget(self.connection_icon)
        bar.addWidget(self.connection_label)
        self.sandbox_badge: QLabel | None = None
        if self.service.sandbox:
            badge = QLabel(tr("SANDBOX — sample data, nothing reaches your real account"))
            badge.setObjectName("sandboxBadge")
            badge.setAccessibleName(badge.text())
            badge.setToolTip(
                tr(
                    "ContactBridge is talking to a built-in practice copy of Constant Contact "
                    "filled with sample contacts. Start it without --sandbox to use your real "
                    "account."
                )
            )
            bar.addPermanentWidget(badge)
            self.sandbox_badge = badge
