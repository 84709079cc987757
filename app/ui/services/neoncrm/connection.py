"""How the UI names a NeonCRM connection, and the connections manager's form for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.connectors.neoncrm import connector as neon_connector
from app.core.store_types import Connection, ConnectionStatus
from app.ui.i18n import tr
from app.ui.profile_wizard.widgets import hint_label
from app.ui.services.neoncrm.form import ConnectionForm, sample_options


def account_name(conn: Connection) -> str:
    """``Maple Street Community Kitchen (maplestreet)``."""
    return conn.account_name or neon_connector.account_name(conn.settings)


def account_details(conn: Connection) -> str:
    """A tooltip: the host, the org ID, and the API user ContactBridge acts as."""
    settings = conn.settings
    parts = [
        neon_connector.environment_words(settings),
        tr("org ID %1").replace("%1", str(settings.get("org_id") or "?")),
    ]
    owner = neon_connector.owner_words(settings)
    if owner:
        parts.append(owner)
    return ", ".join(parts)


def account_line(conn: Connection) -> str:
    """As NeonCRM's setup page confirms it: the connected org, and who it acts as."""
    if conn.status is not ConnectionStatus.CONNECTED:
        return tr("NeonCRM org: %1 (connect again)").replace("%1", account_name(conn))
    line = tr("Connected to NeonCRM: %1").replace("%1", account_name(conn))
    owner = neon_connector.owner_words(conn.settings)
    return f"{line}. {owner}." if owner else line


class ConnectDialog(QDialog):
    """The connection form on its own, for the connections manager."""

    def __init__(self, parent: QWidget | None, sandbox: bool, conn: Connection | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Connect to NeonCRM"))
        self.form = ConnectionForm(self)
        if conn is not None:
            self.form.fill(conn.settings, sample_options() if sandbox else None)
        elif sandbox:
            self.form.fill(sample_options(), sample_options())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Connect"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(
            hint_label(
                tr(
                    "Use the key of a NeonCRM API user (Settings > User Management). "
                    "ContactBridge keeps it in your system's keyring, never in its files."
                ),
                self,
            )
        )
        layout.addWidget(buttons)


def ask_connect_options(
    parent: QWidget | None, service: Any, conn: Connection | None
) -> Mapping[str, Any] | None:
    """Ask for the org ID and API key; None when the user cancels."""
    dialog = ConnectDialog(parent, bool(getattr(service, "sandbox", False)), conn)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.form.options()
    finally:
        dialog.deleteLater()
