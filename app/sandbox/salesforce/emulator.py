"""SalesforceEmulator: starts and stops the server and offers the org's set-up helpers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from app.sandbox.salesforce import rules
from app.sandbox.salesforce import store as records
from app.sandbox.salesforce.access import Access
from app.sandbox.salesforce.calls import Env
from app.sandbox.salesforce.cursors import Cursors
from app.sandbox.salesforce.errors import RecordError
from app.sandbox.salesforce.faults import Faults
from app.sandbox.salesforce.fields import FieldSpec
from app.sandbox.salesforce.limits import DEVELOPER_EDITION, ApiUsage
from app.sandbox.salesforce.oauth import OAuth
from app.sandbox.salesforce.org import Org
from app.sandbox.salesforce.rules import Write
from app.sandbox.salesforce.schema import CONVERTED_STATUS
from app.sandbox.salesforce.seeding import Seeding
from app.sandbox.salesforce.server import QuietHandler, SalesforceApp
from app.sandbox.salesforce.state import State
from app.sandbox.salesforce.times import floor_minute, to_ms
from app.sandbox.salesforce.values import coerce
from app.sandbox.salesforce.versions import LATEST


def utc_now() -> datetime:
    return datetime.now(UTC)


class SalesforceEmulator(Access, Seeding):
    """A local Salesforce org: OAuth, REST data API, Collections and Bulk API 2.0, in SQLite.

    Attributes (once started):
        base_url: the one loopback port; ``instance_url`` in token answers is this.
        login_url: the production login host (``login.salesforce.com``): ``{base}/login``.
        test_url: the sandbox login host (``test.salesforce.com``): ``{base}/test``.
        api_url: ``{base}/services/data/v66.0``, the newest version's root.

    Args:
        state_path: the SQLite file; data and settings persist between launches.
        clock: returns the current aware datetime; :meth:`advance` moves it further.
        enforce_limits: False lets calls go on past the daily allowance (the header still
            counts them).
        daily_limit: the allowance (a Developer Edition org has 15,000).
    """

    def __init__(
        self,
        state_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        enforce_limits: bool = True,
        daily_limit: int = DEVELOPER_EDITION,
    ) -> None:
        self._base_clock = clock or utc_now
        self._offset = timedelta()
        self.state = State(Path(state_path))
        self.org = Org(self.state, self.clock)
        self.usage = ApiUsage(self.org.now_ms, daily_limit, enforce_limits)
        self.env = Env(self.org, Cursors(self.org.now_ms), self.usage)
        self.faults = Faults()
        self.oauth = OAuth(self.org)
        self._stopping = threading.Event()
        self.app = SalesforceApp(self.env, self.oauth, self.faults, self._stopping)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self._ensure_org()

    def clock(self) -> datetime:
        return self._base_clock() + self._offset

    def advance(self, **delta: float) -> None:
        """Move the emulator's time forward, e.g. ``advance(hours=3)`` to time out sessions."""
        self._offset += timedelta(**delta)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> SalesforceEmulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._stopping.clear()
        self._server = make_server(
            host, port, self.app, threaded=True, request_handler=QuietHandler
        )
        self.base_url = f"http://{host}:{self._server.server_port}"
        self.oauth.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(0.05,),
            name="salesforce-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.state.close()

    def __enter__(self) -> SalesforceEmulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def instance_url(self) -> str:
        return self.base_url

    @property
    def login_url(self) -> str:
        return f"{self.base_url}/login"

    @property
    def test_url(self) -> str:
        return f"{self.base_url}/test"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/services/data/v{LATEST}"

    def request_counts(self) -> dict[str, int]:
        """Requests served, by "METHOD /path-template" (``GET /services/data/vXX.X/query``)."""
        return self.app.counts.snapshot()

    def reset_counts(self) -> None:
        self.app.counts.reset()

    # -- the org --------------------------------------------------------------------------

    def _ensure_org(self) -> None:
        if self.org.org_id:
            return
        now = self.org.now_ms()
        year_ago = to_ms(floor_minute(self.clock() - timedelta(days=365)))
        with self.state.tx() as conn:
            org_id = records.new_ids(conn, "00D")[0]
            for key, value in (("org_id", org_id), ("created_ms", str(year_ago))):
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))
            types = (
                ("Business Account", "Business_Account", False),
                ("Person Account", "PersonAccount", True),
            )
            for name, developer, person in types:
                record_type = {
                    "Name": name,
                    "DeveloperName": developer,
                    "SobjectType": "Account",
                    "IsPersonType": person,
                    "IsActive": True,
                    "Description": None,
                }
                type_id = records.new_ids(conn, "012")[0]
                records.stamp_new(record_type, type_id, now, "")
                records.insert(conn, "RecordType", record_type, now)
                if person:
                    conn.execute(
                        "INSERT INTO settings (key, value) VALUES (?, ?)",
                        ("person_record_type", type_id),
                    )
        self.org.invalidate()

    def set_flag(self, name: str, value: bool) -> None:
        """Turn an org setting on or off: ``person_accounts``, ``picklists`` (State and
        Country/Territory picklists), ``duplicate_rules``, ``password_flow``,
        ``edit_converted_leads`` ("View and Edit Converted Leads")."""
        self.org.set_flag(name, value)

    def allow_password_flow(self, allowed: bool = True) -> None:
        """Orgs since Summer '23 block the username-password flow; this unblocks it."""
        self.org.set_flag("password_flow", allowed)

    @property
    def person_record_type_id(self) -> str:
        return self.org.setting("person_record_type")

    def add_custom_field(
        self,
        sobject: str,
        name: str,
        type: str = "string",
        label: str = "",
        length: int = 0,
        *,
        picklist: Iterable[str] = (),
        external_id: bool = False,
    ) -> None:
        """A custom field (``name`` ends in ``__c``); a Contact field also appears on
        person accounts as ``…__pc``."""
        if not name.endswith("__c"):
            raise ValueError("custom field names end in __c")
        default_length = {"string": 255, "textarea": 255, "picklist": 255, "email": 80}
        spec = FieldSpec(
            name,
            type,
            label or name[:-3].replace("_", " "),
            length or default_length.get(type, 0),
            custom=True,
            picklist=tuple(picklist),
            external_id=external_id,
            unique=external_id,
            default=False if type == "boolean" else None,
        )
        with self.state.tx() as conn:
            self.org.add_custom_field(conn, sobject, spec)
        self.org.invalidate()

    # -- records as an admin would change them --------------------------------------------

    @contextmanager
    def writing(self, user_id: str | None = None) -> Iterator[Write]:
        with self.state.tx() as conn:
            yield Write(
                conn,
                self.org,
                user_id or self.org.default_user,
                self.org.now_ms(),
                allow_duplicates=True,
            )

    def create(self, sobject: str, **fields: Any) -> str:
        """A record, checked as the API checks it (a RecordError says why not)."""
        spec = self.org.sobject(sobject)
        if spec is None:
            raise KeyError(sobject)
        with self.writing() as w:
            return rules.create(w, spec, self._values(spec, fields)).id

    def update(self, record_id: str, **fields: Any) -> None:
        with self.writing() as w:
            stored = records.load(w.conn, record_id)
            spec = self.org.sobject(stored.sobject) if stored else None
            if spec is None:
                raise KeyError(record_id)
            rules.update(w, spec, record_id, self._values(spec, fields))

    def delete(self, record_id: str) -> None:
        with self.writing() as w:
            rules.delete(w, None, record_id)

    @staticmethod
    def _values(spec: Any, fields: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for name, value in fields.items():
            found = spec.field(name)
            if found is None:
                raise RecordError("INVALID_FIELD", f"No such column '{name}' on {spec.name}")
            values[found.name] = coerce(found, value)
        return values

    def record(self, record_id: str) -> dict[str, Any]:
        """A record's stored fields (``IsDeleted`` true once deleted)."""
        with self.state.tx() as conn:
            stored = records.load(conn, record_id)
        if stored is None:
            raise KeyError(record_id)
        return dict(stored.data)

    def records(self, sobject: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        with self.state.tx() as conn:
            return [
                dict(r.data) for r in records.scan(conn, sobject, include_deleted=include_deleted)
            ]

    def convert_lead(self, lead_id: str, contact_id: str | None = None) -> str:
        """Convert a lead as a salesperson would: into ``contact_id`` (merging) or a new
        contact and account; returns the contact's id."""
        lead = self.record(lead_id)
        if lead.get("IsConverted"):
            raise ValueError("the lead is already converted")
        if contact_id is None:
            account_id = self.create("Account", Name=lead.get("Company") or lead["LastName"])
            contact_id = self.create(
                "Contact",
                FirstName=lead.get("FirstName"),
                LastName=lead["LastName"],
                Email=lead.get("Email"),
                AccountId=account_id,
                HasOptedOutOfEmail=lead.get("HasOptedOutOfEmail", False),
            )
        converted_account = self.record(contact_id).get("AccountId")
        with self.writing() as w:
            stored = records.load(w.conn, lead_id)
            assert stored is not None
            stored.data.update(
                {
                    "IsConverted": True,
                    "Status": CONVERTED_STATUS,
                    "ConvertedDate": self.clock().date().isoformat(),
                    "ConvertedContactId": contact_id,
                    "ConvertedAccountId": converted_account,
                }
            )
            records.save(w.conn, stored, w.now_ms, w.user_id)
        return contact_id

    def add_campaign_member(
        self, campaign_id: str, person_id: str, status: str | None = None, **fields: Any
    ) -> str:
        """``person_id`` is a contact's or a lead's id."""
        who = "LeadId" if person_id.startswith("00Q") else "ContactId"
        extra = {"Status": status} if status else {}
        return self.create(
            "CampaignMember", CampaignId=campaign_id, **{who: person_id}, **extra, **fields
        )

    def purge_delete_log(self, before: datetime | None = None) -> None:
        """Purge the recycle bin's log up to ``before`` (now): deleted records older than it
        are gone for good and ``earliestDateAvailable`` moves up to it."""
        moment = floor_minute(before or self.clock())
        with self.state.tx() as conn:
            conn.execute(
                "DELETE FROM records WHERE deleted_ms IS NOT NULL AND deleted_ms < ?",
                (to_ms(moment),),
            )
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('delete_log_floor_ms', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(to_ms(moment)),),
            )


def serve_forever(
    state_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    print_fn: Callable[[str], Any] = print,
    *,
    enforce_limits: bool = True,
    stop: threading.Event | None = None,
    seed: Callable[[SalesforceEmulator], Any] | None = None,
) -> None:
    """Run a sandbox Salesforce until Ctrl+C (or ``stop`` is set), saying where."""
    emulator = SalesforceEmulator(Path(state_path), enforce_limits=enforce_limits)
    if seed is not None:
        seed(emulator)
    emulator.start(host, port)
    stop = stop or threading.Event()
    try:
        print_fn(f"Salesforce sandbox: {emulator.base_url}")
        print_fn(f"Login hosts: {emulator.login_url} (production), {emulator.test_url} (sandbox)")
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        print_fn("Stopping the Salesforce sandbox.")
    finally:
        emulator.stop()
