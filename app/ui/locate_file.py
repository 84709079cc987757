"""'Locate file…': pointing a profile at its source file again after it was moved or renamed.

Only the profile's source path changes: the profile keeps its id, so its links to Constant
Contact contacts and its run history stay, and the next sync picks up where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.errors import ConfigError
from app.core.profiles import SourceSpec, SyncProfile
from app.sync.facade.api import ContactBridgeApi
from app.ui.i18n import tr

LOCATE_TEXT = "Locate file…"
FILE_FILTER = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"

# Asks for a file, starting in a folder; returns the chosen path or "" (tests replace it).
PickFile = Callable[[QWidget | None, str], str]


def ask_for_file(parent: QWidget | None, start: str) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent, tr("Where is the contacts file now?"), start, tr(FILE_FILTER)
    )
    return path


def start_folder(missing: str) -> str:
    """The nearest folder of the missing file that still exists, else the home folder."""
    folder = Path(missing).parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return str(folder) if folder.is_dir() else str(Path.home())


def locate_source_file(
    parent: QWidget | None,
    service: ContactBridgeApi,
    profile_id: int,
    pick: PickFile = ask_for_file,
) -> SyncProfile | None:
    """Ask where the profile's source file is now and save the new path in the profile.

    Returns the saved profile, or None when the user cancelled the dialog.
    """
    profile = service.profiles.get(profile_id)
    if profile is None:
        raise ConfigError("This profile no longer exists.")
    chosen = pick(parent, start_folder(profile.source.path))
    if not chosen:
        return None
    settings = {**profile.source.settings, "path": str(Path(chosen).absolute())}
    moved = profile.with_changes(source=SourceSpec(profile.source.kind, settings))
    return service.profiles.save(moved)
