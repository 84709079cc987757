"""The window, in sandbox mode pointed at an emulator that does not answer: a message that
names the URL and its variable, not a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from PySide6.QtWidgets import QMessageBox

import app.application as application


def test_the_app_says_which_emulator_url_does_not_answer(
    qtbot, qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api, auth = f"http://127.0.0.1:{port}/v3", f"http://127.0.0.1:{port}/oauth"
    monkeypatch.setenv("CONTACTBRIDGE_CC_API_URL", api)
    monkeypatch.setenv("CONTACTBRIDGE_CC_AUTH_URL", auth)
    monkeypatch.setattr(application, "create_application", lambda argv=None: qapp)
    shown: list[tuple[str, str]] = []

    def exec_(box: QMessageBox) -> int:  # record the dialog instead of waiting for a click
        shown.append((box.windowTitle(), box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)

    code = application.run(sandbox=True, home=tmp_path / "home")

    assert code == 1
    [(title, text)] = shown
    assert title == "Could not reach the service"
    assert f"CONTACTBRIDGE_CC_API_URL={api}" in text
    assert f"CONTACTBRIDGE_CC_AUTH_URL={auth}" in text
    assert "python main.py sandbox serve" in text
