"""The Salesforce connection form: how to sign in, the consumer key, production or sandbox.

Shared by the wizard's panel and the connections manager's dialog. What it holds becomes
``ConnectRequest.options``. The consumer key is the user's own (an External Client App's, or
an existing connected app's); the form says in four steps how to make one. The password
fallback's password, security token and consumer secret are typed into password fields and
go nowhere but the keyring; for a saved connection they are left blank ("kept in your
keyring").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.connectors.salesforce import AuthMethod, OrgType
from app.connectors.salesforce.endpoints import CALLBACK_URL
from app.ui.profile_wizard.widgets import hint_label

SECRET_FIELDS = ("password", "security_token", "consumer_secret")


def how_to_get_a_key() -> str:
    """The steps to an External Client App's consumer key, for the form's help line."""
    return (
        "To get a consumer key: 1. In Salesforce Setup, open External Client App Manager "
        "and press New External Client App. 2. Name it ContactBridge, tick Enable OAuth, "
        f"set the callback URL to {CALLBACK_URL}, and add the scopes “Manage user data via "
        "APIs (api)” and “Perform requests at any time (refresh_token, offline_access)”. "
        "3. Tick “Require Proof Key for Code Exchange (PKCE)” and untick “Require secret for "
        "Web Server Flow” and “Require secret for Refresh Token Flow”. 4. Save, open its "
        "OAuth settings, press Consumer Key and Secret, and copy the Consumer Key here. An "
        "existing connected app's consumer key works too."
    )


class ConnectionForm(QWidget):
    """Sign-in method, consumer key, org type, and the password fallback's fields."""

    def __init__(self, parent: QWidget | None = None, *, sandbox: bool = False) -> None:
        super().__init__(parent)
        self.sandbox = sandbox
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.method_group = QButtonGroup(self)
        self.browser_radio = QRadioButton(self.tr("Sign in with Salesforce in my &browser"), self)
        self.password_radio = QRadioButton(
            self.tr("Sign in with my user name, password and security &token"), self
        )
        for button, method in (
            (self.browser_radio, AuthMethod.BROWSER),
            (self.password_radio, AuthMethod.PASSWORD),
        ):
            button.setAccessibleName(button.text().replace("&", ""))
            button.setProperty("method", method.value)
            self.method_group.addButton(button)
            layout.addWidget(button)
        self.browser_radio.setChecked(True)
        layout.addWidget(
            hint_label(
                self.tr(
                    "The browser is the way Salesforce recommends. Orgs created since Summer "
                    "'23 block signing in with a password unless an admin allows it."
                ),
                self,
            )
        )
        form = QFormLayout()
        self.org_combo = QComboBox(self)
        self.org_combo.setAccessibleName(self.tr("Salesforce org type"))
        self.org_combo.addItem(
            self.tr("Production org (login.salesforce.com)"), OrgType.PRODUCTION.value
        )
        self.org_combo.addItem(self.tr("Sandbox org (test.salesforce.com)"), OrgType.SANDBOX.value)
        self.org_combo.setToolTip(
            self.tr(
                "A Salesforce sandbox is a test copy of your org: syncing it leaves your real "
                "records as they are."
            )
        )
        form.addRow(self.tr("&Org:"), self.org_combo)
        self.edits: dict[str, QLineEdit] = {}
        rows = (
            ("consumer_key", self.tr("&Consumer key:"), self.tr("From your External Client App")),
            ("username", self.tr("&User name:"), self.tr("you@example.com")),
            ("password", self.tr("Pass&word:"), ""),
            ("security_token", self.tr("Security to&ken:"), self.tr("Emailed by Salesforce")),
            ("consumer_secret", self.tr("Consumer &secret:"), self.tr("If your app requires it")),
        )
        for key, label, placeholder in rows:
            edit = QLineEdit(self)
            edit.setAccessibleName(label.replace("&", "").rstrip(":"))
            edit.setPlaceholderText(placeholder)
            if key in SECRET_FIELDS:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.edits[key] = edit
            form.addRow(label, edit)
        self.form = form
        layout.addLayout(form)
        self.key_help = hint_label(self.tr(how_to_get_a_key()), self)
        layout.addWidget(self.key_help)
        self.method_group.buttonToggled.connect(self._method_toggled)
        self._method_toggled()

    @property
    def method(self) -> AuthMethod:
        return AuthMethod.PASSWORD if self.password_radio.isChecked() else AuthMethod.BROWSER

    def _method_toggled(self, *_args: Any) -> None:
        password = self.method is AuthMethod.PASSWORD
        for key in ("username", *SECRET_FIELDS):
            self.form.setRowVisible(self.edits[key], password)
        self.key_help.setVisible(not self.sandbox)

    def fill(self, settings: Mapping[str, Any], *, saved: bool = False) -> None:
        """Show a connection's settings; secrets stay blank ("kept in your keyring")."""
        method = str(settings.get("auth") or AuthMethod.BROWSER.value)
        (
            self.password_radio if method == AuthMethod.PASSWORD.value else self.browser_radio
        ).setChecked(True)
        org = str(settings.get("org_type") or OrgType.PRODUCTION.value)
        self.org_combo.setCurrentIndex(max(self.org_combo.findData(org), 0))
        for key in ("consumer_key", "username"):
            self.edits[key].setText(str(settings.get(key) or ""))
        for key in SECRET_FIELDS:
            self.edits[key].clear()
            self.edits[key].setPlaceholderText(self._kept() if saved else "")

    def forget_secrets(self) -> None:
        """Empty the password fields (the keyring has them now)."""
        for key in SECRET_FIELDS:
            self.edits[key].clear()
            self.edits[key].setPlaceholderText(self._kept())

    def _kept(self) -> str:
        return self.tr("Kept in your keyring: leave blank to keep it")

    def options(self) -> dict[str, str]:
        """What was typed, as ``ConnectRequest.options`` (the password fields only for the
        password way)."""
        found = {"auth": self.method.value, "org_type": str(self.org_combo.currentData())}
        found["consumer_key"] = self.edits["consumer_key"].text().strip()
        if self.method is AuthMethod.PASSWORD:
            found["username"] = self.edits["username"].text().strip()
            for key in SECRET_FIELDS:
                found[key] = self.edits[key].text().strip()
        return {k: v for k, v in found.items() if v or k in ("auth", "org_type")}

    def same_org(self, settings: Mapping[str, Any]) -> bool:
        """Whether the form names the connection ``settings`` describe (same key and org)."""
        typed = self.options()
        return str(settings.get("org_type") or OrgType.PRODUCTION.value) == typed["org_type"] and (
            not typed.get("consumer_key")
            or str(settings.get("consumer_key") or "") == typed["consumer_key"]
        )
