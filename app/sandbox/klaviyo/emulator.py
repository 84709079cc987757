"""KlaviyoEmulator: starts and stops the server; seeds and inspects the account from Python."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.sandbox.kit.foreground import serve_until_stopped
from app.sandbox.kit.served_emulator import ServedEmulator
from app.sandbox.klaviyo import admin, consent, jobs, metrics, profile_store
from app.sandbox.klaviyo.calls import Env, Settings
from app.sandbox.klaviyo.faults import Faults
from app.sandbox.klaviyo.ids import Ids, stamp
from app.sandbox.klaviyo.inspection import Inspection
from app.sandbox.klaviyo.limits import LIST_CREATE, RouteLimits
from app.sandbox.klaviyo.lists import new_list
from app.sandbox.klaviyo.routes import ALL_SCOPES
from app.sandbox.klaviyo.server import KlaviyoApp
from app.sandbox.klaviyo.state import State, get_meta, set_meta

COMPANY_ID = "SBXKLV"
SANDBOX = "sandbox"  # the source of changes made from Python, in the consent log


def utc_now() -> datetime:
    return datetime.now(UTC)


class KlaviyoEmulator(ServedEmulator, Inspection):
    """A local Klaviyo API: lists, profiles, bulk import, consent, suppressions, events.

    Args:
        state_path: the SQLite file; data persists between launches.
        clock: returns the current aware datetime; :meth:`advance` moves it further.
        enforce_limits: False turns off the per-endpoint burst and steady limits; the daily
            cap on list creation stays (see :meth:`use_up_daily_list_creations`).
        company_id: the account's id (the ``cid`` header and bulk job ids).

    Attributes:
        base_url: ``http://127.0.0.1:<port>``; the API is under ``api_url`` (``/api``) and
            the admin routes under ``admin_url`` (``/_sandbox``). :meth:`request_counts`
            counts requests by "METHOD /api/path/{template}".
        settings: job timing and the subscribe-clears-suppressions rule (``Settings``).
        faults: fault injection (``Faults``).
    """

    state: State
    app: KlaviyoApp

    def __init__(
        self,
        state_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        enforce_limits: bool = True,
        company_id: str = COMPANY_ID,
        seed: int | None = None,
    ) -> None:
        super().__init__("klaviyo-emulator")
        self._base_clock = clock or utc_now
        self._offset = timedelta()
        self.state = State(Path(state_path))
        with self.state.tx() as conn:
            company = get_meta(conn, "company_id")
            if company is None:
                set_meta(conn, "company_id", company_id)
                company = company_id
        self.faults = Faults()
        self.settings = Settings()
        self.env = Env(self.state, self.clock, Ids(seed), company, self.settings)
        self.env.job_failures = self.faults.job_failures
        self.limits = RouteLimits(self.clock, daily_only=not enforce_limits)
        self.app = KlaviyoApp(
            self.env,
            self.faults,
            self.limits,
            self.stopping,
            lambda r, p: admin.handle(self, r, p),
        )
        self.api_url = self.admin_url = ""

    @property
    def company_id(self) -> str:
        return self.env.company_id

    def clock(self) -> datetime:
        return self._base_clock() + self._offset

    def advance(self, **delta: float) -> None:
        """Move the emulator's time forward, e.g. ``advance(days=1)`` for the daily limit."""
        self._offset += timedelta(**delta)

    # -- lifecycle ------------------------------------------------------------------------

    def _after_start(self) -> None:
        self.api_url = f"{self.base_url}/api"
        self.admin_url = f"{self.base_url}/_sandbox"

    # -- requests -------------------------------------------------------------------------

    def write_request_counts(self) -> dict[str, int]:
        """The POST, PATCH, PUT and DELETE requests among :meth:`request_counts`."""
        return {k: v for k, v in self.request_counts().items() if k.startswith(_WRITES)}

    def complete_jobs(self) -> int:
        """Complete every pending bulk job now; returns how many there were."""
        return jobs.process_due(self.env, self.clock(), everything=True)

    def use_up_daily_list_creations(self) -> None:
        """Spend today's 150 list creations: the next one is refused until a slot frees."""
        self.limits.use_up(f"{self.company_id} POST /api/lists", LIST_CREATE)

    # -- set-up helpers (no HTTP) ---------------------------------------------------------

    def add_api_key(self, key: str, scopes: Iterable[str] | None = None, label: str = "") -> None:
        """A private API key (all the scopes the emulator knows unless ``scopes`` says)."""
        granted = " ".join(sorted(ALL_SCOPES if scopes is None else scopes))
        with self.state.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO api_keys (key, scopes, label) VALUES (?, ?, ?)",
                (key, granted, label),
            )

    def add_list(self, name: str, opt_in_process: str = "single_opt_in") -> str:
        with self.state.tx() as conn:
            return new_list(conn, self.env, None, name, opt_in_process)

    def add_metrics(self, names: Iterable[str], integration: str = "klaviyo") -> None:
        """Metrics that exist before any event (Klaviyo's own by default)."""
        owner = (
            metrics.KLAVIYO if integration == "klaviyo" else metrics.integration_for(integration)
        )
        with self.state.tx() as conn:
            for name in names:
                metrics.metric_id(conn, self.env, self.clock(), name, owner)

    def add_profile(self, email: str | None = None, **values: Any) -> str:
        """A profile as if made in Klaviyo; returns its id. See :meth:`add_profiles`."""
        return self.add_profiles([{"email": email, **values}])[0]

    def add_profiles(self, rows: Iterable[Mapping[str, Any]]) -> list[str]:
        """Many profiles at once, fast enough for a bench's 100,000.

        Each row holds profile attributes (``email``, ``external_id``, ``phone_number``,
        ``first_name``, ``properties``...) and optionally ``subscribed`` (email consent,
        historical), ``suppressed`` (a reason, e.g. ``HARD_BOUNCE``, which the API cannot
        set) and ``lists`` (list ids).
        """
        now = self.clock()
        made = []
        with self.state.tx() as conn:
            for row in rows:
                values = dict(row)
                subscribed = values.pop("subscribed", False)
                reason = values.pop("suppressed", None)
                list_ids = values.pop("lists", ())
                attrs = {k: v for k, v in values.items() if v is not None}
                profile_store.check(attrs, "profile", need_identifier=True)
                profile_id, _ = profile_store.upsert(conn, self.env, now, attrs)
                if subscribed:
                    consent.subscribe_email(
                        conn,
                        self.env,
                        now,
                        profile_id,
                        list_row=None,
                        historical=True,
                        consented_at=now,
                        source=SANDBOX,
                    )
                if reason:
                    consent.suppress(conn, self.env, now, profile_id, reason, SANDBOX)
                for list_id in list_ids:
                    consent.add_member(conn, now, list_id, profile_id)
                made.append(profile_id)
        return made

    def suppress(self, email: str, reason: str = "HARD_BOUNCE") -> None:
        """Suppress a profile as Klaviyo would on a bounce or a spam complaint."""
        if reason not in consent.REASONS:
            raise ValueError(f"reason must be one of {consent.REASONS}")
        now = self.clock()
        with self.state.tx() as conn:
            profile_id, _ = profile_store.upsert(conn, self.env, now, {"email": email})
            consent.suppress(conn, self.env, now, profile_id, reason, SANDBOX)

    def unsubscribe(self, email: str) -> None:
        """The person clicks "unsubscribe" in a Klaviyo email."""
        now = self.clock()
        with self.state.tx() as conn:
            profile_id, _ = profile_store.upsert(conn, self.env, now, {"email": email})
            consent.unsubscribe_email(
                conn, self.env, now, profile_id, list_row=None, source=SANDBOX
            )

    def add_events(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Events already in the account: ``metric``, ``email``, ``time``, ``properties``,
        ``unique_id``, ``backfill``; profiles are made when missing. Returns how many were
        stored (a repeated ``unique_id`` is dropped, as the API does)."""
        now = self.clock()
        with self.state.tx() as conn:
            known: dict[str, str] = {}
            found_profiles: dict[str, str] = {}
            batch = []
            for row in rows:
                name = str(row["metric"])
                if name not in known:
                    known[name] = metrics.metric_id(conn, self.env, now, name)
                email = str(row["email"])
                if email not in found_profiles:
                    found_profiles[email], _ = profile_store.upsert(
                        conn, self.env, now, {"email": email}
                    )
                moment = row.get("time") or now
                ts = int(moment.timestamp())
                unique = str(row.get("unique_id") or ts)
                props = {**(row.get("properties") or {}), "$event_id": unique}
                batch.append(
                    (
                        self.env.ids.short(11),
                        found_profiles[email],
                        known[name],
                        ts,
                        self.env.ids.event_uuid(moment),
                        _json(props),
                        unique,
                        int(bool(row.get("backfill"))),
                        0,
                        stamp(now),
                    )
                )
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO events (id, profile_id, metric_id, ts, uuid, properties,"
                " unique_id, backfill, triggered_flow, received)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            return conn.total_changes - before


_WRITES = ("POST ", "PATCH ", "PUT ", "DELETE ")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def serve_forever(
    state_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    print_fn: Callable[[str], Any] = print,
    *,
    enforce_limits: bool = True,
    stop: threading.Event | None = None,
    seed: Callable[[KlaviyoEmulator], Any] | None = None,
) -> None:
    """Run a sandbox Klaviyo until Ctrl+C (or ``stop`` is set), saying where."""
    serve_until_stopped(
        KlaviyoEmulator(Path(state_path), enforce_limits=enforce_limits),
        host,
        port,
        banner=lambda emu: [
            f"Klaviyo sandbox: {emu.api_url}",
            f"Admin (counts, faults, stats): {emu.admin_url}/stats",
        ],
        farewell="Stopping the Klaviyo sandbox.",
        print_fn=print_fn,
        stop=stop,
        seed=seed,
    )
