"""Colors, icons and the style sheet, following the system's light or dark palette."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
ICONS = RESOURCES / "icons"
_TOKEN = re.compile(r"@([a-z_]+)@")


class Tone(StrEnum):
    """The meaning a color carries; each has a light and a dark shade."""

    SUCCESS = "success"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Palette:
    """The app's own colors for one mode, as CSS hex strings."""

    dark: bool
    tokens: dict[str, str]

    def tone(self, tone: Tone) -> QColor:
        return QColor(self.tokens["muted" if tone is Tone.NEUTRAL else tone.value])


_LIGHT = {
    "success": "#15803d",
    "success_bg": "#dcfce7",
    "success_border": "#86efac",
    "info": "#1d4ed8",
    "info_bg": "#dbeafe",
    "info_border": "#93c5fd",
    "warning": "#b45309",
    "warning_bg": "#fef3c7",
    "warning_border": "#fcd34d",
    "error": "#b91c1c",
    "error_bg": "#fee2e2",
    "error_border": "#fca5a5",
    "muted": "#6b7280",
    "badge_bg": "#fef3c7",
    "badge_fg": "#92400e",
    "badge_border": "#f59e0b",
    "accent": "#2563eb",
    "accent_hover": "#1d4ed8",
    "accent_text": "#ffffff",
    "focus": "#93c5fd",
    "track": "#e5e7eb",
}
_DARK = {
    "success": "#4ade80",
    "success_bg": "#052e16",
    "success_border": "#166534",
    "info": "#60a5fa",
    "info_bg": "#172554",
    "info_border": "#1e40af",
    "warning": "#fbbf24",
    "warning_bg": "#451a03",
    "warning_border": "#92400e",
    "error": "#f87171",
    "error_bg": "#450a0a",
    "error_border": "#991b1b",
    "muted": "#9ca3af",
    "badge_bg": "#451a03",
    "badge_fg": "#fde68a",
    "badge_border": "#d97706",
    "accent": "#3b82f6",
    "accent_hover": "#60a5fa",
    "accent_text": "#ffffff",
    "focus": "#bfdbfe",
    "track": "#374151",
}


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the current palette is dark (the window color is darker than its text)."""
    palette = palette or QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def current_palette() -> Palette:
    qt = QGuiApplication.palette()
    dark = is_dark(qt)
    tokens = dict(_DARK if dark else _LIGHT)
    tokens["text"] = qt.color(QPalette.ColorRole.WindowText).name()
    tokens["card"] = qt.color(QPalette.ColorRole.Base).name()
    tokens["border"] = qt.color(QPalette.ColorRole.Mid).name() if dark else "#d1d5db"
    tokens["hover"] = qt.color(QPalette.ColorRole.Midlight).name() if not dark else "#374151"
    return Palette(dark, tokens)


def style_sheet(palette: Palette | None = None) -> str:
    """The app's style sheet with the palette's colors filled in."""
    palette = palette or current_palette()
    text = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    return _TOKEN.sub(lambda m: palette.tokens.get(m.group(1), m.group(0)), text)


def apply_theme(app: QApplication) -> None:
    """Style the app for the current palette, and again whenever the system switches mode."""
    if is_dark() and app.style().name().lower() == "windowsvista":
        app.setStyle("Fusion")  # the classic Windows style cannot draw dark mode
    app.setStyleSheet(style_sheet())
    _icon.cache_clear()
    dot_icon.cache_clear()


def _svg_icon(path: Path, color: str) -> QIcon:
    data = path.read_text(encoding="utf-8").replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(data.encode()))
    icon = QIcon()
    for size in (16, 20, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(QSize(size, size))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


@cache
def _icon(name: str, color: str) -> QIcon:
    return _svg_icon(ICONS / f"{name}.svg", color)


def icon(name: str, color: str | None = None) -> QIcon:
    """An icon from resources/icons, in ``color`` or else the palette's text color."""
    return _icon(name, color or ("#e5e7eb" if is_dark() else "#374151"))


def app_icon() -> QIcon:
    return _svg_icon(ICONS / "app.svg", "#ffffff")


@cache
def dot_icon(color: str, size: int = 12) -> QIcon:
    """A filled circle: the colored status marker in tables and the status bar."""
    icon = QIcon()
    for scale in (1, 2):
        px = size * scale
        pixmap = QPixmap(px, px)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        inset = px * 0.12
        painter.drawEllipse(QRectF(inset, inset, px - 2 * inset, px - 2 * inset))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def tone_icon(tone: Tone) -> QIcon:
    return dot_icon(current_palette().tone(tone).name())
