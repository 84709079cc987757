"""Replaces pyinstaller-hooks-contrib's phonenumbers hook (hookspath hooks take precedence).

phonenumbers loads its per-region metadata with __import__, so those modules are hidden
imports. The contrib hook collects every submodule, including ~45 MB of offline geocoder,
carrier and time-zone data the app does not use; this one leaves those out. If the app starts
using phonenumbers.geocoder, .carrier or .timezone, collect everything again.
"""

from PyInstaller.utils.hooks import collect_submodules

OPTIONAL = ("phonenumbers.geodata", "phonenumbers.carrierdata", "phonenumbers.tzdata")
USERS = ("phonenumbers.geocoder", "phonenumbers.carrier", "phonenumbers.timezone")

hiddenimports = collect_submodules(
    "phonenumbers", filter=lambda name: not name.startswith(OPTIONAL)
)
excludedimports = [*OPTIONAL, *USERS]
