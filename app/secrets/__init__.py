"""Secrets (OAuth tokens) in the OS keyring, behind one small interface."""

from app.secrets.store import SESSION_ONLY_WARNING, SecretStore

__all__ = ["SESSION_ONLY_WARNING", "SecretStore"]
