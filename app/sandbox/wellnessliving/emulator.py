"""WellnessLivingEmulator: starts and stops the server and offers state helpers for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.sandbox.kit.foreground import serve_until_stopped
from app.sandbox.kit.served_emulator import ServedEmulator
from app.sandbox.wellnessliving import client_store as store
from app.sandbox.wellnessliving.calls import Env
from app.sandbox.wellnessliving.faults import Faults
from app.sandbox.wellnessliving.hosts import US_EAST_1
from app.sandbox.wellnessliving.limits import PER_HOUR, AppLimits
from app.sandbox.wellnessliving.profile_edit import FIRST_UID
from app.sandbox.wellnessliving.server import WellnessLivingApp
from app.sandbox.wellnessliving.state import State, next_key

# Columns a test may change with ``update_client`` (the state's names).
CLIENT_COLUMNS = frozenset(
    {"first", "last", "email", "phone", "address", "city", "postal", "member", "note", "gender"}
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class WellnessLivingEmulator(ServedEmulator):
    """A local WellnessLiving API (sign-in, clients, subscriptions, the All Clients report).

    Every host (US, Australia; production, staging) is served from one loopback port: a
    client connects to :attr:`base_url` and names the host it means in the ``Host`` header.
    :meth:`request_counts` counts requests by "METHOD /resource".

    Args:
        state_path: the SQLite file; data persists between launches.
        clock: returns the current aware datetime; :meth:`advance` moves it further.
        enforce_limits: False turns off the per-application hourly limit.
        per_hour: the limit (the spec says 200,000 an hour).
    """

    state: State
    app: WellnessLivingApp

    def __init__(
        self,
        state_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        enforce_limits: bool = True,
        per_hour: int = PER_HOUR,
    ) -> None:
        super().__init__("wellnessliving-emulator")
        self._base_clock = clock or utc_now
        self._offset = timedelta()
        self.state = State(Path(state_path))
        self.env = Env(self.state, self.clock)
        self.faults = Faults()
        self.limits = AppLimits(self.clock, per_hour) if enforce_limits else None
        self.app = WellnessLivingApp(self.env, self.faults, self.limits, self.stopping)

    def clock(self) -> datetime:
        return self._base_clock() + self._offset

    def advance(self, **delta: float) -> None:
        """Move the emulator's time forward, e.g. ``advance(days=31)`` to expire sessions."""
        self._offset += timedelta(**delta)

    # -- set-up helpers (no HTTP) ---------------------------------------------------------

    def register_application(self, app_id: str, secret: str, *, staging: bool = False) -> None:
        """Issue an application id and secret, for production hosts or staging ones."""
        with self.state.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO applications (app_id, secret, staging) VALUES (?, ?, ?)",
                (app_id, secret, int(staging)),
            )

    def add_business(
        self, k_business: str, title: str, *, region: int = US_EAST_1, staging: bool = False
    ) -> None:
        with self.state.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO businesses (k_business, title, region, staging)"
                " VALUES (?, ?, ?, ?)",
                (k_business, title, region, int(staging)),
            )

    def add_staff(
        self, k_business: str, login: str, password: str, *, first: str = "", last: str = ""
    ) -> str:
        """A staff member who can sign in (``login`` is an email); returns the uid."""
        with self.state.tx() as conn:
            found = conn.execute(
                "SELECT uid FROM staff WHERE login = ?", (login.lower(),)
            ).fetchone()
            if found is not None:
                return str(found["uid"])
            uid = next_key(conn, "uid", FIRST_UID)
            conn.execute(
                "INSERT INTO staff (uid, login, password, k_business, first, last)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (uid, login.lower(), password, k_business, first, last),
            )
        return uid

    def add_client_type(self, k_business: str, title: str, *, is_prospect: bool = False) -> str:
        with self.state.tx() as conn:
            found = conn.execute(
                "SELECT k_login_type FROM login_types WHERE k_business = ? AND title = ?",
                (k_business, title),
            ).fetchone()
            if found is not None:
                return str(found["k_login_type"])
            key = next_key(conn, "login_type", 1_963_300)
            conn.execute(
                "INSERT INTO login_types (k_login_type, k_business, title, is_prospect)"
                " VALUES (?, ?, ?, ?)",
                (key, k_business, title, int(is_prospect)),
            )
        return key

    def add_group(self, k_business: str, title: str) -> str:
        with self.state.tx() as conn:
            found = conn.execute(
                "SELECT k_member_group FROM member_groups WHERE k_business = ? AND title = ?",
                (k_business, title),
            ).fetchone()
            if found is not None:
                return str(found["k_member_group"])
            key = next_key(conn, "member_group", 49_470)
            conn.execute(
                "INSERT INTO member_groups (k_member_group, k_business, title) VALUES (?, ?, ?)",
                (key, k_business, title),
            )
        return key

    def add_client(
        self,
        k_business: str,
        first: str,
        last: str,
        email: str = "",
        *,
        city: str = "",
        client_type: str | None = None,
        groups: Iterable[str] = (),
        subscribed: bool | None = None,
        added: datetime | None = None,
        **columns: Any,
    ) -> str:
        """A client, as staff or the client would add one; returns the uid.

        ``client_type`` and ``groups`` are titles, created when missing; ``subscribed`` is
        the "news and updates" email subscription (None: never set). ``columns`` are more
        of the state's columns (``phone``, ``address``, ``postal``, ``member``, ``note``...).
        """
        type_key = self.add_client_type(k_business, client_type) if client_type else None
        group_keys = [self.add_group(k_business, g) for g in groups]
        moment = int((added or self.clock()).timestamp() * 1000)
        values = {k: v for k, v in columns.items() if k in CLIENT_COLUMNS}
        with self.state.tx() as conn:
            uid = next_key(conn, "uid", FIRST_UID)
            names = ["uid", "k_business", "first", "last", "email", "city", "k_login_type"]
            names += ["is_subscribe", "added_ms", "changed_ms", *values]
            conn.execute(
                f"INSERT INTO clients ({', '.join(names)})"
                f" VALUES ({', '.join('?' for _ in names)})",
                (
                    uid,
                    k_business,
                    first,
                    last,
                    email,
                    city,
                    type_key,
                    None if subscribed is None else int(subscribed),
                    moment,
                    moment,
                    *values.values(),
                ),
            )
            store.set_groups(conn, uid, group_keys)
        return uid

    def update_client(self, uid: str, **columns: Any) -> None:
        """Change a client as staff would in WellnessLiving (``city="Montréal"``...).

        Also takes ``client_type`` and ``groups`` (titles) and ``active`` (False deactivates).
        """
        with self.state.tx() as conn:
            row = conn.execute("SELECT k_business FROM clients WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                raise KeyError(uid)
            changes = {k: v for k, v in columns.items() if k in CLIENT_COLUMNS}
            if "client_type" in columns:
                changes["k_login_type"] = self.add_client_type(
                    row["k_business"], columns["client_type"]
                )
            if "active" in columns:
                changes["active"] = int(bool(columns["active"]))
            if "groups" in columns:
                keys = [self.add_group(row["k_business"], g) for g in columns["groups"]]
                store.set_groups(conn, uid, keys)
            store.update_client(conn, uid, changes, int(self.clock().timestamp() * 1000))

    def set_subscribed(self, uid: str, subscribed: bool | None) -> None:
        """The client's "news and updates" email subscription, as the client portal sets it."""
        with self.state.tx() as conn:
            store.update_client(
                conn,
                uid,
                {"is_subscribe": None if subscribed is None else int(subscribed)},
                int(self.clock().timestamp() * 1000),
            )

    def client(self, uid: str) -> dict[str, Any]:
        """A client's stored values: names, email, city, ``subscribed``, ``client_type``..."""
        with self.state.tx() as conn:
            row = conn.execute("SELECT * FROM clients WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                raise KeyError(uid)
            type_row = conn.execute(
                "SELECT title FROM login_types WHERE k_login_type = ?", (row["k_login_type"],)
            ).fetchone()
            groups = conn.execute(
                "SELECT g.title FROM client_groups c JOIN member_groups g USING (k_member_group)"
                " WHERE c.uid = ? ORDER BY g.title",
                (uid,),
            ).fetchall()
        data = dict(row)
        data["subscribed"] = store.subscribe_value(row["is_subscribe"])
        data["client_type"] = type_row["title"] if type_row else ""
        data["groups"] = [g["title"] for g in groups]
        data["changed"] = datetime.fromtimestamp(row["changed_ms"] / 1000, UTC)
        return data

    def client_uids(self, k_business: str, *, active_only: bool = True) -> list[str]:
        with self.state.tx() as conn:
            rows = conn.execute(
                "SELECT uid FROM clients WHERE k_business = ?"
                + (" AND active = 1" if active_only else "")
                + " ORDER BY CAST(uid AS INTEGER)",
                (k_business,),
            ).fetchall()
        return [r["uid"] for r in rows]

    def expire_sessions(self) -> None:
        """Forget every signed-in session, as WellnessLiving does after 30 days."""
        with self.state.tx() as conn:
            conn.execute("DELETE FROM sessions")
            conn.execute("DELETE FROM jwt")


def serve_forever(
    state_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    print_fn: Callable[[str], Any] = print,
    *,
    enforce_limits: bool = True,
    stop: threading.Event | None = None,
    seed: Callable[[WellnessLivingEmulator], Any] | None = None,
) -> None:
    """Run a sandbox WellnessLiving until Ctrl+C (or ``stop`` is set), saying where."""
    serve_until_stopped(
        WellnessLivingEmulator(Path(state_path), enforce_limits=enforce_limits),
        host,
        port,
        banner=lambda emu: [
            f"WellnessLiving sandbox: {emu.base_url}",
            "Send the host you mean (us.wellnessliving.com...) in the Host header.",
        ],
        farewell="Stopping the WellnessLiving sandbox.",
        print_fn=print_fn,
        stop=stop,
        seed=seed,
    )
