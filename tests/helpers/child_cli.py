"""The command line in a child process, for the tests that kill it outright (kill -9).

The test owns the emulators, so they outlive the child and finish what they had accepted, as
the real services would; the next command, in a new child, must finish the same run from its
checkpoint. Waits poll a condition (every 0.02 s), never a guessed duration.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.sandbox.constant_contact import ConstantContactEmulator
from app.sync.bootstrap import open_service
from app.sync.service import ContactBridgeService

ROOT = Path(__file__).resolve().parents[2]
OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


def child_env(home: Path, cc: ConstantContactEmulator, **more: str) -> dict[str, str]:
    """This process's environment with the child's data folder and the Constant Contact
    emulator, and ``more`` variables (another service's emulator, say)."""
    return dict(
        os.environ,
        CONTACTBRIDGE_HOME=str(home),
        CONTACTBRIDGE_CC_API_URL=cc.api_url,
        CONTACTBRIDGE_CC_AUTH_URL=cc.auth_url,
        **more,
    )


def cli_process(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``main.py --sandbox ARGS`` started in a child, run from the project's root."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--sandbox", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_until(
    condition: Callable[[], bool],
    timeout: float,
    proc: subprocess.Popen[str] | None = None,
    what: str = "the condition",
) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds, or at once if the
    child ``proc`` (when given) ended first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the child ended before {what}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)  # polling a condition, not waiting for a guessed duration


def kill(proc: subprocess.Popen[str]) -> None:
    """Kill the child outright (a power cut, kill -9) and check that is how it ended."""
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@contextmanager
def child(env: dict[str, str], *args: str) -> Iterator[subprocess.Popen[str]]:
    """The child running ``main.py --sandbox ARGS``; dead once the block ends, however it
    ends, so a failing test leaves no process behind."""
    proc = cli_process(env, *args)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def finish(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run the command again to its end: it succeeds, answers JSON, and its counts add up
    (every record is exactly one of the outcomes)."""
    again = cli_process(env, *args)
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0, f"{out}\n{err}"
    data: dict[str, Any] = json.loads(out)
    counts = data["counts"]
    assert sum(counts[k] for k in OUTCOMES) == counts["total"], counts
    return data


@contextmanager
def child_sandbox(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> Iterator[ContactBridgeService]:
    """The service opened in this process on the child's data folder (``home``), with the
    child's ``CONTACTBRIDGE_*`` environment: to set up what the child will find, or read
    what it left."""
    for key, value in env.items():
        if key.startswith("CONTACTBRIDGE_"):
            monkeypatch.setenv(key, value)
    handle = open_service(sandbox=True, home=home, enforce_limits=False)
    try:
        yield handle.service
    finally:
        handle.close()
