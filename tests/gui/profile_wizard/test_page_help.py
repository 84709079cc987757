"""Every wizard step has a "?" that says what the step is for (and Shift+F1 does too)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWhatsThis

from app.ui.profile_wizard.flow import Step

WORDS = {
    Step.SOURCE: "where your contacts are kept",
    Step.CONSTANT_CONTACT: "main list",
    Step.OPTIONS: "never re-subscribes",
    Step.MAPPING: "which column of your file fills which",
    Step.FILTERS: "sync only some records",
    Step.SCHEDULE: "Preview first",
}


def test_each_page_has_a_help_button_that_explains_it(qtbot, make_wizard, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QWhatsThis, "showText", lambda pos, text, w=None: shown.append(text))
    wizard = make_wizard()
    assert set(wizard.pages) == set(Step)
    for step, page in wizard.pages.items():
        shown.clear()
        page.help_button.click()
        assert len(shown) == 1 and WORDS[step] in shown[0], step
        assert page.whatsThis() == shown[0]  # Shift+F1 ("What's this?") says the same


def test_the_help_button_sits_in_the_margin_of_the_page_in_view(qtbot, make_wizard, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QWhatsThis, "showText", lambda pos, text, w=None: shown.append(text))
    wizard = make_wizard()
    page = wizard.currentPage()
    qtbot.waitUntil(page.help_button.isVisible)
    button = page.help_button
    assert button.text() == "?"
    # In the page's top-right margin: clear of the page's own widgets.
    right_margin = page.layout().contentsMargins().right()
    assert button.geometry().left() >= page.width() - right_margin
    assert button.geometry().right() < page.width()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert shown == [page.help_text]
