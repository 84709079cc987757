"""The WellnessLiving connection form: where the business is served, its keys, a staff sign-in.

Shared by the wizard's panel and the connections manager's dialog. What it holds becomes
``ConnectRequest.options``; the two secrets (the application's authorization code and the
staff password) are typed into password fields and go nowhere but the keyring. For a saved
connection they are left blank ("kept in your keyring"): blank keeps the saved ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from app.connectors.wellnessliving import ENVIRONMENT_LABELS, REGION_LABELS
from app.connectors.wellnessliving.regions import Environment, Region

TEXT_FIELDS = ("business_name", "business_key", "application_id", "staff_login")
SECRET_FIELDS = ("application_secret", "staff_password")


def sample_options() -> dict[str, str]:
    """The sandbox's sample business, its keys and staff sign-in (sandbox values)."""
    sandbox = importlib.import_module("app.sandbox.wellnessliving")
    found: dict[str, str] = sandbox.sample_connection()
    return found


class ConnectionForm(QWidget):
    """Region and environment, business name and key, application id and authorization code,
    staff login and password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.region_combo = QComboBox(self)
        self.region_combo.setAccessibleName(self.tr("WellnessLiving region"))
        for region, label in REGION_LABELS.items():
            self.region_combo.addItem(self.tr(label), region.value)
        self.environment_combo = QComboBox(self)
        self.environment_combo.setAccessibleName(self.tr("WellnessLiving environment"))
        for environment, label in ENVIRONMENT_LABELS.items():
            self.environment_combo.addItem(self.tr(label), environment.value)
        self.environment_combo.setToolTip(
            self.tr("Staging is WellnessLiving's test copy; its keys differ from production's.")
        )
        self.edits: dict[str, QLineEdit] = {}
        rows = (
            ("business_name", self.tr("Business &name:"), self.tr("As you want it shown")),
            ("business_key", self.tr("Business &key:"), self.tr("Issued with your API access")),
            ("application_id", self.tr("&Application ID:"), ""),
            ("application_secret", self.tr("Authori&zation code:"), ""),
            ("staff_login", self.tr("Staff &login (email):"), ""),
            ("staff_password", self.tr("Staff pass&word:"), ""),
        )
        form.addRow(self.tr("&Region:"), self.region_combo)
        form.addRow(self.tr("&Environment:"), self.environment_combo)
        for key, label, placeholder in rows:
            edit = QLineEdit(self)
            edit.setAccessibleName(label.replace("&", "").rstrip(":"))
            edit.setPlaceholderText(placeholder)
            if key in SECRET_FIELDS:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.edits[key] = edit
            form.addRow(label, edit)

    def fill(self, settings: Mapping[str, Any], secrets: Mapping[str, str] | None = None) -> None:
        """Show a connection's settings; ``secrets`` (the sandbox's sample ones) or blanks that
        keep the saved ones ("kept in your keyring")."""
        region = str(settings.get("region") or Region.US.value)
        environment = str(settings.get("environment") or Environment.PRODUCTION.value)
        self.region_combo.setCurrentIndex(max(self.region_combo.findData(region), 0))
        self.environment_combo.setCurrentIndex(max(self.environment_combo.findData(environment), 0))
        for key in TEXT_FIELDS:
            self.edits[key].setText(str(settings.get(key) or ""))
        saved = bool(settings.get("business_key")) and secrets is None
        for key in SECRET_FIELDS:
            self.edits[key].setText(str((secrets or {}).get(key) or ""))
            self.edits[key].setPlaceholderText(self._kept() if saved else "")

    def forget_secrets(self) -> None:
        """Empty the password fields (the keyring has them now)."""
        for key in SECRET_FIELDS:
            self.edits[key].clear()
            self.edits[key].setPlaceholderText(
                self.tr("Kept in your keyring: leave blank to keep it")
            )

    def _kept(self) -> str:
        return self.tr("Kept in your keyring: leave blank to keep it")

    def options(self) -> dict[str, str]:
        """What was typed, as ``ConnectRequest.options``."""
        found = {key: edit.text().strip() for key, edit in self.edits.items()}
        found["region"] = str(self.region_combo.currentData())
        found["environment"] = str(self.environment_combo.currentData())
        return found

    def same_business(self, settings: Mapping[str, Any]) -> bool:
        """Whether the form names the business a connection's settings name (same key, host)."""
        typed = self.options()
        return all(
            str(settings.get(k) or "") == typed[k]
            for k in ("region", "environment", "business_key", "application_id")
        )
