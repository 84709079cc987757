"""Removing control characters (NUL, DEL, terminal escape codes) from text values (pure)."""

from __future__ import annotations

import re

# A terminal escape sequence (CSI "ESC [ ... m" and friends, or OSC "ESC ] ... BEL"), removed
# whole so "\x1b[31mBob\x1b[0m" becomes "Bob", not "[31mBob[0m"; then any other C0 control
# but tab and line breaks, DEL, and the C1 controls.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(value: str) -> tuple[str, bool]:
    """``value`` without control characters, and whether any were removed."""
    if not _CONTROLS.search(value):
        return value, False
    return _CONTROLS.sub("", _ESCAPES.sub("", value)), True


def has_controls(text: str) -> bool:
    """Whether ``strip_controls`` would change ``text`` (one search: rows are checked whole)."""
    return _CONTROLS.search(text) is not None
