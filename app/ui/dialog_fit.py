"""Dialogs sized to the screen they open on, and reopened where the user left them.

A dialog asks for a comfortable size; on a small laptop (1366×768, less the taskbar) it gets
what the screen's available area holds, frame included, and scrolls inside. With a
``UiSettings`` it comes back at the size and place it was closed at, but only while that place
is still on a screen (a monitor unplugged since does not hide it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.ui.settings import UiSettings

# The window manager's title bar and borders, before the window is shown and they are known.
FRAME_ALLOWANCE = QMargins(8, 40, 8, 8)
# How much of a remembered place must still be on a screen for it to be used again.
MIN_VISIBLE = QSize(120, 60)


def available_area(widget: QWidget) -> QRect:
    """The available geometry (screen less taskbars) of the screen ``widget`` opens on."""
    parent = widget.parentWidget()
    screen = (parent.window() if parent is not None else widget).screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def room_for(widget: QWidget) -> QRect:
    """Where the client area of ``widget`` may go so that its frame stays on the screen."""
    area = available_area(widget)
    if widget.isVisible():
        frame = widget.frameGeometry()
        client = widget.geometry()
        margins = QMargins(
            client.left() - frame.left(),
            client.top() - frame.top(),
            frame.right() - client.right(),
            frame.bottom() - client.bottom(),
        )
        if not margins.isNull():
            return area.marginsRemoved(margins)
    return area.marginsRemoved(FRAME_ALLOWANCE)


def _on_a_screen(rect: QRect) -> bool:
    for screen in QGuiApplication.screens():
        seen = rect.intersected(screen.availableGeometry())
        if seen.width() >= MIN_VISIBLE.width() and seen.height() >= MIN_VISIBLE.height():
            return True
    return False


def _inside(rect: QRect, room: QRect) -> QRect:
    """``rect`` no larger than ``room``, moved into it."""
    size = rect.size().boundedTo(room.size())
    left = min(max(rect.left(), room.left()), room.right() - size.width() + 1)
    top = min(max(rect.top(), room.top()), room.bottom() - size.height() + 1)
    return QRect(QPoint(left, top), size)


class _Remember(QObject):
    """Saves where the dialog is each time it is hidden (closed, accepted or rejected)."""

    def __init__(self, dialog: QWidget, settings: UiSettings, key: str) -> None:
        super().__init__(dialog)
        self._settings = settings
        self._key = key

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        hidden = event.type() == QEvent.Type.Hide
        if hidden and isinstance(watched, QWidget) and not watched.isMinimized():
            self._settings.save_rect(self._key, watched.geometry())
        return False


def fit_to_screen(
    dialog: QWidget,
    preferred: QSize,
    settings: UiSettings | None = None,
    key: str = "",
) -> None:
    """Size ``dialog`` (before it is shown) to ``preferred``, or to where it was left, within
    its screen's available area; with ``settings`` and ``key``, remember it when it closes.

    The dialog's own layout must let it shrink: tall content goes in a scroll area, buttons
    outside it."""
    room = room_for(dialog)
    saved = settings.rect(key) if settings is not None and key else None
    if saved is not None and _on_a_screen(saved):
        dialog.setGeometry(_inside(saved, room))
    else:
        size = preferred.expandedTo(dialog.minimumSize()).boundedTo(room.size())
        parent = dialog.parentWidget()
        centre = parent.window().geometry().center() if parent is not None else room.center()
        wanted = QRect(QPoint(0, 0), size)
        wanted.moveCenter(centre)
        dialog.setGeometry(_inside(wanted, room))
    if settings is not None and key:
        dialog.installEventFilter(_Remember(dialog, settings, key))
