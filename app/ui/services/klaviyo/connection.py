"""How the UI names a Klaviyo connection, and the connections manager's form for it: the
account's name and its private API key (typed into a password field, kept in the keyring)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.connectors.klaviyo import connector as kl_connector
from app.core.store_types import Connection, ConnectionStatus
from app.ui.i18n import tr
from app.ui.profile_wizard.widgets import hint_label

KEY_HELP = (
    "In Klaviyo: Settings > API keys > Create Private API Key, with full access (lists, "
    "profiles, subscriptions and events). ContactBridge keeps it in your system's keyring, "
    "never in its files."
)


def account_name(conn: Connection) -> str:
    return conn.account_name or str(conn.settings.get("account_name") or conn.label)


def account_details(conn: Connection) -> str:
    """A tooltip: the account and its lists when last checked."""
    lists = conn.settings.get("lists")
    found = tr("Klaviyo account %1").replace("%1", account_name(conn))
    if lists is not None:
        found += ", " + tr("%1 lists").replace("%1", f"{int(lists):,}")
    return found


def account_line(conn: Connection) -> str:
    if conn.status is ConnectionStatus.CONNECTED:
        return tr("Connected to Klaviyo: %1").replace("%1", account_name(conn))
    return tr("Klaviyo account: %1 (enter the private API key again)").replace(
        "%1", account_name(conn)
    )


class KeyForm(QWidget):
    """The account's name (as you want it shown) and its private API key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(tr("Klaviyo account name"))
        self.name_edit.setPlaceholderText(tr("As you want it shown"))
        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName(tr("Klaviyo private API key"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("pk_…")
        form.addRow(tr("Account &name:"), self.name_edit)
        form.addRow(tr("Private API &key:"), self.key_edit)

    def fill(self, conn: Connection | None, sandbox: bool) -> None:
        sample = kl_connector.sample_options() if sandbox else {}
        self.name_edit.setText(
            account_name(conn) if conn is not None else sample.get("account_name", "")
        )
        self.key_edit.setText(sample.get("api_key", "") if sandbox else "")
        if conn is not None and not sandbox:
            self.key_edit.setPlaceholderText(tr("Kept in your keyring: leave blank to keep it"))

    def forget_key(self) -> None:
        self.key_edit.clear()
        self.key_edit.setPlaceholderText(tr("Kept in your keyring: leave blank to keep it"))

    def options(self) -> dict[str, str]:
        return {
            "account_name": self.name_edit.text().strip(),
            "api_key": self.key_edit.text().strip(),
        }


class ConnectDialog(QDialog):
    def __init__(self, parent: QWidget | None, sandbox: bool, conn: Connection | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Connect to Klaviyo"))
        self.form = KeyForm(self)
        self.form.fill(conn, sandbox)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Connect"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(hint_label(tr(KEY_HELP), self))
        layout.addWidget(buttons)


def ask_connect_options(
    parent: QWidget | None, service: Any, conn: Connection | None
) -> Mapping[str, Any] | None:
    """Ask for the account's name and private API key; None when the user cancels."""
    dialog = ConnectDialog(parent, bool(getattr(service, "sandbox", False)), conn)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.form.options()
    finally:
        dialog.deleteLater()
