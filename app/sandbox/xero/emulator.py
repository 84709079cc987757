"""XeroEmulator: starts and stops the server and offers state helpers for tests and samples."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.sandbox.kit.foreground import serve_until_stopped
from app.sandbox.kit.served_emulator import ServedEmulator
from app.sandbox.xero import contact_store as store
from app.sandbox.xero.calls import Env
from app.sandbox.xero.faults import Faults
from app.sandbox.xero.identity import DEFAULT_SCOPE, IDENTITY_PREFIX, IdentityServer
from app.sandbox.xero.limits import TenantLimits
from app.sandbox.xero.server import API_PREFIX, CONNECTIONS_PATH, XeroApp
from app.sandbox.xero.state import State
from app.sandbox.xero.util import new_id, to_ms

# The sandbox organisations: fixed ids, so profiles and tests can name them.
DEMO_TENANT_ID = "7a513ee2-fc5d-4b8f-9c4a-3c1d0b1f2a01"
DEMO_TENANT_NAME = "Demo Bakery Ltd"
DEMO_SHORT_CODE = "!bKr7Q"
SECOND_TENANT_ID = "0c2f6a4e-1b7d-4e55-8a3c-5d9e7f1b2c02"
SECOND_TENANT_NAME = "Harbour Café Ltd"
SECOND_SHORT_CODE = "!hC4fe"
# (tenant id, organisation name, country code, short code)
TENANTS = (
    (DEMO_TENANT_ID, DEMO_TENANT_NAME, "NZ", DEMO_SHORT_CODE),
    (SECOND_TENANT_ID, SECOND_TENANT_NAME, "AU", SECOND_SHORT_CODE),
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class XeroEmulator(ServedEmulator):
    """A local Xero Accounting API (contacts, groups, organisation) + identity server in SQLite.

    Args:
        state_path: the SQLite file; data persists between launches.
        clock: returns the current aware datetime; drives token expiry, the rate-limit windows
            and every ``UpdatedDateUTC``.
        enforce_limits: False turns off the per-tenant minute, day and concurrency limits.
        per_minute, per_day: the limits per tenant (Xero: 60 and 5,000).
    """

    state: State
    app: XeroApp

    def __init__(
        self,
        state_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        enforce_limits: bool = True,
        per_minute: int = 60,
        per_day: int = 5000,
    ) -> None:
        super().__init__("xero-emulator")
        self.clock = clock or utc_now
        self.state = State(Path(state_path))
        self.faults = Faults()
        self.limits = TenantLimits(self.clock, per_minute, per_day) if enforce_limits else None
        self.identity = IdentityServer(self.state, self.clock)
        self.env = Env(self.state, self.clock)
        self.app = XeroApp(self.env, self.identity, self.faults, self.limits, self.stopping)
        self._ensure_tenants()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def identity_url(self) -> str:
        """The root of ``/authorize`` and ``/token``."""
        return f"{self.base_url}{IDENTITY_PREFIX}"

    @property
    def connections_url(self) -> str:
        """``GET`` lists the connected organisations; the path as the identity spec writes it."""
        return f"{self.base_url}{CONNECTIONS_PATH}"

    # -- state helpers (no HTTP) ----------------------------------------------------------

    def _ensure_tenants(self) -> None:
        with self.state.tx() as conn:
            for tenant_id, name, country, short_code in TENANTS:
                conn.execute(
                    "INSERT OR IGNORE INTO tenants (tenant_id, name, created_ms) VALUES (?, ?, ?)",
                    (tenant_id, name, to_ms(self.clock())),
                )
                # A state file from before organisations had countries gets them now.
                conn.execute(
                    "UPDATE tenants SET country_code = ?, short_code = ?"
                    " WHERE tenant_id = ? AND country_code = ''",
                    (country, short_code, tenant_id),
                )

    def rename_organisation(self, name: str, tenant_id: str = DEMO_TENANT_ID) -> None:
        """Rename an organisation, as its owner may in Xero's settings."""
        with self.state.tx() as conn:
            conn.execute("UPDATE tenants SET name = ? WHERE tenant_id = ?", (name, tenant_id))

    def tenants(self) -> list[tuple[str, str]]:
        with self.state.tx() as conn:
            rows = conn.execute("SELECT tenant_id, name FROM tenants ORDER BY seq").fetchall()
        return [(r["tenant_id"], r["name"]) for r in rows]

    def issue_token(
        self,
        client_id: str = "sandbox",
        scope: str = DEFAULT_SCOPE,
        tenant_ids: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """A token as a completed sign-in would give, connected to ``tenant_ids`` (all)."""
        with self.state.tx() as conn:
            tenants = list(tenant_ids) if tenant_ids is not None else [t[0] for t in TENANTS]
            grant_id = self.identity.new_grant(conn, tenants)
            return self.identity.issue(conn, grant_id, client_id, scope)

    def seed_contact(
        self,
        name: str,
        *,
        first_name: str = "",
        last_name: str = "",
        email: str = "",
        tenant_id: str = DEMO_TENANT_ID,
        groups: Iterable[str] = (),
        is_customer: bool = False,
        is_supplier: bool = False,
        status: str = "ACTIVE",
        updated_at: datetime | None = None,
        **fields: Any,
    ) -> str:
        """Insert a contact directly; ``groups`` are names, created when missing.

        ``fields`` are more Xero fields, e.g. ``ContactNumber``, ``Phones``, ``Addresses``.
        """
        doc: dict[str, Any] = {"Name": name, "ContactStatus": status}
        names = {"FirstName": first_name, "LastName": last_name, "EmailAddress": email}
        doc.update({key: value for key, value in names.items() if value})
        doc.update(fields)
        doc["IsCustomer"], doc["IsSupplier"] = is_customer, is_supplier
        contact_id = new_id()
        with self.state.tx() as conn:
            if status == "ACTIVE" and store.name_taken(conn, tenant_id, name):
                raise ValueError(f"an active contact named {name!r} already exists")
            store.save(conn, tenant_id, contact_id, doc, to_ms(updated_at or self.clock()))
            for group_name in groups:
                self.add_to_group(self._group_id(conn, tenant_id, group_name), [contact_id])
        return contact_id

    def update_contact(self, contact_id: str, **fields: Any) -> None:
        """Change stored fields as a Xero user would (bumps UpdatedDateUTC)."""
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT tenant_id FROM contacts WHERE contact_id = ?", (contact_id,)
            ).fetchone()
            if row is None:
                raise KeyError(contact_id)
            contact = store.get_contact(conn, row["tenant_id"], contact_id)
            assert contact is not None
            doc = {**contact.doc, **fields}
            store.save(conn, row["tenant_id"], contact_id, doc, to_ms(self.clock()))

    def _group_id(self, conn: Any, tenant_id: str, name: str) -> str:
        found = store.group_by_name(conn, tenant_id, name)
        if found is not None:
            return str(found["group_id"])
        group_id = new_id()
        store.insert_group(conn, tenant_id, group_id, name)
        return group_id

    def create_group(self, name: str, tenant_id: str = DEMO_TENANT_ID) -> str:
        with self.state.tx() as conn:
            if store.group_by_name(conn, tenant_id, name) is not None:
                raise ValueError(f"a contact group named {name!r} already exists")
            return self._group_id(conn, tenant_id, name)

    def group_id(self, name: str, tenant_id: str = DEMO_TENANT_ID) -> str | None:
        with self.state.tx() as conn:
            found = store.group_by_name(conn, tenant_id, name)
        return str(found["group_id"]) if found else None

    def add_to_group(self, group_id: str, contact_ids: Iterable[str]) -> None:
        with self.state.tx() as conn:
            store.add_members(conn, group_id, list(contact_ids))

    def group_members(self, group_id: str) -> set[str]:
        with self.state.tx() as conn:
            return set(store.member_ids(conn, group_id))

    def get_contact(self, contact_id: str) -> dict[str, Any] | None:
        """The contact as the API renders it (with its groups), or None."""
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT tenant_id FROM contacts WHERE contact_id = ?", (contact_id,)
            ).fetchone()
            contact = store.get_contact(conn, row["tenant_id"], contact_id) if row else None
        return store.render(contact) if contact else None

    def contacts(self, tenant_id: str = DEMO_TENANT_ID) -> list[dict[str, Any]]:
        """Every contact of the tenant (archived too), rendered, by name."""
        with self.state.tx() as conn:
            return [store.render(c) for c in store.load_contacts(conn, tenant_id)]

    def use_up_day_limit(self, tenant_id: str = DEMO_TENANT_ID) -> None:
        """Spend the tenant's daily allowance (limits must be on)."""
        if self.limits is None:
            raise RuntimeError("limits are off")
        self.limits.use_up_day(tenant_id)


def serve_forever(
    state_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    print_fn: Callable[[str], Any] = print,
    *,
    enforce_limits: bool = True,
    stop: threading.Event | None = None,
    seed: Callable[[XeroEmulator], Any] | None = None,
) -> None:
    """Run a sandbox Xero until Ctrl+C (or ``stop`` is set), printing where it listens."""
    serve_until_stopped(
        XeroEmulator(Path(state_path), enforce_limits=enforce_limits),
        host,
        port,
        banner=_banner,
        farewell="Stopping the Xero sandbox.",
        print_fn=print_fn,
        stop=stop,
        seed=seed,
    )


def _banner(emulator: XeroEmulator) -> list[str]:
    token = emulator.issue_token()["access_token"]
    return [
        f"Xero sandbox API:      {emulator.api_url}",
        f"Identity server:       {emulator.identity_url}",
        f"Connections:           {emulator.connections_url}",
        f"Tenant id:             {DEMO_TENANT_ID} ({DEMO_TENANT_NAME})",
        f'Try: curl -H "Authorization: Bearer {token}" -H "xero-tenant-id: {DEMO_TENANT_ID}"'
        f" {emulator.api_url}/Contacts?page=1",
    ]
