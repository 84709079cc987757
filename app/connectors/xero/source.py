"""XeroSource: Xero contacts as a writable source of records.

Which contacts: like Xero's own Constant Contact integration, a profile may take only the
members of some contact groups; it may also take only customers and/or suppliers (both
ticked means customers or suppliers), and archived contacts only when asked.

Opting out: Xero has no "do not email" flag on a contact, so ContactBridge keeps the mark as
membership of a contact group named "Email opt-out" (created the first time a contact is
marked). A user can see and change it in Xero; ``set_opted_out`` adds or removes members.
The group is read on every run: adding a contact to a group does not change the contact's
``UpdatedDateUTC``, so an incremental read alone would miss it.

Undo: Xero cannot delete a contact, so a contact a sync created is archived
(``ContactStatus`` ARCHIVED), and values a sync changed are written back with ``update_records``.

Rows: Xero has no row numbers, so the n-th contact read (after the profile's choices, in
the order Xero lists them) is row n, in the wizard's preview and in a sync's results alike.
The ContactID, shown next to it, is what identifies the contact for good.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain, islice
from typing import Any

from app.connectors.base import SourceCapabilities, SourceProblem
from app.connectors.xero.client import WRITE_BATCH, ContactGroup, XeroClient, names_taken
from app.connectors.xero.contact_fields import COLUMNS, COMPOUND, READ_ONLY, flatten, to_xero
from app.core.errors import ConfigError, ValidationError
from app.core.records import SourceRecord
from app.core.source_preview import SourcePreview

OPT_OUT_GROUP = "Email opt-out"
ARCHIVED = "ARCHIVED"


class XeroSource:
    """Implements ``WritableSource`` over one Xero organisation.

    Args:
        client: a :class:`XeroClient` for the organisation.
        group_ids, group_names: take only members of these contact groups (any of them).
        customers_only, suppliers_only: take only contacts Xero marks as such.
        include_archived: also take archived contacts.
        label: the name in messages, e.g. "Xero (Demo Bakery Ltd)".
    """

    capabilities = SourceCapabilities(
        create=True, update=True, opt_out=True, incremental=True, archive=True
    )

    def __init__(
        self,
        client: XeroClient,
        *,
        group_ids: Sequence[str] = (),
        group_names: Sequence[str] = (),
        customers_only: bool = False,
        suppliers_only: bool = False,
        include_archived: bool = False,
        opt_out_group: str = OPT_OUT_GROUP,
        label: str = "Xero",
        list_groups: Sequence[str] = (),
    ) -> None:
        self.client = client
        self.group_ids = tuple(group_ids)
        self.group_names = tuple(group_names)
        self.customers_only = customers_only
        self.suppliers_only = suppliers_only
        self.include_archived = include_archived
        self.opt_out_group = opt_out_group
        self.label = label
        self.list_groups = tuple(list_groups)  # groups a profile maps to lists (ListRules)
        self.problems: list[SourceProblem] = []  # Xero's records are always readable

    def describe(self) -> str:
        return self.label

    def columns(self) -> list[str]:
        return list(COLUMNS)

    def where(self) -> str | None:
        """The ``where`` filter sent to Xero for the customer/supplier choice."""
        if self.customers_only and self.suppliers_only:
            return "(IsCustomer==true OR IsSupplier==true)"
        if self.customers_only:
            return "IsCustomer==true"
        if self.suppliers_only:
            return "IsSupplier==true"
        return None

    # -- reading ----------------------------------------------------------------------------

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """The contacts that pass the filters; with ``since``, only those changed after it."""
        groups = self.client.list_contact_groups()
        members = self._wanted_members(groups)
        opt_out = self._find_group(groups, self.opt_out_group)
        opted_out = set(self.client.group_members(opt_out.group_id)) if opt_out else set()
        lists_of = self._lists_of(groups)
        row = 0
        contacts = self.client.iter_contacts(
            modified_since=since, include_archived=self.include_archived, where=self.where()
        )
        seen: set[str] = set()
        if since is not None:
            # Joining the opt-out group does not change a contact's modified time: read every
            # member again, so an opt-out is never missed by a read of the changes only.
            late = [k for k in opted_out if k]
            contacts = chain(contacts, (c for c in self.client.get_contacts(late)))
        for contact in contacts:
            key = str(contact.get("ContactID") or "")
            if key in seen or (members is not None and key not in members):
                continue
            if since is not None and not self._selected(contact):
                continue
            seen.add(key)
            row += 1
            yield SourceRecord(
                key=key,
                row=row,
                values=flatten(contact),
                opted_out=key in opted_out,
                lists=tuple(lists_of.get(key, ())),
            )

    def deleted_since(self, since: datetime) -> set[str]:
        """The contacts archived in Xero since ``since`` (Xero never deletes a contact)."""
        changed = self.client.iter_contacts(
            modified_since=since, include_archived=True, where='ContactStatus=="ARCHIVED"'
        )
        return {str(c["ContactID"]) for c in changed if c.get("ContactID")}

    def look(self, n: int = 20) -> SourcePreview:
        """The preview; a service's records need no more explaining than that."""
        columns, rows = self.numbered_preview(n)
        return SourcePreview(columns, rows)

    @property
    def run_note(self) -> str:
        return ""

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """Which of these contacts Xero still has, active, though the read left them out
        (not customers, not in the group): the rest were deleted or archived."""
        found = self.client.get_contacts(list(keys))
        return {
            str(c["ContactID"])
            for c in found
            if c.get("ContactID") and c.get("ContactStatus", "ACTIVE") == "ACTIVE"
        }

    def preview(self, n: int = 20) -> tuple[list[str], list[list[str]]]:
        """The columns and the first ``n`` records' values, for the wizard."""
        columns, numbered = self.numbered_preview(n)
        return columns, [cells for _, cells in numbered]

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """Like ``preview``, each contact with its row: the number a sync's results give it."""
        rows = [
            (r.row, [r.values.get(c, "") for c in COLUMNS]) for r in islice(self.iter_records(), n)
        ]
        return self.columns(), rows

    def _lists_of(self, groups: list[ContactGroup]) -> dict[str, list[str]]:
        """Contact id -> the names of the mapped groups it is in (one call per group)."""
        out: dict[str, list[str]] = {}
        for name in self.list_groups:
            group = self._find_group(groups, name)
            if group is None:
                continue  # gone from Xero: nobody is in it
            for key in self.client.group_members(group.group_id):
                out.setdefault(key, []).append(group.name)
        return out

    def _selected(self, contact: Mapping[str, Any]) -> bool:
        """Whether a contact read by id passes the customer/supplier and archive choices
        (a read of the changes applies them itself, with ``where``)."""
        if contact.get("ContactStatus", "ACTIVE") != "ACTIVE" and not self.include_archived:
            return False
        customer, supplier = bool(contact.get("IsCustomer")), bool(contact.get("IsSupplier"))
        if self.customers_only and self.suppliers_only:
            return customer or supplier
        if self.customers_only:
            return customer
        if self.suppliers_only:
            return supplier
        return True

    def _wanted_members(self, groups: list[ContactGroup]) -> set[str] | None:
        if not self.group_ids and not self.group_names:
            return None
        ids = list(self.group_ids)
        for name in self.group_names:
            group = self._find_group(groups, name)
            if group is None:
                raise ConfigError(
                    f'Xero has no contact group named "{name}". Choose another group for '
                    "this profile."
                )
            ids.append(group.group_id)
        members: set[str] = set()
        for group_id in dict.fromkeys(ids):
            members.update(self.client.group_members(group_id))
        return members

    @staticmethod
    def _find_group(groups: list[ContactGroup], name: str) -> ContactGroup | None:
        wanted = name.strip().lower()
        return next((g for g in groups if g.name.strip().lower() == wanted), None)

    # -- writing ----------------------------------------------------------------------------

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        """Create Xero contacts from column values; returns their ContactIDs in order.

        Xero wants every active contact's name to be unique, and two customers called
        "Grace Patel" are common: a name Xero says is taken is made distinct with the
        person's email, "Grace Patel (grace.patel@example.com)", and the call is sent again
        (a refused call saves nothing, so the retry cannot make a duplicate).
        """
        ids: list[str] = []
        for start in range(0, len(records), WRITE_BATCH):
            items = [to_xero(_writable(r)) for r in records[start : start + WRITE_BATCH]]
            try:
                created = self.client.create_contacts(items)
            except ValidationError as exc:
                taken = names_taken(exc.details)
                if not taken:
                    raise
                items = [_distinct(i) if _name(i) in taken else i for i in items]
                created = self.client.create_contacts(items)
            ids += [str(c["ContactID"]) for c in created]
        return ids

    def update_records(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        """Change the given columns of existing contacts (keys are ContactIDs)."""
        if not updates:
            return
        needs_current = [k for k, v in updates.items() if COMPOUND & set(v)]
        current = {str(c["ContactID"]): c for c in self.client.get_contacts(needs_current)}
        items = []
        for key, values in updates.items():
            base = current.get(key, {"ContactID": key})
            items.append(to_xero(_writable(values), base))
        self.client.update_contacts(items)

    def get_records(self, keys: Sequence[str]) -> dict[str, dict[str, str]]:
        """The active contacts among these ContactIDs, as column values."""
        found = self.client.get_contacts(list(dict.fromkeys(keys))) if keys else []
        return {
            str(c["ContactID"]): flatten(c)
            for c in found
            if c.get("ContactID") and c.get("ContactStatus", "ACTIVE") == "ACTIVE"
        }

    def archive_records(self, keys: Sequence[str]) -> None:
        """Archive contacts (Xero never deletes one: ``ContactStatus`` ARCHIVED hides it
        from lists and searches, and it can be restored in Xero)."""
        items = [{"ContactID": k, "ContactStatus": ARCHIVED} for k in dict.fromkeys(keys)]
        if items:
            self.client.update_contacts(items)

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        """Add the contacts to the "Email opt-out" group, or take them out of it."""
        if not keys:
            return
        group = self._find_group(self.client.list_contact_groups(), self.opt_out_group)
        if opted_out:
            if group is None:
                group = self.client.create_contact_group(self.opt_out_group)
            self.client.add_to_group(group.group_id, list(dict.fromkeys(keys)))
            return
        if group is None:
            return
        members = set(self.client.group_members(group.group_id))
        for key in dict.fromkeys(keys):
            if key in members:
                self.client.remove_from_group(group.group_id, key)


def _name(item: Mapping[str, Any]) -> str:
    return str(item.get("Name") or "").strip().lower()


def _distinct(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item with its name made unique by the email (Xero names are at most 255 long)."""
    email = str(item.get("EmailAddress") or "").strip()
    if not email:
        return dict(item)
    suffix = f" ({email})"
    return {**item, "Name": str(item.get("Name") or "")[: 255 - len(suffix)] + suffix}


def _writable(values: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k in COLUMNS and k not in READ_ONLY}
