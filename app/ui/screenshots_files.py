"""Screenshot of a till export with unreadable rows: each listed with its row and the reason,
while the rows around them are sent (part of ``python main.py screenshots``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.core.profiles import SourceKind, SourceSpec, SyncProfile
from app.ui.event_wait import wait_for
from app.ui.main_window import MainWindow

PROFILE_NAME = "Till export → Newsletter"

# Three title lines above the headings, as tills print them; then good rows around three
# that cannot be read: a byte that is not UTF-8 (row 8), a quote mark never closed (row 10)
# and a row with more values than headings (row 12).
_GOOD = [
    "C101,Zoë,Müller,zoe.muller@example.com,Leeds",
    "C102,Anaïs,Dubois,anais.dubois@example.com,York",
    "C103,José,Núñez,jose.nunez@example.com,Bristol",
]
_LINES = [
    b"Till export - customers",
    b"Printed 03/04/2025 09:12",
    b"",
    b"Customer ID,First Name,Last Name,Email Address,City",
    *(line.encode() for line in _GOOD),
    b"C104,Ren\xe9e,Martin,renee.martin@example.com,Bath",
    "C105,Björn,Åberg,bjorn.aberg@example.com,Hull".encode(),
    b'C106,"Sofia,Rossi,sofia.rossi@example.com,Derby',
    "C107,François,Leclerc,francois.leclerc@example.com,Exeter".encode(),
    b"C108,Emma,Jones,emma.jones@example.com,Leeds,LS1 4AB,Cafe",
    "C109,Chloé,Søren,chloe.soren@example.com,Oxford".encode(),
    b"C110,Oliver,Grant,oliver.grant@example.com,Bath",
]


def write_till_export(folder: Path) -> Path:
    """The damaged till export, in ``folder``."""
    path = folder / "till-export.csv"
    path.write_bytes(b"\n".join(_LINES) + b"\n")
    return path


def shoot_unreadable_rows(window: MainWindow, folder: Path, shoot: Callable[..., Path]) -> None:
    """Sync a profile over the damaged export and grab its Error report."""
    service = window.service
    bakery = service.list_profiles()[0].profile
    spec = SourceSpec(SourceKind.FILE, {"path": str(write_till_export(folder))})
    columns = service.open_source(spec).columns()
    profile = service.save_profile(
        SyncProfile(
            name=PROFILE_NAME,
            source=spec,
            main_list=bakery.main_list,
            connection_id=bakery.connection_id,
            mapping=service.suggest_mapping(columns),
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
