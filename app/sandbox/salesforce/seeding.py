"""Fast seeding for tests and benches: many Contacts at once, and changes to a share of them.

``seed_contacts`` writes records straight to the state in one transaction (no per-record
checks), so 100,000 Contacts take seconds; what it writes is what the API would store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.store import lookup_key
from app.sandbox.salesforce.times import sf_datetime

if TYPE_CHECKING:
    from app.sandbox.salesforce.org import Org
    from app.sandbox.salesforce.state import State

_FIRST = (
    "Ada",
    "Ben",
    "Chloé",
    "Dev",
    "Emeka",
    "Fatima",
    "Grace",
    "Hiro",
    "Inés",
    "Jonas",
    "Kai",
    "Lena",
    "Mateo",
    "Nadia",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomás",
)
_LAST = (
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Patel",
    "Nakamura",
    "García",
    "O'Brien",
    "Kowalski",
    "Nguyen",
    "Schmidt",
    "Rossi",
    "Haddad",
    "Murphy",
    "Silva",
    "Cohen",
    "Dubois",
)
_PLACES = (
    ("Portland", "OR", "US"),
    ("Seattle", "WA", "US"),
    ("Austin", "TX", "US"),
    ("Toronto", "ON", "CA"),
    ("London", None, "GB"),
    ("Berlin", None, "DE"),
    ("Dublin", "D", "IE"),
    ("Sydney", "NSW", "AU"),
)
_COUNTRIES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "DE": "Germany",
    "IE": "Ireland",
    "AU": "Australia",
}
_STATES = {
    "OR": "Oregon",
    "WA": "Washington",
    "TX": "Texas",
    "ON": "Ontario",
    "D": "Dublin",
    "NSW": "New South Wales",
}


class Seeding:
    """Seeding helpers mixed into the emulator (it provides ``state``, ``org``)."""

    state: State
    org: Org

    def seed_contacts(
        self,
        count: int,
        *,
        opted_out_every: int = 20,
        email_domain: str = "bench.example",
        start: int = 0,
        **fields: Any,
    ) -> list[str]:
        """``count`` Contacts with unique emails (``contact{n}@{email_domain}``), names,
        mailing addresses in step with the picklists, and every ``opted_out_every``-th one
        opted out of email; ``fields`` are set on all of them. Returns their ids."""
        now = self.org.now_ms()
        stamp = sf_datetime(now)
        user = self.org.default_user
        picklists = self.org.flag("picklists")
        person = self.org.flag("person_accounts")
        rows: list[dict[str, Any]] = []
        with self.state.tx() as conn:
            ids = records.new_ids(conn, "003", count)
            for offset, record_id in enumerate(ids):
                n = start + offset
                first, last = _FIRST[n % len(_FIRST)], _LAST[(n // len(_FIRST)) % len(_LAST)]
                city, state, country = _PLACES[n % len(_PLACES)]
                data: dict[str, Any] = {
                    "Id": record_id,
                    "IsDeleted": False,
                    "OwnerId": user,
                    "FirstName": first,
                    "LastName": last,
                    "Name": f"{first} {last}",
                    "Email": f"contact{n}@{email_domain}",
                    "HasOptedOutOfEmail": bool(opted_out_every) and n % opted_out_every == 0,
                    "DoNotCall": False,
                    "IsEmailBounced": False,
                    "MailingCity": city,
                    "MailingCountry": _COUNTRIES[country],
                    "MailingState": _STATES.get(state or ""),
                    "CreatedDate": stamp,
                    "LastModifiedDate": stamp,
                    "SystemModstamp": stamp,
                    "CreatedById": user,
                    "LastModifiedById": user,
                }
                if picklists:
                    data["MailingCountryCode"] = country
                    data["MailingStateCode"] = state
                if person:
                    data["IsPersonAccount"] = False
                data.update(fields)
                rows.append(data)
            records.insert_many(conn, "Contact", rows, now)
        return ids

    def change_records(self, ids: Sequence[str], **fields: Any) -> None:
        """Set ``fields`` on existing records (new modstamps), as a mass update in the UI."""
        now = self.org.now_ms()
        stamp = sf_datetime(now)
        user = self.org.default_user
        with self.state.tx() as conn:
            found = records.load_many(conn, ids)
            for record_id in ids:
                stored = found[record_id]
                stored.data.update(fields)
                if "FirstName" in fields or "LastName" in fields:
                    parts = (stored.data.get("FirstName"), stored.data.get("LastName"))
                    stored.data["Name"] = " ".join(p for p in parts if p)
                stored.data.update(
                    {"LastModifiedDate": stamp, "SystemModstamp": stamp, "LastModifiedById": user}
                )
                conn.execute(
                    "UPDATE records SET data = ?, modstamp_ms = ?, lookup = ? WHERE id = ?",
                    (
                        json.dumps(stored.data),
                        now,
                        lookup_key(stored.sobject, stored.data),
                        record_id,
                    ),
                )
