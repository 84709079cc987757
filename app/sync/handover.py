"""Addresses one source record leaves and another takes, in the same run.

Client A's email changes from ann@ to a new address, and client B takes ann@, in the same
run. Constant Contact still has ann@ on A's contact when the run is planned: matched by
email, B would be written onto A's contact (two people merged; and, with A's change sent
too, a sync that never settles). So B's plan waits for A's:

- A's email change is planned (and sent by this run): the address is free once that change
  is made. B is planned as if no contact had it, and comes after A in the plan, which the
  engine writes in order: A's change before B's change or import.
- A's email change is not sent (its new address is another contact's, its contact
  unsubscribed, A opted out, a retry of other records...): A's contact keeps the address,
  and B is skipped, saying whose it still is.
- A did not move, or was not read in this run: B is matched by email, as it always was.

Records that wait on each other (two records that swap their addresses) are planned last,
each as if the other had not moved: Constant Contact cannot swap two contacts' addresses.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from enum import Enum
from typing import TYPE_CHECKING

from app.core.records import known_contact_id
from app.core.store_types import RecordAction

if TYPE_CHECKING:
    from app.sync.planner import LinkInfo, PlannedRecord, RemoteInfo


class Fate(Enum):
    """What becomes, in this run, of an address another record's contact has."""

    FREED = "freed"  # its record's email change moves that contact off it first
    HELD = "held"  # its record moved, but the change is not sent: the contact keeps it
    UNKNOWN = "unknown"  # its record did not move (or is not planned yet): match by email


class Handover:
    """The addresses the records planned so far left, and who has each linked address.

    Args:
        links: source key -> what the last sync stored (the address its contact has).
        writes: the keys this run writes (a retry of some records), or None for every key:
            another record's email change is only sent when its key is among them.
    """

    def __init__(self, links: Mapping[str, LinkInfo], writes: Container[str] | None = None) -> None:
        self._links = links
        self._writes = writes
        self._owners: dict[str, str] | None = None  # address -> key ("" if several), lazily
        self._left: dict[str, PlannedRecord] = {}  # key -> plan of a record that moved

    def owner(self, key: str, email: str, link: LinkInfo | None, remote: RemoteInfo) -> str:
        """The other record whose linked contact is ``remote`` (at ``email``), or "".

        Asked only for a record whose own link does not hold ``email``. "" when no other
        record was synced with that address, when several were (matched by email, as
        always), or when this record is linked to that very contact.
        """
        if link is not None and _same(link.contact_id, remote.contact_id):
            return ""
        owners = self._owners if self._owners is not None else self._index()
        owner = owners.get(email, "")
        if not owner or owner == key:
            return ""
        theirs = known_contact_id(self._links[owner].contact_id)
        if theirs and known_contact_id(remote.contact_id) not in ("", theirs):
            return ""  # their link names another contact: this one is not theirs
        return owner

    def decided(self, key: str) -> bool:
        """Whether ``key`` is planned and moved off its linked address."""
        return key in self._left

    def fate(self, owner: str) -> tuple[Fate, PlannedRecord | None]:
        """What happens to ``owner``'s linked address in this run, with ``owner``'s plan."""
        plan = self._left.get(owner)
        if plan is None:
            return Fate.UNKNOWN, None
        sent = self._writes is None or owner in self._writes
        if plan.action is RecordAction.CHANGE_EMAIL and sent:
            return Fate.FREED, plan
        return Fate.HELD, plan

    def note(self, link: LinkInfo | None, plan: PlannedRecord) -> None:
        """Remember a record's plan when its email is no longer the one its link holds."""
        if link is not None and link.email and plan.email != link.email:
            self._left[plan.key] = plan

    def _index(self) -> dict[str, str]:
        owners: dict[str, str] = {}
        for key, link in self._links.items():
            if link.email and link.origin != "removed":
                owners[link.email] = "" if link.email in owners else key
        self._owners = owners
        return owners


def _same(mine: str | None, theirs: str) -> bool:
    known = known_contact_id(mine)
    return bool(known) and known == known_contact_id(theirs)
