"""How the UI names a Salesforce connection, and the connections manager's form for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.connectors.salesforce import ApiUsage
from app.connectors.salesforce import account as sf_account
from app.core.store_types import Connection, ConnectionStatus
from app.ui.i18n import tr
from app.ui.profile_wizard.widgets import hint_label
from app.ui.services.salesforce.form import ConnectionForm


def account_name(conn: Connection) -> str:
    """``ada@acme.com (sandbox org)``."""
    return conn.account_name or sf_account.account_name(conn.settings)


def usage_words(conn: Connection) -> str:
    """How much of the org's daily allowance of API requests was spent, when last seen."""
    usage = ApiUsage.from_settings(conn.settings.get("api_usage"))
    return usage.words() if usage is not None else ""


def account_details(conn: Connection) -> str:
    """A tooltip: the org's address, the API version, and the API requests used."""
    settings = conn.settings
    parts = [str(settings.get("instance_url") or "")]
    if settings.get("api_version"):
        parts.append(tr("API %1").replace("%1", str(settings["api_version"])))
    if usage_words(conn):
        parts.append(usage_words(conn))
    return ", ".join(p for p in parts if p)


def account_line(conn: Connection) -> str:
    """One sentence for a status line: which org."""
    if conn.status is ConnectionStatus.CONNECTED:
        return tr("Connected to Salesforce: %1").replace("%1", account_name(conn))
    return tr("Salesforce org: %1 (connect again)").replace("%1", account_name(conn))


class ConnectDialog(QDialog):
    """The connection form on its own, for the connections manager."""

    def __init__(self, parent: QWidget | None, sandbox: bool, conn: Connection | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Connect to Salesforce"))
        self.form = ConnectionForm(self, sandbox=sandbox)
        if conn is not None:
            self.form.fill(conn.settings, saved=True)
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
                    "ContactBridge keeps the sign-in, and any password, in your system's "
                    "keyring, never in its files."
                ),
                self,
            )
        )
        layout.addWidget(buttons)


def ask_connect_options(
    parent: QWidget | None, service: Any, conn: Connection | None
) -> Mapping[str, Any] | None:
    """Ask how to sign in (and the consumer key); None when the user cancels."""
    dialog = ConnectDialog(parent, bool(getattr(service, "sandbox", False)), conn)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.form.options()
    finally:
        dialog.deleteLater()
