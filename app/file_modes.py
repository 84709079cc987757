"""Owner-only permissions for what holds customers' data: the data folder, the database,
its backups, logs and exports (0700 folders, 0600 files), where the platform has modes.

Windows has no such modes (its folders under the user's profile are private already), so
every function here does nothing there. Existing folders and files made looser by an
earlier version are tightened when they are opened again.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
HAS_MODES = os.name == "posix"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if missing, and make it owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing, and make it owner-only (read and write)."""
    if HAS_MODES:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE))
    else:
        path.touch(exist_ok=True)
    _tighten(path, PRIVATE_FILE)
    return path


def tighten(path: Path) -> None:
    """Make an existing file or folder owner-only; nothing when it is missing."""
    try:
        mode = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
    except OSError:
        return
    if path.exists():
        _tighten(path, mode)


def _tighten(path: Path, mode: int) -> None:
    if not HAS_MODES:
        return
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except OSError:  # not ours (a shared folder): leave it as it is
        pass
