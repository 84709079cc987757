"""SecretStore: roundtrips, session-only mode, no silent plaintext fallback, plain errors."""

from __future__ import annotations

import json

import pytest
from keyring.backends import fail, null

from app.connectors.connector import ConnectRequest
from app.core.errors import SecretStoreError
from app.core.redaction import redact
from app.secrets import SESSION_ONLY_WARNING, SecretStore
from app.secrets.store import SERVICE, TOKEN_KEY, is_secure_backend

TOKEN = {"access_token": "at-secret", "refresh_token": "rt-secret", "expires_at": 1234.5}


def test_roundtrip_with_an_injected_backend(memory_keyring):
    store = SecretStore(memory_keyring)
    assert store.is_secure and store.warning == ""
    assert store.get(7, "api_key") is None
    store.set(7, "api_key", "s3cret")
    assert store.get(7, "api_key") == "s3cret"
    assert memory_keyring.store[(SERVICE, "connection-7/api_key")] == "s3cret"
    store.delete(7, "api_key")
    assert store.get(7, "api_key") is None
    store.delete(7, "api_key")  # deleting twice is fine


def test_token_is_one_json_entry(memory_keyring):
    store = SecretStore(memory_keyring)
    assert store.load_token(3) is None
    store.save_token(3, TOKEN)
    raw = memory_keyring.store[(SERVICE, f"connection-3/{TOKEN_KEY}")]
    assert json.loads(raw) == TOKEN
    assert store.load_token(3) == TOKEN
    assert store.load_token(4) is None
    store.delete_token(3)
    assert store.load_token(3) is None


def test_a_services_saved_secrets_never_reach_a_log_line(memory_keyring):
    """A service signed in with keys (no OAuth) keeps its password and secret in the token;
    from the moment they are saved or read, a log line that quotes them is masked."""
    store = SecretStore(memory_keyring)
    saved = {
        "staff_password": "correct horse battery",
        "application_secret": "issued-app-secret-42",
        "api_key": "neon-key-0000-1111",
        "region": "australia",  # a setting that happens to ride along: not a secret
    }
    store.save_token(5, saved)
    line = redact(
        "signed in with correct horse battery, issued-app-secret-42 and "
        "neon-key-0000-1111 in australia"
    )
    assert line == "signed in with ***, *** and *** in australia"


def test_a_connect_request_never_shows_its_options():
    request = ConnectRequest("Studio", options={"staff_password": "correct horse battery"})
    assert "correct horse battery" not in repr(request)
    assert request.options["staff_password"] == "correct horse battery"


def test_unreadable_token_counts_as_none(memory_keyring):
    store = SecretStore(memory_keyring)
    store.set(1, TOKEN_KEY, "{not json")
    assert store.load_token(1) is None


def test_connections_are_kept_apart(memory_keyring):
    store = SecretStore(memory_keyring)
    store.save_token(1, {"access_token": "one"})
    store.save_token(2, {"access_token": "two"})
    assert store.load_token(1) == {"access_token": "one"}
    assert store.load_token(2) == {"access_token": "two"}


def test_session_only_store_keeps_secrets_in_memory():
    store = SecretStore.session_only()
    assert not store.is_secure and store.session_only_mode
    assert store.warning == SESSION_ONLY_WARNING
    store.save_token(1, TOKEN)
    assert store.load_token(1) == TOKEN
    store.delete_token(1)
    assert store.load_token(1) is None
    assert SecretStore.session_only().load_token(1) is None  # nothing outlives the store


def test_env_forces_the_memory_store(clean_keyring_env):
    clean_keyring_env.setenv("CONTACTBRIDGE_KEYRING", "memory")
    store = SecretStore.open()
    assert store.session_only_mode and not store.is_secure
    assert "GNOME Keyring or KWallet" in store.warning


def test_plaintext_backend_is_not_accepted(clean_keyring_env, tmp_path):
    clean_keyring_env.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    clean_keyring_env.setenv("XDG_DATA_HOME", str(tmp_path))
    store = SecretStore.open()
    assert store.session_only_mode
    assert not store.is_secure
    assert store.warning == SESSION_ONLY_WARNING
    store.save_token(1, TOKEN)
    assert not any(tmp_path.rglob("*.cfg"))  # nothing written in plain text


def test_plaintext_backend_only_with_explicit_opt_in(clean_keyring_env, tmp_path):
    clean_keyring_env.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    store = SecretStore.open(allow_insecure=True)
    assert not store.session_only_mode
    assert not store.is_secure
    assert "does not encrypt" in store.warning


@pytest.mark.parametrize(
    "backend", ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"]
)
def test_null_and_fail_backends_give_session_only(clean_keyring_env, backend):
    clean_keyring_env.setenv("PYTHON_KEYRING_BACKEND", backend)
    store = SecretStore.open(allow_insecure=True)
    assert store.session_only_mode and not store.is_secure


def test_secure_backend_detection(memory_keyring):
    assert is_secure_backend(memory_keyring)
    assert not is_secure_backend(fail.Keyring())
    assert not is_secure_backend(null.Keyring())


def test_locked_keyring_gives_a_plain_error_without_the_secret(memory_keyring):
    store = SecretStore(memory_keyring)
    memory_keyring.locked = True
    for action in (
        lambda: store.get(1, "k"),
        lambda: store.set(1, "k", "value-that-must-not-leak"),
        lambda: store.save_token(1, TOKEN),
        lambda: store.delete(1, "k"),
    ):
        with pytest.raises(SecretStoreError) as info:
            action()
        text = f"{info.value} {info.value.details}"
        assert "locked" in text
        for secret in ("value-that-must-not-leak", "at-secret", "rt-secret", "secret-value-123"):
            assert secret not in text


def test_open_can_be_told_to_stay_in_memory(clean_keyring_env):
    clean_keyring_env.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    store = SecretStore.open(allow_insecure=True, memory=True)
    assert store.session_only_mode and not store.is_secure
