"""What to do about a run that did not finish: the advice fits the kind of error.

"Sync again" is advice only where a retry can help (the network, Constant Contact's daily
limit, a cancel, a hiccup at the service). A problem with the profile itself (a moved file,
a deleted list, a sign-in that needs renewing) gets its own advice: syncing again would only
fail the same way. The engine stores a failed run's kind with the run, so the run panel, the
history and the CLI give the same advice long after the error itself is gone.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.errors import (
    AppError,
    AuthError,
    Cancelled,
    ConfigError,
    NetworkError,
    NotFound,
    QuotaExceeded,
    RateLimited,
    RemoteError,
    SourceError,
    SourceMissing,
    ValidationError,
)


class ErrorKind(StrEnum):
    """Why a run stopped, as far as what the user should do about it."""

    MISSING_FILE = "missing_file"  # the source file was moved, renamed or deleted
    LIST_DELETED = "list_deleted"  # something the profile names is gone at the service
    RECONNECT = "reconnect"  # the saved sign-in no longer works
    SOURCE = "source"  # the source could not be read (a damaged file, no permission)
    CONFIG = "config"  # the profile's settings are incomplete or inconsistent
    NETWORK = "network"  # the service could not be reached
    QUOTA = "quota"  # the daily limit was reached
    CANCELLED = "cancelled"  # the user cancelled
    SERVICE = "service"  # the service answered with an error it may not give next time
    OTHER = "other"  # anything else (a defect): trying again is all one can do


# Kinds a plain retry can fix: only these are told "sync again".
RETRY_FIXES = frozenset(
    {ErrorKind.NETWORK, ErrorKind.QUOTA, ErrorKind.CANCELLED, ErrorKind.SERVICE, ErrorKind.OTHER}
)


def error_kind(exc: BaseException) -> ErrorKind:
    """The kind of ``exc``, most specific first."""
    kinds: tuple[tuple[type[BaseException], ErrorKind], ...] = (
        (Cancelled, ErrorKind.CANCELLED),
        (QuotaExceeded, ErrorKind.QUOTA),
        (SourceMissing, ErrorKind.MISSING_FILE),
        (SourceError, ErrorKind.SOURCE),
        (AuthError, ErrorKind.RECONNECT),
        (NetworkError, ErrorKind.NETWORK),
        (RateLimited, ErrorKind.NETWORK),
        (NotFound, ErrorKind.LIST_DELETED),
        (RemoteError, ErrorKind.SERVICE),
        (ConfigError, ErrorKind.CONFIG),
        (ValidationError, ErrorKind.CONFIG),
    )
    for cls, kind in kinds:
        if isinstance(exc, cls):
            return kind
    return ErrorKind.OTHER if not isinstance(exc, AppError) else ErrorKind.SERVICE


_ADVICE: dict[ErrorKind, str] = {
    ErrorKind.MISSING_FILE: (
        "Press Locate file… to show ContactBridge where the file is now (the profile, its "
        "links and its history are kept), or put the file back where it was."
    ),
    ErrorKind.LIST_DELETED: (
        "Something this profile uses, such as its list, no longer exists in the service. "
        "Edit the profile and choose what to use instead."
    ),
    ErrorKind.RECONNECT: (
        "The saved sign-in no longer works. Reconnect the account (File › Connections), then sync."
    ),
    ErrorKind.SOURCE: "Fix the source as the message says, then sync.",
    ErrorKind.CONFIG: "Edit the profile to fix what the message names, then sync.",
    ErrorKind.NETWORK: (
        "Check the internet connection, then sync again to pick up where it stopped."
    ),
    ErrorKind.QUOTA: "Sync again after the daily limit resets to finish.",
    ErrorKind.CANCELLED: "Sync again to pick up where it stopped.",
    ErrorKind.SERVICE: "Sync again to pick up where it stopped.",
    ErrorKind.OTHER: "Sync again to pick up where it stopped.",
}


def advice(kind: ErrorKind | str) -> str:
    """What to do about a run that stopped with ``kind`` (blank or unknown: a retry)."""
    try:
        return _ADVICE[ErrorKind(kind)]
    except ValueError:
        return _ADVICE[ErrorKind.OTHER]


def retry_helps(kind: ErrorKind | str) -> bool:
    """Whether syncing again, with nothing changed, can get past ``kind``."""
    try:
        return ErrorKind(kind) in RETRY_FIXES
    except ValueError:
        return True
