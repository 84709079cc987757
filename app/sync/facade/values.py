"""The values the facade's concerns answer with: a profile's overview, a list's members,
what adding people to a list did, and which runs a report shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.core.outcomes import RunStatus, RunSummary
from app.core.profiles import SyncProfile
from app.core.records import ContactList, Permission

MAX_LIST_ADD = 5000  # records added to a list in one go (one import activity)


@dataclass(frozen=True)
class ProfileOverview:
    """A profile with its last real sync (neither a dry run nor an undo is one), for the
    main window's list; ``latest`` is its newest run of any kind (an undo running elsewhere,
    say), and ``last_dry_run`` its newest dry run when it came after that sync (shown apart:
    a dry run changes nothing, so it never hides when the list really last synced)."""

    profile: SyncProfile
    last_run: RunSummary | None
    latest: RunSummary | None = None
    last_dry_run: RunSummary | None = None


@dataclass(frozen=True)
class RecordDetails:
    """One record of a run, for its details: what the run sent for it and what the local copy
    of Constant Contact holds for its email now.

    Attributes:
        sent: the values the run sent (field key -> value), or None when it sent nothing.
        held: the contact's fields in the local copy, or None when it holds no contact.
        permission: the contact's email permission there ("implicit", "unsubscribed"...).
        list_count: how many of the account's lists the contact is on.
    """

    sent: dict[str, str] | None
    held: dict[str, str] | None
    permission: str = ""
    list_count: int = 0


def sent_values(payload: Mapping[str, Any]) -> dict[str, str]:
    """The field values in a run record's payload: a push's import item, or the ``values`` a
    run wrote to the source; ContactBridge's own bookkeeping keys are left out."""
    values = payload.get("values")
    if isinstance(values, Mapping):
        payload = values
    return {
        str(k): str(v)
        for k, v in payload.items()
        if isinstance(v, str | int | float) and v != "" and not str(k).startswith("_")
    }


@dataclass(frozen=True, slots=True)
class ListMember:
    """One contact on a Constant Contact list, as the lists manager shows it."""

    contact_id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    permission: Permission = Permission.NOT_SET


@dataclass(frozen=True)
class ContactLists:
    """One contact, found by email, and the lists it is on (a CRM's account view shows them)."""

    member: ListMember
    lists: tuple[ContactList, ...] = ()


@dataclass(frozen=True)
class ListAddResult:
    """What adding source records to a list did: emails sent, and (who, why) refused."""

    added: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RunFilter:
    """Which runs a report shows: one profile or all, some statuses, a range of local days."""

    profile_id: int | None = None
    statuses: frozenset[RunStatus] = frozenset()  # empty: every status
    since: date | None = None
    until: date | None = None  # inclusive

    def matches(self, run: RunSummary) -> bool:
        if self.statuses and run.status not in self.statuses:
            return False
        if self.since is None and self.until is None:
            return True
        try:
            day = datetime.fromisoformat(run.started_at).astimezone().date()
        except ValueError:
            return False
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )
