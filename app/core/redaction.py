"""Taking secrets out of text before it is kept or shown: logs, error details, bodies.

Patterns catch what looks like a secret wherever it appears (a bearer token, an
``Authorization`` header, ``access_token=``, ``"client_secret": ...``, an ``api_key``
query, an email's body); ``remember`` adds exact values (tokens read from the keyring),
so a token logged on its own is caught too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

MASK = "***"
MIN_REMEMBERED = 8  # shorter values are too likely to be ordinary words

_KEYS = (
    r"access_token|refresh_token|id_token|code_verifier|device_code|client_secret"
    r"|api[_-]?key|apikey|x-api-key|password|passwd|secret|token"
)
_BODY_KEYS = r"html_content|text_content|email_body|body_html|body_text|letter_format"

SECRET_PATTERNS = (
    re.compile(r"(?i)(\bauthorization\b[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic)\s+)?[^\s\"',}]+"),
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)[^\s\"',]+"),
    re.compile(rf"(?i)(\"(?:{_BODY_KEYS})\"\s*:\s*)\"(?:[^\"\\]|\\.)*\""),
    re.compile(rf"(?i)(\b(?:{_BODY_KEYS})\s*=\s*)[^\r\n&]+"),
    re.compile(r"(?i)(\bcode=|\"code\"\s*:\s*\")[^\s\"'&,}]+"),  # an OAuth code
    re.compile(rf"(?i)(\"?\b(?:{_KEYS})\b\"?\s*[:=]\s*\"?)[^\s\"'&,}}]+"),
)

_known: set[str] = set()
_known_lock = threading.Lock()


def remember(*secrets: str | None) -> None:
    """Redact these exact values from now on (tokens, keys, client secrets)."""
    with _known_lock:
        _known.update(s for s in secrets if isinstance(s, str) and len(s) >= MIN_REMEMBERED)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with secrets (found by pattern, remembered or given) replaced by ``***``."""
    with _known_lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in (*secrets, *known):
        if secret and secret in text:
            text = text.replace(secret, MASK)
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(rf"\1{MASK}", text)
    return text
