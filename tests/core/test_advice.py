"""Advice fits the error: "sync again" only where a retry can help."""

from __future__ import annotations

import pytest

from app.core.advice import ErrorKind, advice, error_kind, retry_helps
from app.core.errors import (
    Cancelled,
    ConfigError,
    NeedsReconnect,
    NetworkError,
    NotFound,
    QuotaExceeded,
    RemoteError,
    SourceError,
    SourceMissing,
)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (SourceMissing("/home/ann/Documents/customers.csv"), ErrorKind.MISSING_FILE),
        (SourceError("Row 4 is damaged"), ErrorKind.SOURCE),
        (NeedsReconnect("Sign in again"), ErrorKind.RECONNECT),
        (NotFound("The list was not found", 404), ErrorKind.LIST_DELETED),
        (ConfigError("No main list"), ErrorKind.CONFIG),
        (NetworkError("Offline"), ErrorKind.NETWORK),
        (QuotaExceeded("Daily limit"), ErrorKind.QUOTA),
        (Cancelled(), ErrorKind.CANCELLED),
        (RemoteError("Server error", 500), ErrorKind.SERVICE),
        (RuntimeError("bug"), ErrorKind.OTHER),
    ],
)
def test_each_error_has_its_kind(exc, kind):
    assert error_kind(exc) is kind


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_sync_again_only_where_a_retry_helps(kind):
    says_retry = "sync again" in advice(kind).lower()
    assert says_retry == retry_helps(kind)
    assert retry_helps(kind) == (
        kind
        in {
            ErrorKind.NETWORK,
            ErrorKind.QUOTA,
            ErrorKind.CANCELLED,
            ErrorKind.SERVICE,
            ErrorKind.OTHER,
        }
    )


def test_a_missing_file_names_its_folder_and_offers_to_locate_it():
    exc = SourceMissing("/home/ann/Documents/shop/customers.csv")
    assert "/home/ann/Documents/shop/customers.csv" in exc.message
    assert "Locate file…" in advice(error_kind(exc))


def test_an_unknown_or_blank_kind_is_advised_a_retry():
    assert advice("") == advice(ErrorKind.OTHER)
    assert retry_helps("something new")
