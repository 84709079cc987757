"""Screenshot of a till export with unreadable rows: each listed with its row and the reason,
while the rows around them are sent (part of ``python main.py screenshots``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from app.core.profiles import SourceSpec, SyncProfile
from app.sandbox.till_export import write_till_export
from app.ui.event_wait import wait_for
from app.ui.main_window import MainWindow

PROFILE_NAME = "Till export → Newsletter"


def shoot_unreadable_rows(window: MainWindow, folder: Path, shoot: Callable[..., Path]) -> None:
    """Sync a profile over the damaged export and grab its Error report."""
    service = window.service
    bakery = service.profiles.overviews()[0].profile
    spec = SourceSpec("file", {"path": str(write_till_export(folder))})
    columns = service.profiles.open_source(spec).columns()
    profile = service.profiles.save(
        SyncProfile(
            name=PROFILE_NAME,
            source=spec,
            main_list=bakery.main_list,
            connection_id=bakery.connection_id,
            mapping=service.profiles.suggest_mapping(columns),
        )
    )
    window.reload_profiles()
    assert profile.id is not None
    window.select_profile(profile.id)
    window.sync_now()
    wait_for(window.runner.run_finished, 60_000)
    window.panel.results.tabs.setCurrentIndex(1)
    shoot(window, "05b-unreadable-rows", 300)
    window.panel.results.tabs.setCurrentIndex(0)


MOVED_NAME = "Shop customers → Newsletter"


def shoot_missing_file(window: MainWindow, sample: Path, shoot: Callable[..., Path]) -> None:
    """A profile whose file was moved after a good sync: the failed run's panel (no "up to
    date"), the full path and "Locate file…", and the dialog that says the same."""
    from PySide6.QtWidgets import QMessageBox

    service = window.service
    bakery = service.profiles.overviews()[0].profile
    folder = sample.parent / "Shop files"
    folder.mkdir(exist_ok=True)
    file = folder / "customers.csv"
    shutil.copyfile(sample, file)
    profile = service.profiles.save(
        bakery.with_changes(
            id=None, name=MOVED_NAME, source=SourceSpec("file", {"path": str(file)})
        )
    )
    window.reload_profiles()
    assert profile.id is not None
    window.select_profile(profile.id)
    window.sync_now()
    wait_for(window.runner.run_finished, 60_000)
    file.rename(folder / "customers (old).csv")
    window.sync_now()
    wait_for(window.runner.run_failed, 60_000)
    box = next((b for b in window.findChildren(QMessageBox, "errorDialog") if b.isVisible()), None)
    if box is not None:
        shoot(box, "07b-missing-file-dialog")
        box.close()
    shoot(window, "04c-failed-run-missing-file", 300)
