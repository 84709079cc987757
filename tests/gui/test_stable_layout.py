"""The layout does not jump under the pointer: a banner hiding itself leaves the profile table
where it was (app/ui/stable_layout.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from app.core.errors import NetworkError
from app.ui.main_window import MainWindow


def place(widget: QWidget) -> QRect:
    """Where ``widget`` is in its window."""
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def settled(window: MainWindow) -> None:
    QApplication.sendPostedEvents()  # the layouts' pending requests
    window.centralWidget().layout().activate()


def test_a_passing_notification_floats_and_moves_nothing(qtbot, fake_service) -> None:
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settled(window)
    before = place(window.table)
    window.notifier.notify("Sync finished", "Shop customers → Newsletter: 2 created")
    settled(window)
    banner = window.notice_banner
    assert banner.isVisible()
    assert place(window.table) == before  # appearing moved nothing
    assert window.centralWidget().rect().contains(banner.geometry())  # over the window
    assert banner.height() >= banner.layout().totalHeightForWidth(banner.width())  # not cut
    banner.hide()  # as its timer does
    settled(window)
    assert place(window.table) == before
    window.shutdown()


def test_the_attention_banner_keeps_its_room_until_the_pointer_leaves(qtbot, fake_service) -> None:
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.attention.on_run_failed(1, NetworkError("Constant Contact could not be reached."))
    settled(window)
    assert window.attention.isVisible()
    with_banner = place(window.table)
    window.attention.clear_profile(1)  # a later sync worked: it hides itself
    settled(window)
    assert window.attention.isHidden()
    assert place(window.table) == with_banner  # nothing moved under the pointer
    QApplication.sendEvent(window, QEvent(QEvent.Type.Leave))  # the pointer went elsewhere
    settled(window)
    assert place(window.table).top() < with_banner.top()  # now the room is given back
    window.shutdown()
