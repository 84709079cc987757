"""Secrets in the operating system's keyring, and nowhere else; the only module using keyring.

Each connection's secrets are keyed ``connection-<id>/<key>`` under the service
"ContactBridge". The OAuth token is one JSON entry (``oauth_token``) so a save is atomic: the
new refresh token is never stored apart from its access token.

Without a secure keyring (headless Linux with no Secret Service, or only a plaintext backend
from keyrings.alt), secrets are not written to disk. The store keeps them in memory for this
session and says so in ``warning``; there is no silent fallback to a file or the database.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Mapping
from typing import Any

import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends import chainer, fail, null

from app.core.errors import SecretStoreError
from app.core.redaction import remember

log = logging.getLogger(__name__)

SERVICE = "ContactBridge"
TOKEN_KEY = "oauth_token"
TOKEN_FIELDS = ("access_token", "refresh_token", "id_token")  # kept out of logs
_SECRET_FIELD = re.compile(r"(?i)secret|password|passwd|api_?key|token$")  # also kept out
KEYRING_ENV = "CONTACTBRIDGE_KEYRING"  # "memory" forces the session-only store
SESSION_ONLY_WARNING = (
    "No secure keyring was found on this computer, so your Constant Contact sign-in is kept "
    "only until ContactBridge closes. Install and unlock a keyring (GNOME Keyring or KWallet) "
    "to stay signed in."
)
INSECURE_WARNING = (
    "Your Constant Contact sign-in is saved with a keyring that does not encrypt it. "
    "Install and unlock a secure keyring (GNOME Keyring or KWallet) to protect it."
)
_LOCKED_MESSAGE = (
    "ContactBridge could not use the system keyring; it may be locked. Unlock it (for example "
    "by signing in to your desktop again) and try again."
)


def is_secure_backend(backend: keyring.backend.KeyringBackend) -> bool:
    """Whether every backend behind ``backend`` is a recommended (encrypting, OS) keyring."""
    leaves = list(backend.backends) if isinstance(backend, chainer.ChainerBackend) else [backend]
    return bool(leaves) and all(
        keyring.core.recommended(leaf) and not isinstance(leaf, fail.Keyring | null.Keyring)
        for leaf in leaves
    )


def detect_backend() -> keyring.backend.KeyringBackend | None:
    """The keyring the user configured (env or keyringrc), else the best recommended one.

    Unlike ``keyring.core.init_backend`` this changes no global state; the result may be
    insecure (the environment and config win over the priority filter), so check it.
    """
    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured is not None:
        return configured
    candidates = [
        kr
        for kr in keyring.backend.get_all_keyring()
        if keyring.core.recommended(kr) and not isinstance(kr, chainer.ChainerBackend)
    ]
    return max(candidates, key=keyring.backend.by_priority, default=None)


class SecretStore:
    """get/set/delete secrets per connection, and the ``TokenStore`` protocol for OAuth.

    Args:
        backend: a keyring backend object; ``None`` keeps secrets in memory only.
        is_secure: whether ``backend`` protects secrets at rest.
        warning: a sentence for the user when secrets are not stored securely.
    """

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | None = None,
        *,
        is_secure: bool | None = None,
        warning: str = "",
        service: str = SERVICE,
    ) -> None:
        self._backend = backend
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self.service = service
        if is_secure is None:
            is_secure = backend is not None and is_secure_backend(backend)
        self.is_secure = is_secure
        self.warning = warning or ("" if is_secure else SESSION_ONLY_WARNING)

    @classmethod
    def open(cls, allow_insecure: bool = False, *, memory: bool = False) -> SecretStore:
        """The store for this computer: the system keyring, or session-only memory.

        Args:
            allow_insecure: accept a working but unencrypted backend (developers only);
                the store then reports ``is_secure == False`` with a warning.
            memory: force the session-only store (sandbox mode), like
                ``CONTACTBRIDGE_KEYRING=memory``.
        """
        if memory or os.environ.get(KEYRING_ENV, "").lower() == "memory":
            return cls.session_only()
        try:
            backend = detect_backend()
        except Exception as exc:  # a broken keyringrc or backend module
            log.warning("Keyring detection failed (%s); memory only", type(exc).__name__)
            return cls.session_only()
        if backend is not None and is_secure_backend(backend):
            return cls(backend, is_secure=True)
        usable = backend is not None and not isinstance(backend, fail.Keyring | null.Keyring)
        if allow_insecure and usable:
            return cls(backend, is_secure=False, warning=INSECURE_WARNING)
        name = type(backend).__name__ if backend is not None else "none"
        log.warning("No secure keyring (found %s); secrets kept for this session only", name)
        return cls.session_only()

    @classmethod
    def session_only(cls, warning: str = SESSION_ONLY_WARNING) -> SecretStore:
        """A store that forgets everything when the process ends."""
        return cls(None, is_secure=False, warning=warning)

    @property
    def session_only_mode(self) -> bool:
        return self._backend is None

    @property
    def backend_name(self) -> str:
        if self._backend is None:
            return "memory (this session only)"
        kind = type(self._backend)
        return f"{kind.__module__}.{kind.__name__}"

    # -- plain secrets ----------------------------------------------------------------------

    def get(self, connection_id: int, key: str) -> str | None:
        username = _username(connection_id, key)
        if self._backend is None:
            with self._lock:
                value = self._memory.get(username)
        else:
            try:
                value = self._backend.get_password(self.service, username)
            except Exception as exc:
                raise _store_error("read", exc) from None
        remember(value)  # a secret never reaches a log, even on its own
        return value

    def set(self, connection_id: int, key: str, value: str) -> None:
        remember(value)
        username = _username(connection_id, key)
        if self._backend is None:
            with self._lock:
                self._memory[username] = value
            return
        try:
            self._backend.set_password(self.service, username, value)
        except Exception as exc:
            raise _store_error("save", exc) from None

    def delete(self, connection_id: int, key: str) -> None:
        """Forget a secret; deleting one that does not exist is fine."""
        username = _username(connection_id, key)
        if self._backend is None:
            with self._lock:
                self._memory.pop(username, None)
            return
        try:
            self._backend.delete_password(self.service, username)
        except keyring.errors.PasswordDeleteError:
            pass
        except Exception as exc:
            raise _store_error("delete", exc) from None

    # -- TokenStore -------------------------------------------------------------------------

    def load_token(self, connection_id: int) -> dict[str, Any] | None:
        raw = self.get(connection_id, TOKEN_KEY)
        if not raw:
            return None
        try:
            token = json.loads(raw)
        except ValueError:
            log.warning("The saved token of connection %s is unreadable", connection_id)
            return None
        if not isinstance(token, dict):
            return None
        _remember_token(token)
        return token

    def save_token(self, connection_id: int, token: Mapping[str, Any]) -> None:
        _remember_token(token)
        self.set(connection_id, TOKEN_KEY, json.dumps(dict(token), sort_keys=True))

    def delete_token(self, connection_id: int) -> None:
        self.delete(connection_id, TOKEN_KEY)


def _remember_token(token: Mapping[str, Any]) -> None:
    """Keep the token's secrets out of logs: its OAuth tokens, and any field a service
    names as a secret (``application_secret``, ``staff_password``, ``api_key``...)."""
    remember(*(token.get(k) for k in TOKEN_FIELDS))
    remember(*(v for k, v in token.items() if isinstance(v, str) and _SECRET_FIELD.search(k)))


def _username(connection_id: int, key: str) -> str:
    return f"connection-{int(connection_id)}/{key}"


def _store_error(action: str, exc: Exception) -> SecretStoreError:
    """A plain error; only the exception's type goes into the details, never its text."""
    return SecretStoreError(
        _LOCKED_MESSAGE, details=f"keyring {action} failed: {type(exc).__name__}"
    )
