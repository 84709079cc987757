"""Messages that come and go without moving what is under the pointer.

A banner that appears or hides itself must not push the table down or pull it up under a
click about to land on it. Two ways, one for each kind of message:

* ``Overlay``: a passing notice floats over the window's bottom right corner, outside any
  layout, so it appears and goes without moving anything;
* ``PointerSafeSlot``: a message that stays until dealt with has a room at the top of the
  window. While the pointer is in the window, the room keeps its size: a message that
  appears floats over the top of the content, and one that goes leaves its room empty. When
  the pointer is elsewhere (or leaves), the room opens or closes to fit, so nothing moves
  under the pointer and nothing stays covered.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

OVERLAY_MARGIN = 16
OVERLAY_MAX_WIDTH = 520

_PLACE_ON = frozenset({QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest})


class Overlay(QObject):
    """Keeps ``widget`` floating at the bottom right of ``host``, over its layout."""

    def __init__(self, widget: QWidget, host: QWidget) -> None:
        super().__init__(host)
        self.widget = widget
        self.host = host
        widget.setParent(host)
        widget.setAutoFillBackground(True)
        host.installEventFilter(self)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _PLACE_ON:
            self.place()
        return False

    def place(self) -> None:
        width = max(0, min(OVERLAY_MAX_WIDTH, self.host.width() - 2 * OVERLAY_MARGIN))
        layout = self.widget.layout()
        if layout is not None and layout.hasHeightForWidth():
            hint = layout.totalHeightForWidth(width)  # its words wrapped at this width
        else:
            hint = self.widget.sizeHint().height()
        left = self.host.width() - width - OVERLAY_MARGIN
        top = self.host.height() - hint - OVERLAY_MARGIN
        self.widget.setGeometry(left, max(0, top), width, hint)
        self.widget.raise_()


class PointerSafeSlot(QWidget):
    """The room in a layout for ``message``, which floats over ``host`` at the room's place.

    Put the slot in the layout where the message belongs; the message itself is a child of
    ``host`` outside any layout. ``window`` is the window whose pointer counts.
    """

    def __init__(
        self,
        message: QWidget,
        host: QWidget,
        window: QWidget,
        margins: tuple[int, int, int, int] = (0, 0, 0, 0),
    ) -> None:
        super().__init__(host)
        self.message = message
        self.host = host
        self.window_ = window
        self.margins = margins
        message.setParent(host)
        message.setAutoFillBackground(True)  # floating over the table, it must hide it
        self.setFixedHeight(0)
        for watched in {message, host, window}:
            watched.installEventFilter(self)
        self.installEventFilter(self)  # the layout moved or sized the room

    def pointer_inside(self) -> bool:
        try:
            return self.window_.underMouse()
        except RuntimeError:  # the window is being deleted (closed with its parent)
            return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window_ and kind in (QEvent.Type.Leave, QEvent.Type.WindowDeactivate):
            self.settle()
        elif watched is self.message and kind in (QEvent.Type.Show, QEvent.Type.Hide):
            if not self.pointer_inside():
                self.settle()
            self.place()
        elif kind in _PLACE_ON or (watched is self and kind == QEvent.Type.Move):
            self.place()
        return False

    def wanted_height(self) -> int:
        if self.message.isHidden():
            return 0
        left, top, right, bottom = self.margins
        return top + self._message_height(self.width() - left - right) + bottom

    def settle(self) -> None:
        """Open or close the room to fit the message (the pointer is not over the window)."""
        height = self.wanted_height()
        if self.height() != height:
            self.setFixedHeight(height)
        self.place()

    def place(self) -> None:
        left, top, right, _ = self.margins
        width = max(0, self.width() - left - right)
        height = self._message_height(width)
        self.message.setGeometry(self.x() + left, self.y() + top, width, height)
        self.message.raise_()

    def _message_height(self, width: int) -> int:
        layout = self.message.layout()
        if layout is not None and layout.hasHeightForWidth():
            return max(layout.totalHeightForWidth(width), self.message.minimumSizeHint().height())
        return self.message.sizeHint().height()
