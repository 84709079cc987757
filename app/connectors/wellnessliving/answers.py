"""What WellnessLiving's answers are read into: clients, client types, report pages..."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StaffLogin:
    """The staff member ContactBridge signs in as (an email and a password)."""

    login: str
    password: str


@dataclass(frozen=True)
class ClientType:
    """A client type of the business ("Member", "Drop-in", the system's "Prospect")."""

    key: str
    title: str
    is_prospect: bool = False


@dataclass(frozen=True)
class ClientRow:
    """One row of the All Clients report."""

    uid: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...]  # member group keys
    client_since: str  # "YYYY-MM-DD HH:MM:SS", or ""
    member_id: str


@dataclass(frozen=True)
class ReportPage:
    rows: tuple[ClientRow, ...]
    client_types: Mapping[str, ClientType]  # by key, from the report's totals
    more: bool
    clients: int  # how many clients the totals count (all pages), 0 when they say nothing


@dataclass(frozen=True)
class ClientProfile:
    """What a client's profile says (``Profile/Edit/Edit.json``)."""

    uid: str
    first_name: str
    last_name: str
    email: str
    city: str
    client_type: str  # its key, "" when none
    member_id: str


@dataclass(frozen=True)
class Subscription:
    """The client's subscriptions to the business's news: None means never set."""

    email: bool | None
    sms: bool | None


@dataclass(frozen=True)
class ConnectionCheck:
    """What a successful test of a connection found."""

    host: str
    clients: int
    client_types: tuple[ClientType, ...]
