"""The banner that keeps a failed run or a needed reconnect in view until it is dealt with.

A scheduled run may fail while the user works elsewhere. A notification comes and goes; this
banner stays at the top of the main window until the user dismisses it, a later successful run
of the profile clears it, or the connection works again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.core.errors import AppError, Cancelled, NeedsReconnect, RunLocked
from app.core.outcomes import RecordResult, RunStatus, RunSummary
from app.ui.i18n import tr
from app.ui.theme import Tone
from app.ui.widgets import Banner

RECONNECT_KEY = "reconnect"


class AttentionKind(StrEnum):
    FAILED_RUN = "failed_run"
    RECONNECT = "reconnect"


@dataclass(frozen=True)
class AttentionItem:
    """One thing that needs the user: a profile's failed run, or the connection."""

    kind: AttentionKind
    title: str
    message: str
    profile_id: int | None = None

    @property
    def key(self) -> str:
        return RECONNECT_KEY if self.kind is AttentionKind.RECONNECT else f"run:{self.profile_id}"


class AttentionBanner(Banner):
    """Shows the most pressing item (a reconnect first, then the latest failed run).

    Args:
        names: a profile id's name, for the messages.

    Signals:
        show_requested(int): the user asked to see a failed run's profile (profile id).
        reconnect_requested(): the user asked to reconnect to Constant Contact.
        items_changed(): an item was added, cleared or dismissed.
    """

    show_requested = Signal(int)
    reconnect_requested = Signal()
    items_changed = Signal()

    def __init__(self, names: Callable[[int], str] = str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleDescription(tr("Needs your attention"))
        self.names = names
        self._items: dict[str, AttentionItem] = {}
        self.more = QLabel()
        self.more.setObjectName("hint")
        self.action_button = QPushButton()
        self.dismiss_button = QPushButton(tr("Dismiss"))
        self.dismiss_button.setToolTip(tr("Hide this message; the run history keeps the details"))
        self.action_button.clicked.connect(self._on_action)
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = self.layout()
        layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    # -- items -----------------------------------------------------------------------------

    def items(self) -> list[AttentionItem]:
        """Most pressing first: the reconnect, then failed runs, newest first."""
        items = list(self._items.values())
        items.reverse()
        items.sort(key=lambda i: i.kind is not AttentionKind.RECONNECT)
        return items

    def current(self) -> AttentionItem | None:
        items = self.items()
        return items[0] if items else None

    def report_failure(self, profile_id: int, message: str) -> None:
        name = self.names(profile_id) or tr("A profile")
        item = AttentionItem(
            AttentionKind.FAILED_RUN,
            tr("The last sync of “%1” failed").replace("%1", name),
            message,
            profile_id,
        )
        self._items.pop(item.key, None)  # re-added last: the newest shows first
        self._items[item.key] = item
        self._refresh()

    def clear_profile(self, profile_id: int) -> None:
        if self._items.pop(f"run:{profile_id}", None) is not None:
            self._refresh()

    def set_needs_reconnect(self, needed: bool, message: str = "") -> None:
        if needed:
            if RECONNECT_KEY in self._items:
                return
            self._items[RECONNECT_KEY] = AttentionItem(
                AttentionKind.RECONNECT,
                tr("Reconnect to Constant Contact"),
                message
                or tr(
                    "Constant Contact no longer accepts ContactBridge's sign-in, so scheduled "
                    "syncs cannot run. Reconnect to continue."
                ),
            )
            self._refresh()
        elif self._items.pop(RECONNECT_KEY, None) is not None:
            self._refresh()

    @Slot()
    def dismiss(self) -> None:
        """The user has seen the current item; show the next, if any."""
        item = self.current()
        if item is not None:
            del self._items[item.key]
            self._refresh()

    # -- runs ------------------------------------------------------------------------------

    @Slot(int, object, object)
    def on_run_finished(
        self, profile_id: int, summary: RunSummary, rows: tuple[RecordResult, ...]
    ) -> None:
        if summary.status is RunStatus.FAILED:
            self.report_failure(profile_id, summary.message or tr("The run stopped."))
        elif not summary.dry_run and summary.status in (
            RunStatus.COMPLETED,
            RunStatus.COMPLETED_WITH_ERRORS,
        ):
            self.clear_profile(profile_id)

    @Slot(int, object)
    def on_run_failed(self, profile_id: int, exc: BaseException) -> None:
        if isinstance(exc, Cancelled | RunLocked):
            return
        if isinstance(exc, NeedsReconnect):
            self.set_needs_reconnect(True, exc.message)
            return
        message = (
            exc.message
            if isinstance(exc, AppError)
            else tr("ContactBridge ran into a problem it did not expect.")
        )
        self.report_failure(profile_id, message)

    # -- showing ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        item = self.current()
        if item is None:
            self.hide()
        else:
            self.show_message(Tone.ERROR, item.title, item.message)
            reconnect = item.kind is AttentionKind.RECONNECT
            self.action_button.setText(tr("Reconnect…") if reconnect else tr("Show"))
            self.action_button.setToolTip(
                tr("Sign in to Constant Contact again")
                if reconnect
                else tr("Select this profile to see what happened")
            )
            others = len(self._items) - 1
            self.more.setText(tr("+%1 more").replace("%1", str(others)) if others else "")
            self.more.setVisible(bool(others))
        self.items_changed.emit()

    @Slot()
    def _on_action(self) -> None:
        item = self.current()
        if item is None:
            return
        if item.kind is AttentionKind.RECONNECT:
            self.reconnect_requested.emit()
        else:
            assert item.profile_id is not None
            self.show_requested.emit(item.profile_id)
