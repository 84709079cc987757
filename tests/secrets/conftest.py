"""Fixtures for the secret store tests: an in-memory keyring backend."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A dict-backed keyring; ``viable = False`` keeps it out of keyring's auto-detection."""

    priority = 1  # type: ignore[assignment]
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.locked = False

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)

    def _check(self) -> None:
        if self.locked:
            raise KeyringLocked("Failed to unlock the collection! secret-value-123")


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def clean_keyring_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No keyring-related environment variables from the developer's shell."""
    for name in ("CONTACTBRIDGE_KEYRING", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch
