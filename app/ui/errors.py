"""The one place where errors become dialogs: plain words first, technical details on demand."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.advice import advice, error_kind
from app.core.errors import AppError, BugError, Cancelled, SourceMissing
from app.ui.i18n import tr

log = logging.getLogger(__name__)

UNEXPECTED_TITLE = "ContactBridge ran into a problem it did not expect"


def is_bug(exc: BaseException) -> bool:
    """Bugs are everything that is not a user or environment error (``AppError``)."""
    return not isinstance(exc, AppError) or isinstance(exc, BugError)


def error_details(exc: BaseException) -> str:
    """The "Details" text: an AppError's own details, or the traceback of a bug."""
    if is_bug(exc):
        return "".join(traceback.format_exception(exc)).rstrip()
    assert isinstance(exc, AppError)
    return exc.details.strip()


# A message longer than this would make the dialog taller than a laptop screen: the dialog
# shows its start, and "Show Details..." (which scrolls) the whole of it.
MAX_MESSAGE_LINES = 12
MAX_MESSAGE_CHARS = 900


def shortened(message: str) -> tuple[str, bool]:
    """``message`` cut to what fits a laptop screen, and whether it was cut."""
    lines = message.splitlines()
    if len(lines) <= MAX_MESSAGE_LINES and len(message) <= MAX_MESSAGE_CHARS:
        return message, False
    start = "\n".join(lines[:MAX_MESSAGE_LINES])[:MAX_MESSAGE_CHARS].rstrip()
    return start + "\n" + tr("… (the whole message is under Show Details)"), True


def build_error_dialog(
    parent: QWidget | None,
    exc: BaseException,
    locate: Callable[[], None] | None = None,
    *,
    run_failed: bool = False,
) -> QMessageBox | None:
    """The dialog for ``exc``, not yet shown; None for a cancellation, which is no error.

    ``locate``: for a missing source file, what "Locate file…" does (no such button without).
    ``run_failed``: ``exc`` stopped a sync: the dialog says what to do, as fits the error.
    """
    if isinstance(exc, Cancelled):
        return None
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    cut = False
    if is_bug(exc):
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(tr("Unexpected problem"))
        box.setText(tr(UNEXPECTED_TITLE))
        box.setInformativeText(
            tr(
                "Your contacts and settings are safe. Please try again; if it happens again, "
                "copy the details below and send them to ContactBridge support."
            )
        )
    else:
        assert isinstance(exc, AppError)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr(exc.title))
        box.setText(tr(exc.title))
        message, cut = shortened(exc.message)
        box.setInformativeText(
            f"{message}\n\n{tr(advice(error_kind(exc)))}" if run_failed else message
        )
    details = error_details(exc)
    if cut:
        details = f"{exc.message}\n\n{details}".strip()
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    if locate is not None and isinstance(exc, SourceMissing):
        button = box.addButton(tr("Locate file…"), QMessageBox.ButtonRole.AcceptRole)
        button.setObjectName("locateFile")
        button.clicked.connect(locate)
        box.setDefaultButton(button)
    box.setAccessibleName(box.windowTitle())
    return box


def show_error(
    parent: QWidget | None,
    exc: BaseException,
    locate: Callable[[], None] | None = None,
    *,
    run_failed: bool = False,
) -> QMessageBox | None:
    """Show ``exc`` as a window-modal dialog without blocking; returns it (None if ignored)."""
    if is_bug(exc):
        log.error("unexpected error", exc_info=exc)
    box = build_error_dialog(parent, exc, locate, run_failed=run_failed)
    if box is None:
        return None
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
