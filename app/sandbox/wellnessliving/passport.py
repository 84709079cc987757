"""Signing in: the notepad, the staff login, sessions in cookies, and JWTs for signed-in users.

1. ``GET Core/Passport/Login/Enter/Notepad.json`` starts a session (the host's persistent
   and transient cookies, letters and digits) and answers a one-time ``s_notepad`` with
   ``s_hash: "sha3"``; with ``s_login`` it also says which data centre holds that user
   (``id_region``), so a client can go there.
2. ``POST Core/Passport/Login/Enter/Enter.json`` takes ``s_login``, the same ``s_notepad`` and
   ``s_password`` = SHA3-512 hex of (notepad + H), H being the SHA3-512 hex of delimiter +
   password for each of nine fixed delimiters, concatenated. The session is then signed in
   for 30 days of use. Five wrong passwords in a row make the next attempts need a CAPTCHA.
3. ``GET Core/Passport/Enter/Jwt/JwtToken.json`` gives a signed-in user a bearer JWT (an hour).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import string
from typing import Any

from app.sandbox.wellnessliving.calls import Call, Env
from app.sandbox.wellnessliving.errors import (
    CAPTCHA,
    LOGIN_FAILED,
    NOTEPAD_CREATE,
    REGION,
    USER_OUT,
    WlError,
)

DELIMITERS = (
    "r",
    "4S",
    "zqX",
    "zqiOK",
    "TLVS75V",
    "Ue5aLaIIG75",
    "uODJYM2JsCX4G",
    "kt58wZfHHGQkHW4QN",
    "Lh9Fl5989crMU4E7P6E",
)
SESSION_DAYS = 30
SESSION_MS = SESSION_DAYS * 86_400_000
JWT_MS = 3_600_000
CAPTCHA_AFTER = 5
_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int = 32) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def expected_password(password: str, notepad: str) -> str:
    inner = hashlib.sha3_512("".join(d + password for d in DELIMITERS).encode()).hexdigest()
    return hashlib.sha3_512((notepad + inner).encode()).hexdigest()


def find_session(env: Env, call: Call) -> None:
    """Attach the request's session (by the host's cookies) to the call, if it is alive."""
    transient = call.request.cookies.get(call.host.transient_cookie, "")
    if not transient:
        return
    with env.state.tx() as conn:
        row = conn.execute(
            "SELECT uid, used_ms FROM sessions WHERE transient = ? AND host = ?",
            (transient, call.host.name),
        ).fetchone()
        if row is None:
            return
        now = env.now_ms()
        if now - row["used_ms"] > SESSION_MS:
            conn.execute("DELETE FROM sessions WHERE transient = ?", (transient,))
            return
        conn.execute("UPDATE sessions SET used_ms = ? WHERE transient = ?", (now, transient))
    call.session = transient
    call.uid = row["uid"]


def _start_session(conn: sqlite3.Connection, env: Env, call: Call) -> str:
    persistent, transient = random_token(), random_token()
    conn.execute(
        "INSERT INTO sessions (transient, persistent, host, used_ms) VALUES (?, ?, ?, ?)",
        (transient, persistent, call.host.name, env.now_ms()),
    )
    call.set_cookies[call.host.persistent_cookie] = persistent
    call.set_cookies[call.host.transient_cookie] = transient
    call.session = transient
    return transient


def notepad(env: Env, call: Call) -> dict[str, Any]:
    value = random_token(16)
    login = call.var("s_login").strip().lower()
    with env.state.tx() as conn:
        session = call.session or _start_session(conn, env, call)
        conn.execute("UPDATE sessions SET notepad = ? WHERE transient = ?", (value, session))
        answer: dict[str, Any] = {"s_hash": "sha3", "s_notepad": value}
        if login:
            row = conn.execute(
                "SELECT b.region FROM staff s JOIN businesses b USING (k_business)"
                " WHERE s.login = ?",
                (login,),
            ).fetchone()
            if row is not None:
                answer["id_region"] = row["region"]
    return answer


def enter(env: Env, call: Call) -> dict[str, Any]:
    login = call.var("s_login").strip().lower()
    given_notepad = call.var("s_notepad")
    # The notepad is used up and failures are counted even when the sign-in is refused, so
    # the error is raised after the transaction is committed.
    with env.state.tx() as conn:
        error = _enter(conn, call, login, given_notepad)
    if error is not None:
        raise error
    return {"url_redirect": ""}


def _enter(conn: sqlite3.Connection, call: Call, login: str, given: str) -> WlError | None:
    session = conn.execute(
        "SELECT notepad FROM sessions WHERE transient = ?", (call.session or "",)
    ).fetchone()
    if session is None or not session["notepad"] or session["notepad"] != given:
        if session is not None:
            conn.execute("UPDATE sessions SET notepad = '' WHERE transient = ?", (call.session,))
        return WlError(
            NOTEPAD_CREATE, "The sign-in form has expired. Please try again.", "s_notepad"
        )
    conn.execute("UPDATE sessions SET notepad = '' WHERE transient = ?", (call.session,))
    staff = conn.execute(
        "SELECT s.uid, s.password, s.failures, b.region, b.staging FROM staff s"
        " JOIN businesses b USING (k_business) WHERE s.login = ?",
        (login,),
    ).fetchone()
    if staff is None or bool(staff["staging"]) != call.host.staging:
        return WlError(LOGIN_FAILED, "Incorrect email or password.", "s_login")
    if staff["failures"] >= CAPTCHA_AFTER and not call.var("s_captcha").strip():
        return WlError(CAPTCHA, "Too many failed attempts. Please enter the CAPTCHA.", "s_captcha")
    if call.var("s_password") != expected_password(staff["password"], given):
        conn.execute("UPDATE staff SET failures = failures + 1 WHERE uid = ?", (staff["uid"],))
        return WlError(LOGIN_FAILED, "Incorrect email or password.", "s_password")
    if staff["region"] != call.host.region:
        return WlError(REGION, "This account is served by another data center.")
    conn.execute("UPDATE staff SET failures = 0 WHERE uid = ?", (staff["uid"],))
    conn.execute("UPDATE sessions SET uid = ? WHERE transient = ?", (staff["uid"], call.session))
    call.uid = staff["uid"]
    return None


def jwt_token(env: Env, call: Call) -> dict[str, Any]:
    if call.uid is None:
        raise WlError(USER_OUT, "Please sign in to continue.")
    token = f"{random_token(20)}.{random_token(40)}.{random_token(43)}"
    with env.state.tx() as conn:
        conn.execute(
            "INSERT INTO jwt (token, uid, app_id, expires_ms) VALUES (?, ?, ?, ?)",
            (token, call.uid, call.app_id, env.now_ms() + JWT_MS),
        )
    return {"s_token": token}


def bearer_user(env: Env, token: str) -> tuple[str, str] | None:
    """``(uid, app id)`` of a live JWT, or None."""
    with env.state.tx() as conn:
        row = conn.execute(
            "SELECT uid, app_id, expires_ms FROM jwt WHERE token = ?", (token,)
        ).fetchone()
    if row is None or row["expires_ms"] < env.now_ms():
        return None
    return row["uid"], row["app_id"]
