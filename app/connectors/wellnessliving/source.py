"""WellnessLivingSource: a business's clients as a source, with the unsubscribe written back.

Which clients: like WellnessLiving's own Constant Contact integration, by default only those
who subscribed to the business's news and updates by email, with their name, email and
city. Consent stays visible: a client who turned the subscription off is read too, marked
``opted_out``, so the engine unsubscribes them or takes them off the list, as the profile
says. A client never asked (the subscription was never set) is left out, because WellnessLiving
would not send them either. ``clients="all"`` reads everyone: the never-asked as not opted
out (the user says they consented some other way), the unsubscribed still opted out.

A client who turns the subscription off (withdraws consent) is, as the profile chooses,
read marked ``opted_out`` (``withdrawn="unsubscribe"``: the profile unsubscribes them in
Constant Contact) or left out of the read (``withdrawn="remove"``: a profile that takes
people who leave its selection off its list, ``remove_deleted``, takes them off that list
only; ``still_there`` still finds them).

Beyond WellnessLiving's integration, a profile may take only some client types (by name or
key) or some member groups (by key: the API gives groups by key only).

Writing back: only the opt-out. ``set_opted_out(keys, True)`` turns the client's email
subscription off in WellnessLiving; ``False`` turns it back on (an undo puts back what was
there). Updates made in Constant Contact are not written back, as in WellnessLiving's own
integration.

Rows: the API has no row numbers, so the n-th client read (after the profile's choices, in
the report's order) is row n, in the wizard's preview and a sync's results alike; the
client's key (``uid``) identifies them for good. WellnessLiving has no "changed since" query
here, so every read is a full read (``capabilities.incremental`` is False).

Cost: one report call per 256 clients, then per client one subscription read and, for those
taken, one profile read (city, client type).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import islice

from app.connectors.base import SourceCapabilities
from app.connectors.wellnessliving.answers import ClientRow, ClientType, Subscription
from app.connectors.wellnessliving.client import WellnessLivingClient
from app.connectors.wellnessliving.errors import WellnessLivingError, WellnessLivingNotFound
from app.core.errors import ConfigError
from app.core.records import SourceRecord
from app.core.source_preview import SourcePreview

log = logging.getLogger(__name__)

FIRST_NAME = "First name"
LAST_NAME = "Last name"
EMAIL = "Email"
CITY = "City"
CLIENT_TYPE = "Client type"
GROUPS = "Groups"
MEMBER_ID = "Member ID"
CLIENT_SINCE = "Client since"
NEWS = "News and updates"
COLUMNS = (FIRST_NAME, LAST_NAME, EMAIL, CITY, CLIENT_TYPE, GROUPS, MEMBER_ID, CLIENT_SINCE, NEWS)
SUBSCRIBED, UNSUBSCRIBED, NOT_ASKED = "Subscribed", "Unsubscribed", "Not asked"


class ClientsChoice(StrEnum):
    """Whom to read: the subscribed (and the unsubscribed, marked), or every client."""

    SUBSCRIBED = "subscribed"
    ALL = "all"


class Withdrawn(StrEnum):
    """What a client who turned their subscription off becomes in the read."""

    UNSUBSCRIBE = "unsubscribe"  # read, marked opted out: unsubscribed in Constant Contact
    REMOVE = "remove"  # left out: taken off the profile's list (with ``remove_deleted``)


@dataclass(frozen=True, slots=True)
class ClientProblem:
    """A client that could not be read, and why (the run reports it as skipped).

    Attributes:
        row: the client's row in this read.
        key: the client's WellnessLiving key.
        message: one plain sentence for the user.
    """

    row: int
    key: str
    message: str

    @property
    def text(self) -> str:
        return f"{self.message} (WellnessLiving client {self.key}, row {self.row})"


class WellnessLivingSource:
    """Implements ``WritableSource`` (opt-out only) over one WellnessLiving business.

    Args:
        client: a :class:`WellnessLivingClient` for the business.
        clients: whom to read (see :class:`ClientsChoice` and the module doc).
        client_types: take only clients of these types (names or keys, any case).
        groups: take only members of these groups (keys).
        withdrawn: what a client who turned the subscription off becomes (see the module doc).
        label: the name in messages; "WellnessLiving" if omitted.
    """

    capabilities = SourceCapabilities(create=False, update=False, opt_out=True, incremental=False)

    def __init__(
        self,
        client: WellnessLivingClient,
        *,
        clients: ClientsChoice | str = ClientsChoice.SUBSCRIBED,
        client_types: Sequence[str] = (),
        groups: Sequence[str] = (),
        withdrawn: Withdrawn | str = Withdrawn.UNSUBSCRIBE,
        label: str = "WellnessLiving",
    ) -> None:
        self.client = client
        self.clients = ClientsChoice(clients)
        self.withdrawn = Withdrawn(withdrawn)
        self.client_types = tuple(t.strip() for t in client_types if t.strip())
        self.groups = frozenset(g.strip() for g in groups if g.strip())
        self.label = label
        self.problems: list[ClientProblem] = []

    def describe(self) -> str:
        return self.label

    def columns(self) -> list[str]:
        return list(COLUMNS)

    # -- reading ----------------------------------------------------------------------------

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """The clients the profile takes, each with its consent as ``opted_out``.

        ``since`` is accepted and ignored: WellnessLiving cannot say which clients changed,
        so every read is whole (the engine skips the unchanged at no cost).
        """
        self.problems = []
        seen: set[str] = set()
        wanted: set[str] | None = None
        row = 0
        for page in self.client.iter_report_pages():
            if wanted is None and self.client_types:
                wanted = self._wanted_types(page.client_types)
            for client in page.rows:
                if client.uid in seen or not self._in_groups(client):
                    continue
                seen.add(client.uid)
                try:
                    record = self._record(client, row + 1, page.client_types, wanted)
                except WellnessLivingError as exc:
                    row += 1
                    self.problems.append(ClientProblem(row, client.uid, _problem(exc)))
                    continue
                if record is not None:
                    row += 1
                    yield record

    def _record(
        self,
        client: ClientRow,
        row: int,
        types: Mapping[str, ClientType],
        wanted: set[str] | None,
    ) -> SourceRecord | None:
        consent = self.client.get_subscription(client.uid)
        if self.clients is ClientsChoice.SUBSCRIBED and consent.email is None:
            return None
        if consent.email is False and self.withdrawn is Withdrawn.REMOVE:
            return None
        profile = self.client.get_profile(client.uid)
        if wanted is not None and profile.client_type not in wanted:
            return None
        kind = types.get(profile.client_type)
        values = {
            FIRST_NAME: profile.first_name or client.first_name,
            LAST_NAME: profile.last_name or client.last_name,
            EMAIL: client.email or profile.email,
            CITY: profile.city,
            CLIENT_TYPE: kind.title if kind else profile.client_type,
            GROUPS: ", ".join(client.groups),
            MEMBER_ID: client.member_id or profile.member_id,
            CLIENT_SINCE: client.client_since[:10],
            NEWS: _consent_word(consent),
        }
        return SourceRecord(client.uid, row, values, opted_out=consent.email is False)

    def _in_groups(self, client: ClientRow) -> bool:
        return not self.groups or bool(self.groups.intersection(client.groups))

    def _wanted_types(self, types: Mapping[str, ClientType]) -> set[str]:
        asked = {t.lower() for t in self.client_types}
        keys = {k for k, t in types.items() if k.lower() in asked or t.title.lower() in asked}
        if not keys and types:
            names = ", ".join(f'"{t}"' for t in self.client_types)
            raise ConfigError(
                f"WellnessLiving has no clients of the client type {names}. Check the "
                "profile's client types: one may have been renamed."
            )
        return keys

    def preview(self, n: int = 20) -> tuple[list[str], list[list[str]]]:
        """The columns and the first ``n`` clients' values, for the wizard."""
        columns, numbered = self.numbered_preview(n)
        return columns, [cells for _, cells in numbered]

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        rows = [
            (r.row, [r.values.get(c, "") for c in COLUMNS]) for r in islice(self.iter_records(), n)
        ]
        return self.columns(), rows

    def look(self, n: int = 20) -> SourcePreview:
        """The preview: a client's record needs no more explaining than that."""
        columns, rows = self.numbered_preview(n)
        return SourcePreview(columns, rows)

    @property
    def run_note(self) -> str:
        return ""

    def deleted_since(self, since: datetime) -> set[str]:
        """None: WellnessLiving is always read whole (it has no "changed since" query)."""
        return set()

    def available_client_types(self) -> list[ClientType]:
        """The business's client types that have clients (for the wizard's choices)."""
        return list(self.client.report_page(0).client_types.values())

    def available_groups(self) -> list[str]:
        """The member group keys the business's clients belong to (read from the report)."""
        found: dict[str, None] = {}
        for page in self.client.iter_report_pages():
            for client in page.rows:
                found.update(dict.fromkeys(client.groups))
        return sorted(found, key=lambda k: (len(k), k))

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """Which of these clients WellnessLiving still has active, though a read left them
        out (a filter, the consent): the rest were deactivated or deleted."""
        wanted = set(keys)
        return {uid for uid in self.client.iter_member_uids() if uid in wanted}

    # -- writing ----------------------------------------------------------------------------

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        raise ConfigError(
            "ContactBridge does not add clients to WellnessLiving: only unsubscribes are "
            "written back."
        )

    def get_records(self, keys: Sequence[str]) -> dict[str, dict[str, str]]:
        """The clients' values now, by key (one whole read: no read by key here)."""
        wanted = set(keys)
        return {r.key: dict(r.values) for r in self.iter_records() if r.key in wanted}

    def archive_records(self, keys: Sequence[str]) -> None:
        raise ConfigError(
            "ContactBridge never adds clients to WellnessLiving, so it has none to remove."
        )

    def update_records(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        raise ConfigError(
            "ContactBridge does not change clients in WellnessLiving: updates made in "
            "Constant Contact are not written back."
        )

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        """Turn the clients' email subscription to news and updates off (or back on).

        A client WellnessLiving no longer has is passed over: there is nothing to change.
        """
        for uid in dict.fromkeys(k for k in keys if k):
            try:
                self.client.set_email_subscription(uid, not opted_out)
            except WellnessLivingNotFound:
                log.info("WellnessLiving no longer has client %s; nothing to change", uid)


def _consent_word(consent: Subscription) -> str:
    if consent.email is None:
        return NOT_ASKED
    return SUBSCRIBED if consent.email else UNSUBSCRIBED


def _problem(exc: WellnessLivingError) -> str:
    if isinstance(exc, WellnessLivingNotFound):
        return "WellnessLiving no longer has this client (deleted while it was being read)."
    said = f' WellnessLiving said: "{exc.said}"' if exc.said else ""
    return f"WellnessLiving would not give this client's details.{said}"
