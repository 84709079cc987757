"""Checking a profile export's values field by field before it is used (pure: no I/O).

Each refusal names the field (``options.guard_share``) and says what it must be, so a
hand-edited or damaged profile file gets a sentence, not a traceback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import MISSING, fields
from enum import StrEnum
from typing import Any, NoReturn

from app.core.errors import ValidationError
from app.core.profiles import CONSTANT_CONTACT, DEFAULT_SOURCE_KIND, SyncOptions

NAME_MAX = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")
_INT_MAX = 1_000_000
_FILE_TEXT_SETTINGS = ("path", "key_column", "sheet")
SHEET_NAME_MAX = 31  # Excel's own limit on a sheet's name
_SECTIONS = {
    "source": Mapping,
    "destination": Mapping,
    "options": Mapping,
    "filters": Mapping,
    "schedule": Mapping,
}


def check_profile_export(data: Mapping[str, Any]) -> None:
    """Raise ``ValidationError`` naming the first field of ``data`` that is the wrong type.

    Unknown keys are ignored (a newer version may add options); known ones must have the type
    and range the app uses.
    """
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        _wrong("name", "a profile name in text", name)
    if len(name) > NAME_MAX:
        _wrong("name", f"at most {NAME_MAX} characters long", f"{len(name)} characters")
    if _CONTROL.search(name.strip()):
        raise ValidationError(
            'This ContactBridge profile file is damaged: the field "name" contains line breaks '
            "or control characters; a profile name must be one line of plain text."
        )
    if not isinstance(data.get("main_list", ""), str):
        _wrong("main_list", "a list name in text", data.get("main_list"))
    for key, kind in _SECTIONS.items():
        if data.get(key) is not None and not isinstance(data[key], kind):
            _wrong(key, "a group of settings ({...})", data[key])
    if data.get("mapping") is not None and not isinstance(data["mapping"], list | Mapping):
        _wrong("mapping", "a list of column → field pairs", data["mapping"])
    for side, default in (("source", DEFAULT_SOURCE_KIND), ("destination", CONSTANT_CONTACT)):
        spec = data.get(side) or {}
        kind = spec.get("kind", default)
        if not isinstance(kind, str) or not _KIND.fullmatch(kind):
            _wrong(f"{side}.kind", f"the kind of {side}, such as {default}", kind)
        if spec.get("settings") is not None and not isinstance(spec["settings"], Mapping):
            _wrong(f"{side}.settings", "a group of settings ({...})", spec["settings"])
    source = data.get("source") or {}
    destination = data.get("destination") or {}
    ends = (source.get("kind", DEFAULT_SOURCE_KIND), destination.get("kind", CONSTANT_CONTACT))
    if CONSTANT_CONTACT not in ends or ends[0] == ends[1]:
        _wrong("destination.kind", "Constant Contact on exactly one side", ends[1])
    if ends[0] == DEFAULT_SOURCE_KIND:  # a spreadsheet file's path, key column and sheet
        _check_file_settings(source.get("settings") or {})
    _check_options(data.get("options") or {})


def _check_file_settings(settings: Mapping[str, Any]) -> None:
    """A file's path, record-ID column and workbook sheet are text when given (the sheet
    is optional: without it, the sheet with an email column is read)."""
    for key in _FILE_TEXT_SETTINGS:
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            _wrong(f"source.settings.{key}", "text", value)
    sheet = settings.get("sheet")
    if isinstance(sheet, str) and (len(sheet) > SHEET_NAME_MAX or _CONTROL.search(sheet)):
        _wrong(
            "source.settings.sheet",
            f"a sheet name of at most {SHEET_NAME_MAX} characters, on one line",
            sheet,
        )


def _check_options(options: Mapping[str, Any]) -> None:
    for f in fields(SyncOptions):
        if f.name not in options or f.default is MISSING:
            continue
        value, default, where = options[f.name], f.default, f"options.{f.name}"
        if isinstance(default, StrEnum):
            allowed = [e.value for e in type(default)]
            if value not in allowed:
                _wrong(where, "one of " + ", ".join(allowed), value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                _wrong(where, "true or false", value)
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                _wrong(where, "a whole number", value)
            if not 0 <= value <= _INT_MAX:
                _wrong(where, f"a whole number from 0 to {_INT_MAX:,}", value)
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                _wrong(where, "a number from 0 to 1 (0.1 is 10 %)", value)
            if not math.isfinite(value) or not 0 <= value <= 1:
                _wrong(where, "a number from 0 to 1 (0.1 is 10 %)", value)
        elif isinstance(default, str) and not isinstance(value, str):
            _wrong(where, "text", value)
        elif isinstance(default, tuple) and (
            not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value)
        ):
            _wrong(where, "a list of texts", value)


def _wrong(field: str, expected: str, value: object) -> NoReturn:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise ValidationError(
        f'This ContactBridge profile file is damaged: the field "{field}" must be {expected}, '
        f"not {shown}."
    )
