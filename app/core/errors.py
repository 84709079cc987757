"""The error hierarchy every layer raises and the UI turns into one kind of dialog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class AppError(Exception):
    """A problem the user can understand and act on.

    Attributes:
        message: one or two plain sentences for the user.
        details: technical text for the dialog's "details" section (never a secret).
    """

    title = "Something went wrong"

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class Cancelled(AppError):
    """The user cancelled; never shown as an error."""

    title = "Cancelled"

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)


class ConfigError(AppError):
    """A profile or setting is incomplete or inconsistent."""

    title = "Check the profile"


class ValidationError(AppError):
    """Input the user gave is not acceptable."""

    title = "Check your input"


@dataclass(frozen=True)
class SourceLocation:
    """Where in a source file a problem is: file, 1-based row and column name."""

    file: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None  # a workbook's sheet, when it has several

    def describe(self) -> str:
        parts = [f'file "{self.file}"']
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)


class SourceError(AppError):
    """A source (file or CRM) could not be read; names the file, row and column."""

    title = "The source could not be read"

    def __init__(self, message: str, location: SourceLocation | None = None, details: str = ""):
        full = f"{message} ({location.describe()})" if location else message
        super().__init__(full, details)
        self.location = location


class SourceMissing(SourceError):
    """The source file is not where the profile says: moved, renamed or deleted.

    Attributes:
        path: the full path the profile names (folder included), so the user can tell
            which file and where it was.
    """

    title = "The source file is missing"

    def __init__(self, path: str, location: SourceLocation | None = None, details: str = ""):
        super().__init__(
            f'The file was not found at "{path}". It may have been moved, renamed or deleted.',
            None,
            details,
        )
        self.location = location
        self.path = path


class NetworkError(AppError):
    """The service could not be reached (offline, DNS, timeout, connection reset)."""

    title = "Could not reach the service"


class AuthError(AppError):
    """Credentials were refused."""

    title = "Sign-in needed"


class NeedsReconnect(AuthError):
    """The saved authorization is no longer valid; the user must connect again."""

    title = "Reconnect needed"


class RateLimited(AppError):
    """The service asked us to slow down (per-second limits); retried automatically."""

    title = "The service is busy"

    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QuotaExceeded(AppError):
    """The daily request quota is used up; the run stops and resumes after the reset."""

    title = "Daily limit reached"

    def __init__(self, message: str, resets_at: datetime | None = None) -> None:
        super().__init__(message)
        self.resets_at = resets_at


class RemoteError(AppError):
    """The service answered with an error we did not expect."""

    title = "The service reported an error"

    def __init__(self, message: str, status: int = 0, body: str = "") -> None:
        super().__init__(message, details=f"HTTP {status}\n{body}" if status else body)
        self.status = status
        self.body = body


class ConflictError(RemoteError):
    """HTTP 409: the thing already exists (an email, a list name, a custom field).

    Attributes:
        existing_id: the id of what already exists, when the service named it (Constant
            Contact names the contact that has an email address), else "".
    """

    def __init__(self, message: str, status: int = 0, body: str = "", existing_id: str = ""):
        super().__init__(message, status, body)
        self.existing_id = existing_id


class NotFound(RemoteError):
    """HTTP 404."""


class SecretStoreError(AppError):
    """The system keyring failed or is locked."""

    title = "Keyring problem"


class NoSecureKeyring(SecretStoreError):
    """No secure keyring exists on this system; secrets are kept for this session only."""

    title = "No secure keyring"


class RunLocked(AppError):
    """Another run of the same profile is in progress (in this or another process)."""

    title = "Already running"


class NeedsConfirmation(AppError):
    """A run would unsubscribe or remove many contacts; nothing was written.

    Attributes:
        unsubscribes: contacts the run would unsubscribe in Constant Contact.
        removals: contacts it would take off the main list.
        synced: contacts the profile has synced so far (its links).
        run_id: the stopped run, whose results show the plan.
    """

    title = "Please confirm"

    def __init__(
        self, message: str, *, unsubscribes: int, removals: int, synced: int, run_id: int = 0
    ) -> None:
        super().__init__(message)
        self.unsubscribes = unsubscribes
        self.removals = removals
        self.synced = synced
        self.run_id = run_id


class BugError(AppError):
    """A defect in ContactBridge itself, shown differently from user errors."""

    title = "Internal error"
