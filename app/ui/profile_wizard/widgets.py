"""Small building blocks shared by the wizard's pages: hint and error labels, headings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from app.ui.theme import Tone, current_palette


def _set_text_color(label: QLabel, color: QColor) -> None:
    # The palette, not a style sheet: the app's style sheet and an error's objectName
    # ("error_<field>", which tests look up) then never fight over the label.
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)


def hint_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A small grey line of help under a field (SyncNotes style)."""
    label = QLabel(text, parent)
    label.setObjectName("hint")  # the app style sheet's muted colour
    label.setWordWrap(True)
    font = QFont(label.font())
    font.setPointSizeF(max(font.pointSizeF() * 0.92, 8.0))
    label.setFont(font)
    _set_text_color(label, current_palette().tone(Tone.NEUTRAL))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def error_label(field: str, parent: QWidget | None = None) -> QLabel:
    """The red line next to a field; hidden while empty, but its line keeps its room, so a
    message appearing moves nothing under the pointer (Browse stays where it was). Its
    objectName is ``error_<field>``."""
    label = QLabel(parent)
    label.setObjectName(f"error_{field}")
    label.setWordWrap(True)
    label.setMinimumHeight(label.fontMetrics().lineSpacing())
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.setAccessibleName(f"Problem with {field.replace('_', ' ')}")
    _set_text_color(label, current_palette().tone(Tone.ERROR))
    label.setVisible(False)
    return label


def warning_label(name: str, parent: QWidget | None = None) -> QLabel:
    """A line the user should read before going on (in the warning colour); hidden while
    empty (``set_error`` fills it). ``name`` is its accessible name."""
    label = QLabel(parent)
    label.setObjectName("warning")
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    _set_text_color(label, current_palette().tone(Tone.WARNING))
    label.setVisible(False)
    return label


def set_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setAccessibleDescription(text)
    label.setVisible(bool(text))


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    """A bold section heading inside a page."""
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def separator(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
