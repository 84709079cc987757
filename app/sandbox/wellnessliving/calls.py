"""What a handler gets: the state and clock (``Env``), and one request's context (``Call``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.wrappers import Request

from app.sandbox.wellnessliving.errors import (
    BUSINESS_ACCESS,
    BUSINESS_NOT_FOUND,
    INVALID,
    REGION,
    USER_OUT,
    WlError,
)
from app.sandbox.wellnessliving.hosts import Host
from app.sandbox.wellnessliving.state import State


@dataclass
class Env:
    state: State
    clock: Callable[[], datetime]

    def now_ms(self) -> int:
        return int(self.clock().timestamp() * 1000)


@dataclass
class Call:
    """One request as the handlers see it.

    Attributes:
        uid: the signed-in user, or None.
        session: the session's transient cookie value, or None before one exists.
        set_cookies: cookies the answer must set (a new session).
    """

    request: Request
    host: Host
    app_id: str
    uid: str | None = None
    session: str | None = None
    set_cookies: dict[str, str] = field(default_factory=dict)

    def var(self, name: str, default: str = "") -> str:
        """A query or form variable (WellnessLiving reads both the same way)."""
        value = self.request.args.get(name)
        if value is None:
            value = self.request.form.get(name)
        return default if value is None else value

    def int_var(self, name: str, default: int) -> int:
        text = self.var(name).strip()
        if not text:
            return default
        try:
            return int(text)
        except ValueError:
            raise WlError(INVALID, f"The value of {name} must be a number.", name) from None

    def staff_business(self, conn: sqlite3.Connection) -> str:
        """The ``k_business`` asked for, after checking the signed-in staff may use it."""
        if self.uid is None:
            raise WlError(USER_OUT, "Please sign in to continue.")
        k_business = self.var("k_business").strip()
        business = conn.execute(
            "SELECT region FROM businesses WHERE k_business = ?", (k_business,)
        ).fetchone()
        if business is None:
            raise WlError(BUSINESS_NOT_FOUND, "The business was not found.", "k_business")
        staff = conn.execute("SELECT k_business FROM staff WHERE uid = ?", (self.uid,)).fetchone()
        if staff is None or staff["k_business"] != k_business:
            raise WlError(
                BUSINESS_ACCESS,
                "You do not have access to this business. Sign in as a staff member of it.",
                "k_business",
            )
        if business["region"] != self.host.region:
            raise WlError(REGION, "This business is served by another data center.")
        return k_business
