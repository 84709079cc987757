"""Every service ContactBridge syncs with Constant Contact, registered in this one place.

Adding a service is one line here (see ``app/connectors/README.md``); nothing else in
``app/core``, ``app/sync`` or ``app/ui`` names a service, and a test checks that.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from app.connectors.connector import Connector
from app.connectors.file_source.connector import CONNECTOR as FILES
from app.connectors.file_source.connector import file_spec
from app.core.errors import ConfigError, ValidationError
from app.core.profiles import CONSTANT_CONTACT, SourceSpec

# One line per service: the package whose ``connector`` module exports ``CONNECTOR``.
SERVICES: tuple[str, ...] = (
    "app.connectors.file_source",
    "app.connectors.xero",
    "app.connectors.wellnessliving",
    "app.connectors.klaviyo",
    "app.connectors.neoncrm",
    "app.connectors.salesforce",
)

CONNECTORS: tuple[Connector, ...] = tuple(
    importlib.import_module(f"{package}.connector").CONNECTOR for package in SERVICES
)

# Shown in the wizard as "coming soon" until their connectors are registered above.
COMING_SOON: tuple[tuple[str, str], ...] = ()

_BY_KIND = {c.kind: c for c in CONNECTORS}

__all__ = [
    "COMING_SOON",
    "CONNECTORS",
    "FILES",
    "SERVICES",
    "check_profile_kinds",
    "connector",
    "describe_source",
    "file_spec",
    "find",
    "label",
    "source_words",
]


def find(kind: str) -> Connector | None:
    """The connector registered for ``kind``, or None (a service coming soon, or unknown)."""
    return _BY_KIND.get(kind)


def connector(kind: str) -> Connector:
    """The connector for ``kind``.

    Raises:
        ConfigError: no such service is available yet, in plain words.
    """
    found = _BY_KIND.get(kind)
    if found is None:
        raise ConfigError(f"{label(kind)} sources are coming soon.")
    return found


def label(kind: str) -> str:
    """The service's label ("Xero"), also for one coming soon; the kind itself if unknown."""
    found = _BY_KIND.get(kind)
    if found is not None:
        return found.label
    if kind == CONSTANT_CONTACT:  # a migration's source
        return "Constant Contact"
    return dict(COMING_SOON).get(kind, kind)


def describe_source(spec: SourceSpec) -> str:
    """A profile's source in a few words for lists: "customers.csv", "Xero"."""
    found = _BY_KIND.get(spec.kind)
    return found.describe_source(spec.settings) if found is not None else label(spec.kind)


def check_profile_kinds(data: Mapping[str, Any]) -> None:
    """Refuse a profile export whose source or destination is no service this app knows.

    Raises:
        ValidationError: naming the field ("source.kind") and the kinds it may be.
    """
    known = [CONSTANT_CONTACT, *(c.kind for c in CONNECTORS), *(k for k, _ in COMING_SOON)]
    for side, default in (("source", FILES.kind), ("destination", CONSTANT_CONTACT)):
        spec = data.get(side)
        kind = spec.get("kind", default) if isinstance(spec, Mapping) else default
        if kind not in known:
            raise ValidationError(
                f'This ContactBridge profile file is damaged: the field "{side}.kind" must be '
                f'one of {", ".join(known)}, not "{str(kind)[:40]}".'
            )


def source_words(kind: str) -> str:
    """The source's name in sentences ("Xero"); "" (read "the source") for a file."""
    found = _BY_KIND.get(kind)
    return found.name if found is not None else ""
