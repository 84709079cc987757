"""The mouse wheel scrolls the page; it changes a drop-down only once the user chose it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from app.ui.profile_wizard.flow import Step
from tests.gui.profile_wizard.test_wizard import go_to


def wheel(widget: QWidget, *, down: bool = True) -> QWheelEvent:
    centre = QPointF(widget.rect().center())
    return QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, -120 if down else 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


def focus(qtbot, widget: QWidget) -> None:
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=5000)


def test_the_wheel_over_an_unfocused_mapping_combo_scrolls_the_page(
    qtbot, make_wizard, contacts_csv
):
    wizard = make_wizard()
    wizard.resize(900, 600)  # the mapping table is taller than its scroll area
    go_to(qtbot, wizard, contacts_csv, Step.MAPPING)
    page = wizard.page_for(Step.MAPPING)
    bar = page.scroll.verticalScrollBar()
    assert bar.maximum() > 0
    before = dict(wizard.draft.mapping)
    combo = page.combos["first_name"]
    focus(qtbot, page.custom_edit)  # the user is elsewhere on the page
    assert combo.currentText() == "First Name"
    for _ in range(3):
        QApplication.sendEvent(combo, wheel(combo))
    assert combo.currentText() == "First Name"
    assert wizard.draft.mapping == before
    assert bar.value() > 0  # the page scrolled instead


def test_the_wheel_changes_a_mapping_combo_the_user_clicked(qtbot, make_wizard, contacts_csv):
    wizard = make_wizard()
    go_to(qtbot, wizard, contacts_csv, Step.MAPPING)
    page = wizard.page_for(Step.MAPPING)
    combo = page.combos["first_name"]
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a click focuses it
    focus(qtbot, combo)
    QApplication.sendEvent(combo, wheel(combo))
    assert combo.currentText() != "First Name"
    assert wizard.draft.mapping["first_name"] == combo.currentText()


def test_spin_boxes_in_any_scroll_area_are_guarded_too(qtbot):
    area = QScrollArea()
    qtbot.addWidget(area)
    inner = QWidget()
    layout = QVBoxLayout(inner)
    spin = QSpinBox(inner)
    spin.setValue(5)
    layout.addWidget(spin)
    other = QComboBox(inner)
    layout.addWidget(other)
    layout.addSpacing(2000)
    area.setWidgetResizable(True)
    area.setWidget(inner)
    area.resize(300, 200)
    area.show()
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=5000)
    focus(qtbot, other)
    QApplication.sendEvent(spin, wheel(spin))
    assert spin.value() == 5 and area.verticalScrollBar().value() > 0
    focus(qtbot, spin)
    QApplication.sendEvent(spin, wheel(spin, down=False))
    assert spin.value() == 6
