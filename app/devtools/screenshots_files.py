"""Screenshot of a till export with unreadable rows: each listed with its row and the reason,
while the rows around them are sent (part of ``python main.py screenshots``)."""

from __future__ import annotations

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
