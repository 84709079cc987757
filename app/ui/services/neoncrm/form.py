"""The NeonCRM connection form: which host, the org ID and the API user's key.

Shared by the wizard's panel and the connections manager's dialog. What it holds becomes
``ConnectRequest.options``; the API key is typed into a password field and goes nowhere but
the keyring. For a saved connection it is left blank ("kept in your keyring"): blank keeps
the saved one.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from app.connectors.neoncrm.hosts import ENVIRONMENT_LABELS, Environment


def sample_options() -> dict[str, str]:
    """The sandbox's sample nonprofit: its org ID and API key (sandbox values)."""
    sandbox = importlib.import_module("app.sandbox.neoncrm")
    found: dict[str, str] = sandbox.sample_connection()
    return found


class ConnectionForm(QWidget):
    """Production or trial, the org ID, and the API key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.environment_combo = QComboBox(self)
        self.environment_combo.setAccessibleName(self.tr("NeonCRM host"))
        for environment, label in ENVIRONMENT_LABELS.items():
            self.environment_combo.addItem(self.tr(label), environment.value)
        self.environment_combo.setToolTip(
            self.tr("A NeonCRM trial org answers on the trial host only.")
        )
        self.org_edit = QLineEdit(self)
        self.org_edit.setAccessibleName(self.tr("Org ID"))
        self.org_edit.setPlaceholderText(self.tr("Settings > Organization Profile in NeonCRM"))
        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Host:"), self.environment_combo)
        form.addRow(self.tr("&Org ID:"), self.org_edit)
        form.addRow(self.tr("API &key:"), self.key_edit)

    def fill(self, settings: Mapping[str, Any], secrets: Mapping[str, str] | None = None) -> None:
        """Show a connection's settings; ``secrets`` (the sandbox's sample key) or a blank
        that keeps the saved key."""
        environment = str(settings.get("environment") or Environment.PRODUCTION.value)
        self.environment_combo.setCurrentIndex(max(self.environment_combo.findData(environment), 0))
        self.org_edit.setText(str(settings.get("org_id") or ""))
        self.key_edit.setText(str((secrets or {}).get("api_key") or ""))
        saved = bool(settings.get("org_id")) and secrets is None
        self.key_edit.setPlaceholderText(self._kept() if saved else "")

    def _kept(self) -> str:
        return self.tr("Kept in your keyring: leave blank to keep it")

    def forget_secrets(self) -> None:
        self.key_edit.clear()
        self.key_edit.setPlaceholderText(self._kept())

    def options(self) -> dict[str, str]:
        """What was typed, as ``ConnectRequest.options``."""
        return {
            "environment": str(self.environment_combo.currentData()),
            "org_id": self.org_edit.text().strip(),
            "api_key": self.key_edit.text().strip(),
        }

    def same_org(self, settings: Mapping[str, Any]) -> bool:
        typed = self.options()
        return all(str(settings.get(k) or "") == typed[k] for k in ("environment", "org_id"))
