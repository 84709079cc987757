"""Spreadsheet files as the registry sees them: no sign-in, a path in the profile."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.connectors.connector import Connector, ConnectorHost, OpenRequest
from app.connectors.file_source.source import FileSource
from app.core.errors import ConfigError
from app.core.profiles import SourceSpec

KIND = "file"


def open_source(host: ConnectorHost, request: OpenRequest) -> FileSource:
    settings = request.settings
    path = str(settings.get("path") or "")
    if not path:
        raise ConfigError("Choose a CSV or Excel file for this profile.")
    return FileSource(
        Path(path),
        key_column=settings.get("key_column") or None,
        opt_out_column=request.opt_out_column or None,
        sheet=settings.get("sheet") or None,
        consent_column=settings.get("consent_column") or None,
    )


def describe(settings: Mapping[str, Any]) -> str:
    """The file's name, without its folder ("customers.csv")."""
    path = str(settings.get("path") or "")
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else CONNECTOR.label


def file_spec(
    path: str | Path, key_column: str = "", sheet: str = "", consent_column: str = ""
) -> SourceSpec:
    """A profile's source for a spreadsheet file (``consent_column``: the column whose yes
    means "may be emailed", the opposite of the profile's opt-out column)."""
    settings: dict[str, Any] = {"path": str(path)}
    if key_column:
        settings["key_column"] = key_column
    if sheet:
        settings["sheet"] = sheet
    if consent_column:
        settings["consent_column"] = consent_column
    return SourceSpec(KIND, settings)


CONNECTOR = Connector(
    kind=KIND,
    label="CSV or Excel file",
    name="",  # "the source" in sentences
    capabilities=FileSource.capabilities,
    open_source=open_source,
    describe=describe,
    needs_connection=False,
    panel="",  # the wizard's own file chooser and preview
)
