"""Help › Getting started: a short guide to the first sync, profiles, schedules,
unsubscribes, the sandbox, undo and the log, in a dialog that fits the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.ui.help.guide_text import guide_html
from app.ui.i18n import tr
from app.ui.results.record_details import fit_to_screen

GUIDE_SIZE = (720, 640)


class GuideDialog(QDialog):
    """The getting-started guide; ``browser`` shows it, opened at ``section`` when given."""

    def __init__(
        self, log_folder: str, sandbox: bool, parent: QWidget | None = None, section: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("guide")
        self.setWindowTitle(tr("Getting started with ContactBridge"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(guide_html(log_folder, sandbox))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, *GUIDE_SIZE)
        if section:
            self.browser.scrollToAnchor(section)
