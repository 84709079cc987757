"""Refusing paths that are not a readable regular file, before anything opens them.

A named pipe (FIFO) blocks for ever when opened for reading and a device may never end, so
the path is checked with ``os.stat`` first and only a regular file is ever opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from app.core.errors import SourceError, SourceLocation, SourceMissing

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_regular_file(path: Path) -> None:
    """Raise ``SourceError`` naming the file unless ``path`` is a regular file one may read.

    Never opens the path: a FIFO or a device is refused at once.
    """
    where = SourceLocation(path.name)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise SourceError(
                "This is a shortcut (link) to a file that no longer exists. Pick the file itself.",
                where,
            ) from None
        raise SourceMissing(str(path.absolute()), where) from None
    except PermissionError as exc:
        raise SourceError(
            "ContactBridge is not allowed to read this file. Check that your account may open it.",
            where,
            details=repr(exc),
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceError(
                "This is a shortcut (link) that points back at itself, so it leads to no file. "
                "Pick the file itself.",
                where,
            ) from None
        raise SourceError(
            f"The file could not be read ({exc.strerror or exc}).", where, details=repr(exc)
        ) from None
    if stat.S_ISDIR(mode):
        raise SourceError("This is a folder, not a file. Pick a .csv or .xlsx file.", where)
    for test, what in _SPECIAL:
        if test(mode):
            raise SourceError(
                f"This is {what}, not a file, so ContactBridge does not read it. Pick a .csv "
                "or .xlsx file.",
                where,
            )
    if not os.access(path, os.R_OK):
        raise SourceError(
            "ContactBridge is not allowed to read this file. Check that your account may open it.",
            where,
        )
