"""Searches NeonCRM's Constant Contact screens make: "Add Accounts" and finding one account.

"Add Accounts" (a list's detail page) is NeonCRM's All Accounts search with pre-set criteria
that always leave out organization accounts and any individual marked deceased, Do Not
Contact or email opted out; the user adds criteria of their own, with Neon's fields and
operators, and is told how many accounts match before adding them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.connectors.neoncrm import accounts
from app.connectors.neoncrm.client import Criterion
from app.connectors.neoncrm.source import NeonSource
from app.core.records import SourceRecord

# NeonCRM's pre-set criteria for "Add Accounts" (never removable).
ALWAYS_LEFT_OUT: tuple[Criterion, ...] = (
    {"field": "Account Type", "operator": "EQUAL", "value": "Individual"},
    {"field": "Deceased", "operator": "EQUAL", "value": "No"},
    {"field": "Do Not Contact", "operator": "EQUAL", "value": "No"},
    {"field": "Email Opt-Out", "operator": "EQUAL", "value": "At least one email opted in"},
)
LEFT_OUT_WORDS = (
    "Always left out: organization accounts, and accounts marked Deceased, Do Not Contact "
    "or Email Opt-Out."
)
# Fields the pre-set criteria use: the user's own criteria may not contradict them.
RESERVED = frozenset(str(c["field"]) for c in ALWAYS_LEFT_OUT)
NO_VALUE = ("BLANK", "NOT_BLANK")
RANGE = ("IN_RANGE", "NOT_IN_RANGE")


@dataclass(frozen=True)
class Found:
    """A search's answer: how many match, and the first of them as records."""

    total: int
    records: list[SourceRecord]

    @property
    def complete(self) -> bool:
        return len(self.records) >= self.total


def criterion(field: str, operator: str, value: str = "") -> Criterion:
    """One criterion as Neon takes it: no value for (NOT_)BLANK, a two-value list for the
    ranges (``low, high`` or ``a, b, c`` for a choice), a value otherwise."""
    made: dict[str, object] = {"field": field, "operator": operator}
    if operator in RANGE:
        made["valueList"] = [v.strip() for v in value.split(",") if v.strip()]
    elif operator not in NO_VALUE:
        made["value"] = value.strip()
    return made


def add_accounts(source: NeonSource, criteria: Sequence[Criterion], limit: int = 1000) -> Found:
    """The accounts "Add Accounts" offers: NeonCRM's pre-set criteria and the user's own."""
    chosen = [*ALWAYS_LEFT_OUT, *(c for c in criteria if c.get("field") not in RESERVED)]
    client = source.client
    outputs = accounts.outputs_for(source.extras)
    first = client.search_page(chosen, outputs, 0)
    records: list[SourceRecord] = []
    rows = list(first.rows)
    page = 1
    while len(rows) < min(limit, first.total_results) and page < first.total_pages:
        rows += client.search_page(chosen, outputs, page).rows
        page += 1
    for number, row in enumerate(rows[:limit], start=1):
        key = accounts.text(row.get("Account ID"))
        if key:
            records.append(source.record(key, number, row))
    return Found(first.total_results, records)


def find_accounts(source: NeonSource, text: str, limit: int = 50) -> list[SourceRecord]:
    """Individual accounts whose email, first or last name contains ``text`` (the account
    view's search box), or the account of that id."""
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        found = source.account(text)
        return [found] if found is not None else []
    field = "Email" if "@" in text else "Last Name"
    criteria = [
        {"field": "Account Type", "operator": "EQUAL", "value": "Individual"},
        {"field": field, "operator": "CONTAIN", "value": text},
    ]
    rows = source.client.search_page(criteria, accounts.outputs_for(source.extras), 0, limit)
    out = []
    for number, row in enumerate(rows.rows, start=1):
        key = accounts.text(row.get("Account ID"))
        if key:
            out.append(source.record(key, number, row))
    if not out and "@" not in text:  # a first name, then
        criteria[1] = {"field": "First Name", "operator": "CONTAIN", "value": text}
        rows = source.client.search_page(criteria, accounts.outputs_for(source.extras), 0, limit)
        for number, row in enumerate(rows.rows, start=1):
            key = accounts.text(row.get("Account ID"))
            if key:
                out.append(source.record(key, number, row))
    return out
