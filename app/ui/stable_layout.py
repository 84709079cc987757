"""Messages that come and go without moving what is under the pointer.

A banner that hides itself must not pull the table up under a click about to land on it. Two
ways, one for each kind of message:

* ``Overlay``: a passing notice floats over the window's bottom right corner, outside any
  layout, so it appears and goes without moving anything;
* ``keep_room_when_hidden``: a message that stays until dealt with keeps its room (invisible
  but sized) when it hides, until the pointer leaves the window; only then does the layout
  close up.
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


class _KeepRoom(QObject):
    def __init__(self, widget: QWidget, window: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        widget.installEventFilter(self)
        window.installEventFilter(self)

    def _retain(self, keep: bool) -> None:
        policy = self.widget.sizePolicy()
        if policy.retainSizeWhenHidden() != keep:
            policy.setRetainSizeWhenHidden(keep)
            self.widget.setSizePolicy(policy)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.widget and kind == QEvent.Type.Hide:
            self._retain(True)
        elif watched is not self.widget and kind in (
            QEvent.Type.Leave,
            QEvent.Type.WindowDeactivate,
        ):
            self._retain(False)
        return False


def keep_room_when_hidden(widget: QWidget, window: QWidget) -> None:
    """When ``widget`` hides, its room stays until the pointer leaves ``window``."""
    _KeepRoom(widget, window)
