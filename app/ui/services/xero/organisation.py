"""How the UI names a Xero connection's organisation: "Demo Bakery Ltd (NZ)".

The organisation comes from the connection's settings (read from Xero's ``GET /Organisation``
when connecting). A connection made before ContactBridge asked for the settings scope has
none; the UI then says how to get it, rather than failing.
"""

from __future__ import annotations

from app.connectors.xero.account import organisation_of
from app.core.countries import country_name
from app.core.store_types import Connection, ConnectionStatus
from app.ui.i18n import tr


def organisation_name(conn: Connection) -> str:
    """``Demo Bakery Ltd (NZ)``, or "" when the organisation was not read."""
    organisation = organisation_of(conn.settings)
    if organisation is None:
        return ""
    if organisation.country_code:
        return f"{organisation.name} ({organisation.country_code})"
    return organisation.name


def reconnect_hint() -> str:
    return tr("Reconnect Xero to show the organisation name.")


def organisation_line(conn: Connection) -> str:
    """One sentence for a status line: which organisation, or how to see it."""
    name = organisation_name(conn)
    if not name:
        return reconnect_hint()
    if conn.status is ConnectionStatus.CONNECTED:
        return tr("Connected to Xero: %1").replace("%1", name)
    return tr("Xero organisation: %1").replace("%1", name)


def organisation_details(conn: Connection) -> str:
    """A tooltip: the country in words and Xero's short code, when known."""
    organisation = organisation_of(conn.settings)
    if organisation is None:
        return reconnect_hint()
    parts = [organisation.name]
    if organisation.country_code:
        parts.append(country_name(organisation.country_code))
    if organisation.short_code:
        parts.append(tr("short code %1").replace("%1", organisation.short_code))
    return ", ".join(parts)
