"""One object's fields, as describe tells them: columns, labels, types, what can be written,
and the address picklists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from app.connectors.salesforce.client import SalesforceClient
from app.connectors.salesforce.objects import Field, ObjectSpec, columns_of
from app.connectors.salesforce.picklists import AddressPicklists

RELATED_LABELS = {"Account.Name": "Account Name"}


@dataclass
class Schema:
    """The fields of ``spec``'s object in one org (read once, from describe)."""

    client: SalesforceClient
    spec: ObjectSpec

    @cached_property
    def described(self) -> dict[str, Any]:
        return self.client.describe(self.spec.sobject)

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {
            f.name: f
            for f in (Field.from_describe(d) for d in self.described.get("fields") or ())
            if f.name
        }

    @cached_property
    def columns(self) -> list[str]:
        return columns_of(self.spec, list(self.fields.values()))

    @cached_property
    def types(self) -> dict[str, str]:
        return {name: f.type for name, f in self.fields.items()}

    @cached_property
    def picklists(self) -> AddressPicklists:
        return AddressPicklists.from_describe(
            self.described.get("fields") or (), self.spec.country_code, self.spec.state_code
        )

    def label(self, name: str) -> str:
        """The field's label as the user sees it ("Mailing State/Province"), else its name."""
        found = self.fields.get(name)
        if found is not None:
            return found.label
        return RELATED_LABELS.get(name, name)

    def select(self, extra: tuple[str, ...] = ()) -> list[str]:
        """The fields a read selects: the columns, and what the source needs besides."""
        wanted = ["Id", *self.columns, *extra]
        return [f for f in dict.fromkeys(wanted) if f in self.fields or "." in f]
