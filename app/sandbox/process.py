"""Runs the sandbox's Constant Contact emulator in its own process, as the real service would be.

The emulator parses multi-megabyte imports and writes to SQLite; in its own process that work
never competes with the window for the interpreter lock. The child exits by itself if
ContactBridge dies, because it watches its parent's process id.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from app.core.errors import AppError

READY_TIMEOUT = 30.0


def serve_command(state_path: Path, *, enforce_limits: bool = True) -> list[str]:
    """The command line that starts ``sandbox serve`` in machine-readable mode."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the executable is the app
        head = [sys.executable]
    else:
        head = [sys.executable, "-m", "app"]
    args = [
        "sandbox",
        "serve",
        "--ready-json",
        "--parent-pid",
        str(os.getpid()),
        "--state",
        str(state_path),
    ]
    if not enforce_limits:
        args.append("--no-limits")
    return head + args


class EmulatorProcess:
    """A running ``sandbox serve`` child: its URLs, its request counts, and stop()."""

    def __init__(self, state_path: Path, *, enforce_limits: bool = True) -> None:
        self.state_path = state_path
        self.enforce_limits = enforce_limits
        self._proc: subprocess.Popen[str] | None = None
        self.api_url = self.auth_url = self.base_url = ""

    def start(self) -> EmulatorProcess:
        env = dict(os.environ)
        env.pop("CONTACTBRIDGE_CC_API_URL", None)
        env.pop("CONTACTBRIDGE_CC_AUTH_URL", None)
        self._proc = subprocess.Popen(
            serve_command(self.state_path, enforce_limits=self.enforce_limits),
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        try:
            ready = json.loads(line)
        except ValueError:
            self.stop()
            raise AppError(
                "The sandbox could not start its Constant Contact emulator.",
                details=line or f"exit code {self._proc.returncode if self._proc else '?'}",
            ) from None
        self.api_url, self.auth_url = ready["api_url"], ready["auth_url"]
        self.base_url = ready["base_url"]
        return self

    def request_counts(self) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.base_url}/__emulator/counts", timeout=10) as r:
            return dict(json.loads(r.read()))

    def reset_counts(self) -> None:
        req = urllib.request.Request(
            f"{self.base_url}/__emulator/counts/reset",
            data=b"{}",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdout is not None:
            proc.stdout.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
