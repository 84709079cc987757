"""The Constant Contact lists linked with NeonCRM accounts, and each one's status.

NeonCRM's Lists page shows the lists linked between NeonCRM and Constant Contact, each Active
or Hidden (a hidden list stays in Constant Contact but is not offered for pushes). Constant
Contact knows no such status: ContactBridge keeps it, with which lists are linked, in the
NeonCRM connection's settings (``lists``: list id → status). The main list of every NeonCRM
profile sending to the account is linked too (Active unless marked otherwise).

Each account pushed on its own ("Push this account") leaves its last push there as well
(``pushes``: account id → when, to which lists, details or subscription only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.connectors.connector import ConnectorHost
from app.core.records import ContactList

# The connection settings above: what disconnecting NeonCRM forgets (the connector's
# ``local_settings``). NeonCRM's accounts, those imports created too, stay as they are.
LOCAL_SETTINGS = ("lists", "pushes")


class ListStatus(StrEnum):
    ACTIVE = "Active"
    HIDDEN = "Hidden"


@dataclass(frozen=True)
class LinkedList:
    contact_list: ContactList
    status: ListStatus = ListStatus.ACTIVE

    @property
    def name(self) -> str:
        return self.contact_list.name

    @property
    def count(self) -> int:
        return self.contact_list.membership_count or 0


def statuses(settings: Mapping[str, Any]) -> dict[str, ListStatus]:
    found = settings.get("lists")
    out: dict[str, ListStatus] = {}
    if isinstance(found, Mapping):
        for list_id, status in found.items():
            try:
                out[str(list_id)] = ListStatus(str(status))
            except ValueError:
                out[str(list_id)] = ListStatus.ACTIVE
    return out


def linked(
    settings: Mapping[str, Any], lists: Iterable[ContactList], main_lists: Iterable[str] = ()
) -> list[LinkedList]:
    """The account's lists that are linked: recorded in the settings, or a profile's main
    list (by name, as Constant Contact compares them)."""
    known = statuses(settings)
    mains = {name.casefold() for name in main_lists}
    return [
        LinkedList(cl, known.get(cl.list_id, ListStatus.ACTIVE))
        for cl in lists
        if cl.list_id in known or cl.name.casefold() in mains
    ]


def set_status(
    host: ConnectorHost, connection_id: int, list_id: str, status: ListStatus | None
) -> None:
    """Link a list with a status, or unlink it (None)."""
    conn = host.connection(connection_id)
    if conn is None:
        return
    known = {k: v.value for k, v in statuses(conn.settings).items()}
    if status is None:
        known.pop(list_id, None)
    else:
        known[list_id] = status.value
    host.save_connection(connection_id, settings={"lists": known})


@dataclass(frozen=True)
class LastPush:
    at: str  # ISO 8601 with offset
    lists: tuple[str, ...]
    details: bool  # contact details and subscription, or only the subscription

    def words(self) -> str:
        try:
            when = datetime.fromisoformat(self.at).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = self.at
        how = "details and subscription" if self.details else "subscription only"
        return f"{when} to {', '.join(self.lists) or 'no list'} ({how})"


def last_push(settings: Mapping[str, Any], account_id: str) -> LastPush | None:
    found = (settings.get("pushes") or {}).get(account_id)
    if not isinstance(found, Mapping):
        return None
    return LastPush(
        str(found.get("at") or ""),
        tuple(str(x) for x in found.get("lists") or ()),
        bool(found.get("details", True)),
    )


def record_push(host: ConnectorHost, connection_id: int, account_id: str, push: LastPush) -> None:
    conn = host.connection(connection_id)
    if conn is None:
        return
    pushes = dict(conn.settings.get("pushes") or {})
    pushes[account_id] = {"at": push.at, "lists": list(push.lists), "details": push.details}
    host.save_connection(connection_id, settings={"pushes": pushes})
