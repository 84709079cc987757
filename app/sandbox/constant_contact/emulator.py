"""ConstantContactEmulator: starts and stops the server and offers state helpers for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from app.sandbox.constant_contact import contact_store as store
from app.sandbox.constant_contact.activities import ActivityRunner
from app.sandbox.constant_contact.calls import Env
from app.sandbox.constant_contact.campaign_activity import Rates
from app.sandbox.constant_contact.campaign_seeding import Campaigns
from app.sandbox.constant_contact.consent import new_email, set_any_permission
from app.sandbox.constant_contact.contact_rules import SUB_RESOURCES, valid_email
from app.sandbox.constant_contact.custom_fields import create_field
from app.sandbox.constant_contact.faults import Faults
from app.sandbox.constant_contact.limits import DailyQuota, TokenBucket
from app.sandbox.constant_contact.lists import create_list
from app.sandbox.constant_contact.oauth import AUTH_PREFIX, DEFAULT_SCOPE, OAuthServer
from app.sandbox.constant_contact.routes import PROCESSORS
from app.sandbox.constant_contact.server import ApiApp, Limits, QuietHandler
from app.sandbox.constant_contact.state import State
from app.sandbox.constant_contact.util import from_ms, iso, new_id
from app.sandbox.wire import dumps

SCALAR_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "company_name",
    "anniversary",
    "birthday_month",
    "birthday_day",
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConstantContactEmulator:
    """A local Constant Contact v3 API + authorization server backed by one SQLite file.

    Args:
        state_path: the SQLite file; data persists between launches.
        clock: returns the current aware datetime; drives token expiry, the daily quota
            and every timestamp. Rate limiting per second uses real time.
        rate_per_second: requests per second per API key (client_id).
        daily_quota: requests per API key per UTC day.
        enforce_limits: False disables the rate limit, quota and token-endpoint limit.
        activity_delay: seconds an activity spends queued + processing before completing.
    """

    def __init__(
        self,
        state_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        rate_per_second: float = 4,
        daily_quota: int = 10_000,
        enforce_limits: bool = True,
        activity_delay: float = 0.0,
    ) -> None:
        self.clock = clock or utc_now
        self.state = State(Path(state_path))
        self.faults = Faults()
        self.enforce_limits = enforce_limits
        self._stopping = threading.Event()
        self.runner = ActivityRunner(self.state, self.clock, self.faults, activity_delay)
        self.runner.processors.update(PROCESSORS)
        token_limit = TokenBucket(1.0) if enforce_limits else None
        self.oauth = OAuthServer(self.state, self.clock, token_limit)
        limits = (
            Limits(TokenBucket(rate_per_second), DailyQuota(daily_quota, self.clock))
            if enforce_limits
            else None
        )
        self.env = Env(self.state, self.clock, self.runner)
        self.campaigns = Campaigns(self.state, self.clock)
        self.app = ApiApp(self.env, self.oauth, self.faults, limits, self._stopping)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> ConstantContactEmulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._stopping.clear()
        self._server = make_server(
            host, port, self.app, threaded=True, request_handler=QuietHandler
        )
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="cc-emulator", daemon=True
        )
        self._thread.start()
        self.runner.start()
        self.campaigns.catch_up()  # activity that arrived while the sandbox was closed
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
        self.runner.stop()
        self.state.close()

    def __enter__(self) -> ConstantContactEmulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/v3"

    @property
    def auth_url(self) -> str:
        return f"{self.base_url}{AUTH_PREFIX}"

    def request_counts(self) -> dict[str, int]:
        return self.app.counts.snapshot()

    def reset_counts(self) -> None:
        self.app.counts.reset()

    def wait_for_activities(self, timeout: float = 30.0) -> bool:
        """Block until every queued activity has finished."""
        return self.runner.wait_idle(timeout)

    # -- state helpers (no HTTP) ----------------------------------------------------------

    def register_client(self, client_id: str, redirect_uris: Iterable[str] | None = None) -> None:
        uris = dumps(list(redirect_uris)) if redirect_uris is not None else None
        with self.state.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO oauth_clients (client_id, redirect_uris) VALUES (?, ?)",
                (client_id, uris),
            )

    def issue_token(self, client_id: str = "sandbox", scope: str = DEFAULT_SCOPE) -> dict[str, Any]:
        with self.state.tx() as conn:
            return self.oauth.issue(conn, client_id, scope)

    def create_list(self, name: str) -> str:
        with self.state.tx() as conn:
            return str(create_list(name, conn, iso(self.clock()))["list_id"])

    def list_id(self, name: str) -> str | None:
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT list_id FROM lists WHERE name = ? AND deleted_at IS NULL", (name,)
            ).fetchone()
        return row[0] if row else None

    def create_custom_field(self, label: str, field_type: str = "string") -> str:
        with self.state.tx() as conn:
            return str(create_field(conn, label, field_type, self.clock())["custom_field_id"])

    def seed_contact(
        self,
        email: str,
        first_name: str = "",
        last_name: str = "",
        permission: str = "implicit",
        list_names: Iterable[str] = (),
        **fields: Any,
    ) -> str:
        """Insert a contact directly; lists named in ``list_names`` are created when missing."""
        if not valid_email(email):
            raise ValueError(f"invalid email {email!r}")
        now = self.clock()
        source = fields.pop("create_source", "Account")
        doc: dict[str, Any] = {"email_address": new_email(email, permission, source, now)}
        for key, value in (("first_name", first_name), ("last_name", last_name), *fields.items()):
            if value not in ("", None):
                doc[key] = value
        doc.update(create_source=source, created_at=iso(now), updated_at=iso(now))
        contact_id = new_id()
        with self.state.tx() as conn:
            if store.find_by_email(conn, email):
                raise ValueError(f"a contact with email {email!r} already exists")
            store.insert(conn, contact_id, doc)
            list_ids = [
                self.list_id(n) or create_list(n, conn, iso(now))["list_id"] for n in list_names
            ]
            if permission != "unsubscribed":
                store.add_memberships(conn, ((contact_id, lid) for lid in list_ids))
        return contact_id

    def set_permission(self, email: str, permission: str) -> None:
        """Play the contact's own action, e.g. unsubscribing (opt_out_source Contact)."""
        now = self.clock()
        with self.state.tx() as conn:
            found = store.find_by_email(conn, email)
            if found is None:
                raise KeyError(email)
            contact_id, doc = found
            set_any_permission(doc["email_address"], permission, now)
            store.touch(doc, now)
            store.update(conn, contact_id, doc)
            if permission == "unsubscribed":
                store.clear_memberships(conn, contact_id)

    def get_contact(self, email: str) -> dict[str, Any] | None:
        with self.state.tx() as conn:
            found = store.find_by_email(conn, email)
            if found is None:
                return None
            contact_id, doc = found
            lists = store.memberships(conn, [contact_id])[contact_id]
        return store.render(contact_id, doc, lists, SUB_RESOURCES)

    # -- campaigns (state helpers; the clock is the campaign clock) --------------------------

    def seed_campaign(
        self,
        name: str,
        list_names: Iterable[str],
        *,
        sends: int | None = None,
        open_rate: float = 0.3,
        click_rate: float = 0.05,
        bounce_rate: float = 0.01,
        optout_rate: float = 0.005,
        forward_rate: float = 0.002,
        sent_at: datetime | None = None,
        status: str = "Done",
        rng_seed: int = 0,
    ) -> str:
        """A sent campaign and its activity so far; returns its campaign_id.

        ``sends=None`` sends to every subscribed member of the lists (created when missing);
        ``sends=N`` creates N new contacts on them and sends to those. Rates are unique counts
        as fractions of the sends. ``sent_at`` (on the campaign clock; naive is UTC) defaults
        to a day before the campaign clock's now, so the campaign still gathers late opens
        and clicks for two more days (give a time over 72 hours ago for a finished one).
        ``status`` is "Done" or "Removed" (sent, then deleted). Opt-outs unsubscribe.
        """
        rates = Rates(open_rate, click_rate, bounce_rate, optout_rate, forward_rate)
        return self.campaigns.seed(
            name,
            list(list_names),
            sends=sends,
            rates=rates,
            sent_at=sent_at,
            status=status,
            rng_seed=rng_seed,
        )

    def create_draft_campaign(self, name: str) -> str:
        """A campaign not yet sent: listed as "Draft"; its reports are a 404."""
        return self.campaigns.create_draft(name)

    def advance_campaign_clock(self, hours: float) -> int:
        """Let ``hours`` pass on the campaign clock; returns the tracking rows that arrived."""
        return self.campaigns.advance(hours)

    def add_campaign_activity(self, campaign_id: str, fraction: float = 0.01) -> int:
        """``fraction`` of the sends as new rows now, opens and clicks split as the campaign's
        rates; each is newer than any row before it. Returns the rows added."""
        return self.campaigns.add_activity(campaign_id, fraction)

    def delete_campaign(self, campaign_id: str) -> None:
        """The account deletes a campaign: GET /emails keeps listing it as "Removed"."""
        self.campaigns.delete(campaign_id)

    def clear_campaigns(self) -> None:
        """Forget every campaign and its reports (the sandbox's samples too): for tests that
        start from an account with no campaigns. Contacts are left as they are."""
        self.campaigns.clear()

    def campaign_now(self) -> datetime:
        """The campaign clock's now."""
        return from_ms(self.campaigns.now_ms())

    def campaign_activity_id(self, campaign_id: str) -> str:
        """The primary_email activity of a campaign (what the tracking reports take)."""
        with self.state.tx() as conn:
            row = conn.execute(
                "SELECT campaign_activity_id FROM campaign_activities"
                " WHERE campaign_id = ? AND role = 'primary_email'",
                (campaign_id,),
            ).fetchone()
        if row is None:
            raise KeyError(campaign_id)
        return str(row[0])

    def contacts_on_list(self, list_name: str) -> set[str]:
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT json_extract(c.doc, '$.email_address.address') FROM memberships m"
                " JOIN contacts c USING (contact_id) JOIN lists l USING (list_id)"
                " WHERE l.name = ? AND l.deleted_at IS NULL",
                (list_name,),
            ).fetchall()
        return {r[0] for r in rows if r[0]}


def serve_forever(
    state_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    print_fn: Callable[[str], Any] = print,
    *,
    enforce_limits: bool = True,
    stop: threading.Event | None = None,
) -> None:
    """Run a sandbox server until Ctrl+C (or ``stop`` is set), printing where it listens."""
    emulator = ConstantContactEmulator(Path(state_path), enforce_limits=enforce_limits)
    emulator.start(host, port)
    stop = stop or threading.Event()
    try:
        token = emulator.issue_token()["access_token"]
        print_fn(f"Constant Contact sandbox API:  {emulator.api_url}")
        print_fn(f"Authorization server:          {emulator.auth_url}")
        print_fn(f"State file:                    {Path(state_path)}")
        print_fn(f"Admin (counts, faults):        {emulator.base_url}/__emulator/counts")
        print_fn(
            f"Campaign clock:                POST {emulator.base_url}/_sandbox/campaigns/advance"
            ' {"hours": N}'
        )
        print_fn(f'Try: curl -H "Authorization: Bearer {token}" {emulator.api_url}/contact_lists')
        print_fn("Press Ctrl+C to stop.")
        while not stop.wait(0.5):  # a timed wait lets Ctrl+C through on Windows too
            pass
    except KeyboardInterrupt:
        print_fn("Stopping the sandbox.")
    finally:
        emulator.stop()
