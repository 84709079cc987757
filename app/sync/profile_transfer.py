"""Profiles in and out of files, and copies of them: the checks the command line
(``profiles export/import``) and the window's Profiles menu share.

An export holds no ids, no connection and no secrets; an import is refused with words that
name the file and say what to do (not JSON, other JSON, a newer format, a service this
ContactBridge does not have).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.connectors.registry import check_profile_kinds
from app.core.errors import AppError, ConfigError, ValidationError
from app.core.profiles import SyncProfile
from app.store.profiles_repo import profile_from_export
from app.sync.facade.api import ContactBridgeApi

CLI_HINT = "Export a profile with: python main.py profiles export NAME FILE"
WINDOW_HINT = "Export a profile with Profiles › Export… in ContactBridge."


def read_profile_export(file: Path, hint: str = CLI_HINT) -> tuple[dict[str, Any], str]:
    """Read and check a profile export; returns its data and the profile's name.

    Raises:
        AppError: the file cannot be read or is not a profile export this version can
            import; the message names the file and ends with ``hint``.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AppError(f'There is no file "{file}".') from None
    except UnicodeDecodeError:
        raise AppError(
            f'"{file.name}" is not a ContactBridge profile export: it is not a text file. {hint}'
        ) from None
    except OSError as exc:
        raise AppError(f'Could not read "{file}": {exc.strerror or exc}.') from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AppError(
            f'"{file.name}" is not a ContactBridge profile export: it is not valid JSON '
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg}). {hint}"
        ) from None
    except (RecursionError, ValueError) as exc:  # nested too deep; a number too long to read
        raise AppError(
            f'"{file.name}" is not a ContactBridge profile export: its JSON is nested too '
            f"deeply or holds a number too long to read. {hint}",
            repr(exc)[:200],
        ) from None
    try:
        if isinstance(data, dict):
            check_profile_kinds(data)
        name = profile_from_export(data).name
    except ValidationError as exc:
        if "not a ContactBridge profile" in exc.message:
            raise AppError(
                f'"{file.name}" is not a ContactBridge profile export: it holds other JSON. {hint}'
            ) from None
        raise AppError(f'"{file.name}": {exc.message}', exc.details) from None
    return data, name


def write_profile_export(service: ContactBridgeApi, profile: SyncProfile, file: Path) -> None:
    """Write the profile's portable export (no ids, connection or secrets) to ``file``."""
    data = service.profiles.export_dict(profile)
    try:
        file.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise AppError(f'Could not write "{file}": {exc.strerror or exc}.') from None


def import_profile(
    service: ContactBridgeApi,
    data: Mapping[str, Any],
    *,
    replace: bool = False,
    name: str | None = None,
) -> SyncProfile:
    """Save an export as a profile (``replace``: over the one of the same name; ``name``:
    under another name). With one Constant Contact account connected, it uses that one, so
    it can sync at once (an export names no connection)."""
    if name is not None:
        data = {**data, "name": name}
    profile = service.profiles.import_dict(data, replace=replace)
    if profile.connection_id is None:
        connections = service.connections.cc_connections()
        if len(connections) == 1:
            profile = service.profiles.save(profile.with_changes(connection_id=connections[0].id))
    return profile


def copy_name(name: str, taken: set[str]) -> str:
    """ "Name (copy)", or "Name (copy 2)"... the first that no profile has."""
    lowered = {t.casefold() for t in taken}
    candidate = f"{name} (copy)"
    n = 2
    while candidate.casefold() in lowered:
        candidate = f"{name} (copy {n})"
        n += 1
    return candidate


def duplicate_profile(service: ContactBridgeApi, profile_id: int) -> SyncProfile:
    """A new profile with the same settings as ``profile_id``, named "Name (copy)"; it has
    no history and no links, so its first sync matches contacts afresh."""
    profile = service.profiles.get(profile_id)
    if profile is None:
        raise ConfigError("This profile no longer exists.")
    taken = {p.name for p in service.profiles.list()}
    return service.profiles.save(profile.with_changes(id=None, name=copy_name(profile.name, taken)))
