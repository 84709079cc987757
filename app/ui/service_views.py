"""Each service's screens, found through the registry: its wizard panel and how its
connections read in the connections manager.

A connector names its UI package (``Connector.panel``, e.g. ``app.ui.services.<kind>``); that
package exports ``SourcePanel`` (the wizard's step 1 panel) and may export ``CONNECT_ACTION``
(the "Connect an account" menu entry), ``account_name(conn)``, ``account_details(conn)`` (a
tooltip), ``account_line(conn)`` (a status sentence) and, for a service that signs in with
keys rather than in the browser, ``ask_connect_options(parent, service, conn)`` (its form:
the ``ConnectRequest.options`` to connect with, or None when the user cancels). A service
with screens of its own (NeonCRM-style list and account pages) exports ``SCREEN_ACTION``
(the File menu's entry), ``SCREEN_TIP`` and ``open_screen(service, tasks, settings,
parent)``, which returns the window to show. Nothing else in the UI names a service.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from app.connectors import registry
from app.connectors.connector import Connector
from app.core.store_types import Connection
from app.ui.i18n import tr


@dataclass(frozen=True)
class ServiceViews:
    """A registered service and its UI package."""

    connector: Connector
    module: ModuleType | None

    def _function(self, name: str) -> Callable[[Connection], str] | None:
        found = getattr(self.module, name, None) if self.module else None
        return found if callable(found) else None

    @property
    def panel_class(self) -> Any:
        """The wizard panel's class, or None (the wizard's own file chooser)."""
        return getattr(self.module, "SourcePanel", None) if self.module else None

    @property
    def connect_action(self) -> str:
        text = getattr(self.module, "CONNECT_ACTION", "") if self.module else ""
        return tr(text) if text else tr("%1 account…").replace("%1", self.connector.label)

    def account_name(self, conn: Connection) -> str:
        found = self._function("account_name")
        return (found(conn) if found else "") or conn.account_name or conn.label

    def account_details(self, conn: Connection) -> str:
        found = self._function("account_details")
        return found(conn) if found else conn.label

    @property
    def signs_in_with_a_form(self) -> bool:
        """True when connecting asks for keys in ContactBridge, not in the browser."""
        return callable(getattr(self.module, "ask_connect_options", None))

    def connect_options(
        self, parent: Any, service: Any, conn: Connection | None
    ) -> Mapping[str, Any] | None:
        """What the service's form asks before connecting (``conn``: the one to reconnect,
        or None for a new one): {} for a browser sign-in, None when the user cancelled."""
        found = getattr(self.module, "ask_connect_options", None) if self.module else None
        if not callable(found):
            return {}
        answer: Mapping[str, Any] | None = found(parent, service, conn)
        return answer

    @property
    def screen_action(self) -> str:
        """The File menu's entry for the service's own window, or "" when it has none."""
        text = getattr(self.module, "SCREEN_ACTION", "") if self.module else ""
        opener = getattr(self.module, "open_screen", None) if self.module else None
        return tr(text) if text and callable(opener) else ""

    @property
    def screen_tip(self) -> str:
        text = getattr(self.module, "SCREEN_TIP", "") if self.module else ""
        return tr(text) if text else ""

    def open_screen(self, service: Any, tasks: Any, settings: Any, parent: Any) -> Any:
        """The service's own window (see ``screen_action``), made but not shown."""
        opener = self.module.open_screen
        return opener(service, tasks, settings, parent)

    def account_line(self, conn: Connection) -> str:
        """A sentence under the list about the selected connection's account, or ""."""
        found = self._function("account_line")
        return found(conn) if found else ""


def views(kind: str) -> ServiceViews | None:
    """The UI of a registered service; None for Constant Contact or an unknown kind."""
    connector = registry.find(kind)
    if connector is None:
        return None
    module = importlib.import_module(connector.panel) if connector.panel else None
    return ServiceViews(connector, module)


def sources_in_words() -> str:
    """The kinds of source ContactBridge reads, from the registry: "a spreadsheet, Xero…"."""
    names = [
        tr("a spreadsheet") if c is registry.FILES else c.label
        for c in registry.CONNECTORS
        if not c.is_destination  # a service Constant Contact is moved into is read by none
    ]
    return ", ".join(names)


def services_in_words() -> str:
    """The services (not files) a profile can read, from the registry: "Xero or …"."""
    names = [
        c.label for c in registry.CONNECTORS if c is not registry.FILES and not c.is_destination
    ]
    if len(names) < 2:
        return "".join(names)
    return tr("%1 or %2").replace("%1", ", ".join(names[:-1])).replace("%2", names[-1])


def all_views() -> list[ServiceViews]:
    """Every registered service's UI, in the registry's order."""
    return [v for c in registry.CONNECTORS if (v := views(c.kind)) is not None]
