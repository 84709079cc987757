"""Who may sign in and how much they may call: users, External Client Apps, tokens, the
daily allowance and Bulk polling, as the emulator's helpers set them (no HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from app.sandbox.salesforce import store as records

if TYPE_CHECKING:
    from app.sandbox.salesforce.calls import Env
    from app.sandbox.salesforce.limits import ApiUsage
    from app.sandbox.salesforce.oauth import OAuth
    from app.sandbox.salesforce.org import Org
    from app.sandbox.salesforce.state import State


class Access:
    """Sign-in and limit helpers mixed into the emulator (it provides the attributes)."""

    state: State
    org: Org
    oauth: OAuth
    usage: ApiUsage
    env: Env

    # -- users, apps and tokens -----------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        *,
        security_token: str = "",
        host: str = "login",
        first: str = "",
        last: str = "",
        email: str = "",
    ) -> str:
        """A user who can sign in on ``host`` ("login": a production org's user, "test": a
        sandbox org's); returns the user id."""
        if host not in ("login", "test"):
            raise ValueError("host is 'login' or 'test'")
        with self.state.tx() as conn:
            found = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
            if found is not None:
                return str(found["id"])
            user = {
                "Username": username,
                "FirstName": first,
                "LastName": last or username,
                "Name": " ".join(p for p in (first, last) if p) or username,
                "Email": email or username,
                "IsActive": True,
            }
            user_id = records.new_ids(conn, "005")[0]
            records.stamp_new(user, user_id, self.org.now_ms(), user_id)
            records.insert(conn, "User", user, self.org.now_ms())
            conn.execute(
                "INSERT INTO users (id, username, password, security_token, host)"
                " VALUES (?, ?, ?, ?, ?)",
                (user_id, username, password, security_token, host),
            )
            if not self.org.setting("default_user"):
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('default_user', ?)", (user_id,)
                )
        return user_id

    def set_sample_login(self, host: str, username: str, password: str) -> None:
        """Prefill the login form of ``host`` (the sandbox's browser stand-in posts it)."""
        self.org.set_setting(f"sample_login_{host}", username)
        self.org.set_setting(f"sample_password_{host}", password)

    def register_app(
        self,
        consumer_key: str,
        *,
        secret: str = "",
        require_secret: bool = False,
        require_pkce: bool = True,
        rotate_refresh: bool = False,
        callbacks: Iterable[str] = (),
        scopes: str = "api refresh_token",
    ) -> None:
        """An External Client App (or connected app). With no ``callbacks``, any loopback
        redirect is accepted (the desktop app listens on a free port)."""
        doc = {
            "secret": secret,
            "require_secret": require_secret,
            "require_pkce": require_pkce,
            "rotate_refresh": rotate_refresh,
            "callbacks": list(callbacks),
            "scopes": scopes,
        }
        with self.state.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO apps (consumer_key, doc) VALUES (?, ?)",
                (consumer_key, json.dumps(doc)),
            )

    def issue_token(
        self, username: str, consumer_key: str, *, refresh: bool = True, host: str = "login"
    ) -> dict[str, Any]:
        """The token answer a completed sign-in would give, without the browser."""
        with self.state.tx() as conn:
            row = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise KeyError(username)
        scope = "api refresh_token" if refresh else "api"
        return self.oauth.issue(
            row["id"], consumer_key, scope, host, refresh="new" if refresh else None
        )

    def expire_tokens(self) -> None:
        """End every session: the next data call with any access token gets 401
        ``INVALID_SESSION_ID`` (refresh tokens still work)."""
        with self.state.tx() as conn:
            conn.execute("UPDATE access_tokens SET valid = 0")

    def revoke_refresh_tokens(self) -> None:
        """Revoke every refresh token and its sessions (an admin revoking the app)."""
        with self.state.tx() as conn:
            conn.execute("UPDATE refresh_tokens SET valid = 0")
            conn.execute("UPDATE access_tokens SET valid = 0")

    def set_session_timeout(self, minutes: int) -> None:
        self.org.set_setting("session_minutes", str(minutes))

    # -- limits ---------------------------------------------------------------------------

    def set_daily_limit(self, calls: int) -> None:
        self.usage.daily_limit = calls

    def spend_api_calls(self, calls: int) -> None:
        """Count ``calls`` made now by other integrations of the org."""
        self.usage.spend(calls)

    def api_usage(self) -> int:
        return self.usage.used()

    def reset_api_usage(self) -> None:
        self.usage.reset()

    def set_bulk_in_progress_polls(self, polls: int) -> None:
        """How many polls of a processed Bulk job still say InProgress (default 1)."""
        self.env.bulk_in_progress_polls = polls

    def drop_query_cursors(self) -> None:
        """Forget every open ``nextRecordsUrl`` (they then answer INVALID_QUERY_LOCATOR)."""
        self.env.cursors.clear()
