"""How the UI names a WellnessLiving connection, and the connections manager's form for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.connectors.wellnessliving import connector as wl_connector
from app.core.store_types import Connection, ConnectionStatus
from app.ui.i18n import tr
from app.ui.profile_wizard.widgets import hint_label
from app.ui.services.wellnessliving.form import ConnectionForm, sample_options


def account_name(conn: Connection) -> str:
    """``Lotus & Pine Yoga (us.wellnessliving.com)``."""
    return conn.account_name or wl_connector.account_name(conn.settings)


def account_details(conn: Connection) -> str:
    """A tooltip: the business key, region and environment, the staff sign-in, the clients."""
    settings = conn.settings
    parts = [
        tr("business key %1").replace("%1", str(settings.get("business_key") or "?")),
        f"{wl_connector.region_words(settings)}, {settings.get('environment') or 'production'}",
        tr("signed in as %1").replace("%1", str(settings.get("staff_login") or "?")),
    ]
    if settings.get("clients") is not None:
        parts.append(tr("%1 clients").replace("%1", f"{int(settings['clients']):,}"))
    return ", ".join(parts)


def account_line(conn: Connection) -> str:
    """One sentence for a status line: which business."""
    if conn.status is ConnectionStatus.CONNECTED:
        return tr("Connected to WellnessLiving: %1").replace("%1", account_name(conn))
    return tr("WellnessLiving business: %1 (connect again)").replace("%1", account_name(conn))


class ConnectDialog(QDialog):
    """The connection form on its own, for the connections manager."""

    def __init__(self, parent: QWidget | None, sandbox: bool, conn: Connection | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Connect to WellnessLiving"))
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
                    "ContactBridge keeps the authorization code and the password in your "
                    "system's keyring, never in its files."
                ),
                self,
            )
        )
        layout.addWidget(buttons)


def ask_connect_options(
    parent: QWidget | None, service: Any, conn: Connection | None
) -> Mapping[str, Any] | None:
    """Ask for the business's keys and a staff sign-in; None when the user cancels."""
    dialog = ConnectDialog(parent, bool(getattr(service, "sandbox", False)), conn)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.form.options()
    finally:
        dialog.deleteLater()
