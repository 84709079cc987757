"""WellnessLiving's request signature and password hash.

Every request carries ``Authorization: 20150518,{application id},,{signature}``: the bare
form the live service accepts (wl-sdk adds a signed-header list and a suffix; neither is
needed). The signature is the SHA-256 hex of these lines joined with ``\\n``: the scheme
line, the request time (GMT, also sent as ``Date``), the application's secret, the host, the
application id, the method, the resource (no leading slash), the persistent and transient
session cookies (empty before a session exists), then ``name=value`` for every query and
form variable, names lower-cased, sorted. Arrays are flattened PHP-style, ``a[k]=v``; ``True``
is sent as ``1``, ``False`` as an empty value, and ``None`` not at all, as wl-sdk does.

The password sent to ``Enter.json`` is never the password itself: it is the SHA3-512 hex of
the one-time notepad followed by H, H being the SHA3-512 hex of each of nine fixed delimiters
followed by the password, concatenated. Three independent clients agree on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

SCHEME = "20150518"
_FIRST_LINE = "Core\\Request\\Api::20150518"
_DELIMITERS = (
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


def password_hash(password: str, notepad: str) -> str:
    inner = "".join(d + password for d in _DELIMITERS)
    digest = hashlib.sha3_512(inner.encode("utf-8")).hexdigest()
    return hashlib.sha3_512((notepad + digest).encode("utf-8")).hexdigest()


def flatten(variables: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Request variables as the wire carries them: nested maps as ``a[k]``, True as "1",
    False as "", None dropped, lists indexed ``a[0]``."""
    flat: dict[str, str] = {}
    for name, value in variables.items():
        key = f"{prefix}[{name}]" if prefix else str(name)
        if value is None:
            continue
        if isinstance(value, Mapping):
            flat.update(flatten(value, key))
        elif isinstance(value, list | tuple):
            flat.update(flatten({str(i): v for i, v in enumerate(value)}, key))
        elif isinstance(value, bool):
            flat[key] = "1" if value else ""
        else:
            flat[key] = str(value)
    return flat


def signature(
    *,
    secret: str,
    app_id: str,
    host: str,
    method: str,
    resource: str,
    moment: datetime,
    persistent: str,
    transient: str,
    variables: Mapping[str, str],
) -> str:
    """The SHA-256 hex signature of one request (``moment`` in UTC)."""
    lines = [
        _FIRST_LINE,
        moment.strftime("%Y-%m-%d %H:%M:%S"),
        secret,
        host,
        app_id,
        method.upper(),
        resource.lstrip("/"),
        persistent,
        transient,
    ]
    lowered = {name.lower(): value for name, value in variables.items()}
    lines += [f"{name}={value}" for name, value in sorted(lowered.items())]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def authorization(app_id: str, signed: str) -> str:
    return f"{SCHEME},{app_id},,{signed}"
