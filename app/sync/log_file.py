"""The app's log file: rotating, owner-only, with every secret taken out before it is written.

The composition root (``bootstrap.open_service``) installs it once per data folder. Records
of ContactBridge's own loggers at INFO and above, and anything at WARNING and above, are
written; a record's text (message, arguments, traceback) passes through
``app.core.redaction`` first, so tokens, Authorization headers, API keys, client secrets
and email bodies never reach the file.
"""

from __future__ import annotations

import logging
import threading
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app import paths
from app.core.redaction import redact
from app.file_modes import private_dir, private_file

LOG_NAME = "contactbridge.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
APP_LOGGER = "app"

_lock = threading.Lock()
_installed: tuple[PrivateRotatingFileHandler, int] | None = None  # handler, app level before


class RedactingFilter(logging.Filter):
    """Replaces a record's text with its redacted form (arguments and traceback included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string: keep what can be shown
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            text += "\n" + record.exc_text
        record.exc_text = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.msg, record.args = redact(text), None
        return True


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating file handler whose files (the current one and each rotated) are 0600."""

    def _open(self) -> TextIOWrapper:
        private_file(Path(self.baseFilename))
        return super()._open()

    def doRollover(self) -> None:
        super().doRollover()
        for n in range(1, self.backupCount + 1):
            rotated = Path(f"{self.baseFilename}.{n}")
            if rotated.exists():
                private_file(rotated)


def install(home: Path | None = None) -> Path:
    """Write the log to ``paths.log_dir(home)`` from now on (replacing an earlier log file);
    returns the file's path."""
    global _installed
    folder = paths.log_dir(home)
    path = folder / LOG_NAME
    with _lock:
        if _installed is not None and Path(_installed[0].baseFilename) == path:
            return path
        _uninstall_locked()
        handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter())
        app_logger = logging.getLogger(APP_LOGGER)
        _installed = (handler, app_logger.level)
        if app_logger.getEffectiveLevel() > logging.INFO:
            app_logger.setLevel(logging.INFO)
        logging.getLogger().addHandler(handler)
    return path


def uninstall() -> None:
    """Stop writing the log file (closing it)."""
    with _lock:
        _uninstall_locked()


def current_folder() -> Path:
    """The folder of the log being written, or where it would be (created either way)."""
    with _lock:
        if _installed is not None:
            return private_dir(Path(_installed[0].baseFilename).parent)
    return paths.log_dir()


def _uninstall_locked() -> None:
    global _installed
    if _installed is None:
        return
    handler, level = _installed
    _installed = None
    logging.getLogger().removeHandler(handler)
    logging.getLogger(APP_LOGGER).setLevel(level)
    handler.close()
