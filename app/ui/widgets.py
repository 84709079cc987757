"""Small reusable widgets: a colored banner, a row of count tiles, the line that says why a
dialog's OK is unavailable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.ui.theme import Tone, tone_icon


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property used by it changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    for child in widget.findChildren(QWidget):
        style.unpolish(child)
        style.polish(child)


def reason_row(buttons: QWidget, parent: QWidget | None = None) -> tuple[QHBoxLayout, QLabel]:
    """A dialog's ``buttons`` with, beside them, the line that says why its OK is unavailable.

    The line keeps its room while empty (fill it with ``set_reason``), so nothing moves under
    the pointer when it fills. Returns the row to add to the dialog's layout, and the line.
    """
    label = QLabel(parent)
    label.setObjectName("ok_blocked")
    label.setAccessibleName("Why this button is unavailable")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setMinimumHeight(label.fontMetrics().lineSpacing() * 2 + 2)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    row = QHBoxLayout()
    row.setSpacing(12)
    row.addWidget(label, 1)
    row.addWidget(buttons)
    return row, label


def set_reason(label: QLabel, text: str) -> None:
    """Say why the button beside ``label`` is unavailable (empty: it is available)."""
    label.setText(text)
    label.setAccessibleDescription(text)


class Banner(QFrame):
    """A one- or two-line message with a colored dot, e.g. "Dry run — nothing was changed"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self._icon = QLabel()
        self._icon.setFixedSize(14, 14)
        self.title = QLabel()
        self.title.setObjectName("bannerTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.body)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(10)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        self.tone = Tone.INFO

    def show_message(self, tone: Tone, title: str, body: str = "") -> None:
        self.tone = tone
        self.setProperty("tone", tone.value)
        self._icon.setPixmap(tone_icon(tone).pixmap(12, 12))
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))
        self.setAccessibleName(f"{title}. {body}".strip())
        repolish(self)
        self.show()


class Tile(QFrame):
    """One big number with a caption underneath (``compact``: beside it, taking less height
    when tiles stand in two rows)."""

    def __init__(self, tone: Tone, parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setProperty("tone", tone.value)
        self.value = QLabel("0")
        self.value.setObjectName("tileValue")
        self.caption = QLabel()
        self.caption.setObjectName("tileLabel")
        self.caption.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("tileLabel")
        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.caption)
        words.addWidget(self.note)
        words.addStretch(1)
        if compact:
            layout: QHBoxLayout | QVBoxLayout = QHBoxLayout(self)
            layout.setContentsMargins(12, 6, 12, 6)
            layout.setSpacing(10)
            layout.addWidget(self.value, 0, Qt.AlignmentFlag.AlignTop)
            words.insertSpacing(0, 4)
            layout.addLayout(words, 1)
        else:
            layout = QVBoxLayout(self)
            layout.setContentsMargins(12, 8, 12, 8)
            layout.setSpacing(0)
            layout.addWidget(self.value)
            layout.addLayout(words)
            layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_count(self, count: int, caption: str, note: str = "") -> None:
        self.count = count
        self.value.setText(f"{count:,}")
        self.caption.setText(caption)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.setAccessibleName(f"{caption}: {count:,}. {note}".strip())
        self.setToolTip(note)
