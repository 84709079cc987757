"""The layout does not jump under the pointer: a banner appearing or hiding itself leaves the
profile table where it was until the pointer is elsewhere (app/ui/stable_layout.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import NetworkError
from app.ui.main_window import MainWindow
from app.ui.stable_layout import PointerSafeSlot
from app.ui.theme import Tone
from app.ui.widgets import Banner


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


def pointer(window: MainWindow, inside: bool) -> None:
    """The pointer moves into the window, or out of it (as Qt's enter and leave events do)."""
    window.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, inside)
    if not inside:
        QApplication.sendEvent(window, QEvent(QEvent.Type.Leave))


def shown_window(qtbot, fake_service) -> MainWindow:
    window = MainWindow(fake_service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settled(window)
    return window


def test_a_failure_banner_appearing_under_the_pointer_floats_until_the_pointer_leaves(
    qtbot, fake_service
) -> None:
    window = shown_window(qtbot, fake_service)
    before = place(window.table)
    pointer(window, inside=True)
    window.attention.on_run_failed(1, NetworkError("Constant Contact could not be reached."))
    settled(window)
    banner = window.attention
    assert banner.isVisible()
    assert place(window.table) == before  # nothing moved under the pointer
    assert place(banner).top() < before.top() + place(banner).height()  # floats at the top
    assert banner.height() >= banner.layout().totalHeightForWidth(banner.width())  # not cut
    pointer(window, inside=False)
    settled(window)
    assert place(window.table).top() >= place(banner).bottom()  # now it has its own room
    window.shutdown()


def test_a_failure_banner_appearing_while_the_pointer_is_elsewhere_takes_its_room(
    qtbot, fake_service
) -> None:
    window = shown_window(qtbot, fake_service)
    before = place(window.table)
    pointer(window, inside=False)
    window.attention.on_run_failed(1, NetworkError("Constant Contact could not be reached."))
    settled(window)
    assert place(window.table).top() > before.top()
    assert place(window.table).top() >= place(window.attention).bottom()  # covers nothing
    window.shutdown()


def test_the_attention_banner_keeps_its_room_until_the_pointer_leaves(qtbot, fake_service) -> None:
    window = shown_window(qtbot, fake_service)
    window.attention.on_run_failed(1, NetworkError("Constant Contact could not be reached."))
    settled(window)
    assert window.attention.isVisible()
    with_banner = place(window.table)
    pointer(window, inside=True)
    window.attention.clear_profile(1)  # a later sync worked: it hides itself
    settled(window)
    assert window.attention.isHidden()
    assert place(window.table) == with_banner  # nothing moved under the pointer
    pointer(window, inside=False)  # the pointer went elsewhere
    settled(window)
    assert place(window.table).top() < with_banner.top()  # now the room is given back
    window.shutdown()


def test_a_dialog_banner_reporting_an_action_moves_nothing_under_the_pointer(qtbot) -> None:
    """As the list members dialog reports "Added 2 contacts": the table stays put while the
    pointer is over the dialog, and the banner gets its room when the pointer leaves."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    banner = Banner()
    banner.hide()
    room = PointerSafeSlot(banner, dialog, dialog)
    table = QTableWidget(5, 2)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("Who is on “Workshop sign-ups”"))
    layout.addWidget(room)
    layout.addWidget(table, 1)
    dialog.resize(820, 560)
    dialog.show()
    qtbot.waitExposed(dialog)
    layout.activate()
    before = place(table)
    dialog.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)
    banner.show_message(Tone.SUCCESS, "Added 2 contacts to “Workshop sign-ups”")
    QApplication.sendPostedEvents()
    layout.activate()
    assert banner.isVisible() and place(table) == before
    dialog.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, False)
    QApplication.sendEvent(dialog, QEvent(QEvent.Type.Leave))
    QApplication.sendPostedEvents()
    layout.activate()
    assert place(table).top() >= place(banner).bottom()
