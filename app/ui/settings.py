"""UI state kept between sessions: window geometry, splitter and table header layouts.

Domain settings live in the database; this is only where windows were and how wide columns
are (STYLE rule 17). Each app home gets its own file, so the sandbox and tests never touch the
real layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget

UI_STATE_FILE = "ui-state.ini"


class UiSettings:
    """Saves and restores widget layouts under string keys."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @classmethod
    def for_home(cls, home: Path) -> UiSettings:
        return cls(QSettings(str(home / UI_STATE_FILE), QSettings.Format.IniFormat))

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_geometry(self, key: str, widget: QWidget) -> None:
        self._settings.setValue(f"{key}/geometry", widget.saveGeometry())

    def restore_geometry(self, key: str, widget: QWidget) -> bool:
        data = self._bytes(f"{key}/geometry")
        return bool(data) and widget.restoreGeometry(data)

    def save_rect(self, key: str, rect: QRect) -> None:
        """Where a dialog was left (its client area, in screen coordinates)."""
        self._settings.setValue(f"{key}/rect", rect)

    def rect(self, key: str) -> QRect | None:
        value = self._settings.value(f"{key}/rect")
        return value if isinstance(value, QRect) and value.isValid() else None

    def save_splitter(self, key: str, splitter: QSplitter) -> None:
        self._settings.setValue(f"{key}/splitter", splitter.saveState())

    def restore_splitter(self, key: str, splitter: QSplitter) -> bool:
        data = self._bytes(f"{key}/splitter")
        return bool(data) and splitter.restoreState(data)

    def save_header(self, key: str, header: QHeaderView) -> None:
        self._settings.setValue(f"{key}/header", header.saveState())

    def restore_header(self, key: str, header: QHeaderView) -> bool:
        data = self._bytes(f"{key}/header")
        return bool(data) and header.restoreState(data)

    def flag(self, key: str) -> bool:
        """A yes/no remembered under ``key`` (False until set)."""
        return str(self._settings.value(key, "false")).lower() == "true"

    def set_flag(self, key: str, value: bool = True) -> None:
        self._settings.setValue(key, "true" if value else "false")
        self._settings.sync()

    def text(self, key: str, default: str = "") -> str:
        """Words remembered under ``key`` (``default`` until set)."""
        value = self._settings.value(key, default)
        return value if isinstance(value, str) else default

    def set_text(self, key: str, value: str) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()

    def sync(self) -> None:
        self._settings.sync()
