"""The first-run welcome: shown once (remembered in the UI settings), it offers the sandbox
tour or connecting a Constant Contact account, and says when the data is sample data."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import tr
from app.ui.service_views import sources_in_words
from app.ui.theme import app_icon

WELCOMED_KEY = "help/welcomed"  # in the UI settings: the welcome was shown


class WelcomeChoice(StrEnum):
    TOUR = "tour"  # select the sample profile and point at Dry run and Sync Now
    CONNECT = "connect"  # open the connections manager
    OWN_FILE = "own_file"  # start a profile: the wizard
    GUIDE = "guide"  # open the getting-started guide
    LATER = "later"  # just close


class WelcomeDialog(QDialog):
    """Welcome to ContactBridge; ``choice`` says which button closed it."""

    def __init__(self, sandbox: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setWindowTitle(tr("Welcome to ContactBridge"))
        self.choice = WelcomeChoice.LATER
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(48, 48))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(tr("Welcome to ContactBridge"))
        title.setObjectName("welcomeTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        text = tr(
            "ContactBridge keeps your contacts (%1) in sync "
            "with a Constant Contact list. It never re-subscribes anyone who unsubscribed."
        ).replace("%1", sources_in_words())
        if sandbox:
            text += "<br><br>" + tr(
                "<b>This is the sandbox: everything here is sample data.</b> A practice copy "
                "of Constant Contact and a sample bakery's customers are ready, and nothing "
                "reaches a real account. The tour shows you a first sync in two clicks."
            )
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)

        self.tour_button = QPushButton(tr("Take the sandbox tour"))
        self.tour_button.setToolTip(tr("Select the sample profile and try Dry run and Sync Now"))
        self.connect_button = QPushButton(tr("Connect my Constant Contact account"))
        self.connect_button.setToolTip(tr("Open Connections to sign in to Constant Contact"))
        self.own_file_button = QPushButton(tr("Sync my own file…"))
        self.own_file_button.setToolTip(
            tr("Make a sync profile for your own spreadsheet (CSV or Excel)")
        )
        self.guide_button = QPushButton(tr("Read the guide"))
        self.later_button = QPushButton(tr("Later"))
        self.tour_button.setVisible(sandbox)
        (self.tour_button if sandbox else self.connect_button).setDefault(True)
        for button, choice in (
            (self.tour_button, WelcomeChoice.TOUR),
            (self.connect_button, WelcomeChoice.CONNECT),
            (self.own_file_button, WelcomeChoice.OWN_FILE),
            (self.guide_button, WelcomeChoice.GUIDE),
            (self.later_button, WelcomeChoice.LATER),
        ):
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))

        top = QHBoxLayout()
        top.addWidget(logo)
        words = QVBoxLayout()
        words.addWidget(title)
        words.addWidget(self.text)
        top.addLayout(words, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.guide_button)
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.own_file_button)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.tour_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def _choose(self, choice: WelcomeChoice) -> None:
        self.choice = choice
        self.accept()
