"""app.core.redaction: secrets out of text, ordinary words left alone."""

from __future__ import annotations

import pytest

from app.core.redaction import redact, remember


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer eyJhbGciOi.J9.abc", "eyJhbGciOi.J9.abc"),
        ("{'Authorization': 'Bearer tok-123'}", "tok-123"),
        ("authorization=Basic Zm9vOmJhcg==", "Zm9vOmJhcg=="),
        ("GET /v3/contacts?limit=50&api_key=AK-998877&x=1", "AK-998877"),
        ("x-api-key: 0123abcd", "0123abcd"),
        ('{"client_secret": "CS-42-xyz"}', "CS-42-xyz"),
        ("grant_type=refresh_token&refresh_token=RT-1&client_secret=CS-2", "CS-2"),
        ("grant_type=refresh_token&refresh_token=RT-1&client_secret=CS-2", "RT-1"),
        ("redirect?code=AUTHCODE77&state=s", "AUTHCODE77"),
        ('{"html_content": "<p>Hi \\"Ann\\", 20% off</p>", "name": "June"}', "20% off"),
        ("password: hunter2!", "hunter2!"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert "***" in out


def test_ordinary_text_is_kept() -> None:
    text = "run 3 of 'Newsletter': phase Planning; HTTP error code 500; state=ok"
    assert redact(text) == text
    assert "name" in redact('{"html_content": "x", "name": "June"}')


def test_a_remembered_value_is_masked_on_its_own() -> None:
    remember("pl41n-t0ken-value", "short")
    assert redact("the token is pl41n-t0ken-value.") == "the token is ***."
    assert redact("a short word") == "a short word"  # too short to remember
