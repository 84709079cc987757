"""The mouse wheel scrolls the page; it changes a control only once the user chose that control.

Installed once on the QApplication (``install``). A wheel turned over a drop-down, a spin box,
a date or time field or a slider that does not have keyboard focus goes on to the widgets
behind it, so the nearest scroll area scrolls, as if the control were not there. A click or
Tab gives such a control focus (``StrongFocus``), and then the wheel changes it as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

_GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def is_guarded(widget: QObject) -> bool:
    """A control whose value the wheel would change (scroll bars are for scrolling)."""
    return isinstance(widget, _GUARDED) and not isinstance(widget, QScrollBar)


def _has_focus(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area around ``widget`` (None in a dialog that does not scroll)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        if parent.isWindow():
            break
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """The application-wide event filter; see the module's docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and isinstance(watched, QWidget):
            # A click still focuses the control (the wheel alone no longer does).
            if is_guarded(watched) and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if not is_guarded(watched) or _has_focus(watched):
            return False
        assert isinstance(event, QWheelEvent)
        area = _scroll_area(watched)
        if area is not None:
            viewport = area.viewport()
            forwarded = QWheelEvent(
                viewport.mapFromGlobal(event.globalPosition()),
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
                event.source(),
            )
            QApplication.sendEvent(viewport, forwarded)
        return True


def install(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` once (a second call returns the same guard)."""
    existing = app.findChild(WheelGuard, "wheel_guard")
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    guard.setObjectName("wheel_guard")
    app.installEventFilter(guard)
    return guard
