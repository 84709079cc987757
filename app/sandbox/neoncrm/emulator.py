"""NeonCrmEmulator: starts and stops the server, names its URLs, and seeds it for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from app.sandbox.kit.foreground import serve_until_stopped
from app.sandbox.kit.served_emulator import ServedEmulator
from app.sandbox.neoncrm import admin
from app.sandbox.neoncrm.account_store import AccountStore
from app.sandbox.neoncrm.calls import Env, Settings
from app.sandbox.neoncrm.faults import Faults, Gate
from app.sandbox.neoncrm.limits import EndpointLimits
from app.sandbox.neoncrm.seeding import Seeding
from app.sandbox.neoncrm.server import PRODUCTION_PREFIX, TRIAL_PREFIX, NeonApp
from app.sandbox.neoncrm.state import State


def utc_now() -> datetime:
    return datetime.now(UTC)


class NeonCrmEmulator(ServedEmulator, Seeding):
    """A local Neon CRM API v2: accounts, search, custom fields, limits and faults.

    After :meth:`start`: :attr:`api_url` is the production host's base
    (``https://api.neoncrm.com/v2``), :attr:`trial_url` the trial host's
    (``https://trial.neoncrm.com/v2``), :attr:`admin_url` the ``/_sandbox`` admin routes.
    :meth:`request_counts` counts requests by "METHOD /path-template" (e.g.
    "POST /accounts/search").

    Args:
        state_path: the SQLite file; data persists between launches.
        clock: returns the current aware datetime; :meth:`advance` moves it further.
        enforce_limits: False turns off the concurrency limits (and any rate).
        per_second: a per-org, per-endpoint rate to enforce as well (None: none).
    """

    state: State
    app: NeonApp

    def __init__(
        self,
        state_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        enforce_limits: bool = True,
        per_second: int | None = None,
    ) -> None:
        super().__init__("neoncrm-emulator")
        self._base_clock = clock or utc_now
        self._offset = timedelta()
        self.state = State(Path(state_path))
        self.store = AccountStore(self.state)
        self.env = Env(self.state, self.store, self.clock, Settings())
        self.faults = Faults()
        self.limits = EndpointLimits(self.clock, per_second=per_second) if enforce_limits else None
        self.app = NeonApp(self.env, self.faults, self.limits, self.stopping, self._admin)
        self.api_url = self.trial_url = self.admin_url = ""

    def clock(self) -> datetime:
        return self._base_clock() + self._offset

    def advance(self, **delta: float) -> None:
        """Move the emulator's time forward, e.g. ``advance(seconds=1)`` for the rate."""
        self._offset += timedelta(**delta)

    @property
    def settings(self) -> Settings:
        return self.env.settings

    # -- lifecycle ----------------------------------------------------------------------------

    def _after_start(self) -> None:
        self.api_url = self.base_url + PRODUCTION_PREFIX
        self.trial_url = self.base_url + TRIAL_PREFIX
        self.admin_url = self.base_url + "/_sandbox"

    def stop(self) -> None:
        self.faults.clear()  # releases held requests, so none outlives the server
        super().stop()

    # -- observing and steering -----------------------------------------------------------------

    def hold(self, pattern: str) -> Gate:
        """Keep the next request matching ``pattern`` running (inside its endpoint's limit)
        until ``gate.release()``; ``gate.entered`` is set once it runs."""
        return self.faults.hold(pattern)

    def org_summaries(self) -> list[dict[str, Any]]:
        with self.state.tx() as conn:
            orgs = conn.execute("SELECT org_id, name, trial FROM orgs ORDER BY org_id").fetchall()
        return [
            {
                "orgId": o["org_id"],
                "name": o["name"],
                "trial": bool(o["trial"]),
                "accounts": len(self.store.live(o["org_id"])),
            }
            for o in orgs
        ]

    def _admin(self, request: Request, route: str) -> Response:
        return admin.handle(self, request, route)


def serve_forever(
    state_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    print_fn: Callable[[str], Any] = print,
    *,
    enforce_limits: bool = True,
    stop: threading.Event | None = None,
    seed: Callable[[NeonCrmEmulator], Any] | None = None,
) -> None:
    """Run a sandbox Neon CRM until Ctrl+C (or ``stop`` is set), saying where."""
    serve_until_stopped(
        NeonCrmEmulator(Path(state_path), enforce_limits=enforce_limits),
        host,
        port,
        banner=lambda emu: [
            f"Neon CRM sandbox (production): {emu.api_url}",
            f"Neon CRM sandbox (trial):      {emu.trial_url}",
            f"Admin (counts, faults):        {emu.admin_url}/counts",
        ],
        farewell="Stopping the Neon CRM sandbox.",
        print_fn=print_fn,
        stop=stop,
        seed=seed,
    )
