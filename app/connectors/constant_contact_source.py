"""Constant Contact as a *source*: its contacts, with their consent and lists, for a profile
whose destination is another service (a migration into Klaviyo).

Records are keyed by the contact id, which never changes when an email does, so the
destination never gets the same person twice. Columns are Constant Contact's own field names
in words ("First name", "Email address"...), plus "Lists" (the names of the lists the contact
is on) and "Email permission" (explicit, implicit, unsubscribed...). A contact who
unsubscribed is read, marked ``opted_out``: the engine must carry the unsubscribe over, never
subscribe them. Deleted contacts are left out of the read; ``still_there`` tells a deleted one
from one that only left the chosen lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice

from app.connectors.base import ConstantContact, SourceCapabilities, SourceProblem
from app.core.fields import STANDARD_FIELDS
from app.core.records import ContactList, RemoteContact, SourceRecord
from app.core.source_preview import SourcePreview

EMAIL = "Email address"
LISTS = "Lists"
PERMISSION = "Email permission"
CONTACT_ID = "Constant Contact ID"
UPDATED = "Updated"
_FIELD_COLUMNS = tuple((f.key, f.label) for f in STANDARD_FIELDS if f.key != "email")


class ConstantContactSource:
    """The contacts of a Constant Contact account (or of some of its lists) as records.

    Args:
        client: the account's client.
        list_ids: read only the members of these lists (empty: every contact).
        custom_fields: custom field key (``cf:<name>``) → its label, for column names.
    """

    capabilities = SourceCapabilities(incremental=True)  # read only: the hub is not written

    def __init__(
        self,
        client: ConstantContact,
        *,
        list_ids: Sequence[str] = (),
        custom_fields: Mapping[str, str] | None = None,
        label: str = "Constant Contact",
    ) -> None:
        self.client = client
        self.list_ids = tuple(list_ids)
        self.custom_fields = dict(custom_fields or {})
        self.label = label
        self.problems: list[SourceProblem] = []
        self._list_names: dict[str, str] | None = None

    def describe(self) -> str:
        return self.label

    def columns(self) -> list[str]:
        return [
            EMAIL,
            *(words for _, words in _FIELD_COLUMNS),
            *self.custom_fields.values(),
            LISTS,
            PERMISSION,
            CONTACT_ID,
            UPDATED,
        ]

    def lists(self) -> list[ContactList]:
        """The account's lists, for choosing which to bring."""
        return self.client.list_contact_lists()

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """Every contact (changed after ``since``, when given), unsubscribed ones marked.

        With lists chosen, the account's unsubscribed contacts are read too: Constant Contact
        takes someone who unsubscribes off every list, so a member of a chosen list who
        unsubscribed is on none of them any more, and the unsubscribe must still be carried
        over.
        """
        self.problems = []
        reads = [self.client.iter_contacts(updated_after=since, lists=self.list_ids)]
        if self.list_ids:
            reads.append(self.client.iter_contacts(updated_after=since, status="unsubscribed"))
        seen: set[str] = set()
        row = 0
        for read in reads:
            for contact in read:
                if contact.deleted or contact.contact_id in seen:
                    continue
                seen.add(contact.contact_id)
                row += 1
                yield self._record(row, contact)

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        columns = self.columns()
        rows = [
            (r.row, [r.values.get(c, "") for c in columns])
            for r in islice(self.iter_records(), max(n, 0))
        ]
        return columns, rows

    def deleted_since(self, since: datetime) -> set[str]:
        """The contacts deleted in Constant Contact after ``since`` (from the whole account:
        a deleted contact may have lost its list memberships)."""
        changed = self.client.iter_contacts(updated_after=since, status="deleted")
        return {c.contact_id for c in changed if c.deleted}

    def look(self, n: int = 20) -> SourcePreview:
        """The preview; a service's records need no more explaining than that."""
        columns, rows = self.numbered_preview(n)
        return SourcePreview(columns, rows)

    @property
    def run_note(self) -> str:
        return ""

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """Which of these contacts Constant Contact still has (not deleted), though the read
        left them out (they left the chosen lists). Reads every active contact once."""
        wanted = set(keys)
        if not wanted:
            return set()
        return {
            c.contact_id
            for c in self.client.iter_contacts(status="active")
            if c.contact_id in wanted and not c.deleted
        }

    # -- internals ---------------------------------------------------------------------------

    def _record(self, row: int, contact: RemoteContact) -> SourceRecord:
        names = self._names()
        values = {EMAIL: contact.email}
        for key, words in _FIELD_COLUMNS:
            values[words] = contact.fields.get(key, "")
        for key, words in self.custom_fields.items():
            values[words] = contact.fields.get(key, "")
        lists = tuple(sorted(names.get(i, i) for i in contact.list_ids))
        values[LISTS] = "; ".join(lists)
        values[PERMISSION] = contact.permission.value
        values[CONTACT_ID] = contact.contact_id
        values[UPDATED] = contact.updated_at.isoformat() if contact.updated_at else ""
        return SourceRecord(contact.contact_id, row, values, contact.unsubscribed, lists=lists)

    def _names(self) -> dict[str, str]:
        if self._list_names is None:
            self._list_names = {c.list_id: c.name for c in self.client.list_contact_lists()}
        return self._list_names
