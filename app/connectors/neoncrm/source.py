"""NeonSource: a NeonCRM org's accounts as a source, with imports and opt-outs written back.

Which accounts: those the profile's search criteria find (Neon's own fields and operators;
all accounts when none), read with Neon's account search, 200 a page. As in NeonCRM's own
Constant Contact integration, only **individual** accounts take part:

- an organization account is read and reported as skipped, with the reason, and its email is
  never offered for matching (an import never links a contact to an organization);
- an account marked deceased, or Do Not Contact, is skipped with that reason (and still
  matched by an import, so it is never created twice);
- consent stays visible: an account whose Email 1 is opted out, or whose email consent is
  Declined, is read and marked ``opted_out`` (absence is not consent), so the engine
  unsubscribes the person or leaves them out, as the profile says. That holds for a deceased
  or Do Not Contact account too: an opt-out is never hidden behind another skip.

Incremental: after the first run, a run reads the accounts modified since the last read, by
the search field for the last-modified date (its name is asked of ``searchFields`` once, as
orgs and versions differ; whole days, so the day before is read again: harmless).

Writing back: accounts imported from Constant Contact are created as individual accounts
with Origin Category "API" and Origin Detail "Constant Contact"; a Constant Contact
unsubscribe sets Email 1's opt-out and declines the email consent; a resubscribe (when the
profile says so) clears both. Nothing else made in Constant Contact reaches NeonCRM.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from app.connectors.base import SourceCapabilities
from app.connectors.neoncrm import accounts
from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.client import Criterion, NeonClient
from app.core.errors import ConfigError, NotFound
from app.core.records import SourceRecord
from app.core.source_preview import SourcePreview

log = logging.getLogger(__name__)

EVERYONE: tuple[Criterion, ...] = ({"field": "Account ID", "operator": "NOT_BLANK"},)
MODIFIED_NAMES = ("Account Last Modified Date", "Last Modified Date")

ORGANIZATION = (
    "An organization account: NeonCRM's Constant Contact integration uses individual "
    "accounts only, so it is never pushed or matched"
)
DECEASED = "Marked deceased in NeonCRM, so not pushed"
DO_NOT_CONTACT = "Marked Do Not Contact in NeonCRM, so not pushed"


@dataclass(frozen=True, slots=True)
class AccountProblem:
    """An account that could not be read, and why (the run reports it as skipped)."""

    row: int
    key: str
    message: str


class NeonSource:
    """Implements ``WritableSource`` (new accounts and opt-outs) over one NeonCRM org.

    Args:
        client: a :class:`NeonClient` for the org.
        criteria: the profile's own search criteria (``{field, operator, value}``, Neon's).
        extras: the Additional Contact Fields to read (``columns.ExtraField``).
        label: the name in messages.
    """

    capabilities = SourceCapabilities(
        create=True, update=False, opt_out=True, incremental=True, archive=False
    )

    def __init__(
        self,
        client: NeonClient,
        *,
        criteria: Sequence[Criterion] = (),
        extras: Sequence[c.ExtraField] = (),
        label: str = "NeonCRM",
    ) -> None:
        self.client = client
        self.criteria = tuple(dict(x) for x in criteria)
        self.extras = tuple(extras)
        shared = _shared_names(self.extras)
        if shared:
            raise ConfigError(
                f'Two NeonCRM custom fields chosen in Push Settings are both called "{shared}"; '
                "NeonCRM's search cannot tell their values apart. Choose one of them, or rename "
                "one in NeonCRM."
            )
        self.label = label
        self.problems: list[AccountProblem] = []
        self._modified_field: str | None = None

    def describe(self) -> str:
        return self.label

    def columns(self) -> list[str]:
        return [*c.STANDARD_COLUMNS, *(e.column for e in self.extras)]

    # -- reading ----------------------------------------------------------------------------

    def iter_records(self, since: datetime | None = None) -> Iterator[SourceRecord]:
        """The accounts the criteria find, in account id order (see the module doc)."""
        self.problems = []
        criteria = list(self.criteria or EVERYONE)
        if since is not None:
            criteria.append(
                {
                    "field": self.modified_field(),
                    "operator": "GREATER_AND_EQUAL",
                    "value": (since - timedelta(days=1)).strftime("%Y-%m-%d"),
                }
            )
        outputs = accounts.outputs_for(self.extras)
        seen: set[str] = set()
        for row_number, row in enumerate(self.client.search(criteria, outputs), start=1):
            key = accounts.text(row.get("Account ID"))
            if not key or key in seen:
                continue
            seen.add(key)
            yield self.record(key, row_number, row)

    def record(self, key: str, row: int, found: Mapping[str, Any]) -> SourceRecord:
        """A search row as a record: its consent, and why it is skipped, if it is."""
        values = accounts.values_of_row(found, self.extras)
        return self._record(key, row, values, accounts.state_of_row(found))

    @staticmethod
    def _record(
        key: str, row: int, values: dict[str, str], state: accounts.AccountState
    ) -> SourceRecord:
        if not state.individual:
            email = values.get(c.EMAIL, "")
            values[c.EMAIL] = ""  # never matched: its address is not offered
            reason = f"{ORGANIZATION} ({email})" if email else ORGANIZATION
            return SourceRecord(key, row, values, skip=reason)
        skip = ""
        if not state.opted_out:  # an opt-out is never hidden behind another skip
            skip = DECEASED if state.deceased else DO_NOT_CONTACT if state.do_not_contact else ""
        return SourceRecord(key, row, values, opted_out=state.opted_out, skip=skip)

    def modified_field(self) -> str:
        """The search field holding the account's last-modified date (asked once)."""
        if self._modified_field is None:
            found = self.client.search_fields()
            names = [f.name for f in found.standard]
            match = next((n for n in MODIFIED_NAMES if n in names), None)
            match = match or next(
                (n for n in names if "last modified date" in n.lower() and "account" in n.lower()),
                None,
            )
            if match is None:
                raise ConfigError(
                    "NeonCRM's account search offers no last-modified date, so ContactBridge "
                    "cannot read only the accounts that changed."
                )
            self._modified_field = match
        return self._modified_field

    def numbered_preview(self, n: int = 20) -> tuple[list[str], list[tuple[int, list[str]]]]:
        columns = self.columns()
        rows = [
            (r.row, [r.values.get(x, "") for x in columns]) for r in islice(self.iter_records(), n)
        ]
        return columns, rows

    def preview(self, n: int = 20) -> tuple[list[str], list[list[str]]]:
        columns, numbered = self.numbered_preview(n)
        return columns, [cells for _, cells in numbered]

    def look(self, n: int = 20) -> SourcePreview:
        columns, rows = self.numbered_preview(n)
        return SourcePreview(columns, rows)

    @property
    def run_note(self) -> str:
        return ""

    def count(self) -> int:
        """How many accounts the criteria find (one small search)."""
        return self.client.count(list(self.criteria or EVERYONE))

    def deleted_since(self, since: datetime) -> set[str]:
        """None known: NeonCRM's API says nothing of deleted accounts (the daily whole read
        finds them missing)."""
        return set()

    def still_there(self, keys: Sequence[str]) -> set[str]:
        """Which of these accounts NeonCRM still has (a merged one answers for its survivor)."""
        return {k for k in dict.fromkeys(keys) if k and self.client.get_account(k) is not None}

    def get_records(self, keys: Sequence[str]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for key in dict.fromkeys(k for k in keys if k):
            answer = self.client.get_account(key)
            if answer is not None:
                found[key] = accounts.values_of_account(answer, self.extras)
        return found

    def account(self, key: str) -> SourceRecord | None:
        """One account as a record (the account view), or None when NeonCRM has none."""
        answer = self.client.get_account(key)
        if answer is None:
            return None
        values = accounts.values_of_account(answer, self.extras)
        return self._record(key, 0, values, accounts.state_of_account(answer))

    # -- writing ----------------------------------------------------------------------------

    def create_records(self, records: Sequence[Mapping[str, str]]) -> list[str]:
        """Create individual accounts from Constant Contact contacts; their ids, in order.

        Every body is built (and checked) before the first is sent, so a contact Neon could
        not take stops the batch before anything is created.
        """
        bodies = [accounts.new_account(values) for values in records]
        return [self.client.create_account(body) for body in bodies]

    def update_records(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        raise ConfigError(
            "ContactBridge does not change NeonCRM accounts from Constant Contact: as in "
            "NeonCRM's own integration, only unsubscribes and resubscribes are written back."
        )

    def set_opted_out(self, keys: Sequence[str], opted_out: bool) -> None:
        """Opt Email 1 out (consent declined), or clear it (consent given)."""
        for key in dict.fromkeys(k for k in keys if k):
            try:
                self.client.patch_account(key, accounts.opt_out_patch(opted_out))
            except NotFound:
                log.info("NeonCRM no longer has account %s; nothing to change", key)

    def archive_records(self, keys: Sequence[str]) -> None:
        raise ConfigError(
            "ContactBridge never deletes NeonCRM accounts: accounts created by an import "
            "stay in NeonCRM, as NeonCRM's own integration keeps them. Delete them in NeonCRM "
            "if you no longer want them."
        )

    def close(self) -> None:
        self.client.close()


def _shared_names(extras: Sequence[c.ExtraField]) -> str:
    seen: set[str] = set()
    for extra in extras:
        if isinstance(extra.output, int):
            name = accounts.custom_output_name(extra)
            if name in seen:
                return name
            seen.add(name)
    return ""
