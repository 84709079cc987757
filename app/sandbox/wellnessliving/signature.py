"""Checking the signed ``Authorization`` header every WellnessLiving request carries.

``Authorization: 20150518,{application id},{signed header names},{signature}``. The live
service accepts the header list empty and the signature bare; wl-sdk sends a ``;``-joined
header list and appends ``.1.{check}.{php}.{sdk}`` to the signature, which is accepted too
(the suffix is ignored). The signature is the SHA-256 hex of these lines joined by ``\\n``:

    Core\\Request\\Api::20150518
    the request time, YYYY-MM-DD HH:MM:SS (GMT), from X-Signature-Date or Date
    the application's secret
    the host
    the application id
    the METHOD
    the resource: the path without its leading slash
    the persistent session cookie ("" when absent)
    the transient session cookie ("" when absent)
    name=value for every query and form variable, names lower-cased, sorted by name
    name:value for each signed header, lower-cased names, sorted

The request time is not compared with the clock: the sandbox's clock may be moved by tests.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from werkzeug.wrappers import Request

from app.sandbox.wellnessliving.errors import SIGNATURE, WlError
from app.sandbox.wellnessliving.hosts import Host

SCHEME = "20150518"
FIRST_LINE = "Core\\Request\\Api::20150518"


@dataclass(frozen=True)
class SignedHeader:
    """The parts of an ``Authorization: 20150518,...`` header."""

    app_id: str
    header_names: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> SignedHeader | None:
    """The signed header's parts, or None when the header is not in that scheme."""
    parts = value.strip().split(",")
    if len(parts) != 4 or parts[0] != SCHEME or not parts[1]:
        return None
    names = tuple(n.strip().lower() for n in parts[2].split(";") if n.strip())
    return SignedHeader(parts[1], names, parts[3].split(".", 1)[0].strip().lower())


def request_time(request: Request) -> str:
    raw = request.headers.get("X-Signature-Date") or request.headers.get("Date") or ""
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        raise WlError(
            SIGNATURE, "The request has no valid date: send it in the Date header."
        ) from None
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def variables(request: Request) -> dict[str, str]:
    """Query and form variables together, names lower-cased (the last value of a repeat)."""
    found: dict[str, str] = {}
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            found[name.lower()] = value
    return found


def expected_signature(
    request: Request, host: Host, app_id: str, secret: str, header_names: tuple[str, ...]
) -> str:
    lines = [
        FIRST_LINE,
        request_time(request),
        secret,
        request.host,
        app_id,
        request.method.upper(),
        request.path.lstrip("/"),
        request.cookies.get(host.persistent_cookie, ""),
        request.cookies.get(host.transient_cookie, ""),
    ]
    lines += [f"{name}={value}" for name, value in sorted(variables(request).items())]
    lines += [f"{n}:{request.headers.get(n, '').strip()}" for n in sorted(header_names)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def check_signature(request: Request, host: Host, signed: SignedHeader, secret: str) -> None:
    """Raise unless the signature matches the one the application's secret gives."""
    want = expected_signature(request, host, signed.app_id, secret, signed.header_names)
    if not hmac.compare_digest(want, signed.signature):
        raise WlError(
            SIGNATURE,
            "The signature of the request is not valid. Check the application's "
            "authorization code.",
        )
