"""Where an export is offered to be saved: named for the profile and the date, in the user's
documents folder ("Bakery customers → Newsletter – 2026-12-07 results.csv"), never a generic
name in the program's folder."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from platformdirs import user_documents_dir

# Characters no file name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
# Names Windows keeps for devices, whatever the extension.
_RESERVED = frozenset(
    {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }
)
MAX_NAME = 150  # well under every file system's limit of 255 bytes, with room for "(2)"


def safe_file_name(text: str) -> str:
    """``text`` as a file name: unsafe characters become "-", no trailing dot or space."""
    name = _UNSAFE.sub("-", text)
    name = re.sub(r"\s+", " ", name).strip().rstrip(". ")
    stem = name.split(".", 1)[0]
    if stem.upper() in _RESERVED:
        name = f"_{name}"
    if len(name) > MAX_NAME:
        head, dot, ext = name.rpartition(".")
        keep = MAX_NAME - len(ext) - 1 if dot and len(ext) <= 5 else MAX_NAME
        name = f"{head[:keep].rstrip('. ')}.{ext}" if dot and len(ext) <= 5 else name[:keep]
    return name or "export"


def documents_folder() -> Path:
    """The user's documents folder (platformdirs), or their home folder when it has none."""
    folder = Path(user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def export_path(title: str, when: date, what: str, suffix: str, folder: Path | None = None) -> Path:
    """The suggested path of an export: ``title – date what.suffix`` in ``folder`` (by
    default the documents folder)."""
    name = safe_file_name(f"{title} – {when.isoformat()} {what}.{suffix}")
    return (folder or documents_folder()) / name
