"""A sample till export with unreadable rows, for the screenshots and the tests that check
what a user sees for it."""

from __future__ import annotations

from pathlib import Path

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
