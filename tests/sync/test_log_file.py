"""The log file: a sandbox sync's phases, counts and retries are there; no secret ever is."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest
import requests

from app.cli import EXIT_OK
from app.connectors.http import ApiSession
from app.sandbox.samples import SAMPLE_PROFILE_NAME
from app.sync import log_file
from app.sync.log_file import LOG_NAME, PrivateRotatingFileHandler, RedactingFilter

API_KEY = "k3y-4b5c6d7e8f9a0b1c2d3e"
CLIENT_SECRET = "cs-Zq8wX1vB7nM3kL0pR5tY"
EMAIL_BODY = "<p>Dear Zoë, your secret discount code is BAKE50</p>"


def log_text(home: Path) -> str:
    folder = home / "logs"
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob(LOG_NAME + "*")))


def test_a_sandbox_sync_logs_phases_counts_and_retries_but_no_secret(
    cli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens: set[str] = set()
    failed: list[str] = []
    original = ApiSession._send
    chatty = logging.getLogger("app.connectors.http")

    def send(self, method, url, auth, params, json_body, extra=None):  # type: ignore[no-untyped-def]
        token = auth.secrets()[0] if auth is not None else ""  # the bearer token it carries
        tokens.add(token)
        # Code that logs too much: the header, a keyed URL, the client secret, the bare token.
        chatty.info("sending %s %s?api_key=%s", method, url, API_KEY)
        chatty.info("headers %s", {"Authorization": f"Bearer {token}", "Accept": "*/*"})
        chatty.info("Authorization: Bearer %s", token)
        chatty.info("refreshing with client_secret=%s&grant_type=refresh_token", CLIENT_SECRET)
        chatty.info(
            'token json {"access_token": "%s", "client_secret": "%s"}', token, CLIENT_SECRET
        )
        chatty.info("the token is %s", token)
        chatty.info("campaign %s", json.dumps({"html_content": EMAIL_BODY, "name": "June"}))
        if method == "GET" and not failed:  # one dropped connection, retried
            failed.append(url)
            try:
                raise requests.ConnectionError(f"reset while sending Bearer {token}")
            except requests.ConnectionError:
                chatty.exception("connection dropped")
                raise
        return original(self, method, url, auth, params, json_body, extra)

    monkeypatch.setattr(ApiSession, "_send", send)

    code, _out, err = cli("sync", SAMPLE_PROFILE_NAME)

    assert code == EXIT_OK, err
    text = log_text(home)
    for phase in ("Preparing", "Reading Constant Contact", "Planning", "Finishing"):
        assert f"phase {phase}" in text
    assert "ended completed" in text
    assert "'created': 238" in text and "'total': 246" in text
    assert "ConnectionError, retry 1" in text
    assert "connection dropped" in text  # the error is logged, its secret is not
    tokens.discard("")
    assert tokens, "the run sent no signed-in request"
    for secret in (*tokens, API_KEY, CLIENT_SECRET, EMAIL_BODY, "BAKE50", "Dear Zo"):
        assert secret not in text, secret
        assert secret not in err, secret
    assert "api_key=***" in text and "Authorization: ***" in text


@pytest.mark.skipif(os.name != "posix", reason="Windows has no file modes")
def test_rotated_logs_stay_private(tmp_path: Path) -> None:
    handler = PrivateRotatingFileHandler(tmp_path / LOG_NAME, maxBytes=200, backupCount=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "x" * 150, None, None)
    try:
        for _ in range(4):
            handler.emit(record)
    finally:
        handler.close()
    files = sorted(tmp_path.glob(LOG_NAME + "*"))
    assert len(files) == 3
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


def test_the_filter_redacts_arguments_and_tracebacks() -> None:
    try:
        raise ValueError("refused: access_token=abcDEF123456")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "app.x", logging.ERROR, __file__, 1, "GET %s", ("/v3?api_key=SEKRET99",), exc_info
    )
    assert RedactingFilter().filter(record)
    shown = logging.Formatter().format(record)
    assert "SEKRET99" not in shown and "abcDEF123456" not in shown
    assert "GET /v3?api_key=***" in shown and "ValueError" in shown


def test_the_log_goes_to_the_data_home_and_is_replaced_per_home(tmp_path: Path) -> None:
    first = log_file.install(tmp_path / "a")
    try:
        logging.getLogger("app.test").info("to a")
        second = log_file.install(tmp_path / "b")
        logging.getLogger("app.test").info("to b")
        assert log_file.current_folder() == tmp_path / "b" / "logs"
    finally:
        log_file.uninstall()
    assert first == tmp_path / "a" / "logs" / LOG_NAME
    assert "to a" in first.read_text() and "to b" not in first.read_text()
    assert "to b" in second.read_text()
