"""Python methods that set up orgs and accounts without HTTP, as Neon staff would.

Mixed into :class:`~app.sandbox.neoncrm.emulator.NeonCrmEmulator`. Accounts go through the
same checks and storage as ``POST /accounts``; changes made here are stamped as made by
"Sandbox Staff", as if someone edited the account in Neon's own screens.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from app.sandbox.neoncrm import accounts, custom_fields
from app.sandbox.neoncrm.account_store import AccountStore
from app.sandbox.neoncrm.calls import Env
from app.sandbox.neoncrm.errors import NeonError
from app.sandbox.neoncrm.records import COMPANY, INDIVIDUAL
from app.sandbox.neoncrm.state import State, next_id

STAFF = "Sandbox Staff"
US = {"id": "1", "name": "United States"}


class SeedError(ValueError):
    """A seeding call the emulator refused (the API's 400 messages, as text)."""


def _refused(exc: NeonError) -> SeedError:
    body = exc.reply.body
    text = "; ".join(f"[Code {m['code']}] {m['message']}" for m in body or [])
    return SeedError(text or f"HTTP {exc.reply.status}")


def address(
    line1: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip_code: str | None = None,
    *,
    phone: str | None = None,
    phone_type: str = "Home",
    country: Mapping[str, str] | None = US,
    kind: str = "Home",
) -> dict[str, Any]:
    """An API address object with the usual parts (``state`` is a code such as ``OR``)."""
    return {
        "isPrimaryAddress": True,
        "type": {"id": "1" if kind == "Home" else "2", "name": kind},
        "addressLine1": line1,
        "city": city,
        "stateProvince": {"code": state} if state else None,
        "zipCode": zip_code,
        "country": dict(country) if country else None,
        "phone1": phone,
        "phone1Type": phone_type if phone else None,
    }


class Seeding:
    """Set-up helpers; expects ``state``, ``store``, ``env`` and ``clock`` on the instance."""

    state: State
    store: AccountStore
    env: Env

    def clock(self) -> datetime:  # provided by the emulator
        raise NotImplementedError

    # -- orgs, users, types, fields ------------------------------------------------------------

    def add_org(self, org_id: str, name: str, *, trial: bool = False) -> None:
        """An org (a Neon instance); ``trial`` ones answer only on the trial host."""
        with self.state.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO orgs (org_id, name, trial) VALUES (?, ?, ?)",
                (org_id, name, int(trial)),
            )

    def add_api_user(self, org_id: str, api_key: str, *, first: str = "", last: str = "") -> str:
        """A system user whose API key signs in to ``org_id``; returns the user id."""
        with self.state.tx() as conn:
            found = conn.execute(
                "SELECT user_id FROM users WHERE org_id = ? AND api_key = ?", (org_id, api_key)
            ).fetchone()
            if found is not None:
                return str(found["user_id"])
            user_id = str(next_id(conn, "user", 100))
            conn.execute(
                "INSERT INTO users (user_id, org_id, api_key, first, last) VALUES (?, ?, ?, ?, ?)",
                (user_id, org_id, api_key, first, last),
            )
        return user_id

    def revoke_api_key(self, org_id: str, api_key: str) -> None:
        """The key stops working, as when its user is deactivated."""
        with self.state.tx() as conn:
            conn.execute("DELETE FROM users WHERE org_id = ? AND api_key = ?", (org_id, api_key))

    def add_individual_type(self, org_id: str, name: str) -> str:
        with self.state.tx() as conn:
            found = conn.execute(
                "SELECT type_id FROM individual_types WHERE org_id = ? AND name = ?",
                (org_id, name),
            ).fetchone()
            if found is not None:
                return str(found["type_id"])
            type_id = str(next_id(conn, "individual_type", 0))
            conn.execute(
                "INSERT INTO individual_types (type_id, org_id, name) VALUES (?, ?, ?)",
                (type_id, org_id, name),
            )
        return type_id

    def add_custom_field(
        self,
        org_id: str,
        name: str,
        display_type: str = "OneLineText",
        *,
        data_type: str | None = None,
        options: Sequence[str] = (),
        account_type: str = "Any",
        group_id: str | None = None,
        read_only: bool = False,
    ) -> str:
        """An account custom field (``display_type`` Checkbox, Dropdown, Radio, OneLineText,
        MultiLineText...; ``data_type`` Date, Text, Email...); returns its id. Two fields
        may share a name, as they can live."""
        if display_type not in custom_fields.DISPLAY_TYPES:
            raise ValueError(f"unknown display type {display_type!r}")
        if account_type not in ("Any", "Individual", "Company"):
            raise ValueError(f"unknown account type {account_type!r}")
        with self.state.tx() as conn:
            field_id = str(next_id(conn, "custom_field", 70))
            option_rows = [
                {"id": str(next_id(conn, "custom_option", 10)), "name": option}
                for option in options
            ]
            conn.execute(
                "INSERT INTO custom_fields (field_id, org_id, name, display_type, data_type,"
                " account_type, group_id, read_only, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    field_id,
                    org_id,
                    name,
                    display_type,
                    data_type,
                    account_type,
                    group_id,
                    int(read_only),
                    json.dumps(option_rows),
                ),
            )
        return field_id

    def custom_field_id(self, org_id: str, name: str) -> str:
        """The id of the (first) custom field called ``name``."""
        with self.state.tx() as conn:
            for field in custom_fields.load(conn, org_id):
                if field.name == name:
                    return field.field_id
        raise KeyError(name)

    # -- accounts --------------------------------------------------------------------------------

    def add_individual(
        self,
        org_id: str,
        first: str,
        last: str,
        email: str | None = None,
        *,
        email2: str | None = None,
        email3: str | None = None,
        middle: str | None = None,
        title: str | None = None,
        home: Mapping[str, Any] | None = None,
        phones: Mapping[str, str] | None = None,
        individual_types: Iterable[str] = (),
        opted_out: bool = False,
        consent: Mapping[str, str] | None = None,
        do_not_contact: bool = False,
        deceased: bool = False,
        origin: tuple[str, str] | None = None,
        source: str | None = None,
        company_id: str | None = None,
        custom: Mapping[str, Any] | None = None,
        created: datetime | None = None,
    ) -> str:
        """An individual account; returns its id.

        ``home`` is an address (see :func:`address`); ``phones`` maps ``phone2``/``phone3``/
        ``fax`` to numbers on it (Work, Mobile, Fax); ``individual_types`` are names (created
        when missing); ``opted_out`` is ``email1OptOut``; ``consent`` maps ``email``,
        ``phone``... to GIVEN/DECLINED/NOT_ASKED; ``do_not_contact`` is ``noSolicitation``;
        ``origin`` is (Origin Category, Origin Detail); ``custom`` maps a field's name or id
        to its value (text, or option names for a choice field).
        """
        types = [{"id": self.add_individual_type(org_id, t)} for t in individual_types]
        contact: dict[str, Any] = {
            "firstName": first,
            "lastName": last,
            "middleName": middle,
            "email1": email,
            "email2": email2,
            "email3": email3,
            "title": title,
            "deceased": deceased,
            "addresses": [self._address(home, phones)] if home or phones else [],
        }
        data: dict[str, Any] = {
            "primaryContact": contact,
            "email1OptOut": opted_out,
            "noSolicitation": do_not_contact,
            "consent": dict(consent or {}),
            "individualTypes": types,
            "origin": {"originCategory": origin[0], "originDetail": origin[1]} if origin else None,
            "source": {"name": source} if source else None,
        }
        if company_id is not None:
            data["company"] = {"id": company_id, "name": self._company_name(company_id)}
        return self._create(org_id, INDIVIDUAL, data, custom, created)

    def add_company(
        self,
        org_id: str,
        name: str,
        *,
        contact_first: str | None = None,
        contact_last: str | None = None,
        email: str | None = None,
        office: Mapping[str, Any] | None = None,
        origin: tuple[str, str] | None = None,
        custom: Mapping[str, Any] | None = None,
        created: datetime | None = None,
    ) -> str:
        """A company (organization) account with its primary contact; returns its id."""
        data: dict[str, Any] = {
            "name": name,
            "primaryContact": {
                "firstName": contact_first,
                "lastName": contact_last,
                "email1": email,
                "addresses": [dict(office)] if office else [],
            },
            "origin": {"originCategory": origin[0], "originDetail": origin[1]} if origin else None,
        }
        return self._create(org_id, COMPANY, data, custom, created)

    def update_account(
        self,
        account_id: str,
        changes: Mapping[str, Any],
        *,
        custom: Mapping[str, Any] | None = None,
    ) -> None:
        """Change an account as staff would: ``changes`` is a PATCH-style account object
        (``{"primaryContact": {"email1": ...}}``, ``{"noSolicitation": True}``...)."""
        with self.state.tx() as conn:
            row = self._row(conn, account_id)
            data = dict(changes)
            if custom:
                data["accountCustomFields"] = self._custom_items(conn, row.org_id, custom)
            try:
                accounts.write_over(self.env, conn, row, data, STAFF, replace=False)
            except NeonError as exc:
                raise _refused(exc) from None

    def set_email_opt_out(
        self, account_id: str, opted_out: bool, *, consent: str | None = None
    ) -> None:
        """Email 1's opt-out (``email1OptOut``), and the email consent when given."""
        changes: dict[str, Any] = {"email1OptOut": opted_out}
        if consent is not None:
            changes["consent"] = {"email": consent}
        self.update_account(account_id, changes)

    def merge_accounts(self, loser_id: str, survivor_id: str) -> None:
        """Merge ``loser_id`` into ``survivor_id``: the old id then answers 222 with the
        survivor, and search shows only the survivor."""
        with self.state.tx() as conn:
            loser, survivor = self._row(conn, loser_id), self._row(conn, survivor_id)
            if loser.org_id != survivor.org_id or loser.account_id == survivor.account_id:
                raise ValueError("accounts to merge must be two accounts of one org")
            self.store.merge(conn, loser, survivor)

    def account(self, account_id: str) -> dict[str, Any]:
        """The body ``GET /accounts/{id}`` answers (following a merge)."""
        with self.state.tx() as conn:
            row = self._row(conn, account_id)
            found = self.store.resolve(conn, row.org_id, account_id)
            assert found is not None
            return accounts.render(conn, found[0])

    def account_ids(self, org_id: str, kind: str | None = None) -> list[str]:
        """Ids of the org's live accounts (``kind`` INDIVIDUAL or COMPANY), ascending."""
        return [r.id for r in self.store.live(org_id) if kind is None or r.kind == kind]

    def find_by_email(self, org_id: str, email: str) -> list[str]:
        """Ids of live accounts with ``email`` in Email 1, 2 or 3 (any case)."""
        wanted = email.strip().lower()
        found = []
        for row in self.store.live(org_id):
            contact = row.record.get("primaryContact") or {}
            emails = {(contact.get(f"email{n}") or "").lower() for n in (1, 2, 3)}
            if wanted in emails:
                found.append(row.id)
        return found

    def seed_bulk(
        self, org_id: str, count: int, *, seed: int = 0, opted_out_share: float = 0.1
    ) -> list[str]:
        """``count`` generated individuals for benches, in one transaction; their ids.
        Emails are unique (``bulk.<n>@example.org``); a share are opted out."""
        rng = random.Random(seed)
        firsts = ("Alex", "Sam", "Jordan", "Taylor", "Casey", "Riley", "Morgan", "Jamie")
        lasts = ("Nguyen", "Garcia", "Smith", "Okafor", "Kowalski", "Haddad", "Ito", "Berg")
        ids = []
        with self.state.tx() as conn:
            start = len(self.store.live(org_id))
            for n in range(count):
                opted = rng.random() < opted_out_share
                data = {
                    "primaryContact": {
                        "firstName": rng.choice(firsts),
                        "lastName": rng.choice(lasts),
                        "email1": f"bulk.{start + n}@example.org",
                    },
                    "email1OptOut": opted,
                    "consent": {"email": "DECLINED" if opted else "GIVEN"},
                }
                ids.append(accounts.write_new(self.env, conn, org_id, INDIVIDUAL, data, STAFF))
        return ids

    # -- internals -------------------------------------------------------------------------------

    def _create(
        self,
        org_id: str,
        kind: str,
        data: dict[str, Any],
        custom: Mapping[str, Any] | None,
        created: datetime | None,
    ) -> str:
        when = int((created or self.clock()).timestamp() * 1000)
        with self.state.tx() as conn:
            if conn.execute("SELECT 1 FROM orgs WHERE org_id = ?", (org_id,)).fetchone() is None:
                raise KeyError(org_id)
            if custom:
                data["accountCustomFields"] = self._custom_items(conn, org_id, custom)
            try:
                return accounts.write_new(self.env, conn, org_id, kind, data, STAFF, when_ms=when)
            except NeonError as exc:
                raise _refused(exc) from None

    def _row(self, conn: Any, account_id: str) -> Any:
        row = self.store.get(conn, int(account_id)) if str(account_id).isdigit() else None
        if row is None:
            raise KeyError(account_id)
        return row

    def _company_name(self, company_id: str) -> str | None:
        with self.state.tx() as conn:
            row = self._row(conn, company_id)
        return row.record.get("name")

    @staticmethod
    def _address(home: Mapping[str, Any] | None, phones: Mapping[str, str] | None) -> dict:
        base = dict(home or {"isPrimaryAddress": True})
        slots = {"phone2": "Work", "phone3": "Mobile"}
        for key, number in (phones or {}).items():
            base[key] = number
            if key in slots:
                base[f"{key}Type"] = slots[key]
            elif key == "fax":
                base["faxType"] = "Work"
        return base

    @staticmethod
    def _custom_items(conn: Any, org_id: str, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        fields = custom_fields.load(conn, org_id)
        items = []
        for key, value in values.items():
            field = next((f for f in fields if key in (f.field_id, f.name)), None)
            if field is None:
                raise KeyError(f"no custom field {key!r} in {org_id}")
            if field.is_choice:
                names = [value] if isinstance(value, str) else list(value)
                option_ids = [field.option_id(n) for n in names]
                if None in option_ids:
                    raise KeyError(f"{field.name} has no option among {names}")
                items.append(
                    {"id": field.field_id, "optionValues": [{"id": o} for o in option_ids]}
                )
            else:
                items.append({"id": field.field_id, "value": "" if value is None else str(value)})
        return items
